"""Cyrillic to Latin transliteration by the two systems that name documents use.

``kmu2010`` is Ukraine's national system (Cabinet of Ministers resolution No. 55 of
27 January 2010), used in Ukrainian passports since 2010; ``icao9303`` is the table of
ICAO Doc 9303 (7th edition, part 3) that Russian machine-readable passports use.

Both are written here as small per-letter tables rather than taken from ``translitua``
and ``iuliia``, because lists need two things those packages do not do: case kept per
word ("МЕЛЬНИК Олександр" gives "MELNYK Oleksandr", not "MELNYK" glued to a title-cased
digraph) and the letters of the other language handled rather than left in Cyrillic.
The tests check both tables against those packages on thousands of real names.

Letters a system does not define take the other system's value so that the two agree
wherever they can: ``kmu2010`` writes Russian ё ы э ъ as ICAO does (e, y, e, ie), and
``icao9303`` writes Ukrainian є і ї ґ as Doc 9303's own table does (ie, i, i, g).
"""

from __future__ import annotations

from typing import Final

__all__ = ["APOSTROPHES", "SYSTEMS", "is_cyrillic_letter", "transliterate"]

#: Characters used for the Ukrainian apostrophe in real data (typewriter, typographic,
#: modifier letter, backtick, acute accent, primes, and the double quote that the
#: apostrophe key gives with Shift on some layouts).
APOSTROPHES: Final = "'\u2019\u02bc`\u00b4\u2018\u2032\u02b9\""

_COMMON: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "д": "d", "е": "e", "ж": "zh", "з": "z", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ь": "", "ъ": "ie", "ё": "e", "ы": "y", "э": "e", "ґ": "g", "і": "i", "ї": "i",
    "є": "ie", "й": "i", "ю": "iu", "я": "ia", "ў": "u",
    # Other Cyrillic alphabets, as in Doc 9303's table, so that no letter is left over.
    "ђ": "d", "ѓ": "g", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ќ": "k",
    "џ": "dz", "ғ": "g", "қ": "k", "ң": "n", "ү": "u", "ұ": "u", "һ": "h", "ә": "a",
    "ө": "o", "ҳ": "h", "ҷ": "j",
}

_KMU: Final[dict[str, str]] = {**_COMMON, "г": "h", "и": "y"}
_ICAO: Final[dict[str, str]] = {**_COMMON, "г": "g", "и": "i"}

# KMU 2010: є ї й ю я at the start of a word are Ye Yi Y Yu Ya.
_KMU_INITIAL: Final[dict[str, str]] = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

SYSTEMS: Final = ("kmu2010", "icao9303")
_ALIASES: Final = {
    "kmu2010": "kmu2010", "kmu": "kmu2010", "kmu55": "kmu2010", "national": "kmu2010",
    "icao9303": "icao9303", "icao": "icao9303", "icaodoc9303": "icao9303",
}

_CYRILLIC_LETTERS: Final = frozenset(_COMMON) | {"г", "и"}


def is_cyrillic_letter(char: str) -> bool:
    """True for a letter of the Cyrillic blocks (U+0400-U+052F, U+1C80-U+1C8F, U+A640-U+A69F)."""
    code = ord(char)
    return (
        (0x0400 <= code <= 0x052F or 0x1C80 <= code <= 0x1C8F or 0xA640 <= code <= 0xA69F)
        and char.isalpha()
    )


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Spans of words: letters joined by apostrophes between letters."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if not text[i].isalpha():
            i += 1
            continue
        start = i
        while i < n and (
            text[i].isalpha()
            or (text[i] in APOSTROPHES and i + 1 < n and text[i + 1].isalpha() and i > start)
        ):
            i += 1
        spans.append((start, i))
    return spans


def _cased(out: str, upper: bool, all_caps: bool) -> str:
    if not upper or not out:
        return out
    return out.upper() if all_caps else out[0].upper() + out[1:]


def transliterate(text: str, system: str) -> str:
    """Write Cyrillic ``text`` in Latin letters by ``system`` ("kmu2010" or "icao9303").

    Everything that is not Cyrillic (Latin letters, digits, punctuation) is kept as it
    is; apostrophes inside a Cyrillic word are dropped, as both systems require. Case is
    kept word by word: "Щербак" gives "Shcherbak", "ЩЕРБАК" gives "SHCHERBAK". A single
    capital letter (an initial) is written in capitals only when the whole text is.

    ``system`` is matched without regard to case, spaces and hyphens ("KMU 2010",
    "icao-9303"). Raises ``ValueError`` only for an unknown ``system``; any text is
    accepted.
    """
    name = _ALIASES.get(system.strip().lower().replace(" ", "").replace("-", ""), "")
    if name == "kmu2010":
        table, initial = _KMU, _KMU_INITIAL
    elif name == "icao9303":
        table, initial = _ICAO, {}
    else:
        raise ValueError(f"unknown transliteration system {system!r}: use one of {SYSTEMS}")
    if not any(is_cyrillic_letter(c) for c in text):
        return text
    text_caps = _is_all_caps(text)
    out: list[str] = []
    last = 0
    for start, end in _word_spans(text):
        out.append(text[last:start])
        last = end
        word = text[start:end]
        all_caps = _is_all_caps(word) if sum(c.isalpha() for c in word) > 1 else text_caps
        prev_lower = ""
        for pos, char in enumerate(word):
            lower = char.lower()
            if lower not in table:
                if char in APOSTROPHES and prev_lower in table:
                    continue  # an apostrophe after a Cyrillic letter is not transliterated
                out.append(char)
                prev_lower = lower
                continue
            if pos == 0 and lower in initial:
                latin = initial[lower]
            elif lower == "г" and prev_lower == "з" and system == "kmu2010":
                latin = "gh"  # зг -> zgh, so that it does not read as ж (zh)
            else:
                latin = table[lower]
            out.append(_cased(latin, char != lower, all_caps))
            prev_lower = lower
    out.append(text[last:])
    return "".join(out)


def _is_all_caps(text: str) -> bool:
    cased = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    return bool(cased) and all(c.isupper() for c in cased) and len(cased) > 1
