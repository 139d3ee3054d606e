"""Facts one person cannot have: two recognised given names, two unexplained birth dates."""

from __future__ import annotations

import pytest

from parley.linkage import LinkRecord, features
from parley.linkage.conflicts import conflict


def row(**fields: str):  # type: ignore[no-untyped-def]
    return features(LinkRecord(uid="r", source="s", fields=fields))


@pytest.mark.parametrize(("left", "right"), [
    ("Іван", "Ігор"),  # twins
    ("Ольга", "Олена"),
    ("Олександр", "Андрій"),
])
def test_different_known_given_names_conflict(left: str, right: str) -> None:
    assert conflict(row(given_name=left), row(given_name=right)) == "given name"


@pytest.mark.parametrize(("left", "right"), [
    ("Олександр", "Сашко"),  # a diminutive
    ("Олександр", "Aleksandr"),  # a transliteration of the Russian form
    ("Богдан", "Богдна"),  # a typo
    ("Ірина", "Іина"),  # a letter dropped
    ("Олександр", "О."),  # an initial
])
def test_forms_of_one_name_do_not_conflict(left: str, right: str) -> None:
    assert conflict(row(given_name=left), row(given_name=right)) is None


@pytest.mark.parametrize(("left", "right", "expected"), [
    ("14.05.1990", "14.05.1990", None),
    ("14.05.1990", "05.14.1990", None),  # day and month swapped
    ("14.05.1990", "15.05.1990", None),  # a day off
    ("09.09.1990", "10.09.1990", None),  # 09 -> 10
    ("14.05.1990", "14.05.1991", None),  # the year mistyped
    ("14.05.1990", "14.06.1990", None),  # the month mistyped
    ("14.05.1990", "1990", None),  # a partial date says nothing against
    ("14.05.1990", "02.09.1990", "birth date"),  # namesakes born the same year
    ("14.05.1990", "23.11.1987", "birth date"),
])
def test_birth_dates(left: str, right: str, expected: str | None) -> None:
    assert conflict(row(birth_date=left), row(birth_date=right)) == expected


def test_a_shared_service_number_outweighs_a_date_conflict() -> None:
    left = row(birth_date="14.05.1990", service_number="АВ123456")
    right = row(birth_date="02.09.1990", service_number="AB 123456")
    assert conflict(left, right) is None


@pytest.mark.parametrize(("left", "right", "expected"), [
    ("АВ123456", "AB 123456", None),
    ("АВ123456", "AV123456", None),  # letters transliterated
    ("АВ123456", "АВ123457", None),  # one digit mistyped
    ("АВ123456", "АВ124356", None),  # two digits swapped
    ("АВ123456", "КЕ696272", "service number"),
])
def test_service_numbers(left: str, right: str, expected: str | None) -> None:
    assert conflict(row(service_number=left), row(service_number=right)) == expected


@pytest.mark.parametrize(("left", "right", "expected"), [
    ("С.", "Андрій", "given name"),  # twins written with initials
    ("С.", "А.", "given name"),
    ("С.", "Сергій", None),
    ("А.", "Юрій", "given name"),
    ("О.", "А.", None),  # Олександр in a Ukrainian and a Russian list
    ("А.", "Олександр", None),  # the Russian initial of the Ukrainian name
    ("О.", "Aleksandr", None),
])
def test_initials(left: str, right: str, expected: str | None) -> None:
    assert conflict(row(given_name=left), row(given_name=right)) == expected


def test_names_one_letter_apart_at_the_start_are_two_names() -> None:
    assert conflict(row(given_name="Дар'я"), row(given_name="Марія")) == "given name"
