"""Features: one person's record gives the same keys in every script and spelling."""

from __future__ import annotations

import pytest

from parley.linkage import LinkRecord, features
from parley.linkage.places import place_key


def row(**fields: str):  # type: ignore[no-untyped-def]
    return features(LinkRecord(uid="r", source="s", fields=fields))


def test_names_agree_across_scripts_and_forms() -> None:
    forms = [
        row(surname="Мельник", given_name="Олександр", patronymic="Миколайович"),
        row(full_name="МЕЛЬНИК Александр Николаевич"),
        row(surname="MELNYK", given_name="Oleksandr", patronymic="Mykolaiovych"),
        row(full_name="Melnyk, Oleksandr"),
    ]
    assert len({f.surname for f in forms}) == 1
    assert len({f.given for f in forms}) == 1
    assert {f.patronymic for f in forms if f.patronymic} == {forms[0].patronymic}


def test_a_diminutive_shares_the_given_name_key() -> None:
    assert row(given_name="Сашко").given == row(given_name="Олександр").given


def test_service_numbers_fold_homoglyphs_and_separators() -> None:
    cyrillic = row(service_number="АВ 123456")  # Cyrillic А and В
    latin = row(service_number="ab-123456")
    assert cyrillic.service == latin.service
    assert cyrillic.service_digits == "123456"


@pytest.mark.parametrize("text", ["Харків", "Харьков", "Kharkiv", "Kharkov", "м. Харків",
                                  "г. Харьков", "Харків, Харківська обл."])
def test_birth_places_fold_to_one_key(text: str) -> None:
    assert place_key(text) == "kharkiv"


def test_renamed_places_give_the_current_name() -> None:
    assert place_key("Днепропетровск") == place_key("Дніпро") == "dnipro"


def test_unknown_places_fall_back_to_a_spelling_skeleton() -> None:
    assert place_key("Коростень") == place_key("Korosten")


def test_dates_keep_their_precision() -> None:
    full = row(birth_date="14.05.1990")
    assert (full.birth, full.birth_y, full.birth_m, full.birth_d) == ("1990-05-14", 1990, 5, 14)
    year = row(birth_date="1990")
    assert (year.birth, year.birth_y, year.birth_m) == (None, 1990, None)
    month = row(birth_date="05.1990")
    assert (month.birth, month.birth_y, month.birth_m) == (None, 1990, 5)


def test_impossible_dates_are_missing_not_guessed() -> None:
    assert row(birth_date="31.02.1990").birth_y is None


def test_sex_unit_and_rank_fold() -> None:
    assert row(sex="чол.").sex == row(sex="М").sex == row(sex="male").sex == "M"
    assert row(sex="жін.").sex == row(sex="F").sex == "F"
    assert row(unit="в/ч А-1234").unit == row(unit="military unit A1234").unit == "1234"
    assert row(rank="старший сержант").rank == row(rank="senior sergeant").rank


def test_empty_record_has_no_values() -> None:
    empty = row()
    assert empty.surname is None and empty.given is None and empty.given_set == ()


def test_initials_are_kept_as_initials() -> None:
    initials = row(full_name="ІВАНОВ І.І.")
    assert initials.given is None and initials.given_is_init and initials.given_init == ("i",)
    assert initials.patronymic_is_init and initials.patronymic_init == ("i",)
    full = row(surname="Иванов", given_name="Игорь", patronymic="Иванович")
    assert "i" in full.given_init and not full.given_is_init
