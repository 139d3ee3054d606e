"""Labelled pairs of name spellings, for measuring the name keys and training linkage.

Each generator returns ``(a, b, same)`` triples: two spellings and whether they are the
same name. Spellings are made the way real lists make them: a Ukrainian, Russian or
Belarusian form, a pet form, a hand-listed foreign form, written in Cyrillic or through
one of ~50 transliteration systems (``parley.names.systems``), in any case, sometimes
with one typing error. Surnames come from the ~118,000 Ukrainian surnames of
``names-translator`` with their Russian forms.

Deterministic for a given seed. Not used at run time by the keys themselves.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from typing import Final

from parley.names.given import given_name_keys
from parley.names.given_table import GivenName, given_names_table
from parley.names.systems import _systems
from parley.names.translit import is_cyrillic_letter

__all__ = [
    "Pair",
    "given_name_pairs",
    "patronymic_pairs",
    "spell",
    "surname_pairs",
    "typo",
]

Pair = tuple[str, str, bool]

_CYRILLIC_LOWER: Final = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёыэ"
_LATIN_LOWER: Final = "abcdefghijklmnopqrstuvwxyz"


def typo(text: str, rng: random.Random) -> str:
    """``text`` with one typing error: a letter deleted, inserted, replaced, or two
    neighbouring letters swapped. Texts under four letters are returned unchanged."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])  # the first letter is rarely mistyped
    alphabet = _CYRILLIC_LOWER if is_cyrillic_letter(text[i]) else _LATIN_LOWER
    new = rng.choice(alphabet)
    if text[i].isupper():
        new = new.upper()
    kind = rng.choice(("delete", "insert", "replace", "swap"))
    if kind == "delete":
        return text[:i] + text[i + 1 :]
    if kind == "insert":
        return text[:i] + new + text[i:]
    if kind == "replace":
        return text[:i] + new + text[i + 1 :]
    j = i - 1 if i - 1 in letters else i
    if j == i:
        return text
    return text[:j] + text[i] + text[j] + text[i + 1 :]


@cache
def _system_list(language: str) -> list[Callable[[str], str]]:
    return [
        convert
        for convert, languages in _systems().values()
        if language == "any" or language in languages
    ]


def _cased(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return text.upper()
    if roll < 0.3:
        return text.lower()
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def spell(form: str, language: str, rng: random.Random, *, latin: float = 0.5) -> str:
    """One spelling of ``form``: itself, or (with probability ``latin``) its
    transliteration by a random system for ``language``; in a random case."""
    if any(is_cyrillic_letter(c) for c in form) and rng.random() < latin:
        systems = _system_list(language if language in ("uk", "ru", "be") else "any")
        form = rng.choice(systems)(form)
        form = form[:1].upper() + form[1:]
    return _cased(form, rng)


def _own_forms(row: GivenName) -> list[tuple[str, str]]:
    """The forms of ``row`` whose default key is the row's own (not Саша for Олександра)."""
    out = []
    for form, language, _ in row.forms():
        keys = given_name_keys(form)
        if len(keys) == 1 and row.key in keys:
            out.append((form, language))
    return out


def _main_forms(row: GivenName) -> list[tuple[str, str]]:
    return [(f, "uk") for f in row.uk[:1]] + [(f, "ru") for f in row.ru[:1]]


# How often a name of each ``freq`` tier is drawn, relative to the others: lists are
# mostly made of the common names.
_TIER_WEIGHT: Final = {1: 6.0, 2: 3.0, 3: 1.0}


def given_name_pairs(
    n_same: int, n_different: int, *, seed: int = 0, typo_rate: float = 0.1
) -> list[Pair]:
    """Same-name and different-name pairs of given names from the table.

    Names are drawn with common names more often (``_TIER_WEIGHT``). A same-name pair
    is two spellings of one row's forms (mostly the main Ukrainian or Russian form
    against any form: other languages, pet forms, foreign forms), the second with a
    typo at ``typo_rate``. A different-name pair is two spellings of two rows, a fifth
    of them the male and female forms of one name (Олександр, Олександра).
    """
    rng = random.Random(seed)
    rows = [row for row in given_names_table() if _own_forms(row)]
    weights = [_TIER_WEIGHT.get(row.freq, 1.0) for row in rows]
    by_main = {row.uk[0]: row for row in rows}
    pairs: list[Pair] = []
    while len(pairs) < n_same:
        row = rng.choices(rows, weights)[0]
        forms = _own_forms(row)
        main = _main_forms(row)
        a_form, a_lang = rng.choice(main if rng.random() < 0.7 else forms)
        b_form, b_lang = rng.choice(forms)
        a = spell(a_form, a_lang, rng)
        b = spell(b_form, b_lang, rng)
        if rng.random() < typo_rate:
            b = typo(b, rng)
        pairs.append((a, b, True))
    while len(pairs) < n_same + n_different:
        row = rng.choices(rows, weights)[0]
        other = rng.choices(rows, weights)[0]
        if rng.random() < 0.2:  # the other sex's form of the same name
            partner = by_main.get(row.uk[0] + "а") or by_main.get(row.uk[0][:-1])
            other = partner or other
        if other.key == row.key:
            continue
        a_form, a_lang = rng.choice(_own_forms(row))
        b_form, b_lang = rng.choice(_own_forms(other))
        a, b = spell(a_form, a_lang, rng), spell(b_form, b_lang, rng)
        if rng.random() < typo_rate:
            b = typo(b, rng)
        pairs.append((a, b, False))
    return pairs


@cache
def _surname_dictionary() -> list[tuple[str, tuple[str, ...]]]:
    from names_translator.dicts import default_dicts

    return sorted(
        (uk, tuple(ru)) for uk, ru in default_dicts().as_dict("last").items() if ru
    )


def surname_pairs(n: int, *, seed: int = 0) -> list[Pair]:
    """Same-surname pairs: a Ukrainian surname and its Russian form (names-translator),
    each in Cyrillic or a random transliteration, in any case."""
    rng = random.Random(seed)
    dictionary = _surname_dictionary()
    pairs: list[Pair] = []
    while len(pairs) < n:
        uk, ru_forms = rng.choice(dictionary)
        uk = uk[:1].upper() + uk[1:]
        sides = [(uk, "uk"), (rng.choice(ru_forms), "ru")]
        a = rng.choice(sides)
        b = rng.choice(sides)
        pairs.append((spell(a[0], a[1], rng, latin=0.6), spell(b[0], b[1], rng, latin=0.6), True))
    return pairs


def patronymic_pairs(n: int, *, seed: int = 0) -> list[Pair]:
    """Same-patronymic pairs built from the table: a father's name from the table made
    into Ukrainian and Russian patronymics by the regular rules, spelt in any system."""
    from parley.names.patronymic import patronymics_of

    rng = random.Random(seed)
    rows = [row for row in given_names_table() if row.sex == "m"]
    pairs: list[Pair] = []
    while len(pairs) < n:
        row = rng.choice(rows)
        forms = patronymics_of(row, feminine=rng.random() < 0.5)
        if not forms:
            continue
        a, b = rng.choice(forms), rng.choice(forms)
        pairs.append((spell(a[0], a[1], rng), spell(b[0], b[1], rng), True))
    return pairs
