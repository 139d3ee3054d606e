"""Which pairs get compared at all: blocking rules, for Splink and for an in-memory index.

Each rule names feature columns that must be equal (and present) on both records; a rule
may also require that one side lacks a birth year (names alone are too common to pair
on when both dates are known and differ). Splink receives the rules as SQL; the
:class:`BlockingIndex` answers "which known records share a rule's key with this new
one" from dictionaries, so the registry finds exactly the pairs a batch run would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from parley.linkage.features import Features


@dataclass(frozen=True)
class Rule:
    columns: tuple[str, ...]
    # Require that at least one of the two records lacks a birth year.
    one_undated: bool = False
    # A crossed rule: one record's ``columns`` equal the other's ``crossed`` columns.
    crossed: tuple[str, ...] = ()

    def key(self, row: Features) -> tuple[Any, ...] | None:
        return _values(row, self.columns)

    def crossed_key(self, row: Features) -> tuple[Any, ...] | None:
        return _values(row, self.crossed) if self.crossed else None

    def admits(self, left: Features, right: Features) -> bool:
        return not self.one_undated or left.birth_y is None or right.birth_y is None

    @property
    def column(self) -> str:
        """For an undated rule: the frame column holding the joined key (see below)."""
        return "blk_" + "_".join(self.columns)

    def sql(self) -> list[Any]:
        """Splink blocking rules: equi-joins only, so a large block stays cheap.

        An undated rule is two joins on columns the frame adds (:func:`block_columns`):
        the key of undated records against the key of all records, both ways round.
        """
        from splink import block_on

        if self.crossed:
            key, crossed = self.column, self.column + "_x"
            return [f"l.{crossed} = r.{key}", f"l.{key} = r.{crossed}"]
        if not self.one_undated:
            return [block_on(*self.columns)]
        key, undated = self.column, self.column + "_u"
        return [f"l.{undated} = r.{key}", f"l.{key} = r.{undated}"]


def _values(row: Features, columns: tuple[str, ...]) -> tuple[Any, ...] | None:
    values = tuple(getattr(row, c) for c in columns)
    if any(v is None for v in values):
        return None
    return values


RULES: tuple[Rule, ...] = (
    Rule(("service",)),
    Rule(("service_digits",)),
    Rule(("surname", "birth_y")),  # given name unknown, misspelt or a nickname
    Rule(("given", "birth")),  # surname misspelt or transliterated apart
    Rule(("birth", "patronymic")),
    Rule(("surname_ph", "given", "birth_y")),
    Rule(("surname", "given", "birth_m", "birth_d")),  # the year mistyped
    Rule(("surname", "given", "patronymic")),  # the date wrong altogether
    Rule(("surname_ph", "birth")),  # the given name an initial or illegible
    Rule(("surname", "given_str"), one_undated=True),
    Rule(("surname_ph", "given"), one_undated=True),
    Rule(("surname", "initial"), one_undated=True),
    Rule(("surname_pre", "given", "birth_y")),  # a typo late in the surname
    Rule(("surname", "given", "birth_m")),  # a year from an age and a day misread at once
    Rule(("surname_ph", "given", "patronymic")),  # a misheard surname, no date to share
    Rule(("surname_pre", "given", "patronymic")),  # the same, the sound changed late
    # Surname and given name in each other's columns (Андрій | Вовк against Вовк Андрей),
    # with a birth year: the swap counts in two comparisons, so without a date it would
    # outweigh what a straight match of the same names gives.
    Rule(("given", "surname", "birth_y"), crossed=("surname_gkey", "given_str", "birth_y")),
)


def splink_rules() -> list[Any]:
    return [sql for rule in RULES for sql in rule.sql()]


def block_columns(rows: Sequence[Features]) -> dict[str, list[str | None]]:
    """The extra frame columns undated and crossed rules join on.

    For an undated rule: the key, and the key if undated; for a crossed rule: the key,
    and the crossed key.
    """
    columns: dict[str, list[str | None]] = {}
    for rule in RULES:
        if rule.crossed:
            columns[rule.column] = [_joined(rule.key(row)) for row in rows]
            columns[rule.column + "_x"] = [_joined(rule.crossed_key(row)) for row in rows]
            continue
        if not rule.one_undated:
            continue
        keys = [_joined(rule.key(row)) for row in rows]
        columns[rule.column] = keys
        columns[rule.column + "_u"] = [k if row.birth_y is None else None
                                       for k, row in zip(keys, rows, strict=True)]
    return columns


def _joined(key: tuple[Any, ...] | None) -> str | None:
    return "\x1f".join(map(str, key)) if key is not None else None


class BlockingIndex:
    """Known records by each rule's key; candidates for a new record in microseconds."""

    def __init__(self, rows: Iterable[Features] = ()) -> None:
        self._rows: dict[str, Features] = {}
        self._index: list[dict[tuple[Any, ...], list[str]]] = [{} for _ in RULES]
        self._crossed: list[dict[tuple[Any, ...], list[str]]] = [{} for _ in RULES]
        for row in rows:
            self.add(row)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, uid: object) -> bool:
        return uid in self._rows

    def row(self, uid: str) -> Features:
        return self._rows[uid]

    def rows(self) -> Iterator[Features]:
        return iter(self._rows.values())

    def add(self, row: Features) -> None:
        if row.unique_id in self._rows:
            raise ValueError(f"record {row.unique_id} is already indexed")
        self._rows[row.unique_id] = row
        for rule, index, crossed in zip(RULES, self._index, self._crossed, strict=True):
            key = rule.key(row)
            if key is not None:
                index.setdefault(key, []).append(row.unique_id)
            other = rule.crossed_key(row)
            if other is not None:
                crossed.setdefault(other, []).append(row.unique_id)

    def candidates(self, row: Features) -> set[str]:
        """Uids of indexed records that some rule pairs with ``row`` (never ``row`` itself)."""
        found: set[str] = set()
        for rule, index, crossed in zip(RULES, self._index, self._crossed, strict=True):
            key = rule.key(row)
            if rule.crossed:
                # This record's columns against others' crossed ones, and the other way.
                other = rule.crossed_key(row)
                found.update(crossed.get(key, ()) if key is not None else ())
                found.update(index.get(other, ()) if other is not None else ())
                found.discard(row.unique_id)
                continue
            if key is None:
                continue
            for uid in index.get(key, ()):
                if uid != row.unique_id and (not rule.one_undated
                                             or rule.admits(row, self._rows[uid])):
                    found.add(uid)
        return found
