"""The given-names table: ``data/given_names.csv``, one row per name.

Columns: ``sex`` (m, f); ``freq`` (1 for the ~60 most common names of each sex, 2 for
other common names, 3 for the rest), used only to break ties between typo readings;
``uk``, ``ru``, ``be``: the Ukrainian, Russian and Belarusian forms, the standard one
first, then church, folk and spelling variants; ``diminutives``: Cyrillic pet and short
forms; ``latin``: Latin forms no transliteration produces (Alexander, Michael, Jerzy's
neighbours, German and Polish forms, English nicknames). Cells hold several forms
separated by "|"; a form marked "*" is the default reading of a form that several rows
list (Саша for Олександр, not Олександра). Lines starting with "#" are comments.

A row's key is the KMU 2010 spelling of its first Ukrainian form, in lower case:
"oleksandr", "oleksandra", "viacheslav".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from parley.names.translit import transliterate

__all__ = ["TABLE_FILE", "GivenName", "given_names_table", "table_text"]

TABLE_FILE: Final = "data/given_names.csv"

# Weight of each kind of form when one spelling belongs to several names.
W_MAIN: Final = 4  # Ukrainian and Russian forms
W_OTHER: Final = 3  # Belarusian forms, hand-listed Latin forms
W_DIMINUTIVE: Final = 2
W_PREFERRED: Final = 10  # added for a form marked "*"


@dataclass(frozen=True, slots=True)
class GivenName:
    """One row of the given-names table."""

    key: str
    sex: str
    freq: int
    uk: tuple[str, ...]
    ru: tuple[str, ...]
    be: tuple[str, ...]
    diminutives: tuple[str, ...]
    latin: tuple[str, ...]
    preferred: frozenset[str]

    def forms(self) -> Iterator[tuple[str, str, int]]:
        """(form, language, weight) for every form of the row; language is "uk", "ru",
        "be", "any" (diminutives) or "latin"."""
        for form in self.uk:
            yield form, "uk", W_MAIN
        for form in self.ru:
            yield form, "ru", W_MAIN
        for form in self.be:
            yield form, "be", W_OTHER
        for form in self.diminutives:
            yield form, "any", W_DIMINUTIVE
        for form in self.latin:
            yield form, "latin", W_OTHER

    def weight(self, form: str, base: int) -> int:
        return base + W_PREFERRED if form in self.preferred else base


def table_text() -> str:
    """The table file's text."""
    return resources.files("parley.names").joinpath(TABLE_FILE).read_text("utf-8")


def _split(cell: str) -> tuple[list[str], set[str]]:
    forms: list[str] = []
    preferred: set[str] = set()
    for raw in cell.split("|"):
        form = raw.strip()
        if form.startswith("*"):
            form = form[1:]
            preferred.add(form)
        if form and form not in forms:
            forms.append(form)
    return forms, preferred


@cache
def given_names_table() -> tuple[GivenName, ...]:
    """The rows of the table, in file order."""
    lines = [line for line in table_text().splitlines() if line and not line.startswith("#")]
    rows: list[GivenName] = []
    for record in csv.DictReader(io.StringIO("\n".join(lines))):
        cells: dict[str, tuple[str, ...]] = {}
        preferred: set[str] = set()
        for column in ("uk", "ru", "be", "diminutives", "latin"):
            forms, marked = _split(record[column] or "")
            cells[column] = tuple(forms)
            preferred |= marked
        rows.append(
            GivenName(
                key=transliterate(cells["uk"][0], "kmu2010").lower(),
                sex=record["sex"].strip(),
                freq=int(record["freq"]),
                uk=cells["uk"],
                ru=cells["ru"],
                be=cells["be"],
                diminutives=cells["diminutives"],
                latin=cells["latin"],
                preferred=frozenset(preferred),
            )
        )
    return tuple(rows)
