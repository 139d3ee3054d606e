"""How many people the registry knows under one full name: rarity that stands in for a date.

A visit list or a family's inquiry often gives no birth date. Names alone do not tell
one Олександр Миколайович Шевченко from another, so clustering links a pair only when
it shares a birth date or a service number (``conflicts.corroborated``). But when the
registry's own records show only one person under the full name (surname, given name
and patronymic keys, script-neutral: ГРИГОРІЙ = GRIGORII), a record of that full name
without a date can only be him, unless someone the registry has never seen shares the
name; then the full name corroborates the link as a date would. When the dated records
under the name disagree on the date beyond a clerical slip (two people), or the name is
held by more records than one person leaves in the lists, the pair goes to review.

A rare full name counts as a birth year in common: the pair gets the weight of the
birth comparison's "one date gives the year only, and it agrees" level
(:func:`vouch_weight`) and counts as corroborated. The Splink scores and the Python
scorer stay one model; the pipeline and the registry add these bits when they cluster.

:class:`NameCounts` is kept by the batch pipeline (built from every row) and by the
registry (updated as lists arrive), so both see the same counts for the same records.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

from parley.linkage.conflicts import dates_conflict
from parley.linkage.features import Features
from parley.linkage.model import LinkageModel

NameKey = tuple[str, ...]

# More records than this under one full name is more than one person leaves in the
# lists (an origin list, a card, a visit, an inquiry or two, a copy): a common name.
MAX_RECORDS = 6


def name_key(row: Features) -> NameKey | None:
    """Surname, given-name and patronymic keys, when all three are written out in full.

    Names the table does not know (``~`` keys) count: their spelling skeletons agree
    across scripts too.
    """
    if (row.surname is None or row.given is None or row.patronymic is None
            or row.given_is_init or row.patronymic_is_init):
        return None
    return (row.surname, row.given, row.patronymic)


def short_key(row: Features) -> NameKey | None:
    """Surname and given-name keys (an inquiry often gives no patronymic)."""
    if row.surname is None or row.given is None or row.given_is_init:
        return None
    return ("", row.surname, row.given)


def sound_key(row: Features) -> NameKey | None:
    """The phonetic surname (across scripts) with the given-name and patronymic keys:
    one key for the spellings of a surname misheard or mistyped (Kravets, Kramets)."""
    key = name_key(row)
    if key is None or row.surname_ph is None:
        return None
    return ("~", row.surname_ph, row.given or "", row.patronymic or "")


def name_keys(row: Features) -> list[NameKey]:
    """Every key the record is counted under."""
    return [k for k in (name_key(row), short_key(row), sound_key(row)) if k is not None]


class NameCounts:
    """Records per full-name key, and how many people their dates show."""

    def __init__(self, rows: Iterable[Features] = ()) -> None:
        self._rows: dict[NameKey, list[Features]] = {}
        self._people: dict[NameKey, int] = {}
        for row in rows:
            self.add(row)

    def add(self, row: Features) -> list[NameKey]:
        keys = name_keys(row)
        for key in keys:
            self._rows.setdefault(key, []).append(row)
            self._people.pop(key, None)
        return keys

    def holders(self, key: NameKey) -> list[Features]:
        return self._rows.get(key, [])

    def people(self, key: NameKey) -> int:
        """People the dated records under ``key`` show at least (0 when none is dated).

        Dated records are grouped greedily: a record joins the first group none of whose
        dates it conflicts with (``conflicts.dates_conflict``).
        """
        known = self._people.get(key)
        if known is not None:
            return known
        groups: list[list[Features]] = []
        for row in self._rows.get(key, ()):
            if row.birth is None:
                continue
            for group in groups:
                if not any(dates_conflict(row, other) for other in group):
                    group.append(row)
                    break
            else:
                groups.append([row])
        self._people[key] = len(groups)
        return len(groups)

    def rare(self, key: NameKey | None) -> bool:
        """Does the registry hold at most one person, and few records, under ``key``?"""
        if key is None:
            return False
        return len(self._rows.get(key, ())) <= MAX_RECORDS and self.people(key) <= 1

    def vouches(self, left: Features, right: Features) -> bool:
        """Do the two records share a rare name, one of them without any date?

        Two dated records (a year is a date) are judged by their dates, never by the
        name alone. The name is the full name (surname, given name, patronymic) when
        both give a patronymic; surname and given name when one gives none (an
        inquiry); the full name with the surname misheard or mistyped (phonetic keys
        equal or one edit apart) when the full name is rare under both spellings and
        under its sound. These two weaker names vouch only when the registry holds
        exactly one dated person under them (a list without any date shows nobody, and
        its pairs go to review). Patronymics that differ never vouch.
        """
        if left.birth_y is not None and right.birth_y is not None:
            return False
        key = name_key(left)
        if key is not None and key == name_key(right):
            return self.rare(key)
        if left.patronymic_any is None or right.patronymic_any is None:
            short = short_key(left)
            return (short is not None and short == short_key(right) and self.rare(short)
                    and self.people(short) == 1)
        other = name_key(right)
        if key is None or other is None or key[1:] != other[1:]:
            return False
        a, b = left.surname, right.surname
        sound = sound_key(left)
        if a is None or b is None or sound is None:
            return False
        if sound != sound_key(right) and Levenshtein.distance(a, b, score_cutoff=1) > 1:
            return False
        return (self.rare(key) and self.rare(other) and self.rare(sound)
                and self.rare(sound_key(right)) and self.people(sound) == 1)


# The birth comparison's level whose weight a rare full name is worth.
STANDS_FOR = "one date gives the year only, and it agrees"


def vouch_weight(model: LinkageModel) -> float:
    """Bits a rare full name adds to an undated pair: what an agreeing birth year adds."""
    for level in model.levels["birth"]:
        if level.label == STANDS_FOR:
            return max(0.0, math.log2(level.m / level.u))
    return 0.0
