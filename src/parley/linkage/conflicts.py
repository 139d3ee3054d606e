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

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from itertools import combinations

from rapidfuzz.distance import OSA, Levenshtein

from parley.linkage.comparisons import (
    BIRTH,
    SERVICE,
    Comparison,
    day_month_swapped,
    names_swapped,
    one_slip_apart,
    year_and_day_off,
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
    """The facts that true matches (almost) never disagree on.

    Measured on the data itself when the model carries that measurement
    (:func:`measured_reliable`, made when the model is fitted); otherwise as the model's
    m says.
    """
    if model is None:
        return frozenset(FIELDS)
    if model.hard_rules is not None:
        return frozenset(model.hard_rules)
    disagree = {
        "birth date": _m(model, "birth", ("same birth year, different day",
                                          "all other comparisons")),
        "given name": _m(model, "given", ("all other comparisons",)),
        "service number": _m(model, "service", ("all other comparisons",)),
    }
    return frozenset(name for name, m in disagree.items() if m <= RELIABLE[name])


# Measured on pairs the data itself shows to be one person: at most this share of them
# may break a rule for it to be a hard rule. Records sharing a service number (six
# characters or more) are one person almost always; on them the given-name and birth-date
# rules are measured. Records sharing surname, given name, patronymic and a complete
# birth date are one person almost always (twins differ in the given name, namesakes in
# the date); on them the service-number rule is measured. FEBRL4 breaks each rule on 2 to
# 5 % of such pairs; Parley's two generators on 0 to 0.3 %.
MEASURED_LIMIT = 0.01
# Fewer pairs than this measure nothing: the model's m decides.
MEASURED_SUPPORT = 100
# Pairs looked at per shared key at most (a number copied onto many records is no person).
_PER_KEY = 6


def measured_reliable(rows: Sequence[Features]) -> frozenset[str] | None:
    """The rules the data itself keeps, or None when it holds too few sure pairs to say.

    EM cannot tell twins from one person written twice (both share surname, father,
    date, place and unit), so on lists with many twins its m for "given names differ"
    is high and would switch the given-name rule off exactly where it is needed. Pairs
    that share a service number are not twins.
    """
    by_number: dict[str, list[Features]] = {}
    by_name: dict[tuple[str, ...], list[Features]] = {}
    for row in rows:
        if row.service and len(row.service) >= 6:
            by_number.setdefault(row.service, []).append(row)
        if row.surname and row.given and row.patronymic and row.birth and row.service_digits:
            by_name.setdefault((row.surname, row.given, row.patronymic, row.birth),
                               []).append(row)
    checks = {"given name": [0, 0], "birth date": [0, 0], "service number": [0, 0]}
    for group in by_number.values():
        if len(group) > _PER_KEY:
            continue
        for a, b in combinations(group, 2):
            if a.given_any is not None and b.given_any is not None:
                checks["given name"][0] += 1
                checks["given name"][1] += _given_conflict(a, b)
            if a.birth is not None and b.birth is not None:
                checks["birth date"][0] += 1
                checks["birth date"][1] += _dates_conflict(a, b)
    for group in by_name.values():
        if len(group) > _PER_KEY:
            continue
        for a, b in combinations(group, 2):
            checks["service number"][0] += 1
            checks["service number"][1] += _numbers_conflict(a, b)
    if all(n < MEASURED_SUPPORT for n, _ in checks.values()):
        return None
    return frozenset(name for name, (n, broken) in checks.items()
                     if n >= MEASURED_SUPPORT and broken <= MEASURED_LIMIT * n)


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
    if left.given == right.given:
        return False
    if not (_known(left.given) and _known(right.given)):
        return _unknown_names_differ(left, right)
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


def _unknown_names_differ(left: Features, right: Features) -> bool:
    """Two given names written out, one or both not in the table: two names when they are
    no slip of each other and neither may be the other's pet form or other-language form
    (Антіп against Олександр, Аркадий against Ермолай, Наркіс against Симон: twins;
    Slavko against Ярослав, Ihorko against Ігор, Bodia against Богдан: one man).

    Both are full names here (an initial is judged by :func:`initials_meet` before), so
    the initials a name may take in another language (Олександр: О. or А.) do not make
    two written names one: twins Олександр and Антіп share that initial.
    """
    if left.given is None or right.given is None:
        return False
    if not set(left.given_set).isdisjoint(right.given_set):
        return False
    a, b = left.given_str, right.given_str
    if a is None or b is None or len(a) < 3 or len(b) < 3:
        return False
    return not _related_forms(a, b) and OSA.distance(a, b, score_cutoff=2) > 2


# First letters one name takes in Ukrainian, Russian and their Latin spellings
# (Олекса/Алексей, Євген/Евгений/Ievgen, Гліб/Глеб/Hlib).
_FIRST_KIN = {"a": "ao", "o": "oa", "e": "eiy", "i": "iey", "y": "yie", "h": "hg",
              "g": "gh"}


def _related_forms(a: str, b: str) -> bool:
    """May two spellings (skeletons) be forms of one name: a pet form (Slavko in Iaroslav,
    Ihorko of Ihor, Bodia of Bohdan), or the same beginning in two languages?"""
    if a[0] in _FIRST_KIN.get(b[0], b[0]) and a[1] == b[1]:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and short[:4] in long


def dates_conflict(left: Features, right: Features) -> bool:
    """Two complete birth dates that no clerical slip explains."""
    return _dates_conflict(left, right)


def _dates_conflict(left: Features, right: Features) -> bool:
    if left.birth is None or right.birth is None or left.birth == right.birth:
        return False
    if (one_slip_apart(left, right) or year_off_by_one(left, right)
            or year_and_day_off(left, right) or day_month_swapped(left, right)):
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
