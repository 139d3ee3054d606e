"""The transliteration systems that Latin spellings of Ukrainian and Russian names come from.

Used to generate, from the Cyrillic forms in the given-names table, every Latin spelling
a name is likely to arrive in: Parley's own ``kmu2010`` and ``icao9303``; the tables of
``translitua`` (Ukrainian: BGN/PCGN 1965, British, ISO 9, French, German, GOST 1971 and
1986, the passport systems of 1996, 2004 and 2007, ALA-LC, scholarly) and of
``iuliia`` (Russian: BGN/PCGN, GOST 7.79, GOST 16876, ISO 9, ALA-LC, BS 2979, UNGEGN,
scholarly, the Russian passport systems MVD 310 and 782 and their French variant,
Wikipedia's, telegraph); and two written here, Polish (PWN) and German (Duden) spellings
of Russian names, which neither package has and which families abroad use.

Nothing here runs per lookup: the given-names index calls ``latin_spellings`` once per
Cyrillic form when it is built.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any, Final

from parley.names.translit import transliterate

__all__ = ["latin_spellings", "system_names"]

_VOWELS: Final = frozenset("аеёиоуыэюяіїєaeiouy")
_SOFT_OR_HARD: Final = frozenset("ьъ'’ʼ")

# Letter -> (after a consonant, at the start / after a vowel or sign) for the iotated
# vowels; a plain string for the others.
_POLISH_RU: Final[dict[str, str | tuple[str, str]]] = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": ("ie", "je"), "ё": ("io", "jo"),
    "ж": "ż", "з": "z", "и": ("i", "i"), "й": "j", "к": "k", "л": "ł", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch",
    "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": ("iu", "ju"), "я": ("ia", "ja"), "і": "i", "ї": "ji", "є": ("ie", "je"), "ґ": "g",
}
_POLISH_UK: Final[dict[str, str | tuple[str, str]]] = {
    **_POLISH_RU, "г": "h", "и": "y", "е": "e",
}
_GERMAN_RU: Final[dict[str, str | tuple[str, str]]] = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": ("e", "je"), "ё": ("jo", "jo"),
    "ж": "sh", "з": "s", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch",
    "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": ("ju", "ju"), "я": ("ja", "ja"), "і": "i", "ї": "ji", "є": ("je", "je"),
    "ґ": "g",
}
_ENGLISH_RU: Final[dict[str, str | tuple[str, str]]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": ("e", "ye"), "ё": ("yo", "yo"),
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": ("yu", "yu"), "я": ("ya", "ya"), "і": "i", "ї": "yi", "є": ("ye", "ye"), "ґ": "g",
}


def _table_system(table: dict[str, str | tuple[str, str]]) -> Callable[[str], str]:
    def convert(text: str) -> str:
        out: list[str] = []
        prev = ""
        for char in text.lower():
            value = table.get(char)
            if value is None:
                out.append(char)
            elif isinstance(value, tuple):
                initial = prev == "" or prev in _VOWELS or prev in _SOFT_OR_HARD
                out.append(value[1] if initial else value[0])
            else:
                out.append(value)
            prev = char if char.isalpha() or char in _SOFT_OR_HARD else ""
        return "".join(out)

    return convert


def _ending_y(text: str) -> str:
    """English habit: -ий/-ій/-ый written -y (Yuriy, Yury), the soft sign dropped."""
    return re.sub("[иіы]й$", "y", text.lower())


def _translitua(table: Any) -> Callable[[str], str]:
    import translitua

    def convert(text: str) -> str:
        return str(translitua.translit(text, table))

    return convert


def _iuliia(schema: Any) -> Callable[[str], str]:
    def convert(text: str) -> str:
        return str(schema.translate(text.lower()))

    return convert


@cache
def _systems() -> dict[str, tuple[Callable[[str], str], frozenset[str]]]:
    """Each system with the languages ("uk", "ru", "be") it is applied to."""
    import iuliia
    import translitua

    uk, ru = frozenset({"uk", "be"}), frozenset({"ru", "be"})
    both = uk | ru
    systems: dict[str, tuple[Callable[[str], str], frozenset[str]]] = {
        "kmu2010": (lambda t: transliterate(t, "kmu2010"), both),
        "icao9303": (lambda t: transliterate(t, "icao9303"), both),
        "polish": (_table_system(_POLISH_RU), ru),
        "polish_uk": (_table_system(_POLISH_UK), uk),
        "german": (_table_system(_GERMAN_RU), ru),
        "english": (_table_system(_ENGLISH_RU), ru),
        "english_y": (lambda t: _table_system(_ENGLISH_RU)(_ending_y(t)), both),
        # English habit: лю as lu (Ludmila, Luba, Luda).
        "english_lu": (lambda t: _table_system(_ENGLISH_RU)(t.lower().replace("лю", "лу")),
                       both),
    }
    for table in translitua.ALL_UKRAINIAN:
        if table.__name__.startswith("UkrainianDSTU9112"):
            continue  # writes the soft sign as j: academic, not seen on documents
        systems[f"translitua.{table.__name__}"] = (_translitua(table), uk)
    for table in translitua.ALL_RUSSIAN:
        systems[f"translitua.{table.__name__}"] = (_translitua(table), ru)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in (
            "ALA_LC", "BGN_PCGN", "BS_2979", "GOST_16876", "GOST_52535", "GOST_779",
            "GOST_7034", "ICAO_DOC_9303", "ISO_9_1954", "ISO_9_1968", "MOSMETRO", "MVD_310",
            "MVD_310_FR", "MVD_782", "SCIENTIFIC", "TELEGRAM", "UNGEGN_1987", "WIKIPEDIA",
            "YANDEX_MAPS", "YANDEX_MONEY",
        ):
            systems[f"iuliia.{name.lower()}"] = (_iuliia(getattr(iuliia, name)), ru)
    return systems


def system_names() -> list[str]:
    """The names of the systems ``latin_spellings`` uses, for the documentation."""
    return sorted(_systems())


def latin_spellings(form: str, language: str) -> set[str]:
    """Every Latin spelling of a Cyrillic ``form`` by the systems used for ``language``.

    ``language`` is "uk", "ru" or "be"; "any" applies every system. Spellings are
    lower-case.
    """
    out: set[str] = set()
    for convert, languages in _systems().values():
        if language == "any" or language in languages:
            out.add(convert(form).lower())
    return out
