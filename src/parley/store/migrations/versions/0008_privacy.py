"""Privacy: operator-typed text sealed like records (list file names and sources, erasure
reasons).

Adds ``source_lists.sealed_meta`` and ``erasure_log.sealed_reason`` and seals the existing
rows' text into them with the data key, emptying the clear ``file_name`` and ``reason``
(``source`` stays in clear beside its sealed copy for readers that still use it). The
data key is handed over by :func:`parley.store.migrate.upgrade`; a database with rows to
seal is refused without it.

Revision ID: 0008_privacy
Revises: 0007_reliability
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from parley.errors import ConfigError
from parley.store.crypto import RecordCipher
from parley.store.sealed_text import (
    open_erasure_reason,
    open_list_meta,
    seal_erasure_reason,
    seal_list_meta,
)

revision = "0008_privacy"
down_revision = "0007_reliability"
branch_labels = None
depends_on = None

_lists = sa.table("source_lists", sa.column("id", sa.String), sa.column("source", sa.String),
                  sa.column("file_name", sa.String), sa.column("sealed_meta", sa.LargeBinary))
_erasures = sa.table("erasure_log", sa.column("id", sa.String), sa.column("reason", sa.Text),
                     sa.column("sealed_reason", sa.LargeBinary))


def _cipher(conn: sa.Connection) -> RecordCipher | None:
    cipher = context.config.attributes.get("cipher")
    if cipher is None and (conn.execute(sa.select(_lists.c.id).limit(1)).first()
                           or conn.execute(sa.select(_erasures.c.id).limit(1)).first()):
        raise ConfigError("migration 0008_privacy seals list names and erasure reasons "
                          "with the data key, which was not found (PARLEY_KEY_DIR)")
    return cipher if isinstance(cipher, RecordCipher) else None


def upgrade() -> None:
    op.add_column("source_lists", sa.Column("sealed_meta", sa.LargeBinary, nullable=True))
    op.add_column("erasure_log", sa.Column("sealed_reason", sa.LargeBinary, nullable=True))
    conn = op.get_bind()
    cipher = _cipher(conn)
    if cipher is None:
        return
    for row in conn.execute(sa.select(_lists).where(_lists.c.sealed_meta.is_(None))).all():
        conn.execute(_lists.update().where(_lists.c.id == row.id).values(
            sealed_meta=seal_list_meta(cipher, row.id, source=row.source,
                                       file_name=row.file_name), file_name=""))
    for row in conn.execute(sa.select(_erasures)
                            .where(_erasures.c.sealed_reason.is_(None))).all():
        conn.execute(_erasures.update().where(_erasures.c.id == row.id).values(
            sealed_reason=seal_erasure_reason(cipher, row.id, row.reason), reason=""))


def downgrade() -> None:
    conn = op.get_bind()
    cipher = _cipher(conn)
    if cipher is not None:
        for row in conn.execute(sa.select(_lists).where(_lists.c.sealed_meta.is_not(None))
                                ).all():
            _, file_name = open_list_meta(cipher, row.id, row.sealed_meta)
            conn.execute(_lists.update().where(_lists.c.id == row.id)
                         .values(file_name=file_name))
        for row in conn.execute(sa.select(_erasures)
                                .where(_erasures.c.sealed_reason.is_not(None))).all():
            conn.execute(_erasures.update().where(_erasures.c.id == row.id)
                         .values(reason=open_erasure_reason(cipher, row)))
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch copy of source_lists would
    # trip the foreign keys that point at it.
    op.drop_column("erasure_log", "sealed_reason")
    op.drop_column("source_lists", "sealed_meta")
