"""Which script and language a piece of text is in, and letters that only look alike.

Lists are typed on keyboards that switch between Cyrillic and Latin layouts, so a
service number "АВ 123456" arrives with a Cyrillic А and В in one list and Latin A and B
in another, and a name "Олександр" sometimes has a Latin "о" in it. ``fold_homoglyphs``
is for identifiers; ``repair_mixed_script`` (used by the name keys) puts a name word
that mixes both scripts back into the script most of its letters are in.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from parley.names.translit import APOSTROPHES, is_cyrillic_letter

__all__ = [
    "fold_homoglyphs",
    "is_latin_letter",
    "language_hint",
    "repair_mixed_script",
    "script_of",
]

# Cyrillic (and Greek) letters that look like a Latin capital, folded to that capital.
_TO_LATIN_CAPITAL: Final[dict[str, str]] = {
    "А": "A", "а": "A", "В": "B", "в": "B", "Е": "E", "е": "E", "К": "K", "к": "K",
    "М": "M", "м": "M", "Н": "H", "н": "H", "О": "O", "о": "O", "Р": "P", "р": "P",
    "С": "C", "с": "C", "Т": "T", "т": "T", "Х": "X", "х": "X", "У": "Y", "у": "Y",
    "І": "I", "і": "I", "Ј": "J", "ј": "J", "Ѕ": "S", "ѕ": "S", "Ԛ": "Q", "ԛ": "Q",
    "Ԝ": "W", "ԝ": "W", "Ү": "Y", "ү": "Y", "Һ": "H", "һ": "H", "Ӏ": "I",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "A", "ε": "E", "ι": "I", "κ": "K", "ο": "O", "ρ": "P", "τ": "T", "υ": "Y",
    "χ": "X",
}
_FOLD_TABLE: Final = str.maketrans(_TO_LATIN_CAPITAL)
_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015\u2212\u00ad\ufe58\ufe63\uff0d]+")


def fold_homoglyphs(text: str) -> str:
    """Fold an identifier (a service number, a document number) to one comparable form.

    Cyrillic and Greek letters that look like Latin ones (А В Е К М Н О Р С Т Х У І and
    their lower-case forms) become those Latin capitals, everything is upper-cased, and
    whitespace and dashes are removed, so "АВ 123456", "ab-123456" and "AB123456" all give
    "AB123456". Full-width forms are folded by NFKC first. Digits are left alone (a
    letter O is not a zero).
    """
    for _ in range(4):  # removing a space can let a combining mark compose: repeat
        upper = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).upper())
        folded = _SEPARATORS.sub("", upper.translate(_FOLD_TABLE))
        if folded == text:
            break
        text = folded
    return folded


def is_latin_letter(char: str) -> bool:
    """True for a letter of the Latin blocks (Basic Latin to Latin Extended Additional)."""
    code = ord(char)
    return char.isalpha() and (
        code < 0x0250 or 0x1E00 <= code <= 0x1EFF or 0xFF21 <= code <= 0xFF5A
    ) and code not in (0x00D7, 0x00F7)


def script_of(text: str) -> str:
    """The script of ``text``'s letters: "cyrillic", "latin", "mixed" or "none".

    Letters of other scripts (Greek, Georgian, Arabic...) are not counted; "none" means
    no Cyrillic or Latin letter at all.
    """
    cyrillic = latin = False
    for char in text:
        if not char.isalpha():
            continue
        if is_cyrillic_letter(char):
            cyrillic = True
        elif is_latin_letter(char):
            latin = True
        if cyrillic and latin:
            return "mixed"
    if cyrillic:
        return "cyrillic"
    return "latin" if latin else "none"


_UKRAINIAN_ONLY: Final = frozenset("іїєґІЇЄҐ")
_RUSSIAN_ONLY: Final = frozenset("ыэъёЫЭЪЁ")
_BELARUSIAN_ONLY: Final = frozenset("ўЎ")


def language_hint(text: str) -> str:
    """Guess from its letters whether Cyrillic ``text`` is Ukrainian ("uk") or Russian ("ru").

    Ukrainian writes і ї є ґ and an apostrophe inside words; Russian writes ы э ъ ё.
    Text with neither kind of letter, with both, with Belarusian ў, or in Latin gives
    "unknown": most names are spelt the same in both languages.
    """
    uk = ru = False
    for i, char in enumerate(text):
        if char in _UKRAINIAN_ONLY:
            uk = True
        elif char in _RUSSIAN_ONLY:
            ru = True
        elif char in _BELARUSIAN_ONLY:
            return "unknown"
        elif (
            char in APOSTROPHES
            and 0 < i < len(text) - 1
            and is_cyrillic_letter(text[i - 1])
            and is_cyrillic_letter(text[i + 1])
        ):
            uk = True
    if uk and not ru:
        return "uk"
    if ru and not uk:
        return "ru"
    return "unknown"


# For repairing name words. Latin letters that look like Cyrillic ones, by case.
_LATIN_TO_CYRILLIC: Final[dict[str, str]] = {
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
    "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
    "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
    "k": "к",
    # Capital-only twins, lower-cased: a Cyrillic word with a stray Latin b, h, m or t
    # had a B, H, M or T typed for В, Н, М, Т before it was lower-cased.
    "b": "в", "h": "н", "m": "м", "t": "т",
}
_CYRILLIC_TO_LATIN: Final[dict[str, str]] = {
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Т": "T", "Х": "X", "У": "Y", "Ј": "J", "Ѕ": "S",
    "а": "a", "с": "c", "е": "e", "і": "i", "о": "o", "р": "p", "х": "x", "у": "y",
    "к": "k", "ј": "j", "ѕ": "s",
}
_TO_CYRILLIC_TABLE: Final = str.maketrans(_LATIN_TO_CYRILLIC)
_TO_LATIN_TABLE: Final = str.maketrans(_CYRILLIC_TO_LATIN)
_WORD: Final = re.compile(r"[^\W\d_]+", re.UNICODE)


def _repair_word(match: re.Match[str]) -> str:
    word = match.group(0)
    cyrillic = [c for c in word if is_cyrillic_letter(c)]
    latin = [c for c in word if is_latin_letter(c)]
    if not cyrillic or not latin:
        return word
    latin_only = sum(c not in _LATIN_TO_CYRILLIC for c in latin)
    cyrillic_only = sum(c not in _CYRILLIC_TO_LATIN for c in cyrillic)
    if latin_only == 0 and (cyrillic_only > 0 or len(cyrillic) >= len(latin)):
        return word.translate(_TO_CYRILLIC_TABLE)
    if cyrillic_only == 0:
        return word.translate(_TO_LATIN_TABLE)
    return word  # genuinely both scripts: leave it to the transliteration


def repair_mixed_script(text: str) -> str:
    """Put each word that mixes Cyrillic and Latin look-alikes into one script.

    A word whose Latin letters all have Cyrillic twins (and that has Cyrillic letters)
    becomes all Cyrillic ("Oлeксандр" with Latin o and e gives "Олександр"); a word whose
    Cyrillic letters all have Latin twins becomes all Latin. Other words are unchanged.
    """
    if text.isascii() or not _HAS_LATIN.search(text) or not _HAS_CYRILLIC.search(text):
        return text
    return _WORD.sub(_repair_word, text)


_HAS_LATIN: Final = re.compile(r"[A-Za-z\u00c0-\u024f]")
_HAS_CYRILLIC: Final = re.compile(r"[\u0400-\u052f]")
