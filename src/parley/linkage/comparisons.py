"""The comparisons of the match model, each level written once for SQL and once for Python.

Splink evaluates the SQL form in DuckDB or Spark for batch work; the Python form scores a
single pair in microseconds (one new record against a registry, the coherence checks of
clustering). Each level states both forms side by side, and a test checks that they
agree on every level for thousands of pairs, so the two evaluators are one model.

Levels are tried in order and the first that holds wins, as in a SQL ``CASE``. Every
Python test treats a missing value as "does not hold", as SQL treats NULL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import splink.comparison_level_library as cll
from rapidfuzz.distance import OSA, Levenshtein
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.comparison_library import CustomComparison

from parley.linkage.features import Features

Test = Callable[[Features, Features], bool]


@dataclass(frozen=True)
class Level:
    """One comparison level: its label, its SQL creator and the same test in Python."""

    label: str
    creator: Callable[[], ComparisonLevelCreator]
    test: Test
    null: bool = False
    tf: str | None = None  # term-frequency adjusted on this column
    fixed_m: float | None = None  # m the data cannot teach (held fixed during EM)


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]
    columns: tuple[str, ...] = field(default=())

    def splink(self) -> ComparisonCreator:
        levels: list[ComparisonLevelCreator | dict[str, Any]] = []
        for level in self.levels:
            creator = level.creator()
            options: dict[str, object] = {"label_for_charts": level.label}
            if level.null:
                options["is_null_level"] = True
            if level.fixed_m is not None:
                options["m_probability"] = level.fixed_m
                options["fix_m_probability"] = True
            creator.configure(**options)  # type: ignore[arg-type]
            levels.append(creator)
        return CustomComparison(levels, output_column_name=self.name,
                                comparison_description=self.description)

    def level_of(self, left: Features, right: Features) -> int:
        """The comparison vector value (gamma) Splink would give this pair."""
        top = len(self.levels) - 2  # gamma of the first non-null level
        for index, level in enumerate(self.levels):
            if level.test(left, right):
                return -1 if level.null else top - (index - 1)
        return 0


# --- helpers shared by the two forms --------------------------------------------------


def _null(*columns: str) -> Level:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)

    def test(left: Features, right: Features) -> bool:
        return any(getattr(left, c) is None or getattr(right, c) is None for c in columns)

    return Level("missing on either side", lambda: cll.CustomLevel(f"({sql})"), test,
                 null=True)


def _exact(column: str, label: str, *, tf: bool = False, fixed_m: float | None = None
           ) -> Level:
    def test(left: Features, right: Features) -> bool:
        value = getattr(left, column)
        return value is not None and value == getattr(right, column)

    return Level(label, lambda: cll.ExactMatchLevel(column, term_frequency_adjustments=tf),
                 test, tf=column if tf else None, fixed_m=fixed_m)


def _lev(column: str, distance: int, label: str) -> Level:
    def test(left: Features, right: Features) -> bool:
        a, b = getattr(left, column), getattr(right, column)
        if a is None or b is None:
            return False
        return Levenshtein.distance(a, b, score_cutoff=distance) <= distance

    return Level(label, lambda: cll.LevenshteinLevel(column, distance), test)


def _else() -> Level:
    return Level("all other comparisons", cll.ElseLevel, lambda left, right: True)


def _custom(sql: str, label: str, test: Test) -> Level:
    return Level(label, lambda: cll.CustomLevel(sql), test)


def _eq(a: object, b: object) -> bool:
    return a is not None and a == b


# --- the comparisons ------------------------------------------------------------------

def names_swapped(left: Features, right: Features) -> bool:
    """Surname and given name written in each other's columns.

    Either the two spellings are crossed exactly, or one record's surname column holds a
    given name with the other's given-name key (Андрій against Андрей, Василь against
    Василий) and its given-name column the other's surname.
    """
    return ((_eq(left.surname, right.given_str) and _eq(left.given_str, right.surname))
            or (_eq(left.surname_gkey, right.given) and _eq(left.given_str, right.surname))
            or (_eq(right.surname_gkey, left.given) and _eq(right.given_str, left.surname)))


_SWAPPED_SQL = ("(surname_l = given_str_r AND given_str_l = surname_r) "
                "OR (surname_gkey_l = given_r AND given_str_l = surname_r) "
                "OR (surname_gkey_r = given_l AND given_str_r = surname_l)")

SURNAME = Comparison("surname", "surname key, edit distance, phonetic key", (
    _null("surname"),
    _exact("surname", "surname keys equal", tf=True),
    _custom(_SWAPPED_SQL, "surname and given name swapped", names_swapped),
    _lev("surname", 1, "surname keys within one edit"),
    _lev("surname", 2, "surname keys within two edits"),
    _exact("surname_ph", "surnames sound alike"),
    _else(),
))


def _given_sets_meet(left: Features, right: Features) -> bool:
    return bool(left.given_set) and bool(right.given_set) and not set(
        left.given_set).isdisjoint(right.given_set)


def _initial(prefix: str, label: str) -> Level:
    """One side gives only an initial, and it is a letter the other side's name may begin with."""
    flag, letters = f"{prefix}_is_init", f"{prefix}_init"

    def test(left: Features, right: Features) -> bool:
        return bool((getattr(left, flag) or getattr(right, flag))
                    and set(getattr(left, letters)) & set(getattr(right, letters)))

    return Level(label, lambda: cll.And(cll.CustomLevel(f"({flag}_l OR {flag}_r)"),
                                        cll.ArrayIntersectLevel(letters, 1)), test)


