"""A spelling-independent Latin skeleton of a name word, the base of every name key.

The same name reaches Parley through many transliteration systems: Юрій is Yurii
(Ukrainian passports since 2010), Iurii (ICAO), Yuriy and Yury (older English), Jurij
(German, Polish, scholarly), Juri, Iouri (French). The skeleton folds the spelling
differences those systems make, and only those, so that all of them give "iuri":

- Cyrillic is first written in Latin with the ICAO table, so a Cyrillic word and any
  transliteration of it meet in the same alphabet;
- diacritics are spelt out (š→sh, ž→zh, č→ch, ł→l) and removed;
- letters systems use for one sound are merged: g and h (Ukrainian г is h, Russian г
  is g), y, j and i (и, ы, й, і), w and v, q and k; x is ks, or kh where ks cannot be;
- the digraphs of the systems are read as one: щ (shch, szcz, schtsch, chtch, shh,
  sch) is sch; ч (ch, cz, tsch, tch) is ch; sz is sh; ts and tz are c; kh is h; c
  before a back vowel or a consonant is k; ph is f, th is t, French ou is u;
- doubled letters are single (Hanna, Hana; Yurii, Yuri), and the i that only marks
  iotation before e and o is dropped (Yevhen, Ievgen, Evgen; Kovalyov, Kovalov).

The skeleton of a Cyrillic word equals the skeleton of its ``kmu2010`` and of its
``icao9303`` transliteration, whatever the word; the tests check that property.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from parley.names.scripts import repair_mixed_script
from parley.names.translit import APOSTROPHES

__all__ = [
    "light",
    "raw",
    "skeleton",
    "skeleton_of_unfolded",
    "skeleton_uncached",
    "skeleton_words",
    "split_words",
    "unfolded",
]

_CYRILLIC_TO_LATIN: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ё": "e", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ђ": "d", "ѓ": "g", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ќ": "k",
    "џ": "dz", "ғ": "g", "қ": "k", "ң": "n", "ү": "u", "ұ": "u", "һ": "h", "ә": "a",
    "ө": "o", "ҳ": "h", "ҷ": "j",
}
# Latin letters whose diacritic carries a sound the plain letter does not.
_SPELT_OUT: Final[dict[str, str]] = {
    "š": "sh", "ž": "zh", "č": "ch", "ŝ": "shch", "ć": "ch", "ż": "zh", "ł": "l",
    "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i", "ǆ": "dzh",
    "ǰ": "j", "ĵ": "j", "ẑ": "zh", "ĉ": "ch", "ŭ": "u", "ħ": "h", "ŀ": "l",
    # ISO 9 writes ю я є as û â ê.
    "û": "iu", "â": "ia", "ê": "ie",
}
_FIRST_TABLE: Final = str.maketrans(
    {**_CYRILLIC_TO_LATIN, **_SPELT_OUT, **dict.fromkeys(APOSTROPHES, "")}
)
_LETTER_FOLDS: Final = str.maketrans({"g": "h", "y": "i", "j": "i", "w": "v", "q": "k",
                                      "x": "ks"})
# x is х in scholarly systems and кс in English: read it as х where кс cannot stand
# (after a consonant, or first before a consonant: Xrystyna, Olxovskyj).
_X_AS_KH: Final = re.compile(r"(?<=[bcdfghjklmnpqrstvwz])x|^x(?=[bcdfghjklmnpqrstvwz])")
_NOT_LETTER: Final = re.compile(r"[^a-z]+")
_DOUBLE: Final = re.compile(r"(.)\1+")


def _single(text: str) -> str:
    """Doubled letters made single (searching first is cheaper than substituting)."""
    return _DOUBLE.sub(r"\1", text) if _DOUBLE.search(text) else text
# Applied in order, each group after the one before. щ becomes "sch": shch, szcz,
# schtsch, chtch (French), shh (GOST 7.79) and the "sch" of simple systems all meet there;
# German "sch" for ш ends one letter from "sh".
_SHCH: Final = (("schtsch", "sch"), ("shch", "sch"), ("szcz", "sch"), ("chtch", "sch"))
_DIGRAPHS: Final = (
    ("ck", "k"), ("tsch", "ch"), ("tch", "ch"), ("tc", "c"), ("sz", "sh"), ("cz", "ch"),
)
# c alone is k before a back vowel, a consonant or at the end (Victor, Nicolas, and
# the c=к of the 2004 Ukrainian passport system); before e, i it stays ц.
_C_AS_K: Final = re.compile(r"c(?=[aoubdfgjklmnpqrtvx]|$)")
_KH: Final = re.compile(r"(?<!s)kh")  # not the s-kh of сх, which would read as ш
_AFTER: Final = (("ts", "c"), ("tz", "c"), ("ph", "f"), ("th", "t"), ("ou", "u"))
_IOTATION: Final = (("ie", "e"), ("io", "o"))
# Words are separated by spaces, dashes and punctuation; marks, primes and modifier
# letters that transliteration systems put inside words (ʹ ″ and the ALA-LC tie) are not
# separators.
_WORD_SPLIT: Final = re.compile(r"[\s\-\u2010-\u2015\u2212_,.;:/\\()\[\]{}<>«»„“”!?&+*#=|~0-9]+")


_DOUBLE_I_H: Final = re.compile(r"([ih])\1+")


def _unfolded(word: str) -> str:
    if not unicodedata.is_normalized("NFC", word):
        word = unicodedata.normalize("NFC", word)
    text = repair_mixed_script(word).lower().translate(_FIRST_TABLE)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        ).translate(_FIRST_TABLE)
    if not (text.isalpha() and text.isascii()):
        text = _NOT_LETTER.sub("", text)
    if "x" in text:
        text = _X_AS_KH.sub("kh", text)
    text = text.translate(_LETTER_FOLDS)
    if "shh" in text:
        text = text.replace("shh", "sch")  # GOST 7.79 B writes щ as shh
    return text


@lru_cache(maxsize=1 << 16)
def unfolded(word: str) -> str:
    """The word in lower-case ASCII letters with Cyrillic transliterated, diacritics
    spelt out and g h, y j i, w v, q k merged; nothing else changed. Patronymic suffixes
    are read from this form (the й of Олексіївна is still there)."""
    return _unfolded(word)


@lru_cache(maxsize=1 << 16)
def raw(word: str) -> str:
    """``unfolded`` with ii and hh made single, which systems differ on (Yi, I; zgh, zg).
    Typo search uses it: a typo that doubles a letter (Tttyana) is one edit here and
    more once doubled letters are merged."""
    return _raw_of(_unfolded(word))


@lru_cache(maxsize=1 << 16)
def light(word: str) -> str:
    """The first half of the skeleton: ``raw`` with all doubled letters single, but
    digraphs and iotation as spelt. Typo search uses it because a typo can make or break
    a digraph (Sviatslav is one edit from Sviatoslav here, two in the skeleton)."""
    return _single(raw(word))


@lru_cache(maxsize=1 << 18)
def skeleton(word: str) -> str:
    """The skeleton of one word: lower-case ASCII letters, "" if it has no letters."""
    return _skeleton_of_light(_single(_raw_of(_unfolded(word))))


def skeleton_uncached(word: str) -> str:
    """``skeleton`` without its cache, for callers that cache their own results
    (surname keys: a registry's hundred thousand surnames would crowd out the words
    the given-name and patronymic keys reuse)."""
    return _skeleton_of_light(_single(_raw_of(_unfolded(word))))


def skeleton_of_unfolded(text: str) -> str:
    """The skeleton of a text already ``unfolded`` (for names rebuilt from stems)."""
    return _skeleton_of_light(_single(_raw_of(text)))


def _raw_of(text: str) -> str:
    if "ii" in text or "hh" in text:
        text = _DOUBLE_I_H.sub(r"\1", text)
    return text


def _skeleton_of_light(text: str) -> str:
    before = text
    if "c" in text or "z" in text:  # every digraph below but kh, ts, ph, th, ou
        for old, new in _SHCH:
            if old in text:
                text = text.replace(old, new)
        for old, new in _DIGRAPHS:
            if old in text:
                text = text.replace(old, new)
        if "c" in text:
            text = _C_AS_K.sub("k", text)
    if "kh" in text:
        text = _KH.sub("h", text)
    for old, new in _AFTER:
        if old in text:
            text = text.replace(old, new)
    if text != before:
        text = _single(text)
    if "ie" in text or "io" in text:
        for old, new in _IOTATION:
            text = text.replace(old, new)
        text = _single(text)
    return text


def split_words(text: str) -> list[str]:
    """The words of ``text``, split at spaces, dashes and punctuation."""
    if text.isalpha():
        return [text]
    return [part for part in _WORD_SPLIT.split(text) if part]


def skeleton_words(text: str) -> list[str]:
    """The skeletons of the words of ``text`` (split at spaces, hyphens, punctuation)."""
    out = []
    for part in split_words(text):
        skel = skeleton_uncached(part)
        if skel:
            out.append(skel)
    return out
