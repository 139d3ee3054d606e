"""List source: a list's operator-typed source kept only sealed.

``0008_privacy`` sealed each list's source and file name into ``source_lists.sealed_meta``
but left ``source`` in clear beside it, and by default the source is the file name
without its extension (``Коваленко Олександр.csv`` puts a person's name in clear). This
revision empties the clear ``source`` of every row that has a sealed value, sealing first
(with the data key, as 0008 does) any row that has none. The schema is unchanged. The
data key is handed over by :func:`parley.store.migrate.upgrade`; only a database with
rows still to seal needs it.

Revision ID: 0009_list_source
Revises: 0008_privacy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from parley.errors import ConfigError
from parley.store.crypto import RecordCipher
from parley.store.sealed_text import open_list_meta, seal_list_meta

revision = "0009_list_source"
down_revision = "0008_privacy"
branch_labels = None
depends_on = None

_lists = sa.table("source_lists", sa.column("id", sa.String), sa.column("source", sa.String),
                  sa.column("file_name", sa.String), sa.column("sealed_meta", sa.LargeBinary))


def _cipher(conn: sa.Connection, *, needed: sa.ColumnElement[bool], what: str
            ) -> RecordCipher | None:
    cipher = context.config.attributes.get("cipher")
    if cipher is None and conn.execute(sa.select(_lists.c.id).where(needed).limit(1)).first():
        raise ConfigError(f"migration 0009_list_source {what} with the data key, which was "
                          "not found (PARLEY_KEY_DIR)")
    return cipher if isinstance(cipher, RecordCipher) else None


def upgrade() -> None:
    conn = op.get_bind()
    unsealed = _lists.c.sealed_meta.is_(None)
    cipher = _cipher(conn, needed=unsealed, what="seals list names")
    if cipher is not None:
        for row in conn.execute(sa.select(_lists).where(unsealed)).all():
            conn.execute(_lists.update().where(_lists.c.id == row.id).values(
                sealed_meta=seal_list_meta(cipher, row.id, source=row.source,
                                           file_name=row.file_name), file_name=""))
    conn.execute(_lists.update().where(_lists.c.sealed_meta.is_not(None),
                                       _lists.c.source != "").values(source=""))


def downgrade() -> None:
    conn = op.get_bind()
    sealed = _lists.c.sealed_meta.is_not(None)
    cipher = _cipher(conn, needed=sealed, what="puts list sources back in clear")
    if cipher is None:
        return
    for row in conn.execute(sa.select(_lists).where(sealed)).all():
        source, _ = open_list_meta(cipher, row.id, row.sealed_meta)
        conn.execute(_lists.update().where(_lists.c.id == row.id).values(source=source))
