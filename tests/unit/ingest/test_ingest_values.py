"""Cell values: text cleaning, spreadsheet numbers and dates, sex, date checks."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from parley.ingest.values import (
    ValueProblem,
    cell_text,
    check_birth_date,
    clean_text,
    normalise_sex,
    parse_iso_date,
)

TODAY = date(2025, 6, 10)


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (1234567.0, None, "1234567"), (1234567, None, "1234567"), (123, "0000000", "0000123"),
    (1.5, None, "1.5"), (datetime(1990, 2, 1), None, "1990-02-01"),
    (datetime(1990, 2, 1, 10, 30), None, "1990-02-01 10:30:00"),
    (date(1990, 2, 1), None, "1990-02-01"), (time(10, 30), None, "10:30:00"),
    (True, None, "TRUE"), (None, None, ""), ("текст", None, "текст"),
])
def test_cell_text(value: object, fmt: str | None, text: str) -> None:
    assert cell_text(value, fmt) == text


@pytest.mark.parametrize(("raw", "clean"), [
    ("  Петренко  ", "Петренко"), ("Петренко\nІван", "Петренко Іван"),
    ("Петренко\u00a0Іван", "Петренко Іван"), ("Пет\u00adренко", "Петренко"),
    ("Пет\u200bренко", "Петренко"), ("Й", "Й"), ("И\u0306", "Й"),
])
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("raw", "reason"), [
    ("Петр\x07енко", "contains the control character U+0007"),
    ("Петренко\u202e", "contains the control character U+202E"),
    ("Петр\ufffdнко", "contains bytes that are not valid in the file's encoding"),
])
def test_clean_text_refuses_controls(raw: str, reason: str) -> None:
    with pytest.raises(ValueProblem) as err:
        clean_text(raw)
    assert str(err.value) == reason


@pytest.mark.parametrize(("text", "iso"), [
    ("01.02.1990", "1990-02-01"), ("1990-02-01", "1990-02-01"), ("1990", "1990"),
    ("32874", "1990-01-01"),  # an Excel serial day number
])
def test_dates_become_iso(text: str, iso: str) -> None:
    assert parse_iso_date(text).iso == iso


def test_impossible_date_is_refused() -> None:
    with pytest.raises(ValueProblem) as err:
        parse_iso_date("31.02.1990")
    assert str(err.value).startswith("not a date")


@pytest.mark.parametrize(("text", "reason"), [
    ("2025-06-11", "lies in the future (after 2025-06-10)"),
    ("2030", "lies in the future (after 2025-06-10)"),
    ("1925-06-09", "implies an age over 100 on 2025-06-10"),
    ("1924", "implies an age over 100 on 2025-06-10"),
])
def test_birth_date_checks(text: str, reason: str) -> None:
    with pytest.raises(ValueProblem) as err:
        check_birth_date(parse_iso_date(text), TODAY)
    assert str(err.value) == reason


def test_birth_date_at_the_edges_passes() -> None:
    check_birth_date(parse_iso_date("1925-06-10"), TODAY)
    check_birth_date(parse_iso_date("2025-06-10"), TODAY)


@pytest.mark.parametrize(("value", "sex"), [
    ("Ч", "M"), ("ч", "M"), ("чол.", "M"), ("М", "M"), ("муж", "M"), ("male", "M"), ("M", "M"),
    ("Ж", "F"), ("жін", "F"), ("жен.", "F"), ("female", "F"), ("F", "F"), ("?", None),
])
def test_sex(value: str, sex: str | None) -> None:
    assert normalise_sex(value) == sex
