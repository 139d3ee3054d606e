"""The variety of real lists, each in a file the test builds: no header row, dates in every
form and as spreadsheet cells, merged titles, several and hidden sheets, empty trailing
rows and columns, hidden columns, numbers stored as floats or in scientific notation,
leading apostrophes, no-break and zero-width spaces, Latin letters typed inside Cyrillic
names. Every data row is accepted or quarantined with a reason naming row and column."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from parley.errors import InputError
from parley.ingest import ReadResult, read_list
from tests.ingest_files import write_csv, write_xlsx

TODAY = date(2025, 6, 10)


def read(path: Path, **kwargs: Any) -> ReadResult:
    result = read_list(path, today=TODAY, **kwargs)
    assert len(result.records) + len(result.quarantined) == result.rows
    return result


def fields(result: ReadResult) -> list[dict[str, str]]:
    return [r.fields for r in result.records]


# --- files without a header row ----------------------------------------------------------

HEADERLESS = [["Мельник", "Олександр", "Миколайович", "12.03.1985", "1234567"],
              ["Шевченко", "Тарас", "Петрович", "01.02.1990", "7654321"],
              ["Бойко", "Ірина", "Іванівна", "1979", "АА123456"]]
HEADERLESS_MESSAGE = (
    "no header row: row 1 is already data ('Мельник', 'Олександр', 'Миколайович', "
    "'12.03.1985', '1234567'); add a header row naming the columns (Прізвище, Ім'я, "
    "Дата народження, …), or name them by letter to read every row as data: "
    "--map A=surname --map B=given_name --map C=patronymic --map D=birth_date "
    "--map E=service_number")


def test_a_csv_without_a_header_is_refused_with_the_options_to_read_it(
        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bare.csv", HEADERLESS, encoding="cp1251")
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"bare.csv: {HEADERLESS_MESSAGE}"


def test_a_workbook_without_a_header_is_refused_naming_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bare.xlsx", HEADERLESS)
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"bare.xlsx (sheet 'Лист1'): {HEADERLESS_MESSAGE}"


def test_a_headerless_data_sheet_is_what_the_error_is_about(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bare.xlsx", [["Інструкція: дані на аркуші 2"]],
                      sheet="Readme", extra_sheets={"Дані": HEADERLESS})
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"bare.xlsx (sheet 'Дані'): {HEADERLESS_MESSAGE}"


def test_whole_names_running_numbers_and_dates_are_recognised_in_the_advice(
        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bare.csv", [
        ["1", "Мельник Олександр Миколайович", "12.03.1985", "ч"],
        ["2", "Бойко Ірина Іванівна", "3 травня 1990", "ж"]])
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value).endswith(
        "read every row as data: --map A=list_number --map B=full_name --map C=birth_date "
        "--map D=sex")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_columns_named_by_letter_read_every_row_of_a_headerless_file(
        tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bare.{suffix}"
    if suffix == "csv":
        write_csv(path, HEADERLESS)
    else:
        write_xlsx(path, HEADERLESS)
    mapping = {"A": "surname", "B": "given_name", "C": "patronymic", "D": "birth_date",
               "E": "service_number"}
    result = read(path, mapping=mapping)
    assert result.header_row == 0
    assert [r.row_number for r in result.records] == [1, 2, 3]  # the first row is a person
    assert fields(result)[0] == {"surname": "Мельник", "given_name": "Олександр",
                                 "patronymic": "Миколайович", "birth_date": "1985-03-12",
                                 "service_number": "1234567"}
    assert fields(result)[2]["birth_date"] == "1979"


def test_a_title_above_headerless_rows_is_not_a_person(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bare.csv", HEADERLESS, title=["Список полонених", ""])
    result = read(path, mapping={"A": "surname", "B": "given_name"})
    assert [r.row_number for r in result.records] == [3, 4, 5]
    assert result.records[0].extra == {"column C": "Миколайович", "column D": "12.03.1985",
                                       "column E": "1234567"}


def test_letters_with_a_real_header_still_name_the_header_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["Прізвище", "Поле"], ["Мельник", "Олександр"]])
    result = read(path, mapping={"B": "given_name"})
    assert result.header_row == 1
    assert fields(result) == [{"surname": "Мельник", "given_name": "Олександр"}]


# --- dates --------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "iso"), [
    ("1990-5-3", "1990-05-03"),
    ("03/05/1990", "1990-05-03"),
    ("3.5.1990", "1990-05-03"),
    ("3 травня 1990", "1990-05-03"),
    ("3 мая 1990 г.", "1990-05-03"),
    ("1990", "1990"),
    ("1990 р.", "1990"),
    ("05.1990", "1990-05"),
    ("травень 1990", "1990-05"),
    ("32996", "1990-05-03"),  # an Excel day number that lost its date format
    ("32996.0", "1990-05-03"),
    ("32996.75", "1990-05-03"),  # a date and a time of day, as a number
    ("1990-05-03 00:00:00", "1990-05-03"),  # a datetime cell exported as text
    ("03.05.1990 0:00:00", "1990-05-03"),
    ("3-May-90", "1990-05-03"),  # Excel's d-mmm-yy display, saved as CSV
    ("03-May-1990", "1990-05-03"),
    ("1990 г.р.", "1990"),
    ("19900503", "1990-05-03"),
])
def test_dates_in_every_form_lists_use(tmp_path: Path, written: str, iso: str) -> None:
    path = write_csv(tmp_path / "d.csv", [["Прізвище", "Дата народження"],
                                          ["Мельник", written]])
    assert fields(read(path)) == [{"surname": "Мельник", "birth_date": iso}]


@pytest.mark.parametrize(("written", "reason"), [
    ("31.02.1990", "not a date (February 1990 has no day 31)"),
    ("13/13/1990", "not a date (there is no month 13 (dates are read day first))"),
    ("2031", "lies in the future (after 2025-06-10)"),
    ("вчора", "not a date ('вчора' is not a date in a form lists use (dd.mm.yyyy, "
              "yyyy-mm-dd, mm.yyyy, yyyy))"),
])
def test_a_bad_date_quarantines_its_row_naming_row_and_column(
        tmp_path: Path, written: str, reason: str) -> None:
    path = write_csv(tmp_path / "d.csv", [["Прізвище", "Дата народження"],
                                          ["Мельник", written]])
    (row,) = read(path).quarantined
    assert [str(p) for p in row.problems] == [
        f"row 2, Дата народження {written!r}: {reason}"]


def test_date_and_datetime_cells_and_numbers_in_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Прізвище", "Дата народження", "Особистий номер"])
    ws.append(["Мельник", datetime(1990, 5, 3), 1234567.0])
    ws.append(["Бойко", datetime(1990, 5, 3, 14, 30), 1234567])
    ws.append(["Лисенко", date(1991, 1, 2), "'0123456"])
    ws.append(["Коваль", 32996, "0123456"])  # a day number in a General cell
    ws.append(["Ткачук", "03.05.1990", 123456])
    ws["C6"].number_format = "0000000"  # zero-padded display of a number
    book.save(tmp_path / "d.xlsx")
    result = read(tmp_path / "d.xlsx")
    assert [(f["birth_date"], f["service_number"]) for f in fields(result)] == [
        ("1990-05-03", "1234567"), ("1990-05-03", "1234567"), ("1991-01-02", "0123456"),
        ("1990-05-03", "0123456"), ("1990-05-03", "0123456")]
    assert result.records[1].extra == {"birth_date_original": "1990-05-03 14:30:00"}


# --- layout: merged titles, sheets, empty and hidden parts ----------------------------------

def test_merged_title_hidden_column_and_trailing_empty_rows_and_columns(
        tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Список військовополонених станом на 01.06.2025"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["Прізвище", "Ім'я", "По батькові", "Дата народження", "Примітка", None])
    ws.append(["Мельник", "Олександр", "Миколайович", "12.03.1985", "поранений", None])
    ws.append(["Бойко", "Іван", "Петрович", "13.03.1985", None, "  "])
    ws.column_dimensions["E"].hidden = True  # hidden, not empty: its values are kept
    for row in range(6, 30):  # formatted but empty rows and columns below and beside
        for col in range(1, 10):
            ws.cell(row, col).number_format = "@"
    ws.cell(40, 12).value = " "
    book.save(tmp_path / "l.xlsx")
    result = read(tmp_path / "l.xlsx")
    assert result.header_row == 3 and result.rows == 2
    assert fields(result) == [
        {"surname": "Мельник", "given_name": "Олександр", "patronymic": "Миколайович",
         "birth_date": "1985-03-12", "notes": "поранений"},
        {"surname": "Бойко", "given_name": "Іван", "patronymic": "Петрович",
         "birth_date": "1985-03-13"}]
    assert {s.reason for s in result.skipped} == {"blank"}


def test_trailing_delimiters_and_empty_lines_in_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("Прізвище;Ім'я;;;\r\nМельник;Олександр;;;\r\n;;;;\r\n\r\n;;;;\r\n",
                    encoding="utf-8")
    result = read(path)
    assert fields(result) == [{"surname": "Мельник", "given_name": "Олександр"}]
    assert [(s.row, s.reason) for s in result.skipped] == [
        (3, "blank"), (4, "blank"), (5, "blank")]


def _two_lists(path: Path) -> Path:
    book = Workbook()
    first = book.active
    first.title = "Полонені"
    for row in (["Прізвище", "Ім'я"], ["Мельник", "Олександр"]):
        first.append(row)
    second = book.create_sheet("Зниклі")
    for row in (["Прізвище", "Ім'я"], ["Бойко", "Іван"], ["Лисенко", "Петро"]):
        second.append(row)
    hidden = book.create_sheet("Архів")
    for row in (["Прізвище", "Ім'я"], ["Коваль", "Андрій"]):
        hidden.append(row)
    hidden.sheet_state = "hidden"
    notes = book.create_sheet("Примітки")
    notes.append(["Складено 01.06.2025"])
    book.save(path)
    return path


def test_several_sheets_the_first_list_is_read_and_the_others_named(tmp_path: Path) -> None:
    path = _two_lists(tmp_path / "l.xlsx")
    from parley.ingest import open_list

    with open_list(path, today=TODAY) as reader:
        records = list(reader)
        assert reader.sheet == "Полонені"
        assert reader.other_sheets == ["Зниклі", "Архів"]  # a hidden one too
    assert [r.fields["surname"] for r in records] == ["Мельник"]  # type: ignore[union-attr]
    assert read(path).other_sheets == ["Зниклі", "Архів"]
    assert [f["surname"] for f in fields(read(path, sheet="Зниклі"))] == ["Бойко", "Лисенко"]
    assert [f["surname"] for f in fields(read(path, sheet="Архів"))] == ["Коваль"]
    with pytest.raises(InputError) as err:
        read(path, sheet="Примітки")
    assert str(err.value).startswith("l.xlsx (sheet 'Примітки'): no column for names found")


# --- cell values ----------------------------------------------------------------------------

def test_apostrophes_spaces_and_invisible_characters(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [
        ["Прізвище", "Ім'я", "Особистий номер", "Дата народження", "Звання"],
        ["Мельник\u00a0", "Олек\u200bсандр", "'0123456", "\u00a012.03.1985", "'солдат"],
        ["\u200bБойко", "Мар'яна", "\ufeff1234567", "13.03.1985 ", "старший\u00a0 солдат"],
    ])
    assert fields(read(path)) == [
        {"surname": "Мельник", "given_name": "Олександр", "service_number": "0123456",
         "birth_date": "1985-03-12", "rank": "солдат"},
        {"surname": "Бойко", "given_name": "Мар'яна", "service_number": "1234567",
         "birth_date": "1985-03-13", "rank": "старший солдат"},
    ]


def test_latin_look_alikes_inside_cyrillic_names_are_put_right(tmp_path: Path) -> None:
    # Latin M, e, o, i and c typed in Cyrillic names (and Cyrillic а in a Latin one).
    path = write_csv(tmp_path / "l.csv", [
        ["Прізвище", "Ім'я", "По батькові", "Особистий номер"],
        ["Mельник", "Олeксандр", "Миколайович", "AA123456"],
        ["Шевчeнкo", "Iван", "Cергійович", "АА123456"],
        ["Melnyk", "Oleksаndr", "", ""],
        ["Кoвaльчук", "Вiталій", "Олекcандрович", ""],  # Latin o, a, i, c
    ])
    result = read(path)
    assert fields(result) == [
        {"surname": "Мельник", "given_name": "Олександр", "patronymic": "Миколайович",
         "service_number": "AA123456"},
        {"surname": "Шевченко", "given_name": "Іван", "patronymic": "Сергійович",
         "service_number": "АА123456"},  # identifiers are kept as written
        {"surname": "Melnyk", "given_name": "Oleksandr"},
        {"surname": "Ковальчук", "given_name": "Віталій", "patronymic": "Олександрович"},
    ]
    # What was written is kept beside what was read.
    assert result.records[0].extra == {"surname_original": "Mельник",
                                       "given_name_original": "Олeксандр"}


@pytest.mark.parametrize(("written", "number"), [
    ("1234567.0", "1234567"),
    ("1234567,0", "1234567"),
    ("1.234567E+06", "1234567"),
    ("1,234567E+06", "1234567"),
    ("АА123456", "АА123456"),
    ("0123456", "0123456"),
])
def test_service_numbers_stored_as_floats(tmp_path: Path, written: str, number: str) -> None:
    path = write_csv(tmp_path / "l.csv", [["Прізвище", "Особистий номер"],
                                          ["Мельник", written]])
    assert fields(read(path)) == [{"surname": "Мельник", "service_number": number}]


def test_a_service_number_that_lost_digits_is_quarantined(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["Прізвище", "Особистий номер"],
                                          ["Мельник", "1.23457E+06"], ["Бойко", "7654321"]])
    result = read(path)
    assert fields(result) == [{"surname": "Бойко", "service_number": "7654321"}]
    (row,) = result.quarantined
    assert [str(p) for p in row.problems] == [
        "row 2, Особистий номер '1.23457E+06': a number in scientific notation has lost "
        "its last 1 digit(s); format the column as text in the spreadsheet and export it "
        "again"]


def test_a_given_name_column_that_also_holds_the_patronymic(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["Прізвище", "Ім'я"],
                                          ["Мельник", "Олександр Миколайович"],
                                          ["Бойко", "Анна-Марія"], ["Коваль", "Ірина Петрівна"]])
    assert fields(read(path)) == [
        {"surname": "Мельник", "given_name": "Олександр", "patronymic": "Миколайович"},
        {"surname": "Бойко", "given_name": "Анна-Марія"},
        {"surname": "Коваль", "given_name": "Ірина", "patronymic": "Петрівна"}]
    # With a patronymic column of its own, the given name is left as written.
    path = write_csv(tmp_path / "p.csv", [["Прізвище", "Ім'я", "По батькові"],
                                          ["Мельник", "Олександр Миколайович", ""]])
    assert fields(read(path)) == [{"surname": "Мельник", "given_name": "Олександр Миколайович"}]
