"""SQLAlchemy Core tables: the event log and the projections built from it.

The migrations in ``migrations/versions`` create exactly these; a test compares the
migrated schema with this metadata on both SQLite and PostgreSQL. Identifiers of things
a client may name (lists, records, persons) are random UUIDs, never sequence numbers,
so they cannot be guessed.

Areas add their tables in their own section below and in their own migration.

Columns that hold one of a closed set of words (a kind, a state, a role: the types of
``parley.domain.vocabulary``) carry a CHECK constraint built from that type
(``0012_vocabulary``), so the database refuses any other word, and directions must
read ``SENDING->RECEIVING``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
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
    column,
)

from parley.domain.vocabulary import (
    USER_ROLES,
    Check,
    CheckOutcome,
    DiscrepancyKind,
    DiscrepancyStatus,
    HandoverRole,
    ListKind,
    PartyKind,
    PublicationDecision,
    QuarantineStatus,
    Resolution,
    ReviewStatus,
    Role,
    StagePersonOrigin,
    StagePersonState,
    StageStatus,
    Verdict,
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



def one_of(name: str, values: Iterable[str]) -> CheckConstraint:
    """CHECK that column ``name`` holds one of ``values`` (named ``ck_<table>_<name>``)."""
    return CheckConstraint(column(name, String).in_([str(v) for v in values]), name=name)


def a_direction(name: str = "direction") -> CheckConstraint:
    """CHECK that column ``name`` reads like a Direction (``SENDING->RECEIVING``)."""
    return CheckConstraint(column(name, String).like("_%->_%"), name=name)


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
    # Format v2 (parley.ledger.chain): the statement's key id, when it happened and the
    # hash of its payload; NULL in events recorded in format v1.
    Column("version", Integer, nullable=False, server_default="1"),
    Column("key_id", String(16), nullable=True),
    Column("occurred_at", String(32), nullable=True),
    Column("payload_hash", String(64), nullable=True),
)

# Every key registered in the chain and its life (parley.ledger.keys): the hub checks each
# signed statement against it; rebuilt from actor.registered and key.* events.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("actor", String(64), nullable=False, index=True),
    Column("party_code", String(16), nullable=False),
    Column("public_key", String(64), nullable=False, unique=True),
    Column("added_seq", BigInteger, nullable=False),
    Column("revoked_seq", BigInteger, nullable=True),
    Column("revoked_from", String(32), nullable=True),
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
    one_of("kind", PartyKind),
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
    # Empty since 0009_list_source: the source is in ``sealed_meta`` (by default it is the
    # file name).
    Column("source", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("party_code", String(16), ForeignKey("parties.code"), nullable=True),
    # Empty since 0008_privacy: the file name is in ``sealed_meta`` (a file can be named
    # after a person).
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("sheet", String(200), nullable=False, default=""),
    Column("rows", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("imported_by", String(64), ForeignKey("actors.id"), nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    # Operator-typed text, sealed like records under "source_lists:<id>": {"source",
    # "file_name"} (0008_privacy); readers open it once per list with
    # :class:`parley.store.sealed_text.ListSources`.
    Column("sealed_meta", LargeBinary, nullable=True),
    UniqueConstraint("file_sha256", "sheet", name="uq_source_lists_content"),
    one_of("kind", ListKind),
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

# --- ingest: how each list was read, quarantined rows ---------------------------------

# One row per imported file: format, encoding, delimiter, header row and the column
# mapping. The layout (headers can hold anything) is sealed like records, under list_id.
list_imports = Table(
    "list_imports",
    metadata,
    Column("list_id", String(36), ForeignKey("source_lists.id"), primary_key=True),
    Column("file_format", String(8), nullable=False),
    Column("encoding", String(32), nullable=False),
    Column("delimiter", String(4), nullable=False),
    Column("header_row", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("file_size", BigInteger, nullable=False),
    Column("sealed_layout", LargeBinary, nullable=False),
)

# Data rows that were not accepted: their cells and problems sealed (personal data),
# the problem codes in clear for counting. ``status`` is ``open`` until the row is
# corrected or re-validated and released into its list as ``record_id``.
quarantined_rows = Table(
    "quarantined_rows",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("list_id", String(36), ForeignKey("source_lists.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("codes", String(200), nullable=False),
    Column("sealed", LargeBinary, nullable=True),
    Column("status", String(16), nullable=False),
    Column("record_id", String(36), ForeignKey("source_records.id"), nullable=True),
    Column("updated_by", String(64), ForeignKey("actors.id"), nullable=True),
    Column("updated_at", String(32), nullable=True),
    Column("event_seq", BigInteger, nullable=True),
    Column("erased_at", String(32), nullable=True),
    UniqueConstraint("list_id", "row_number", name="uq_quarantined_rows_row"),
    one_of("status", QuarantineStatus),
)

# --- linkage: saved models, the review queue, reviewers' decisions, merged persons -----

# A trained match model: its parameters in clear (m and u per comparison level: no
# personal data), the term frequencies of name keys sealed (they name surnames), the
# hash of the data it was trained on. The newest version is the one in use.
linkage_models = Table(
    "linkage_models",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False, unique=True),
    Column("method", String(16), nullable=False),
    Column("training_hash", String(64), nullable=False),
    Column("training_records", Integer, nullable=False),
    Column("parameters", Text, nullable=False),
    Column("sealed_tf", LargeBinary, nullable=True),
    Column("created_by", String(64), ForeignKey("actors.id"), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)

# Pairs of records a person must look at (record_a < record_b), with the evidence for
# and against as JSON (comparison, level, weight in bits; no personal data). ``status``:
# open, decided, or withdrawn (a later resolution no longer finds the pair uncertain):
# a ReviewStatus.
match_reviews = Table(
    "match_reviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("record_a", String(36), ForeignKey("source_records.id"), nullable=False,
           index=True),
    Column("record_b", String(36), ForeignKey("source_records.id"), nullable=False,
           index=True),
    Column("probability", Float, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("model_version", Integer, nullable=False),
    Column("queued_at", String(32), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    UniqueConstraint("record_a", "record_b", name="uq_match_reviews_pair"),
    one_of("status", ReviewStatus),
)

# The latest reviewer verdict on a pair (record_a < record_b): same or different. Every
# later resolution honours it (must-link / cannot-link); the ledger keeps the history.
match_decisions = Table(
    "match_decisions",
    metadata,
    Column("record_a", String(36), ForeignKey("source_records.id"), primary_key=True),
    Column("record_b", String(36), ForeignKey("source_records.id"), primary_key=True),
    Column("decision", String(16), nullable=False),
    Column("review_id", String(36), ForeignKey("match_reviews.id"), nullable=True),
    Column("decided_by", String(64), ForeignKey("actors.id"), nullable=False),
    Column("decided_at", String(32), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    one_of("decision", Verdict),
)

# A person whose records all went to another person (a merge) points at that person, so
# ids other areas hold keep working: follow ``merged_into`` to the current person.
person_redirects = Table(
    "person_redirects",
    metadata,
    Column("person_id", String(36), ForeignKey("persons.id"), primary_key=True),
    Column("merged_into", String(36), ForeignKey("persons.id"), nullable=False, index=True),
    Column("event_seq", BigInteger, nullable=False),
)

# --- service: users, tokens, sessions, idempotency, access log, inquiries -----------------

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    # intermediary or party; families reach Parley through an inquiry's tracking code.
    Column("role", String(16), nullable=False),
    Column("party_code", String(16), ForeignKey("parties.code"), nullable=False),
    # The actor whose key signs this user's writes.
    # NULL for a party's user until its node registers the actor (`parley node init`).
    Column("actor_id", String(64), ForeignKey("actors.id"), nullable=True),
    Column("display_name", String(200), nullable=False),
    # argon2id; NULL for a user who signs in with API tokens only.
    Column("password_hash", String(200), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("disabled_at", String(32), nullable=True),
    one_of("role", USER_ROLES),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id"), nullable=False, index=True),
    # HMAC-SHA-256 of the token under a key kept outside the database; never the token.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=True),
    Column("revoked_at", String(32), nullable=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    # A user's session, or a family's (scoped to one inquiry; user_id NULL).
    Column("user_id", String(36), ForeignKey("users.id"), nullable=True),
    Column("inquiry_id", String(36), ForeignKey("inquiries.id"), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("revoked_at", String(32), nullable=True),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    # Who sent the key (a user id, or "anonymous") and the key itself.
    Column("owner", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    # SHA-256 over method, path, query and body: the same key with another body is refused.
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("response", Text, nullable=True),
    Column("created_at", String(32), nullable=False),
)

access_log = Table(
    "access_log",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("at", String(32), nullable=False, index=True),
    Column("principal", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("object_kind", String(32), nullable=False),
    Column("object_id", String(64), nullable=False, index=True),
    Column("route", String(200), nullable=False),
    Column("detail", String(200), nullable=False),
    one_of("role", Role),
)

inquiries = Table(
    "inquiries",
    metadata,
    Column("id", String(36), primary_key=True),
    # Keyed hash of the tracking code a family was given; the code itself is not kept.
    Column("tracking_hash", String(64), nullable=False, unique=True),
    # The inquiry is recorded as a one-record list of kind "inquiry".
    Column("list_id", String(36), ForeignKey("source_lists.id"), nullable=False),
    Column("record_id", String(36), ForeignKey("source_records.id"), nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_at", String(32), nullable=False),
    # The inquirer's identity and relationship checked by an officer (the event that
    # records it, its actor and time); until then the inquiry releases nothing.
    Column("verified_seq", BigInteger, nullable=True),
    Column("verified_by", String(64), nullable=True),
    Column("verified_at", String(32), nullable=True),
    # A revoked inquiry's tracking code opens nothing, like a code never issued.
    Column("revoked_at", String(32), nullable=True),
)

# --- transparency: checkpoints, publication decisions, erasures -----------------------

checkpoints = Table(
    "checkpoints",
    metadata,
    # A checkpoint is named by the number of events it covers, as CT names tree heads.
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    # RFC 9162 root over the first tree_size event hashes, and the last of those hashes.
    Column("root", String(64), nullable=False),
    Column("head", String(64), nullable=False),
    Column("signed_at", String(32), nullable=False),
    Column("signer", String(64), ForeignKey("actors.id"), nullable=False),
    Column("signature", String(128), nullable=False),
)

publication_decisions = Table(
    "publication_decisions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("stage_id", String(36), nullable=False, index=True),
    # hold or release
    Column("decision", String(16), nullable=False),
    Column("until", String(32), nullable=True),
    Column("reason", Text, nullable=False),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("decided_at", String(32), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    one_of("decision", PublicationDecision),
)

erasure_log = Table(
    "erasure_log",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("records", Integer, nullable=False),
    # Empty since 0008_privacy: the reason (it may name who asked) is in ``sealed_reason``.
    Column("reason", Text, nullable=False),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("erased_at", String(32), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    Column("sealed_reason", LargeBinary, nullable=True),
)

# --- exchange: agreements, nominations, verification, stages, handover, remains -------

agreements = Table(
    "agreements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("reference", String(64), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("agreed_on", String(10), nullable=False),
    Column("place", String(200), nullable=False),
    Column("party_a", String(16), ForeignKey("parties.code"), nullable=False),
    Column("party_b", String(16), ForeignKey("parties.code"), nullable=False),
    Column("intermediary", String(16), ForeignKey("parties.code"), nullable=False),
    # The normalised terms as canonical JSON, and their SHA-256 (what every side signs).
    Column("terms", Text, nullable=False),
    Column("terms_hash", String(64), nullable=False),
    Column("recorded_by", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)

agreement_signatures = Table(
    "agreement_signatures",
    metadata,
    Column("agreement_id", String(36), ForeignKey("agreements.id"), primary_key=True),
    Column("party_code", String(16), ForeignKey("parties.code"), primary_key=True),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)

medical_certifications = Table(
    "medical_certifications",
    metadata,
    # The latest finding per person; the history is in the medical.certified events.
    Column("person_id", String(36), ForeignKey("persons.id"), primary_key=True),
    # "yes" (seriously wounded or sick) or "no".
    Column("finding", String(8), nullable=False),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)

nominations = Table(
    "nominations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("agreement_id", String(36), ForeignKey("agreements.id"), nullable=False),
    Column("person_id", String(36), ForeignKey("persons.id"), nullable=False, index=True),
    Column("sending", String(16), ForeignKey("parties.code"), nullable=False),
    Column("receiving", String(16), ForeignKey("parties.code"), nullable=False),
    # The source record that identifies the person for the exchange: its commitment is
    # the person's leaf in stage heads, its salt opens it in a family proof.
    Column("record_id", String(36), ForeignKey("source_records.id"), nullable=False),
    Column("commitment", String(64), nullable=False),
    Column("nominated_by", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    UniqueConstraint("agreement_id", "person_id", name="uq_nominations_person"),
)

verifications = Table(
    "verifications",
    metadata,
    Column("nomination_id", String(36), ForeignKey("nominations.id"), primary_key=True),
    # identity or eligibility (medical findings and interviews have their own tables).
    Column("kind", String(16), primary_key=True),
    Column("outcome", String(16), nullable=False),
    Column("category", String(32), nullable=True),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    one_of("kind", Check),
    one_of("outcome", CheckOutcome),
)

interviews = Table(
    "interviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("nomination_id", String(36), ForeignKey("nominations.id"), nullable=False,
           index=True),
    # The outcome, sealed with the data key: confidential to the intermediary.
    Column("sealed", LargeBinary, nullable=False),
    Column("salt", LargeBinary, nullable=False),
    Column("commitment", String(64), nullable=False),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)

stages = Table(
    "stages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("agreement_id", String(36), ForeignKey("agreements.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("stage_date", String(10), nullable=False),
    Column("capacity", Integer, nullable=False),
    # planned, then closed
    Column("status", String(16), nullable=False),
    Column("planned_by", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    Column("closed_seq", BigInteger, nullable=True),
    Column("closed_at", String(32), nullable=True),
    # Canonical JSON of totals[direction][category], once closed.
    Column("totals", Text, nullable=True),
    UniqueConstraint("agreement_id", "number", name="uq_stages_number"),
    one_of("status", StageStatus),
)

stage_persons = Table(
    "stage_persons",
    metadata,
    Column("stage_id", String(36), ForeignKey("stages.id"), primary_key=True),
    Column("person_id", String(36), ForeignKey("persons.id"), primary_key=True),
    Column("nomination_id", String(36), ForeignKey("nominations.id"), nullable=False),
    Column("direction", String(40), nullable=False),
    Column("category", String(32), nullable=False),
    Column("commitment", String(64), nullable=False),
    # planned (by the plan), carried (from an earlier stage), admitted (unlisted, agreed)
    Column("origin", String(16), nullable=False),
    # listed, withdrawn (off the list), carried (moved on to a later stage)
    Column("state", String(16), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    a_direction(),
    one_of("origin", StagePersonOrigin),
    one_of("state", StagePersonState),
)

plan_exclusions = Table(
    "plan_exclusions",
    metadata,
    Column("stage_id", String(36), ForeignKey("stages.id"), primary_key=True),
    Column("person_id", String(36), ForeignKey("persons.id"), primary_key=True),
    Column("direction", String(40), nullable=False),
    Column("category", String(32), nullable=True),
    # The reason a party may see (interview outcomes read "not_in_stage") ...
    Column("reason", String(24), nullable=False),
    # ... and, sealed for the intermediary, the reason itself when that is confidential.
    Column("sealed", LargeBinary, nullable=True),
    a_direction(),
)

handover_confirmations = Table(
    "handover_confirmations",
    metadata,
    Column("stage_id", String(36), ForeignKey("stages.id"), primary_key=True),
    Column("person_id", String(36), ForeignKey("persons.id"), primary_key=True),
    # sending, receiving or intermediary
    Column("role", String(16), primary_key=True),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    one_of("role", HandoverRole),
)

discrepancies = Table(
    "discrepancies",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("agreement_id", String(36), ForeignKey("agreements.id"), nullable=False),
    # The stage the discrepancy now belongs to (a later one after it is carried).
    Column("stage_id", String(36), ForeignKey("stages.id"), nullable=False, index=True),
    Column("opened_stage_id", String(36), ForeignKey("stages.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("person_id", String(36), ForeignKey("persons.id"), nullable=True),
    Column("direction", String(40), nullable=False),
    Column("category", String(32), nullable=True),
    Column("counts", Text, nullable=True),
    # open or resolved
    Column("status", String(16), nullable=False),
    Column("resolution", String(32), nullable=True),
    Column("event_seq", BigInteger, nullable=False),
    Column("resolved_seq", BigInteger, nullable=True),
    one_of("kind", DiscrepancyKind),
    a_direction(),
    one_of("status", DiscrepancyStatus),
    one_of("resolution", Resolution),
)

stage_heads = Table(
    "stage_heads",
    metadata,
    Column("stage_id", String(36), ForeignKey("stages.id"), primary_key=True),
    Column("direction", String(40), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("tree_size", Integer, nullable=False),
    Column("root", String(64), nullable=False),
    # The head's canonical JSON (exactly the signed bytes) and its cosignatures (JSON).
    Column("head", Text, nullable=False),
    Column("cosignatures", Text, nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    a_direction(),
)

stage_public_heads = Table(
    "stage_public_heads",
    metadata,
    # No foreign key: written in the stage-closing transaction, read by stage id.
    Column("stage_id", String(36), primary_key=True),
    # The cosigned public stage head (parley/stage-head/v2) as canonical JSON, exactly as
    # the stage.closed event carries it.
    Column("head", Text, nullable=False),
    # The sealed openings: each figure's salt, count, root and leaves, each leaf's salt
    # and commitment, and the persons tree (domain/public_head.StageOpenings).
    Column("sealed", LargeBinary, nullable=False),
)

# Heads proposed for a stage whose parties' keys are on their own machines, and the
# parties' cosignatures of them, until the stage closes (parley.services.exchange.cosigning).
head_proposals = Table(
    "head_proposals",
    metadata,
    Column("stage_id", String(36), ForeignKey("stages.id"), primary_key=True),
    Column("time", String(32), nullable=False),
    # The heads to cosign (JSON list, the public head last) and the public head's
    # openings, sealed like personal data (they open the per-person leaves).
    Column("heads", Text, nullable=False),
    Column("openings", LargeBinary, nullable=True),
)

head_cosignatures = Table(
    "head_cosignatures",
    metadata,
    Column("stage_id", String(36), ForeignKey("stages.id"), primary_key=True),
    Column("party_code", String(16), primary_key=True),
    Column("actor", String(64), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("time", String(32), nullable=False),
    Column("signatures", Text, nullable=False),
)

remains_cases = Table(
    "remains_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("agreement_id", String(36), ForeignKey("agreements.id"), nullable=False),
    Column("stage_id", String(36), ForeignKey("stages.id"), nullable=False, index=True),
    Column("case_number", String(64), nullable=False),
    Column("direction", String(40), nullable=False),
    Column("category", String(32), nullable=False),
    # SHA-256(salt ‖ canonical case) is the case's leaf in the stage head.
    Column("salt", LargeBinary, nullable=True),
    Column("commitment", String(64), nullable=False),
    Column("person_id", String(36), ForeignKey("persons.id"), nullable=True),
    Column("identified_seq", BigInteger, nullable=True),
    Column("event_seq", BigInteger, nullable=False),
    UniqueConstraint("agreement_id", "case_number", name="uq_remains_cases_case"),
    a_direction(),
)

remains_confirmations = Table(
    "remains_confirmations",
    metadata,
    Column("case_id", String(36), ForeignKey("remains_cases.id"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    one_of("role", HandoverRole),
)

statements = Table(
    "statements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("agreement_id", String(36), ForeignKey("agreements.id"), nullable=False,
           index=True),
    Column("party_code", String(16), ForeignKey("parties.code"), nullable=False),
    Column("stated_on", String(10), nullable=False),
    Column("source", Text, nullable=False),
    Column("stage_id", String(36), ForeignKey("stages.id"), nullable=True),
    # Canonical JSON claims[direction][category] = number.
    Column("claims", Text, nullable=False),
    Column("actor", String(64), ForeignKey("actors.id"), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
)
