"""Header mapping: English, Ukrainian and Russian headers and their variants."""

from __future__ import annotations

import pytest

from parley.errors import InputError
from parley.ingest import field_for_header, parse_mapping
from parley.ingest.headers import locate_header

CASES = [
    ("Прізвище", "surname"), ("ПРІЗВИЩЕ", "surname"), ("Фамилия", "surname"),
    ("Surname", "surname"), ("Last name", "surname"), ("last_name", "surname"),
    ("Прiзвище", "surname"),  # Latin i typed for Cyrillic і
    ("Ім'я", "given_name"), ("Ім’я", "given_name"), ("Имя", "given_name"),
    ("First name", "given_name"), ("Given names", "given_name"),
    ("По батькові", "patronymic"), ("По-батькові", "patronymic"), ("Отчество", "patronymic"),
    ("Patronymic", "patronymic"),
    ("ПІБ", "full_name"), ("П.І.Б.", "full_name"), ("Ф.И.О.", "full_name"),
    ("ФИО военнослужащего", "full_name"), ("Прізвище, ім'я, по батькові", "full_name"),
    ("Фамилия, имя, отчество", "full_name"), ("Full name", "full_name"), ("Name", "full_name"),
    ("Фамилия И.О.", "full_name"),
    ("ПІП", "full_name"), ("П.І.П.", "full_name"), ("Last Name First Name", "full_name"),
    ("Год рожд.", "birth_date"), ("YOB", "birth_date"), ("В/звання", "rank"),
    ("Дата народження", "birth_date"), ("Дата рождения (дд.мм.гггг)", "birth_date"),
    ("Date of birth", "birth_date"), ("DOB", "birth_date"), ("Рік народження", "birth_date"),
    ("Дата рожденя", "birth_date"),  # a typo
    ("Місце народження", "birth_place"), ("Место рождения", "birth_place"),
    ("Place of birth", "birth_place"),
    ("Військове звання", "rank"), ("Звание", "rank"), ("Rank", "rank"),
    ("Військова частина", "unit"), ("В/Ч", "unit"), ("Воинская часть", "unit"),
    ("Unit", "unit"),
    ("Особистий номер", "service_number"), ("Личный номер", "service_number"),
    ("Жетон", "service_number"), ("Номер військового квитка", "service_number"),
    ("Service number", "service_number"),
    ("Стать", "sex"), ("Пол", "sex"), ("Sex", "sex"), ("Gender", "sex"),
    ("Громадянство", "citizenship"), ("Статус", "status"), ("Дата полону", "status_date"),
    ("Примітка", "notes"), ("Примечания", "notes"), ("Comments", "notes"),
    ("ID", "record_id"), ("Record ID", "record_id"),
    ("№ з/п", "list_number"), ("№ п/п", "list_number"), ("№", "list_number"),
    ("#", "list_number"), ("No.", "list_number"),
    ("Номер справи", "case_number"), ("Номер дела", "case_number"), ("Case No.", "case_number"),
    ("Телефон", None), ("Номер телефону", None), ("Name of unit", None),
    ("Дата надходження", None), ("Адреса", None), ("", None),
]


@pytest.mark.parametrize(("header", "field"), CASES)
def test_header_maps_onto_field(header: str, field: str | None) -> None:
    assert field_for_header(header) == field


def test_header_found_below_title_and_blank_rows() -> None:
    rows = [(1, ["Список військовополонених станом на 01.06.2025", "", ""]), (2, ["", "", ""]),
            (3, ["№ з/п", "П.І.Б.", "Дата народження"]), (4, ["1", "Петренко І.І.", "1990"])]
    layout = locate_header(rows, mapping={}, kind=None, file_name="f.csv")
    assert (layout.first_row, layout.last_row) == (3, 3)
    assert [c.field for c in layout.columns] == ["list_number", "full_name", "birth_date"]


def test_two_row_header_takes_the_sub_columns() -> None:
    rows = [(1, ["№", "ПІБ", "", "", "Дата народження"]),
            (2, ["", "Прізвище", "Ім'я", "По батькові", ""]),
            (3, ["1", "Петренко", "Іван", "Іванович", "01.01.1990"])]
    layout = locate_header(rows, mapping={}, kind=None, file_name="f.csv")
    assert (layout.first_row, layout.last_row) == (1, 2)
    assert [c.field for c in layout.columns] == [
        "list_number", "surname", "given_name", "patronymic", "birth_date"]


def test_second_column_for_a_field_is_kept_as_extra() -> None:
    rows = [(1, ["Прізвище", "Особистий номер", "Жетон"])]
    layout = locate_header(rows, mapping={}, kind=None, file_name="f.csv")
    assert [c.field for c in layout.columns] == ["surname", "service_number", None]
    assert layout.columns[2].extra_key == "Жетон"


def test_no_name_column_is_refused_with_what_was_found() -> None:
    rows = [(1, ["Телефон", "Адреса"]), (2, ["123", "Київ"])]
    with pytest.raises(InputError) as err:
        locate_header(rows, mapping={}, kind=None, file_name="f.csv")
    assert str(err.value) == (
        "f.csv: no column for names found (no header names a surname, given name or full "
        "name); row 1 has 'Телефон', 'Адреса'; name one with --map COLUMN=full_name")


def test_mapping_names_a_column() -> None:
    rows = [(1, ["Особа", "Хто"]), (2, ["x", "Петренко Іван"])]
    layout = locate_header(rows, mapping={"Хто": "full_name", "Особа": "extra"}, kind=None,
                           file_name="f.csv")
    assert [c.field for c in layout.columns] == [None, "full_name"]


@pytest.mark.parametrize(("pair", "message"), [
    ("Прізвище", "--map 'Прізвище': write COLUMN=field, e.g. 'ПІБ=full_name'"),
    ("A=nickname", "--map 'A=nickname': 'nickname' is not a field; use one of "),
])
def test_bad_mapping_is_refused(pair: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_mapping([pair])
    assert str(err.value).startswith(message)
