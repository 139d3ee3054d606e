"""Facts two records of one person cannot both state: two given names, two birth dates.

The Fellegi–Sunter score adds evidence as if each field were independent. Families
break that: twins share surname, father, birth date, place and unit, and differ only in
the given name; namesakes (cousins named after one grandfather) share surname, given
name and patronymic, and differ in the birth date. Both score as near-certain matches.
What twins cannot share is a given name, and what namesakes cannot share is a birth
date, so two records that state different recognised given names (not spellings,
diminutives or a typo of one another) or two complete birth dates that no clerical slip
explains (not a swap of day and month, one digit, a month, a year or a few days apart)
are never put together automatically: clustering treats them as
contradicting each other, and a strong link between them goes to the review queue.
The birth-date rule gives way when both records carry the same service number.
"""

from __future__ import annotations

from datetime import date

from rapidfuzz.distance import OSA, Levenshtein

from parley.linkage.features import Features

# parley.names gives a name it does not know a fallback key: "~" and its skeleton.
_UNKNOWN = "~"


def _known(key: str | None) -> bool:
    return key is not None and not key.startswith(_UNKNOWN)


def conflict(left: Features, right: Features) -> str | None:
    """Why the two records cannot be one person, or None when nothing forbids it."""
    if _dates_conflict(left, right) and not (left.service and left.service == right.service):
        return "birth date"
    if _given_conflict(left, right):
        return "given name"
    return None


def _given_conflict(left: Features, right: Features) -> bool:
    if not (_known(left.given) and _known(right.given)) or left.given == right.given:
        return False
    if not set(left.given_set).isdisjoint(right.given_set):
        return False
    a, b = left.given_str, right.given_str
    if a is None or b is None:
        return False
    # One slip (a letter wrong, doubled or swapped) or letters only dropped: a typo.
    if OSA.distance(a, b, score_cutoff=1) <= 1:
        return False
    return Levenshtein.distance(a, b) != abs(len(a) - len(b))


def _dates_conflict(left: Features, right: Features) -> bool:
    a, b = left.birth, right.birth
    if a is None or b is None or a == b:
        return False
    if Levenshtein.distance(a, b, score_cutoff=1) <= 1:
        return False
    first, second = date.fromisoformat(a), date.fromisoformat(b)
    if first.year == second.year and (first.day == second.day
                                      and abs(first.month - second.month) == 1):
        return False
    if (first.month, first.day) == (second.month, second.day) and abs(
            first.year - second.year) == 1:
        return False
    candidates = [first]
    if first.day <= 12:
        candidates.append(first.replace(month=first.day, day=first.month))
    return all(abs((c - second).days) > _DAYS_OF_SLIP for c in candidates)


# Dates this close are one slip of the pen apart (09 → 10, the 31st → the 1st).
_DAYS_OF_SLIP = 3
