"""How real lists get names, dates and numbers wrong: typos, respellings, formats, homoglyphs.

Every function takes the generator's ``random.Random`` so a scenario is reproducible
from its seed. Nothing here knows the truth; :mod:`parley.synth.multisource` decides
which person a record describes and calls these to write it down as a party would.
"""

from __future__ import annotations

import random
import warnings
from datetime import date
from typing import Any, TypeVar

import iuliia
import translitua

# Letters an operator's finger or eye confuses, per script (neighbours and look-alikes).
T = TypeVar("T")

_CONFUSABLE = {
    "а": "оя", "о": "аи", "е": "иє", "и": "іы", "і": "иї", "ы": "и", "є": "е", "я": "а",
    "к": "х", "г": "ґк", "н": "м", "м": "н", "т": "ш", "ш": "щ", "щ": "ш", "с": "з",
    "з": "с", "в": "б", "б": "в", "п": "р", "р": "п", "л": "д", "д": "л", "ч": "ц",
    "ц": "ч", "у": "ю", "ю": "у", "й": "и", "ь": "ъ", "х": "к",
    "a": "eo", "e": "ai", "i": "yj", "o": "a", "u": "y", "y": "ij", "k": "c", "c": "k",
    "s": "z", "z": "s", "v": "w", "w": "v", "h": "g", "g": "h", "n": "m", "m": "n",
    "t": "d", "d": "t", "l": "i", "r": "t", "j": "y",
}

# Cyrillic letters with a Latin look-alike, as typed into identifiers and names.
HOMOGLYPHS = {"А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
              "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I",
              "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "і": "i"}

_UK_SYSTEMS = (
    (translitua.UkrainianKMU, 70), (translitua.UkrainianPassport2007, 10),
    (translitua.UkrainianBGN, 12), (translitua.UkrainianGerman, 3),
    (translitua.UkrainianFrench, 2), (translitua.UkrainianPassport2004Alt, 3),
)
_RU_SYSTEMS = (
    (iuliia.ICAO_DOC_9303, 40), (iuliia.WIKIPEDIA, 25), (iuliia.MVD_310, 15),
    (translitua.RussianInternationalPassport1997, 20),
)


def typo(rng: random.Random, text: str) -> str:
    """One keyboard or reading error: a substitution, deletion, doubling or transposition."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    # Errors rarely hit the first letter: the eye anchors on it.
    i = rng.choice(letters[1:])
    ch = text[i]
    op = rng.random()
    if op < 0.45:
        options = _CONFUSABLE.get(ch.lower(), "")
        if not options:
            return text[:i] + text[i + 1:]
        new = rng.choice(options)
        return text[:i] + (new.upper() if ch.isupper() else new) + text[i + 1:]
    if op < 0.7:
        return text[:i] + text[i + 1:]
    if op < 0.85:
        return text[:i] + ch + text[i:]
    j = i + 1 if i + 1 < len(text) and text[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return text[:a] + text[b] + text[a] + text[b + 1:]


def homoglyph_swap(rng: random.Random, text: str, rate: float = 0.5) -> str:
    """Replace some Cyrillic letters by their Latin look-alikes (or the reverse)."""
    reverse = {v: k for k, v in HOMOGLYPHS.items()}
    out = []
    for ch in text:
        if ch in HOMOGLYPHS and rng.random() < rate:
            out.append(HOMOGLYPHS[ch])
        elif ch in reverse and rng.random() < rate:
            out.append(reverse[ch])
        else:
            out.append(ch)
    return "".join(out)


def uk_to_ru_spelling(rng: random.Random, text: str, *, phonetic: bool) -> str:
    """A Ukrainian word respelt by a Russian clerk, letter by letter.

    With ``phonetic`` the clerk writes what he hears (и → ы, Мельник → Мельнык);
    otherwise he maps the letters Russian lacks (і → и, є → е, ї → и, ґ → г).
    """
    table = {"і": "и", "ї": "и" if rng.random() < 0.6 else "йи", "є": "е", "ґ": "г",
             "'": "ь" if rng.random() < 0.3 else "", "’": "", "ʼ": ""}
    if phonetic:
        table["и"] = "ы"
    out = []
    for k, ch in enumerate(text):
        low = ch.lower()
        rep = table.get(low)
        if rep is None:
            out.append(ch)
            continue
        if phonetic and low == "и" and (k == 0 or not text[k - 1].isalpha()):
            rep = "и"
        out.append(rep.upper() if ch.isupper() and rep else rep)
    return "".join(out)


def transliterate_uk(rng: random.Random, text: str) -> str:
    table: Any = _weighted(rng, _UK_SYSTEMS)
    return str(translitua.translit(text, table))


def transliterate_ru(rng: random.Random, text: str) -> str:
    schema: Any = _weighted(rng, _RU_SYSTEMS)
    if hasattr(schema, "translate"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return str(schema.translate(text)).replace("’", "'")
    return str(translitua.translit(text, schema))


def _weighted(rng: random.Random, options: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def date_text(rng: random.Random, born: date, style: str) -> str:
    """``born`` as a list writes it: ``uk``/``ru`` (dd.mm.yyyy mostly), ``latin``, ``iso``."""
    d, m, y = born.day, born.month, born.year
    roll = rng.random()
    if style == "iso":
        return born.isoformat()
    if style == "latin":
        if roll < 0.55:
            return f"{d:02d}/{m:02d}/{y}"
        if roll < 0.85:
            return born.isoformat()
        if roll < 0.93:
            return f"{d}/{m}/{y}"
        return f"{d:02d}.{m:02d}.{y}"
    if roll < 0.78:
        return f"{d:02d}.{m:02d}.{y}"
    if roll < 0.9:
        return born.isoformat()
    if roll < 0.95:
        return f"{d}.{m}.{y}"
    return f"{d:02d}.{m:02d}.{y % 100:02d}"


def damaged_date(rng: random.Random, born: date) -> date:
    """A date as a clerk misread or mistyped it: day and month swapped, a digit or year off."""
    roll = rng.random()
    if roll < 0.45 and born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month)
    if roll < 0.75:
        day = born.day
        options = [x for x in (day + 1, day - 1, day + 10, day - 10) if 1 <= x <= 28]
        return born.replace(day=rng.choice(options)) if options else born
    if roll < 0.9:
        return born.replace(year=born.year + rng.choice((-1, 1)), day=min(born.day, 28))
    month = born.month
    options = [x for x in (month + 1, month - 1) if 1 <= x <= 12]
    return born.replace(month=rng.choice(options), day=min(born.day, 28))


def caps(rng: random.Random, text: str, rate: float) -> str:
    return text.upper() if rng.random() < rate else text
