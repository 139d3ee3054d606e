"""read_list on files the tests build: encodings, delimiters, layouts, bad rows, bad files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parley.errors import InputError
from parley.ingest import ReadResult, read_list
from tests.ingest_files import (
    EN_HEADER,
    EN_ROWS,
    RU_HEADER,
    RU_ROWS,
    UK_HEADER,
    UK_ROWS,
    dated,
    encrypted_xlsx,
    legacy_xls,
    truncated_xlsx,
    write_csv,
    write_xlsx,
    zip_without_workbook,
)

TODAY = date(2025, 6, 10)


def read(path: Path, **kwargs: object) -> ReadResult:
    result = read_list(path, today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert len(result.records) + len(result.quarantined) == result.rows
    return result


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251",
                                      "koi8-u"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_csv_in_every_encoding_and_delimiter(tmp_path: Path, encoding: str,
                                             delimiter: str) -> None:
    header = [h for h in UK_HEADER if h != "№ з/п"]  # KOI8-U has no №
    rows = [r[1:] for r in UK_ROWS]
    path = write_csv(tmp_path / "list.csv", [header, *rows], encoding=encoding,
                     delimiter=delimiter, title=["Список полонених", ""])
    result = read(path)
    assert result.delimiter == delimiter
    assert result.header_row == 3
    assert [r.row_number for r in result.records] == [4, 5, 6]
    first = result.records[0]
    assert first.fields == {"surname": "Петренко", "given_name": "Іван",
                            "patronymic": "Іванович", "birth_date": "1990-02-01",
                            "service_number": "1234567", "rank": "солдат", "sex": "M"}
    assert result.records[2].fields["birth_date"] == "1979"


def test_cp1251_and_koi8u_are_not_confused(tmp_path: Path) -> None:
    names = [["Прізвище", "Ім'я"], ["Шевченко", "Тарас"], ["Українка", "Леся"],
             ["Франко", "Іван"], ["Коцюбинський", "Михайло"]]
    for encoding, codec in (("cp1251", "cp1251"), ("koi8-u", "koi8_u")):
        result = read(write_csv(tmp_path / f"{encoding}.csv", names, encoding=encoding))
        assert result.encoding == codec
        assert [r.fields["surname"] for r in result.records] == [
            "Шевченко", "Українка", "Франко", "Коцюбинський"]


def test_encoding_override(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["Прізвище"], ["Мельник"]], encoding="cp1251")
    assert read(path, encoding="cp1251").records[0].fields["surname"] == "Мельник"
    with pytest.raises(InputError) as err:
        read(path, encoding="klingon")
    assert str(err.value).startswith("--encoding 'klingon' is not an encoding Python knows")


def test_russian_headers_one_name_column(tmp_path: Path) -> None:
    result = read(write_csv(tmp_path / "ru.csv", [RU_HEADER, *RU_ROWS]))
    rec = result.records[0]
    assert rec.fields["full_name"] == "Сидоров Пётр Алексеевич"
    assert (rec.fields["surname"], rec.fields["given_name"], rec.fields["patronymic"]) == (
        "Сидоров", "Пётр", "Алексеевич")
    assert rec.fields["birth_date"] == "1992-04-03"
    assert rec.extra["birth_date_original"] == "03.04.1992"
    assert rec.extra["list_number"] == "1"
    assert result.records[1].fields["birth_date"] == "1988-11-30"
    assert "birth_date_original" not in result.records[1].extra


def test_english_headers_and_unknown_columns_kept(tmp_path: Path) -> None:
    result = read(write_csv(tmp_path / "en.csv", [EN_HEADER, *EN_ROWS], delimiter=","))
    rec = result.records[0]
    assert rec.fields["record_id"] == "A-1"
    assert rec.fields["sex"] == "M" and rec.extra["sex_original"] == "male"
    assert rec.extra["Phone"] == "+380501112233"


def test_quoted_multiline_cells_trailing_columns_and_footer(tmp_path: Path) -> None:
    text = ('"Прізвище";"Ім\'я";"Примітка";;\r\n'
            '"Петренко";"Іван";"поранений,\r\nпотребує допомоги";;\r\n'
            '"Коваль";"Олег";"";;\r\n'
            ';;;;\r\n'
            'Всього: 2;;;;\r\n'
            'Склав: ________ Сидоренко;;;;\r\n')
    path = tmp_path / "l.csv"
    path.write_text(text, encoding="utf-8")
    result = read(path)
    assert result.rows == 2
    assert result.records[0].fields["notes"] == "поранений, потребує допомоги"
    assert result.records[1].row_number == 3  # a multi-line cell is one row
    assert [(s.row, s.reason) for s in result.skipped] == [
        (4, "blank"), (5, "footer"), (6, "footer")]


def test_numbered_empty_rows_column_numbers_and_repeated_header(tmp_path: Path) -> None:
    rows = [["№", "Прізвище", "Ім'я", "Дата народження"], ["1", "2", "3", "4"],
            ["1", "Мельник", "Петро", "1990"], ["№", "Прізвище", "Ім'я", "Дата народження"],
            ["2", "Бойко", "Олег", "1991"], ["3", "", "", ""], ["1-й батальйон", "", "", ""],
            ["4", "Лисенко", "Іван", "1992"]]
    result = read(write_csv(tmp_path / "l.csv", rows))
    assert [r.row_number for r in result.records] == [3, 5, 8]
    assert [(s.row, s.reason) for s in result.skipped] == [
        (2, "column numbers"), (4, "repeated header"), (6, "numbered empty row"),
        (7, "section heading")]


def test_every_kind_of_bad_row_is_quarantined_with_its_reason(tmp_path: Path) -> None:
    rows = [["ID", "Прізвище", "Ім'я", "Дата народження", "Примітка"],
            ["1", "Мельник", "Петро", "01.01.1990", ""],
            ["2", "", "", "01.01.1990", "без імені"],
            ["3", "Бойко", "Олег", "31.02.1990", ""],
            ["4", "Бойко", "Олег", "01.01.2030", ""],
            ["5", "Бойко", "Олег", "01.01.1920", ""],
            ["1", "Шевчук", "Ігор", "1991", ""],
            ["7", "Шев\x07чук", "Ігор", "1991", ""],
            ["8", "Ш" * 201, "Ігор", "1991", ""]]
    result = read(write_csv(tmp_path / "bad.csv", rows))
    assert result.rows == 8
    assert [r.row_number for r in result.records] == [2]
    got = [(p.row, p.column, p.value, p.reason) for p in result.errors]
    assert got == [
        (3, "Прізвище / Ім'я", "", "no name (surname, given name and full name are all empty)"),
        (4, "Дата народження", "31.02.1990", got[1][3]),
        (5, "Дата народження", "01.01.2030", "lies in the future (after 2025-06-10)"),
        (6, "Дата народження", "01.01.1920", "implies an age over 100 on 2025-06-10"),
        (7, "ID", "1", "record id repeats row 2"),
        (8, "Прізвище", "Шев\x07чук", "contains the control character U+0007"),
        (9, "Прізвище", "Ш" * 200 + "…", "longer than 200 characters (201)"),
    ]
    assert got[1][3].startswith("not a date")
    assert [q.row for q in result.quarantined] == [3, 4, 5, 6, 7, 8, 9]
    assert result.quarantined[0].cells == {"ID": "2", "Дата народження": "01.01.1990",
                                           "Примітка": "без імені"}


def test_remains_are_identified_by_case_number(tmp_path: Path) -> None:
    rows = [["Номер справи", "ПІБ", "Дата смерті"], ["R-001", "", "2025-05-01"],
            ["R-002", "Петренко Іван", ""], ["", "", "2025-05-02"], ["R-001", "", ""]]
    result = read(write_csv(tmp_path / "remains.csv", rows), kind="remains")
    assert [(r.row_number, r.fields.get("record_id"), r.extra["case_number"])
            for r in result.records] == [(2, "R-001", "R-001"), (3, "R-002", "R-002")]
    assert [(p.row, p.reason) for p in result.errors] == [
        (4, "no name and no case number"), (5, "record id repeats row 2")]


def test_surname_column_holding_whole_names_is_a_full_name(tmp_path: Path) -> None:
    rows = [["Прізвище", "Дата народження"], ["Петренко Іван Іванович", "1990"],
            ["Коваль Олег Петрович", "1991"], ["Бойко Андрій", "1992"]]
    result = read(write_csv(tmp_path / "l.csv", rows))
    assert result.columns[0].field == "full_name"
    assert result.records[2].fields["given_name"] == "Андрій"


def test_xlsx_title_merged_floats_dates_and_vertical_merge(tmp_path: Path) -> None:
    rows = [["СПИСОК військовополонених", None, None, None, None],
            [None] * 5,
            ["№ з/п", "П.І.Б.", "Дата народження", "Особистий номер", "Військова частина"],
            [1, "Петренко Іван Іванович", dated(1990, 2, 1), 1234567.0, "А1234"],
            [2, "Коваль Олег Петрович", 32874, 7654321, None],
            [3, "Бойко Андрій Іванович", "05.05.1995", 123, "А5678"]]
    path = write_xlsx(tmp_path / "l.xlsx", rows, merges=["A1:E1", "E4:E5"],
                      number_formats={"D6": "0000000"})
    result = read(path)
    assert result.sheet == "Лист1" and result.header_row == 3
    fields = [r.fields for r in result.records]
    assert fields[0]["birth_date"] == "1990-02-01"
    assert fields[0]["service_number"] == "1234567"
    assert fields[1]["birth_date"] == "1990-01-01"  # an Excel serial number in a text cell
    assert fields[1]["unit"] == "А1234"  # the merged cell's value reaches every row
    assert fields[2]["service_number"] == "0000123"


def test_xlsx_picks_the_sheet_with_a_list(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [["Інструкція: заповніть аркуш 2"]],
                      sheet="Readme", extra_sheets={"Дані": [UK_HEADER, *UK_ROWS],
                                                    "Ще": [RU_HEADER, *RU_ROWS]})
    result = read(path)
    assert result.sheet == "Дані" and result.rows == 3
    assert read(path, sheet="Ще").rows == 2
    with pytest.raises(InputError) as err:
        read(path, sheet="Нема")
    assert str(err.value) == "l.xlsx: no sheet 'Нема' (sheets: 'Readme', 'Дані', 'Ще')"


@pytest.mark.parametrize(("build", "message"), [
    (lambda p, t: p.write_bytes(b""), "bad: the file is empty"),
    (lambda p, t: p.write_bytes(b"\xef\xbb\xbf\r\n  \r\n"), "bad: the file is empty"),
    (lambda p, t: p.write_text("Прізвище;Ім'я\n", encoding="utf-8"),
     "bad: the header is on row 1 but no data rows follow it"),
    (lambda p, t: p.write_text("Телефон;Адреса\n1;2\n", encoding="utf-8"),
     "bad: no column for names found (no header names a surname, given name or full name); "
     "row 1 has 'Телефон', 'Адреса'; name one with --map COLUMN=full_name"),
    (lambda p, t: p.write_bytes(b"%PDF-1.4 ..."), "bad: not a spreadsheet (a PDF document)"),
    (lambda p, t: p.write_bytes(b"\x89PNG\r\n\x1a\n"), "bad: not a spreadsheet (a PNG image)"),
    (lambda p, t: p.write_text("<html><body>x</body></html>"),
     "bad: an HTML page, not a spreadsheet; open it in Excel and save it as .xlsx or .csv"),
    (lambda p, t: encrypted_xlsx(p),
     "bad: the workbook is protected by a password; open it in Excel, remove the password "
     "(File › Info › Protect Workbook) and save it again"),
    (lambda p, t: legacy_xls(p),
     "bad: a legacy Excel 97-2003 (.xls) or other OLE file; save it as .xlsx or .csv and "
     "import that"),
    (lambda p, t: truncated_xlsx(p, t),
     "bad: the workbook is damaged or truncated (not a complete XLSX/ZIP file)"),
    (lambda p, t: zip_without_workbook(p), "bad: not a spreadsheet (a Word document)"),
])
def test_bad_files_get_one_clear_message(tmp_path: Path, build: object, message: str) -> None:
    path = tmp_path / "bad"
    build(path, tmp_path)  # type: ignore[operator]
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read(tmp_path / "nope.csv")
    assert str(err.value) == f"{tmp_path / 'nope.csv'}: no such file"


def test_map_option_rescues_an_unknown_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["Хто", "Коли"], ["Петренко Іван", "1990"]])
    result = read(path, mapping={"Хто": "full_name", "Коли": "birth_date"})
    assert result.records[0].fields["birth_date"] == "1990"
    with pytest.raises(InputError) as err:
        read(path, mapping={"Хто": "full_name", "Де": "birth_place"})
    assert str(err.value) == ("l.csv: --map names the column 'Де', which is not in the header "
                              "(columns: 'Хто', 'Коли')")


def test_month_first_date_columns_and_combined_date_and_place(tmp_path: Path) -> None:
    rows = [["Full name", "DOB", "Дата та місце народження"],
            ["Ivan Petrenko", "03/04/1990", "01.02.1990, м. Київ"],
            ["Oleh Koval", "12/31/1991", "1985 р., Харків"],
            ["Taras Bondar", "1/2/1992", "Львів"]]
    result = read(write_csv(tmp_path / "en.csv", rows, delimiter=","))
    births = [(r.fields.get("birth_date"), r.fields.get("birth_place")) for r in result.records]
    assert births[0] == ("1990-03-04", "м. Київ")
    assert births[1] == ("1991-12-31", "Харків")
    assert births[2] == ("1992-01-02", "Львів")
    assert result.records[0].extra["birth_date_original"] == "03/04/1990"
    assert result.records[1].extra["birth_date_place"] == "1985 р., Харків"


def test_given_name_and_patronymic_in_one_column(tmp_path: Path) -> None:
    rows = [["Прізвище", "Ім'я, по батькові", "Рік народження"],
            ["Петренко", "Іван Іванович", "1990"], ["Коваль", "Олена", "1991"]]
    result = read(write_csv(tmp_path / "l.csv", rows))
    assert [(r.fields["given_name"], r.fields.get("patronymic")) for r in result.records] == [
        ("Іван", "Іванович"), ("Олена", None)]


def test_quarantined_rows_carry_what_could_be_read(tmp_path: Path) -> None:
    rows = [["Прізвище", "Ім'я", "Дата народження"], ["Мельник", "Петро", "31.02.1990"]]
    result = read(write_csv(tmp_path / "l.csv", rows))
    partial = result.quarantined[0].partial
    assert partial is not None and partial.fields == {"surname": "Мельник", "given_name": "Петро"}
