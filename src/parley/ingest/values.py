"""Cell values: cleaning text, dates to ISO, sex to M/F, numbers as lists mean them.

Dates are parsed by :func:`parley.names.parse_date` (the one date parser of Parley);
what is ours is what only a spreadsheet does: Excel serial day numbers and date cells.
Canonical dates are ISO: ``yyyy-mm-dd``, or ``yyyy-mm`` / ``yyyy`` when only that much
is known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

#: Longest value accepted per canonical field (longer ones are quarantined).
MAX_LENGTH: dict[str, int] = {
    "notes": 2000, "birth_place": 500, "unit": 500, "status": 500, "full_name": 300,
}
DEFAULT_MAX_LENGTH = 200
EXTRA_MAX_LENGTH = 2000
OLDEST_AGE = 100

_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")  # a time of day may follow the point
_REMOVED = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")


class ValueProblem(ValueError):
    """A cell value that cannot be accepted; the message is the reason for a person."""


# --- text -----------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Trim, NFC-normalise and collapse whitespace; raise on control characters.

    Line breaks, tabs and no-break spaces inside a cell become single spaces; zero-width
    characters and soft hyphens are dropped; any other control or format character
    (C0/C1 controls, bidirectional overrides) and U+FFFD (bytes the file's encoding
    could not decode) are refused.
    """
    if value.isprintable():
        if not value.isascii():
            value = unicodedata.normalize("NFC", value)
        if value[:1] == " " or value[-1:] == " " or "  " in value:
            value = " ".join(value.split())
        if "\ufffd" in value:
            raise ValueProblem("contains bytes that are not valid in the file's encoding")
        return value
    value = unicodedata.normalize("NFC", value.translate(_REMOVED))
    value = _SPACES.sub(" ", value).strip()
    for char in value:
        if char == "\ufffd":
            raise ValueProblem("contains bytes that are not valid in the file's encoding")
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs"):
            raise ValueProblem(f"contains the control character U+{ord(char):04X}")
    return value


def cell_text(value: Any, number_format: str | None = None) -> str:
    """A spreadsheet cell's value as the text a list means by it.

    Whole floats lose their ``.0`` (service numbers stored as numbers: 1234567.0), a
    zero-padded number format gives the zeros back (``0000123``), date cells become ISO
    dates (with the time only when there is one).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            value = int(value)
        else:
            return repr(value)
    if isinstance(value, int):
        text = str(value)
        if number_format and set(number_format) == {"0"} and len(number_format) > len(text):
            return text.zfill(len(number_format))
        return text
    return str(value)


# --- dates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IsoDate:
    """A date as ISO text at its precision, and whether day and month could be swapped."""

    iso: str
    year: int
    month: int | None
    day: int | None
    ambiguous_day_month: bool = False


@lru_cache(maxsize=1)
def _names_parse_date() -> tuple[Callable[[str], Any], type[Exception]]:
    from parley import names

    parse = getattr(names, "parse_date", None)
    error = getattr(names, "DateError", None)
    if parse is None or error is None:  # parley.names not landed yet: the interim parser
        return _interim_parse_date, ValueError
    return parse, error


def parse_iso_date(text: str) -> IsoDate:
    """Parse a date as lists write it; raises :class:`ValueProblem` with the reason."""
    return _parse_cached(text)


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> IsoDate:
    stripped = text.strip()
    if _SERIAL.fullmatch(stripped):
        serial = int(float(stripped.replace(",", ".")))
        if serial > 2100:  # a 5-digit number in a date column is an Excel day number
            day = _EXCEL_EPOCH + timedelta(days=serial)
            return IsoDate(day.isoformat(), day.year, day.month, day.day)
    parse, error = _names_parse_date()
    try:
        parsed = parse(stripped)
    except error as exc:
        detail = str(exc)
        # parley.names says "'31.02.1990' is not a date: February has no day 31".
        detail = detail.split(" is not a date: ", 1)[-1] if " is not a date: " in detail \
            else detail
        raise ValueProblem(f"not a date ({detail})" if detail else "not a date") from None
    except ValueError as exc:
        raise ValueProblem(f"not a date ({exc})") from None
    return _to_iso(parsed)


def _to_iso(parsed: Any) -> IsoDate:
    value = getattr(parsed, "value", parsed)
    precision = str(getattr(parsed, "precision", "day"))
    ambiguous = bool(getattr(parsed, "ambiguous_day_month", False))
    if isinstance(value, str):
        parts = value.split("-")
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
    else:
        year, month, day = value.year, value.month, value.day
    if precision.startswith("year") or month is None:
        return IsoDate(f"{year:04d}", year, None, None)
    if precision.startswith("month") or day is None:
        return IsoDate(f"{year:04d}-{month:02d}", year, month, None)
    return IsoDate(f"{year:04d}-{month:02d}-{day:02d}", year, month, day, ambiguous)


def check_birth_date(parsed: IsoDate, today: date) -> None:
    """Refuse a birth date in the future or one implying an age over 100."""
    earliest_year = today.year - OLDEST_AGE
    if (parsed.year, parsed.month or 1, parsed.day or 1) > (today.year, today.month, today.day):
        raise ValueProblem(f"lies in the future (after {today.isoformat()})")
    too_old = (parsed.year < earliest_year or (
        parsed.year == earliest_year and parsed.month is not None and parsed.day is not None
        and (parsed.month, parsed.day) < (today.month, today.day)))
    if too_old:
        raise ValueProblem(f"implies an age over {OLDEST_AGE} on {today.isoformat()}")


def check_event_date(parsed: IsoDate, today: date) -> None:
    """Refuse a status date in the future or before 1900."""
    if (parsed.year, parsed.month or 1, parsed.day or 1) > (today.year, today.month, today.day):
        raise ValueProblem(f"lies in the future (after {today.isoformat()})")
    if parsed.year < 1900:
        raise ValueProblem("lies before 1900")


_INTERIM_FORMATS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})"), "dmy"),
    (re.compile(r"(\d{4})"), "y"),
)


def _interim_parse_date(text: str) -> IsoDate:
    """Until ``parley.names.parse_date`` exists: ISO, dd.mm.yyyy and a year alone."""
    for pattern, order in _INTERIM_FORMATS:
        match = pattern.fullmatch(text.strip())
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        if order == "y":
            return IsoDate(f"{numbers[0]:04d}", numbers[0], None, None)
        year, month, day = numbers if order == "ymd" else numbers[::-1]
        parsed = date(year, month, day)
        return IsoDate(parsed.isoformat(), year, month, day)
    raise ValueError("unrecognised date format")


# --- sex ------------------------------------------------------------------------------

_SEX: dict[str, str] = {}
for _code, _words in (
    ("M", "m male man ч чол чоловік чоловіча чоловічий м муж мужской мужчина мужч ч."),
    ("F", "f female woman w ж жін жінка жіноча жіночий жен женский женщина женщ"),
):
    for _word in _words.split():
        _SEX[_word.strip(".")] = _code


def normalise_sex(value: str) -> str | None:
    """``M`` or ``F`` for the ways lists write sex, ``None`` when not recognised."""
    key = value.strip().strip(".").casefold()
    # Latin letters that look like Cyrillic ones (a Latin M for "мужской").
    return _SEX.get(key) or _SEX.get(key.translate(_LATIN_TO_CYRILLIC))


_LATIN_TO_CYRILLIC = str.maketrans("mxy", "мху")
