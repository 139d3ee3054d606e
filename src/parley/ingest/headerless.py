"""Lists without a header row: seeing that the first row is already data, and saying so.

Some lists arrive as bare rows (an export from a database, a column pasted from a
document): ``Мельник;Олександр;Миколайович;12.03.1985;1234567``. Guessing which column
is the surname and which the given name would put every person of the list into the
registry under a reading nobody checked, and a list cannot be imported a second time
with other columns (the same content changes nothing). So Parley does not guess: it
refuses such a file with one line that names the file, says which row is data, and
gives the ``--map`` options to import it as it is, read from the values of each column
(dates, service numbers, running numbers, patronymics, given names the name table knows,
whole names). With columns named by letter (``--map A=surname``) and no header in the
file, every row is read as data, the first one included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from parley.errors import InputError
from parley.ingest.headers import column_letter
from parley.ingest.values import ValueProblem, normalise_sex, parse_iso_date

__all__ = ["HeaderlessList", "headerless_message", "infer_fields", "looks_like_data"]


class HeaderlessList(InputError):
    """A sheet whose first row is already data: the message says how to read it. Of the
    reasons sheets of a workbook give for holding no list, this one is reported first."""

_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’ʼ`.-]*(?:['’ʼ`-][^\W\d_]+)*\.?")
_SERVICE_NUMBER = re.compile(r"[^\W\d_]{0,3}[- ]?\d{5,10}(?:[.,]0+)?")
_DIGITS = re.compile(r"\d+(?:[.,]0+)?")
SAMPLE = 40


def _is_date(text: str) -> bool:
    if not any(c.isdigit() for c in text):
        return False
    try:
        parse_iso_date(text)
    except ValueProblem:
        return False
    return True


_DATE_SHAPE = re.compile(r"\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?")


def _date_shaped(text: str) -> bool:
    """A date, or what is written like one (31.02.1990 is a bad date, still a date)."""
    return _is_date(text) or bool(_DATE_SHAPE.fullmatch(text))


def _service_number(text: str) -> bool:
    return bool(_SERVICE_NUMBER.fullmatch(text.lstrip("'")))


def _name_words(text: str) -> list[str] | None:
    words = text.split()
    if not words or not all(_NAME_WORD.fullmatch(w) for w in words):
        return None
    return words


def looks_like_data(cells: Sequence[str]) -> bool:
    """Whether a row reads as a person's data rather than as column headings: a date, a
    service number, or a whole name (two to four capitalised words)."""
    filled = [c.strip() for c in cells if c and c.strip()]
    for text in filled:
        if _is_date(text) or _service_number(text):
            return True
        words = _name_words(text)
        if words and 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
            return True
    return len(filled) >= 2 and sum(_name_words(t) is not None for t in filled) >= 2 and \
        _known_given(filled)


def _known_given(texts: Sequence[str]) -> bool:
    from parley.names import given_name_key

    return any((key := given_name_key(t)) is not None and not key.startswith("~")
               for t in texts if " " not in t.strip())


def infer_fields(rows: Sequence[Sequence[str]]) -> list[str | None]:
    """The field each column's values suggest (``None`` when they suggest none).

    A column of consecutive whole numbers is the running number; of dates, the birth
    date; of service numbers (digits, perhaps after a letter or two), the service
    number; of М/Ж, the sex; of words, a full name when most values have two words or
    more, else a patronymic (by its suffix), a given name (known to the name table), or
    the surname. Only the first column suggesting a field gets it.
    """
    width = max((len(r) for r in rows), default=0)
    fields: list[str | None] = []
    seen: set[str] = set()
    for index in range(width):
        values = [r[index].strip() for r in rows[:SAMPLE] if index < len(r) and r[index].strip()]
        field = _infer_one(values)
        fields.append(None if field in seen else field)
        if field is not None:
            seen.add(field)
    return fields


def _infer_one(values: list[str]) -> str | None:
    from parley.names import given_name_key

    if not values:
        return None

    def share(test: Callable[[str], bool]) -> float:
        return sum(1 for v in values if test(v)) / len(values)

    def known_given(text: str) -> bool:
        key = given_name_key(text)
        return key is not None and not key.startswith("~")

    if all(_DIGITS.fullmatch(v) for v in values):
        numbers = [int(float(v.replace(",", "."))) for v in values]
        if len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return "list_number"
    if share(_date_shaped) >= 0.6:
        return "birth_date"
    if share(_service_number) >= 0.6:
        return "service_number"
    if share(lambda v: normalise_sex(v) is not None) >= 0.8 and all(len(v) <= 8 for v in values):
        return "sex"
    words = [_name_words(v) for v in values]
    if sum(w is not None for w in words) < 0.6 * len(values):
        return None
    if sum(len(w) >= 2 for w in words if w) >= 0.6 * len(values):
        return "full_name"
    if share(_looks_patronymic) >= 0.6:
        return "patronymic"
    if share(known_given) >= 0.6:
        return "given_name"
    return "surname"


_PATRONYMIC_END = re.compile(r"(ович|евич|євич|івна|ївна|овна|евна|ична|ovych|ovich|evich"
                             r"|ivna|ovna|evna)$", re.IGNORECASE)


def _looks_patronymic(text: str) -> bool:
    return bool(_PATRONYMIC_END.search(text.strip()))


def headerless_message(file_name: str, number: int, cells: Sequence[str],
                       sample: Sequence[Sequence[str]]) -> str:
    """The one line refusing a file whose row ``number`` is data where a header belongs."""
    shown = ", ".join(repr(c.strip()[:40]) for c in cells if c and c.strip())
    fields = infer_fields(sample)
    named = [(column_letter(i), f) for i, f in enumerate(fields) if f is not None]
    if not any(f in ("surname", "given_name", "full_name") for _, f in named):
        named = [("A", "full_name")]  # no name column to be seen: the usual place
    options = " ".join(f"--map {letter}={field}" for letter, field in named)
    return (f"{file_name}: no header row: row {number} is already data ({shown}); add a "
            f"header row naming the columns (Прізвище, Ім'я, Дата народження, …), or "
            f"name them by letter to read every row as data: {options}")
