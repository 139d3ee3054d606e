"""Patronymic keys: the given-name key of the father's name.

Миколайович, Миколаївна, Николаевич, Николаевна, Mykolaiovych, Nikolaevich,
NIKOLAYEVNA all give "mykola". The suffix (-ович -евич -ич, -івна -ївна -овна -евна
-ична -инична, and their transliterations) is stripped from a lightly folded Latin form
of the word (doubled letters kept, so the й of Олексіївна survives), the father's name
is rebuilt from the stem by the regular rules (Петр-ович: Петро or Петр; Сергі-ївна:
Сергій; Никола-евич: Николай; Кузьм-ич: Кузьма; Яковл-евич: Яков; Льв-ович: Лев), and
the first rebuilt name the given-names table knows wins. Failing that, one typo is
allowed as for given names; failing that, the key is "~" and the skeleton of the stem.

``patronymics_of`` goes the other way (a row of the table to its patronymics), for
generating test data.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from parley.names.given import FALLBACK_PREFIX, word_keys
from parley.names.given_index import exact_keys, key_sex, typo_keys
from parley.names.given_table import GivenName
from parley.names.skeleton import (
    raw,
    skeleton,
    skeleton_of_unfolded,
    split_words,
    unfolded,
)

__all__ = ["patronymic_key", "patronymics_of"]

# Suffix (in that form) -> endings that rebuild the father's name from the stem, in
# the order to try them. Longest suffixes first.
_SUFFIXES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("inichna", ("a", "ia")),  # Ильинична, Кузьминична, Лукинична
    ("ovich", ("", "o", "i", "a")),  # -ович: Іван, Петро, Андрій (Андрійович)
    ("ovicz", ("", "o", "i")),  # Polish -owicz
    ("ievich", ("i", "ii", "")),  # Дмитриевич (Yuryevich)
    ("evich", ("i", "", "ii", "ei")),  # -евич: Сергей, Юрий (Юрьевич), Игорь
    ("ivna", ("", "i", "o", "a", "ia")),  # -івна, -ївна: Олександр, Олексій, Петро, Ілля
    ("ovna", ("", "o", "a")),  # -овна
    ("ievna", ("i", "ii", "")),
    ("evna", ("i", "", "ii", "ei")),  # -евна
    ("ichna", ("a", "ia")),  # Никитична, Саввична
    ("ich", ("a", "ia", "", "o")),  # Ілліч, Кузьмич, Якович (Яков-ич)
    ("na", ("",)),  # Яківна (Яків-на)
)
_PARTICLES: Final = frozenset({"ohli", "ohlu", "kizi", "uli"})
_TYPO_FROM: Final = 7  # letters in the skeleton of the father's name


@lru_cache(maxsize=1 << 16)
def _stems(word: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    text = unfolded(word)
    # Where kmu2010 and icao9303 differ (word-initial ї as yi or i; зг as zgh or zg).
    if text.startswith("ii"):
        text = "i" + text.lstrip("i")
    while "hh" in text:
        text = text.replace("hh", "h")
    for spelling, plain in (("tsch", "ch"), ("tch", "ch"), ("cz", "ch")):
        text = text.replace(spelling, plain)  # German -owitsch, French -ovitch, Polish
    out = []
    for suffix, endings in _SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            out.append((text[: -len(suffix)], endings))
    return tuple(out)


def _candidates(stem: str, endings: tuple[str, ...]) -> list[str]:
    names = [stem + ending for ending in endings]
    if stem.endswith("l") and len(stem) > 3:
        names.append(stem[:-1])  # Яковл-евич: Яков
    if len(stem) >= 2 and stem[-2] not in "aeiou" and stem[-1] not in "aeiou":
        names.append(stem[:-1] + "e" + stem[-1])  # Льв-ович: Лев; Павл-ович: Павел
    if stem.endswith("o") or stem.endswith("e"):
        names.append(stem[:-1] + "i" + stem[-1:])  # Федор-ович: Федір (handled by forms)
    return names


def _male(keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if key_sex(key) == "m":
            return key
    return None


@lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str | None:
    stems = _stems(word)
    if not stems:
        # Not a patronymic: perhaps the father's name itself, or a patronymic with its
        # suffix mistyped; only an exact match is trusted.
        skel = skeleton(word)
        if len(skel) < 2:
            return None
        keys = exact_keys(skel)
        return keys[0] if keys else FALLBACK_PREFIX + skel
    tried: list[str] = []
    for stem, endings in stems:
        for name in _candidates(stem, endings):
            skel = skeleton_of_unfolded(name)
            if len(skel) >= 2 and skel not in tried:
                tried.append(skel)
                key = _male(exact_keys(skel, formal=True))
                if key:
                    return key
    # A typo: only in long names (rare fathers' names one edit from a listed name are
    # too many in shorter ones: Фазіл, Василь), in the first reading of the longest
    # suffix, and only when one name is that close.
    stem, endings = stems[0]
    name = stem + endings[0]
    skel = skeleton_of_unfolded(name)
    if len(skel) >= _TYPO_FROM:
        keys = typo_keys(skel, raw(name), formal=True)
        if len(keys) == 1 and _male(keys):
            return keys[0]
    return FALLBACK_PREFIX + skeleton_of_unfolded(stem)


@lru_cache(maxsize=1 << 18)
def patronymic_key(patronymic: str) -> str | None:
    """The given-name key of the father's name in ``patronymic``, or None if empty.

    "Миколайович", "Миколаївна", "Николаевич", "Mykolaiovych", "NIKOLAEVNA" give
    "mykola". A Turkic patronymic ("Али оглы", "Мамед кызы") gives the key of the name
    before the particle. A word with no patronymic suffix is read as the father's name
    itself. Unknown fathers' names give "~" and the skeleton of the stem.
    """
    return _patronymic_key(patronymic.lower())


@lru_cache(maxsize=1 << 17)
def _patronymic_key(patronymic: str) -> str | None:
    words = split_words(patronymic)
    if len(words) == 1:
        return _word_key(words[0])
    words = [w for w in words if len(skeleton(w)) >= 2]
    if not words:
        return None
    skeletons = [skeleton(w) for w in words]
    for i, skel in enumerate(skeletons):
        if skel in _PARTICLES and i > 0:
            return word_keys(words[i - 1])[0]
    for word in words:
        if _stems(word):
            return _word_key(word)
    return _word_key(words[-1])


# --- the other way: a row of the table to its patronymics (for test data) ---

_UK_MALE_IRREGULAR: Final = {
    "Яків": "Якович", "Лев": "Львович", "Ілля": "Ілліч", "Кузьма": "Кузьмич",
    "Лука": "Лукич", "Хома": "Хомич", "Сава": "Савович", "Микола": "Миколайович",
    "Федір": "Федорович", "Григорій": "Григорович", "Микита": "Микитович",
}
_UK_FEMALE_IRREGULAR: Final = {
    "Яків": "Яківна", "Лев": "Львівна", "Ілля": "Іллівна", "Кузьма": "Кузьмівна",
    "Лука": "Луківна", "Хома": "Хомівна", "Сава": "Савівна", "Микола": "Миколаївна",
    "Федір": "Федорівна", "Григорій": "Григорівна", "Микита": "Микитівна",
}
_RU_MALE_IRREGULAR: Final = {
    "Яков": "Яковлевич", "Лев": "Львович", "Илья": "Ильич", "Кузьма": "Кузьмич",
    "Лука": "Лукич", "Фома": "Фомич", "Савва": "Саввич", "Никита": "Никитич",
    "Павел": "Павлович", "Пётр": "Петрович", "Петр": "Петрович",
}
_RU_FEMALE_IRREGULAR: Final = {
    "Яков": "Яковлевна", "Лев": "Львовна", "Илья": "Ильинична", "Кузьма": "Кузьминична",
    "Лука": "Лукинична", "Фома": "Фоминична", "Савва": "Саввична", "Никита": "Никитична",
    "Павел": "Павловна", "Пётр": "Петровна", "Петр": "Петровна",
}


def _uk(name: str, feminine: bool) -> str | None:
    irregular = _UK_FEMALE_IRREGULAR if feminine else _UK_MALE_IRREGULAR
    if name in irregular:
        return irregular[name]
    if name.endswith(("а", "я")):
        return None
    if name.endswith("й"):
        return name[:-1] + "ївна" if feminine else name + "ович"
    if name.endswith("о"):
        return name[:-1] + ("івна" if feminine else "ович")
    if name.endswith("ь"):
        return name[:-1] + ("івна" if feminine else "ьович")
    return name + ("івна" if feminine else "ович")


def _ru(name: str, feminine: bool) -> str | None:
    irregular = _RU_FEMALE_IRREGULAR if feminine else _RU_MALE_IRREGULAR
    if name in irregular:
        return irregular[name]
    if name.endswith(("а", "я")):
        return None
    if name.endswith(("гий", "кий", "хий")):
        return name[:-1] + ("евна" if feminine else "евич")
    if name.endswith("ий"):
        return name[:-2] + ("ьевна" if feminine else "ьевич")
    if name.endswith("й"):
        return name[:-1] + ("евна" if feminine else "евич")
    if name.endswith("ь"):
        return name[:-1] + ("евна" if feminine else "евич")
    return name + ("овна" if feminine else "ович")


def patronymics_of(row: GivenName, *, feminine: bool) -> list[tuple[str, str]]:
    """The Ukrainian and Russian patronymics made from ``row``'s standard forms, as
    (patronymic, language) pairs."""
    out = []
    uk = _uk(row.uk[0], feminine)
    if uk:
        out.append((uk, "uk"))
    ru = _ru(row.ru[0], feminine) if row.ru else None
    if ru:
        out.append((ru, "ru"))
    return out
