"""Vocabulary: CHECK constraints on every column that holds a word of a closed set.

Kinds, states, roles, verdicts and decisions (the types of ``parley.domain.vocabulary``)
may hold only their words, and directions must read ``SENDING->RECEIVING``. The values
are written out here as they were when this revision was made; ``store/tables.py``
builds the same constraints from the types, and a test compares the two on both
backends.

Rows that already hold another word are not changed: the upgrade refuses, naming the
table, the column and the words, and the database stays at ``0011_inquirers``. On
SQLite each table is copied with its constraints (Alembic's batch mode); the foreign
keys are checked once all tables are copied (``parley.store.migrate``).

Revision ID: 0012_vocabulary
Revises: 0011_inquirers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from parley.errors import IntegrityFailure

revision = "0012_vocabulary"
down_revision = "0011_inquirers"
branch_labels = None
depends_on = None

# (table, column) -> the words it may hold.
ONE_OF: dict[tuple[str, str], tuple[str, ...]] = {
    ("parties", "kind"): ("party", "intermediary"),
    ("source_lists", "kind"): ("capture_card", "origin_list", "visit_list", "inquiry",
                               "remains"),
    ("quarantined_rows", "status"): ("open", "released", "erased"),
    ("match_reviews", "status"): ("open", "decided", "withdrawn"),
    ("match_decisions", "decision"): ("same", "different"),
    ("users", "role"): ("intermediary", "party"),
    ("access_log", "role"): ("intermediary", "party", "family", "public"),
    ("publication_decisions", "decision"): ("hold", "release"),
    ("verifications", "kind"): ("identity", "eligibility"),
    ("verifications", "outcome"): ("confirmed", "refused"),
    ("stages", "status"): ("planned", "closed"),
    ("stage_persons", "origin"): ("planned", "carried", "admitted"),
    ("stage_persons", "state"): ("listed", "withdrawn", "carried"),
    ("handover_confirmations", "role"): ("sending", "receiving", "intermediary"),
    ("discrepancies", "kind"): ("not_handed_over", "not_nominated", "identity_disputed",
                                "count_mismatch"),
    ("discrepancies", "status"): ("open", "resolved"),
    ("discrepancies", "resolution"): ("person_remains_held", "handed_over", "admitted",
                                      "returned", "identity_confirmed",
                                      "withdrawn_unconfirmed", "confirmations_agree"),
    ("remains_confirmations", "role"): ("sending", "receiving", "intermediary"),
}
# Tables whose ``direction`` column must read SENDING->RECEIVING.
DIRECTIONS = ("stage_persons", "plan_exclusions", "discrepancies", "stage_heads",
              "remains_cases")
DIRECTION_LIKE = "_%->_%"


def _constraints() -> dict[str, list[tuple[str, str]]]:
    """Per table: (constraint name, condition), in a stable order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for (table, column), words in ONE_OF.items():
        listed = ", ".join(f"'{w}'" for w in words)
        out.setdefault(table, []).append((f"ck_{table}_{column}", f"{column} IN ({listed})"))
    for table in DIRECTIONS:
        out.setdefault(table, []).append(
            (f"ck_{table}_direction", f"direction LIKE '{DIRECTION_LIKE}'"))
    return out


def _refuse_strays(conn: sa.Connection) -> None:
    """Name every word already stored that a constraint would refuse."""
    found = []
    for (table, column), words in ONE_OF.items():
        col = sa.column(column, sa.String)
        stray = conn.execute(sa.select(col).select_from(sa.table(table)).where(
            col.is_not(None), col.not_in(words)).distinct().limit(5)).scalars().all()
        if stray:
            found.append(f"{table}.{column} holds {', '.join(map(repr, stray))} "
                         f"(allowed: {', '.join(words)})")
    for table in DIRECTIONS:
        col = sa.column("direction", sa.String)
        stray = conn.execute(sa.select(col).select_from(sa.table(table)).where(
            sa.not_(col.like(DIRECTION_LIKE))).distinct().limit(5)).scalars().all()
        if stray:
            found.append(f"{table}.direction holds {', '.join(map(repr, stray))} "
                         "(expected SENDING->RECEIVING)")
    if found:
        raise IntegrityFailure("migration 0012_vocabulary: rows hold words outside their "
                               "sets; correct them first: " + "; ".join(found))


def upgrade() -> None:
    _refuse_strays(op.get_bind())
    for table, checks in _constraints().items():
        with op.batch_alter_table(table) as batch:
            for name, condition in checks:
                batch.create_check_constraint(op.f(name), condition)


def downgrade() -> None:
    for table, checks in _constraints().items():
        with op.batch_alter_table(table) as batch:
            for name, _ in checks:
                batch.drop_constraint(op.f(name), type_="check")
