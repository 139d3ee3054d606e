"""SQLAlchemy Core tables: the event log and the projections built from it.

The migrations in ``migrations/versions`` create exactly these; a test compares the
migrated schema with this metadata on both SQLite and PostgreSQL. Identifiers of things
a client may name (lists, records, persons) are random UUIDs, never sequence numbers,
so they cannot be guessed.

Areas add their tables in their own section below and in their own migration.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# --- the ledger -----------------------------------------------------------------------

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("type", String(64), nullable=False, index=True),
    Column("actor", String(64), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    # UNIQUE(prev_hash) makes a fork impossible even if a lock were ever missed.
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column("signature", String(128), nullable=False),
)

chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# --- organisation ---------------------------------------------------------------------

parties = Table(
    "parties",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)

actors = Table(
    "actors",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("party_code", String(16), ForeignKey("parties.code"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)

# --- lists and records ----------------------------------------------------------------

source_lists = Table(
    "source_lists",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("party_code", String(16), ForeignKey("parties.code"), nullable=True),
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("sheet", String(200), nullable=False, default=""),
    Column("rows", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("imported_by", String(64), ForeignKey("actors.id"), nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    UniqueConstraint("file_sha256", "sheet", name="uq_source_lists_content"),
)

source_records = Table(
    "source_records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("list_id", String(36), ForeignKey("source_lists.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("record_id", String(200), nullable=False),
    # The personal data: AES-GCM sealed canonical JSON of the record (see store.crypto).
    Column("sealed", LargeBinary, nullable=True),
    # 32 random bytes; with ``sealed`` it opens ``commitment``. Both are deleted on erasure.
    Column("salt", LargeBinary, nullable=True),
    Column("commitment", String(64), nullable=False, index=True),
    Column("erased_at", String(32), nullable=True),
    UniqueConstraint("list_id", "row_number", name="uq_source_records_row"),
)

persons = Table(
    "persons",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_seq", BigInteger, nullable=False),
)

record_links = Table(
    "record_links",
    metadata,
    Column("record_id", String(36), ForeignKey("source_records.id"), primary_key=True),
    Column("person_id", String(36), ForeignKey("persons.id"), nullable=False, index=True),
    Column("method", String(16), nullable=False),
    Column("probability", Float, nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)
