"""How erasure recognises a person in rows linked to nobody (pure, no database)."""

from __future__ import annotations

from parley.services.publication.erasure_copies import Identifiers

HIM = {"surname": "Коваленко", "given_name": "Олександр", "birth_date": "2002-03-05",
       "service_number": "ЖК 458213"}


def test_a_row_is_his_by_service_number_or_by_name_and_birth_date() -> None:
    who = Identifiers.of([HIM])
    assert who.matches({"service_number": "жк-458213", "surname": "Інший"})
    assert who.matches({"surname": " КОВАЛЕНКО ", "given_name": "олександр",
                        "birth_date": "05.03.2002"})
    assert who.matches({"full_name": "Коваленко Олександр Петрович",
                        "birth_date": "5.3.2002"})


def test_a_namesake_born_another_day_is_not_him() -> None:
    who = Identifiers.of([HIM])
    assert not who.matches({"surname": "Коваленко", "given_name": "Олександр",
                            "birth_date": "06.03.2002"})
    assert not who.matches({"surname": "Коваленко", "given_name": "Олександр"})
    assert not who.matches({"service_number": "458"})


def test_free_text_quotes_him_by_surname_date_or_number_not_by_given_name() -> None:
    who = Identifiers.of([HIM])
    assert who.quoted_in("Коваленко О.xlsx")
    assert who.quoted_in('{"value": "2002-03-05"}')
    assert who.quoted_in("ЖК 458213")
    assert not who.quoted_in("Олександр")
