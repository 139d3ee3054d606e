"""Dates as lists write them: day first, the region's convention, or a year alone.

Accepted: "25.03.1999", "5.3.99", "25/03/1999", "25-03-1999", "25 03 1999", ISO
"1999-03-25" (also with a time after it), "1999.03.25", "03.1999" and "1999-03"
(a month), "1999" (a year, also "1999 р." or "1999г."), "березень 1999", "березня
1999", "март 1999", "March 1999", "Mar 1999", "25 березня 1999", "25 March 1999" and
"March 25, 1999", Excel's "3-May-90" and "03-May-1999", Roman months ("25.III.1999"),
"May-99", a compact "19990325", and a year marked "1999 г.р." or "1999 р.н.". Day and
month are read day first; when both are 12 or less and differ the result is flagged
``ambiguous_day_month`` so that linkage can also try them swapped. A two-digit year takes
the century that keeps the date from being in the future. An impossible date (31.02.2001,
13.13.2001) is an error, never a guess. Spreadsheet serial numbers are the importer's
business, not this module's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["DateError", "ParsedDate", "parse_date"]

Precision = Literal["day", "month", "year"]


class DateError(ValueError):
    """A text that is not a date, or names a date that does not exist."""


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date read from a list, with how much of it the list gave.

    ``value`` is the date, with day 1 (and month 1) standing in for parts the list did
    not give; ``precision`` says which parts are real; ``ambiguous_day_month`` is true
    when day and month could be swapped (both 12 or less, and different).
    """

    value: dt.date
    precision: Precision
    ambiguous_day_month: bool = False


_MONTHS: Final[dict[str, int]] = {}
for _number, _names in enumerate(
    (
        "січень січня січ jan january январь января янв",
        "лютий лютого лют feb february февраль февраля фев",
        "березень березня бер mar march март марта",
        "квітень квітня квіт apr april апрель апреля апр",
        "травень травня трав may май мая",
        "червень червня черв jun june июнь июня",
        "липень липня лип jul july июль июля",
        "серпень серпня серп aug august август августа авг",
        "вересень вересня вер sep sept september сентябрь сентября сен сент",
        "жовтень жовтня жовт oct october октябрь октября окт",
        "листопад листопада лист nov november ноябрь ноября ноя",
        "грудень грудня груд dec december декабрь декабря дек",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
for _number, _roman in enumerate(
    ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"), start=1
):
    _MONTHS[_roman] = _number

_MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)
# "1990 р.", "1990 г.", and "1990 г.р." / "1990 р.н." (год рождения, рік народження).
_YEAR_MARK: Final = (
    r"(?:\s*(?:г\.?\s*р\.?|р\.?\s*н\.?|р\.?|року|рік|г\.?|года|год|y\.?))?"
)
_TIME: Final = r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_NUMERIC: Final = re.compile(
    r"^(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{2}|\d{4})" + _YEAR_MARK + _TIME + "$"
)
_ISO: Final = re.compile(
    r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_MONTH_YEAR: Final = re.compile(r"^(\d{1,2})\s*[./\-]\s*(\d{4})" + _YEAR_MARK + "$")
_YEAR_MONTH: Final = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR: Final = re.compile(r"^(\d{4})" + _YEAR_MARK + "$")
# Excel's d-mmm-yy and d-mmm-yyyy ("3-May-90", "03-May-1990"), Roman months
# ("3.V.1990"), mmm-yy ("May-90") and a compact yyyymmdd ("19900503").
_DAY_WORD_YEAR: Final = re.compile(
    r"^(\d{1,2})\s*[\s\-./]\s*([^\W\d_]+)\.?\s*[\s\-./]\s*(\d{2}|\d{4})" + _YEAR_MARK + "$"
)
_WORD_SHORT_YEAR: Final = re.compile(r"^([^\W\d_]+)\.?[\s\-./](\d{2})$")
_COMPACT: Final = re.compile(r"^(19\d{2}|20\d{2})(\d{2})(\d{2})$")
_WORDS: Final = re.compile(
    r"^(?:(\d{1,2})\s+)?([^\W\d_]+)\.?,?\s*(?:(\d{1,2}),?\s+)?(\d{4})" + _YEAR_MARK + "$"
)


def _year(text: str, today: dt.date, month: int, day: int) -> int:
    year = int(text)
    if len(text) == 4:
        return year
    candidate = 2000 + year
    try:
        in_future = dt.date(candidate, month, day) > today
    except ValueError:
        in_future = candidate > today.year
    return candidate - 100 if in_future else candidate


def _date(raw: str, year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise DateError(f"{raw!r} is not a date: there is no month {month}")
    if not 1 <= year <= 9999:
        raise DateError(f"{raw!r} is not a date: year {year} is out of range")
    try:
        return dt.date(year, month, day)
    except ValueError:
        month_name = _MONTH_NAMES[month - 1]
        raise DateError(
            f"{raw!r} is not a date: {month_name} {year} has no day {day}"
        ) from None


def parse_date(text: str, *, today: dt.date | None = None) -> ParsedDate:
    """Read a date written in one of the forms lists use (see the module doc).

    ``today`` (default: the current date) only decides the century of two-digit
    years. Raises ``DateError`` naming the text and the reason when it is not a date.
    """
    raw = text
    text = " ".join(str(text).split()).strip().rstrip(".").lower()
    today = today or dt.date.today()
    if not text:
        raise DateError("empty text is not a date")
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return ParsedDate(_date(raw, year, month, day), "day")
    if match := _NUMERIC.match(text):
        day, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise DateError(
                f"{raw!r} is not a date: there is no month {month} (dates are read day first)"
            )
        year = _year(match.group(3), today, month, max(1, min(day, 28)))
        value = _date(raw, year, month, day)
        return ParsedDate(value, "day", day <= 12 and month <= 12 and day != month)
    if match := _MONTH_YEAR.match(text):
        month, year = int(match.group(1)), int(match.group(2))
        return ParsedDate(_date(raw, year, month, 1), "month")
    if match := _YEAR_MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        return ParsedDate(_date(raw, year, month, 1), "month")
    if match := _YEAR.match(text):
        return ParsedDate(_date(raw, int(match.group(1)), 1, 1), "year")
    if match := _DAY_WORD_YEAR.match(text):
        day_text, word, year_text = match.groups()
        if word not in _MONTHS:
            raise DateError(f"{raw!r} is not a date: {word!r} is not a month")
        month, day = _MONTHS[word], int(day_text)
        year = _year(year_text, today, month, max(1, min(day, 28)))
        return ParsedDate(_date(raw, year, month, day), "day")
    if (match := _WORD_SHORT_YEAR.match(text)) and match.group(1) in _MONTHS:
        month = _MONTHS[match.group(1)]
        return ParsedDate(_date(raw, _year(match.group(2), today, month, 1), month, 1), "month")
    if match := _COMPACT.match(text):
        year, month, day = (int(g) for g in match.groups())
        return ParsedDate(_date(raw, year, month, day), "day")
    if match := _WORDS.match(text):
        day_before, word, day_after, year_text = match.groups()
        if word not in _MONTHS:
            raise DateError(f"{raw!r} is not a date: {word!r} is not a month")
        month = _MONTHS[word]
        day_text = day_before or day_after
        if day_text is None:
            return ParsedDate(_date(raw, int(year_text), month, 1), "month")
        return ParsedDate(_date(raw, int(year_text), month, int(day_text)), "day")
    raise DateError(
        f"{raw!r} is not a date in a form lists use (dd.mm.yyyy, yyyy-mm-dd, mm.yyyy, yyyy)"
    )
