"""Dates in the forms lists use."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names import DateError, ParsedDate, parse_date

TODAY = dt.date(2025, 6, 2)


@pytest.mark.parametrize(
    ("text", "value", "precision", "ambiguous"),
    [
        ("25.03.1999", dt.date(1999, 3, 25), "day", False),
        # Excel's d-mmm-yy, Roman months, mmm-yy, compact, "year of birth" marks.
        ("25-Mar-1999", dt.date(1999, 3, 25), "day", False),
        ("3-May-90", dt.date(1990, 5, 3), "day", False),
        ("3 May 90", dt.date(1990, 5, 3), "day", False),
        ("25.III.1999", dt.date(1999, 3, 25), "day", False),
        ("May-90", dt.date(1990, 5, 1), "month", False),
        ("19990325", dt.date(1999, 3, 25), "day", False),
        ("1999 г.р.", dt.date(1999, 1, 1), "year", False),
        ("1999 р.н.", dt.date(1999, 1, 1), "year", False),
        ("25.03.1999 г.р.", dt.date(1999, 3, 25), "day", False),
        ("5.3.99", dt.date(1999, 3, 5), "day", True),
        ("05.03.1999", dt.date(1999, 3, 5), "day", True),
        ("03.03.1999", dt.date(1999, 3, 3), "day", False),
        ("1999-03-25", dt.date(1999, 3, 25), "day", False),
        ("1999-03-05", dt.date(1999, 3, 5), "day", False),  # ISO is not ambiguous
        ("1990-05-12T00:00:00", dt.date(1990, 5, 12), "day", False),
        ("1990-05-12 10:30", dt.date(1990, 5, 12), "day", False),
        ("25/03/1999", dt.date(1999, 3, 25), "day", False),
        ("25-03-1999", dt.date(1999, 3, 25), "day", False),
        ("25 03 1999", dt.date(1999, 3, 25), "day", False),
        ("1999", dt.date(1999, 1, 1), "year", False),
        ("1999 р.", dt.date(1999, 1, 1), "year", False),
        ("1999г.", dt.date(1999, 1, 1), "year", False),
        ("03.1999", dt.date(1999, 3, 1), "month", False),
        ("1999-03", dt.date(1999, 3, 1), "month", False),
        ("березень 1999", dt.date(1999, 3, 1), "month", False),
        ("березня 1999", dt.date(1999, 3, 1), "month", False),
        ("Март 1999", dt.date(1999, 3, 1), "month", False),
        ("March 1999", dt.date(1999, 3, 1), "month", False),
        ("Mar 1999", dt.date(1999, 3, 1), "month", False),
        ("25 березня 1999", dt.date(1999, 3, 25), "day", False),
        ("25 марта 1999 г.", dt.date(1999, 3, 25), "day", False),
        ("25 March 1999", dt.date(1999, 3, 25), "day", False),
        ("March 25, 1999", dt.date(1999, 3, 25), "day", False),
        ("March, 1999", dt.date(1999, 3, 1), "month", False),
        ("29.02.2000", dt.date(2000, 2, 29), "day", False),
        ("25.03.1999 00:00:00", dt.date(1999, 3, 25), "day", False),
        ("1999/03/25", dt.date(1999, 3, 25), "day", False),
    ],
)
def test_forms(text: str, value: dt.date, precision: str, ambiguous: bool) -> None:
    assert parse_date(text, today=TODAY) == ParsedDate(value, precision, ambiguous)  # type: ignore[arg-type]


def test_two_digit_years_are_never_in_the_future() -> None:
    assert parse_date("1.6.25", today=TODAY).value == dt.date(2025, 6, 1)
    assert parse_date("3.6.25", today=TODAY).value == dt.date(1925, 6, 3)
    assert parse_date("15.08.03", today=TODAY).value == dt.date(2003, 8, 15)
    assert parse_date("15.08.87", today=TODAY).value == dt.date(1987, 8, 15)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2001", "February 2001 has no day 31"),
        ("29.02.2001", "February 2001 has no day 29"),
        ("31.04.1999", "April 1999 has no day 31"),
        ("12.13.2001", "no month 13"),
        ("00.05.2001", "has no day 0"),
        ("2001-02-30", "February 2001 has no day 30"),
        ("13.1999", "no month 13"),
        ("abc", "not a date"),
        ("", "empty"),
        ("березнь 1999", "is not a month"),
        ("31-Feb-1999", "February 1999 has no day 31"),
        ("3-Foo-1999", "'foo' is not a month"),
        ("19991332", "no month 13"),
    ],
)
def test_impossible_dates_are_errors_naming_value_and_reason(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason) as caught:
        parse_date(text, today=TODAY)
    assert isinstance(caught.value, ValueError)
    if text:
        assert repr(text) in str(caught.value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31)))
def test_round_trip_day_first(date: dt.date) -> None:
    for text in (date.strftime("%d.%m.%Y"), date.isoformat(), date.strftime("%d/%m/%Y")):
        parsed = parse_date(text, today=TODAY)
        assert parsed.value == date and parsed.precision == "day"


@given(st.text(max_size=20))
def test_any_text_parses_or_raises_date_error(text: str) -> None:
    with contextlib.suppress(DateError):
        parse_date(text, today=TODAY)
