"""Properties: arbitrary bytes and arbitrary cell values never crash the importer."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.errors import InputError
from parley.ingest import read_list
from tests.ingest_files import write_xlsx

TODAY = date(2025, 6, 10)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_are_read_or_refused_clearly(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes(data)
    try:
        result = read_list(path, today=TODAY)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert len(result.records) + len(result.quarantined) == result.rows


@SETTINGS
@given(prefix=st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xff\xfe",
                               b"\xef\xbb\xbf", b"\xfe\xff"]),
       data=st.binary(max_size=1000))
def test_arbitrary_bytes_behind_magic_numbers(tmp_path: Path, prefix: bytes,
                                              data: bytes) -> None:
    path = tmp_path / "any.xlsx"
    path.write_bytes(prefix + data)
    try:
        read_list(path, today=TODAY)
    except InputError as exc:
        assert str(exc)


CELL = st.text(max_size=30)


@SETTINGS
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=12))
def test_arbitrary_cells_in_a_csv_are_each_accounted_for(tmp_path: Path,
                                                          rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Прізвище", "Дата народження", "Примітка"])
    writer.writerows(rows)
    path = tmp_path / "cells.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        result = read_list(path, today=TODAY)
    except InputError as exc:
        assert "no data rows" in str(exc) or "header" in str(exc) or "empty" in str(exc)
        return
    assert len(result.records) + len(result.quarantined) == result.rows
    numbers = [r.row_number for r in result.records] + [q.row for q in result.quarantined]
    numbers += [s.row for s in result.skipped]
    assert len(numbers) == len(set(numbers))


XLSX_VALUE = st.one_of(
    st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(XLSX_VALUE, min_size=3, max_size=3), min_size=1, max_size=8))
def test_arbitrary_xlsx_cells_are_each_accounted_for(tmp_path: Path,
                                                      rows: list[list[object]]) -> None:
    path = write_xlsx(tmp_path / "cells.xlsx",
                      [["ПІБ", "Дата народження", "Особистий номер"], *rows])
    try:
        result = read_list(path, today=TODAY)
    except InputError as exc:
        assert str(exc)
        return
    assert len(result.records) + len(result.quarantined) == result.rows
