"""Facts two records of one person cannot both state: two given names, two birth dates.

The Fellegi–Sunter score adds evidence as if each field were independent. Families
break that: twins share surname, father, birth date, place and unit, and differ only in
the given name; namesakes (cousins named after one grandfather) share surname, given
name and patronymic, and differ in the birth date. Both score as near-certain matches.
What twins cannot share is a given name, and what namesakes cannot share is a birth
date, so two records that state different recognised given names (not spellings,
diminutives or a typo of one another), two complete birth dates that no clerical slip
explains (not a swap of day and month, one digit, a month, a year or a few days apart),
or two service numbers whose digits differ by more than one slip, are never put
together automatically: clustering treats them as contradicting each other, and a
strong link between them goes to the review queue. The birth-date rule gives way when
both records carry the same service number (its letters perhaps transliterated). Each
rule holds only for a field the model finds reliable (:func:`reliable_fields`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rapidfuzz.distance import OSA, Levenshtein

from parley.linkage.comparisons import (
    BIRTH,
    SERVICE,
    Comparison,
    day_month_swapped,
    names_swapped,
    one_slip_apart,
    year_off_by_one,
)
from parley.linkage.features import Features, initials_meet, name_initials
from parley.linkage.model import LinkageModel

# parley.names gives a name it does not know a fallback key: "~" and its skeleton.
_UNKNOWN = "~"


def _known(key: str | None) -> bool:
    return key is not None and not key.startswith(_UNKNOWN)


# A field is a hard rule only where the data says so: at most this share of true matches
# (the model's m, as EM estimates it) disagree on it. On the lists Parley is built for
# EM puts that share at 0.4-1.3 % for birth dates and 1-3 % for given names and service
# numbers (twins and namesakes inflate it); in FEBRL, whose generator replaces whole
# values, it is 4 %, 15 % and 7 %, and there the fields must stay evidence only.
RELIABLE = {"birth date": 0.025, "given name": 0.05, "service number": 0.05}

FIELDS = tuple(RELIABLE)


def reliable_fields(model: LinkageModel | None) -> frozenset[str]:
    """The facts that ``model`` says true matches (almost) never disagree on."""
    if model is None:
        return frozenset(FIELDS)
    disagree = {
        "birth date": _m(model, "birth", ("same birth year, different day",
                                          "all other comparisons")),
        "given name": _m(model, "given", ("all other comparisons",)),
        "service number": _m(model, "service", ("all other comparisons",)),
    }
    return frozenset(name for name, m in disagree.items() if m <= RELIABLE[name])


def _m(model: LinkageModel, comparison: str, labels: tuple[str, ...]) -> float:
    return sum(p.m for p in model.levels[comparison] if p.label in labels)


def conflict(left: Features, right: Features,
             fields: frozenset[str] = frozenset(FIELDS)) -> str | None:
    """Why the two records cannot be one person, or None when nothing forbids it.

    ``fields`` are the facts treated as hard rules (see :func:`reliable_fields`).
    """
    if ("birth date" in fields and _dates_conflict(left, right)
            and not _same_number(left, right)):
        return "birth date"
    if "given name" in fields and _given_conflict(left, right):
        return "given name"
    if "service number" in fields and _numbers_conflict(left, right):
        return "service number"
    return None


def _same_number(left: Features, right: Features) -> bool:
    """One service number on both, its letters perhaps transliterated (СН309603 = SN309603)."""
    return bool((left.service and left.service == right.service)
                or (left.service_digits and len(left.service_digits) >= 6
                    and left.service_digits == right.service_digits))


def _numbers_conflict(left: Features, right: Features) -> bool:
    """Two service numbers whose digits differ by more than one slip: two soldiers."""
    a, b = left.service_digits, right.service_digits
    if a is None or b is None or a == b:
        return False
    return OSA.distance(a, b, score_cutoff=1) > 1


def _straight(row: Features, other: Features) -> Features:
    """A record whose given-name column holds the other's surname and whose surname column
    a recognised given name (Максим | Поліщук against Поліщук М.), seen with the names in
    their right columns; any other record as it is."""
    if (row.surname_gkey is None or row.given_str is None or _known(row.given)
            or row.given_str != other.surname):
        return row
    return replace(row, given=row.surname_gkey, given_set=(row.surname_gkey,),
                   given_str=row.surname, given_any=row.surname,
                   given_init=name_initials(row.surname, (row.surname_gkey,)))


def _given_conflict(left: Features, right: Features) -> bool:
    if names_swapped(left, right):
        return False
    left, right = _straight(left, right), _straight(right, left)
    if left.given_is_init or right.given_is_init:
        # С. against Андрій, or С. against А.: two names (twins written with initials).
        if left.given_any is None or right.given_any is None:
            return False
        return not initials_meet(left, right)
    if not (_known(left.given) and _known(right.given)) or left.given == right.given:
        return False
    if not set(left.given_set).isdisjoint(right.given_set):
        return False
    a, b = left.given_str, right.given_str
    if a is None or b is None:
        return False
    # One slip (a letter wrong, doubled or swapped) or letters only dropped: a typo. A
    # slip rarely hits the first letter (Дарія and Марія are two names, twins' names).
    if OSA.distance(a, b, score_cutoff=1) <= 1 and a[:1] == b[:1]:
        return False
    return Levenshtein.distance(a, b) != abs(len(a) - len(b))


def _dates_conflict(left: Features, right: Features) -> bool:
    if left.birth is None or right.birth is None or left.birth == right.birth:
        return False
    if (one_slip_apart(left, right) or year_off_by_one(left, right)
            or day_month_swapped(left, right)):
        return False
    # Day and month swapped and then one slip more (12.09 against 08.12).
    assert left.birth_m is not None and left.birth_d is not None
    if left.birth_d <= 12:
        flipped = replace(left, birth=None, birth_m=left.birth_d, birth_d=left.birth_m,
                          birth_days=None)
        flipped = replace(flipped, birth=_iso(flipped), birth_days=_days(flipped))
        if one_slip_apart(flipped, right):
            return False
    return True


def _iso(row: Features) -> str:
    return f"{row.birth_y:04d}-{row.birth_m:02d}-{row.birth_d:02d}"


def _days(row: Features) -> int | None:
    try:
        return date(row.birth_y or 1, row.birth_m or 1, row.birth_d or 1).toordinal()
    except ValueError:
        return None


def corroborated(left: Features, right: Features) -> bool:
    """Do the records share a birth date (even a partial one) or a service number?

    Names and a place alone cannot tell one Олександр Шевчук of Kyiv from another, so an
    automatic link needs one of these; without, a strong pair goes to review.
    """
    return BIRTH.level_of(left, right) >= _BIRTH_AGREES or \
        SERVICE.level_of(left, right) >= _SERVICE_AGREES


def _agreeing(comparison: Comparison, last: str) -> int:
    """The comparison vector value of ``last``: it and the levels above it agree."""
    labels = [level.label for level in comparison.levels if not level.null]
    return len(labels) - 1 - labels.index(last)


_BIRTH_AGREES = _agreeing(BIRTH, "one date gives the year only, and it agrees")
_SERVICE_AGREES = _agreeing(SERVICE, "service numbers differ in one character")
