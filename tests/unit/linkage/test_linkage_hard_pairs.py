"""Hard pairs from real-looking lists: which must meet, score and link, and which must not.

Each case is a shape that occurs in real lists, not a quirk of the generator: surname
and given name in each other's columns with the Russian form on one side, a service
number whose letters were transliterated, a Russian initial for a Ukrainian name, a
surname typo with a diminutive and a year only.
"""

from __future__ import annotations

from parley.linkage import BlockingIndex, LinkRecord, Scorer, default_model, features
from parley.linkage.comparisons import names_swapped
from parley.linkage.conflicts import conflict
from parley.linkage.features import Features


def row(uid: str, **fields: str) -> Features:
    return features(LinkRecord(uid=uid, source=uid.split(":")[0], fields=fields))


def blocked(left: Features, right: Features) -> bool:
    return right.unique_id in BlockingIndex([right]).candidates(left) and \
        left.unique_id in BlockingIndex([left]).candidates(right)


def test_swapped_columns_with_the_russian_form_meet_and_link() -> None:
    origin = row("ua:1", surname="Андрій", given_name="Вовк", patronymic="Сергійович",
                 birth_date="21.03.1988", service_number="ХН893060")
    capture = row("ru:1", full_name="ВОВК Андрей Сергеевич", birth_date="21.03.1988",
                  service_number="ХН893060")
    assert names_swapped(origin, capture) and names_swapped(capture, origin)
    assert conflict(origin, capture) is None
    assert blocked(origin, capture)
    assert Scorer(default_model()).probability(origin, capture) > 0.99


def test_swapped_columns_without_a_shared_number_are_blocked_together() -> None:
    origin = row("ua:2", surname="Максим", given_name="Зайченко", birth_date="18.06.1985")
    capture = row("ru:2", full_name="Зайченко Максим Дмитриевич", birth_date="1985-06-18")
    assert blocked(origin, capture)
    assert Scorer(default_model()).probability(origin, capture) > 0.99


def test_a_swap_does_not_excuse_a_brother() -> None:
    origin = row("ua:3", surname="Андрій", given_name="Вовк", birth_date="21.03.1988")
    brother = row("ru:3", full_name="ВОВК Олег Сергеевич", birth_date="21.03.1988")
    assert not names_swapped(origin, brother)
    assert conflict(origin, brother) == "given name"


def test_a_transliterated_service_number_excuses_two_slips_in_the_date() -> None:
    card = row("ru:4", full_name="Ткачук Тарас", birth_date="30.07.1993",
               service_number="СН309603")
    visit = row("int:4", surname="Tkatschuk", given_name="Taras", birth_date="28/06/1993",
                service_number="SN309603")
    assert conflict(card, visit) is None
    other = row("int:5", surname="Tkachuk", given_name="Taras", birth_date="28/06/1993",
                service_number="SN309777")
    assert conflict(card, other) is not None


def test_a_russian_initial_fits_the_ukrainian_name() -> None:
    origin = row("ua:6", surname="КАРПЕНКО", given_name="Катерина", birth_date="02.01.2001")
    card = row("ru:6", full_name="КАРПЕНКО Е. А.", birth_date="02.01.2001")
    assert conflict(origin, card) is None
    twin = row("ru:7", full_name="КАРПЕНКО М. А.", birth_date="02.01.2001")
    assert conflict(origin, twin) == "given name"


def test_a_surname_typo_with_a_diminutive_and_a_year_only_is_blocked() -> None:
    origin = row("ua:8", surname="Мартинюк", given_name="Олександр", patronymic="Іванович",
                 birth_date="17.08.2000", birth_place="Черкаси")
    inquiry = row("inq:8", surname="Мартиню", given_name="Сашко", birth_date="2000",
                  birth_place="Черкаси")
    assert blocked(origin, inquiry)


def test_a_swapped_record_meets_an_initial_of_its_given_name_and_not_a_brothers() -> None:
    origin = row("ua:9", surname="Максим", given_name="Поліщук", patronymic="Іванович",
                 birth_date="31.10.1973")
    visit = row("int:9", full_name="POLISHCHUK M.", birth_date="31/10/1973")
    assert conflict(origin, visit) is None
    brother = row("int:10", full_name="POLISHCHUK O.", birth_date="31/10/1973")
    assert conflict(origin, brother) == "given name"
    twin = row("ru:10", full_name="Поліщук Олег Іванович", birth_date="31.10.1973")
    assert conflict(origin, twin) == "given name"
