"""Surname keys: a script-invariant key, and a phonetic key for blocking.

``surname_key`` is the skeleton (``parley.names.skeleton``) of the whole surname with
the endings Ukrainian and Russian spell differently brought together, so that the two
languages' spellings of one surname and their transliterations coincide or are one edit
apart: Гнатюк, Hnatiuk, Gnatyuk give "hnatiuk"; Мельник, Мельнык, Melnyk, Melnik give
"melnik"; Ковальов, Kovalov, Kovalyov give "kovalov" and Ковалёв, Kovalev "kovalev";
Олійник "olinik", Олейник "oleinik". Feminine forms stay apart: Ковальова is
"kovalova". Compare keys with an edit distance (rapidfuzz), not only for equality.

``surname_phonetic_key`` is the Daitch-Mokotoff Soundex of the surname's key spelt in
plain Latin, six digits, for blocking candidate pairs (``parley.names.dmsoundex``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from parley.names.dmsoundex import daitch_mokotoff
from parley.names.skeleton import skeleton_words

__all__ = ["surname_key", "surname_phonetic_key"]

# Russian feminine adjectival surnames end -ая where Ukrainian ones end -а
# (Кардашевская, Кардашевська); in the skeleton "aia" against "a".
_ENDINGS: Final = (("aia", "a"),)


@lru_cache(maxsize=1 << 18)
def surname_key(surname: str) -> str:
    """The surname's key: lower-case ASCII letters, "" when there are none.

    Double surnames keep both parts in order, without the hyphen
    ("Петренко-Коваль" gives "petrenkokoval").
    """
    return _surname_key(surname.lower())


@lru_cache(maxsize=1 << 18)
def _surname_key(surname: str) -> str:
    key = "".join(skeleton_words(surname))
    for ending, replacement in _ENDINGS:
        if key.endswith(ending) and len(key) > len(ending) + 2:
            key = key[: -len(ending)] + replacement
    return key


@lru_cache(maxsize=1 << 18)
def surname_phonetic_key(surname: str) -> str:
    """The Daitch-Mokotoff code (six digits) of the surname, "" when it has no letters.

    Computed on the surname key, so every spelling the key brings together gets the
    same code; ш and щ share a code, and ч and ц are spelt so that the code has a single
    reading.
    """
    return _phonetic_key(surname_key(surname))


@lru_cache(maxsize=1 << 18)
def _phonetic_key(key: str) -> str:
    if not key:
        return ""
    # щ (the key's "sch", also German ш) as ш: one code for blocking; ч and ц as TCH
    # and TS, the chart's unambiguous groups for them.
    key = key.replace("sch", "sh").replace("ch", "\1").replace("c", "ts")
    return daitch_mokotoff(key.replace("\1", "tch"))
