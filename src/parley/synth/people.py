"""A small deterministic population of synthetic servicemen, named as Ukrainian lists name them.

The linkage work builds the full multi-source generator on top; this is the seed the
foundation demo uses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

MALE_GIVEN = ("Олександр", "Андрій", "Сергій", "Володимир", "Дмитро", "Микола", "Іван",
              "Максим", "Юрій", "Віталій", "Олег", "Богдан", "Тарас", "Василь", "Євген",
              "Михайло", "Роман", "Петро", "Артем", "Денис")
FATHERS = ("Олександрович", "Андрійович", "Сергійович", "Володимирович", "Миколайович",
           "Іванович", "Петрович", "Васильович", "Михайлович", "Юрійович")
SURNAMES = ("Мельник", "Шевченко", "Бойко", "Коваленко", "Бондаренко", "Ткаченко",
            "Кравченко", "Ковальчук", "Олійник", "Шевчук", "Поліщук", "Лисенко", "Гнатюк",
            "Мороз", "Марченко", "Savchenko", "Руденко", "Павленко", "Петренко", "Кравчук")
PLACES = ("Харків", "Київ", "Львів", "Одеса", "Дніпро", "Запоріжжя", "Миколаїв", "Полтава",
          "Чернігів", "Суми")
RANKS = ("солдат", "старший солдат", "молодший сержант", "сержант", "лейтенант")


@dataclass(frozen=True)
class SynthPerson:
    surname: str
    given_name: str
    patronymic: str
    birth_date: date
    birth_place: str
    service_number: str
    rank: str
    unit: str

    def fields(self, record_id: str) -> dict[str, str]:
        return {
            "record_id": record_id, "surname": self.surname, "given_name": self.given_name,
            "patronymic": self.patronymic, "birth_date": self.birth_date.isoformat(),
            "birth_place": self.birth_place, "sex": "M",
            "service_number": self.service_number, "rank": self.rank, "unit": self.unit,
        }


def population(count: int, *, seed: int = 2025) -> list[SynthPerson]:
    """``count`` synthetic persons, the same ones for the same seed."""
    rng = random.Random(seed)
    people = []
    for _ in range(count):
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 42))
        people.append(SynthPerson(
            surname=rng.choice(SURNAMES).replace("Savchenko", "Савченко"),
            given_name=rng.choice(MALE_GIVEN),
            patronymic=rng.choice(FATHERS),
            birth_date=born,
            birth_place=rng.choice(PLACES),
            service_number=f"{rng.choice('АВСЕКМНОРТХ')}{rng.choice('АВСЕКМНОРТХ')}"
                           f"{rng.randrange(100000, 999999)}",
            rank=rng.choice(RANKS),
            unit=f"А{rng.randrange(1000, 9999)}",
        ))
    return people