GIVEN = Comparison("given", "given-name key, diminutives and ambiguous forms, spelling", (
    _null("given_any"),
    _exact("given", "given names equal by key", tf=True),
    _custom(_SWAPPED_SQL, "given name and surname swapped", names_swapped),
    Level("given names may be the same (diminutive or ambiguous form)",
          lambda: cll.ArrayIntersectLevel("given_set", 1), _given_sets_meet),
    _lev("given_str", 1, "given names within one edit"),
    _lev("given_str", 2, "given names within two edits"),
    _initial("given", "an initial that fits the given name"),
    _else(),
))

PATRONYMIC = Comparison("patronymic", "father's given-name key, spelling", (
    _null("patronymic_any"),
    _exact("patronymic", "patronymics name the same father"),
    _lev("patronymic_str", 2, "patronymics within two edits"),
    _initial("patronymic", "an initial that fits the patronymic"),
    _else(),
))


def day_month_swapped(left: Features, right: Features) -> bool:
    return (_eq(left.birth_y, right.birth_y) and _eq(left.birth_m, right.birth_d)
            and _eq(left.birth_d, right.birth_m))


def one_slip_apart(left: Features, right: Features) -> bool:
    """A digit wrong or two swapped, a few days or a month apart: one slip of the pen."""
    if left.birth is None or right.birth is None:
        return False
    if OSA.distance(left.birth, right.birth, score_cutoff=1) <= 1:
        return True
    assert left.birth_days is not None and right.birth_days is not None
    if abs(left.birth_days - right.birth_days) <= 3:
        return True
    return (left.birth_y == right.birth_y and left.birth_d == right.birth_d
            and left.birth_m is not None and right.birth_m is not None
            and abs(left.birth_m - right.birth_m) == 1)


def year_off_by_one(left: Features, right: Features) -> bool:
    return (left.birth_y is not None and right.birth_y is not None
            and abs(left.birth_y - right.birth_y) == 1 and _eq(left.birth_m, right.birth_m)
            and _eq(left.birth_d, right.birth_d))


def year_and_day_off(left: Features, right: Features) -> bool:
    """A year derived from a stated age (one off) and a day misread by one, at once.

    16.07.1985 against 17.07.1986; 22.12.1999 against 21.12.2000.
    """
    return (left.birth_y is not None and right.birth_y is not None
            and left.birth_d is not None and right.birth_d is not None
            and abs(left.birth_y - right.birth_y) == 1 and _eq(left.birth_m, right.birth_m)
            and abs(left.birth_d - right.birth_d) == 1)


def _partial_month(left: Features, right: Features) -> bool:
    return ((left.birth is None or right.birth is None) and _eq(left.birth_y, right.birth_y)
            and _eq(left.birth_m, right.birth_m))


def _partial_year(left: Features, right: Features) -> bool:
    return ((left.birth is None or right.birth is None) and _eq(left.birth_y, right.birth_y)
            and (left.birth_m is None or right.birth_m is None))


def _same_year(left: Features, right: Features) -> bool:
    return _eq(left.birth_y, right.birth_y)


BIRTH = Comparison("birth", "birth date with its precision, swaps and typos", (
    _null("birth_y"),
    _exact("birth", "birth dates equal"),
    _custom("birth_y_l = birth_y_r AND birth_m_l = birth_d_r AND birth_d_l = birth_m_r",
            "day and month swapped", day_month_swapped),
    _custom("damerau_levenshtein(birth_l, birth_r) <= 1 OR abs(birth_days_l - birth_days_r) <= 3 "
            "OR (birth_y_l = birth_y_r AND birth_d_l = birth_d_r "
            "AND abs(birth_m_l - birth_m_r) = 1)", "birth dates one slip apart", one_slip_apart),
    _custom("abs(birth_y_l - birth_y_r) = 1 AND birth_m_l = birth_m_r "
            "AND birth_d_l = birth_d_r", "birth years one apart, day and month equal",
            year_off_by_one),
    _custom("abs(birth_y_l - birth_y_r) = 1 AND birth_m_l = birth_m_r "
            "AND abs(birth_d_l - birth_d_r) = 1",
            "birth years one apart, month equal, days one apart", year_and_day_off),
    _custom("(birth_l IS NULL OR birth_r IS NULL) AND birth_y_l = birth_y_r AND "
            "birth_m_l = birth_m_r", "one date gives month and year only, and they agree",
            _partial_month),
    _custom("(birth_l IS NULL OR birth_r IS NULL) AND birth_y_l = birth_y_r AND "
            "(birth_m_l IS NULL OR birth_m_r IS NULL)",
            "one date gives the year only, and it agrees", _partial_year),
    _custom("birth_y_l = birth_y_r", "same birth year, different day", _same_year),
    _else(),
))

PLACE = Comparison("place", "birth place key", (
    _null("place"),
    _exact("place", "birth places equal"),
    _lev("place", 2, "birth places spelt alike"),
    _else(),
))

SERVICE = Comparison("service", "service number with homoglyphs folded", (
    _null("service"),
    _exact("service", "service numbers equal"),
    _exact("service_digits", "service number digits equal"),
    _lev("service", 1, "service numbers differ in one character"),
    _else(),
))

UNIT = Comparison("unit", "unit number digits", (
    _null("unit"),
    _exact("unit", "unit numbers equal"),
    _else(),
))

SEX = Comparison("sex", "sex", (
    _null("sex"),
    _exact("sex", "sex equal"),
    _else(),
))

RANK = Comparison("rank", "rank grade", (
    _null("rank"),
    _exact("rank", "rank equal"),
    _else(),
))

COMPARISONS: tuple[Comparison, ...] = (
    SURNAME, GIVEN, PATRONYMIC, BIRTH, PLACE, SERVICE, UNIT, SEX, RANK)
TF_COLUMNS: tuple[str, ...] = ("surname", "given")
