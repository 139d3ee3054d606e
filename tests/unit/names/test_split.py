"""Splitting full names in the orders lists use."""

from __future__ import annotations

import pytest

from parley.names import split_full_name


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("МЕЛЬНИК Олександр Миколайович", ("МЕЛЬНИК", "Олександр", "Миколайович")),
        ("Мельник Олександр Миколайович", ("Мельник", "Олександр", "Миколайович")),
        ("Олександр Миколайович Мельник", ("Мельник", "Олександр", "Миколайович")),
        ("Oleksandr Mykolaiovych MELNYK", ("MELNYK", "Oleksandr", "Mykolaiovych")),
        ("Oleksandr Melnyk", ("Melnyk", "Oleksandr", None)),
        ("Melnyk Oleksandr", ("Melnyk", "Oleksandr", None)),
        ("MELNYK Oleksandr", ("MELNYK", "Oleksandr", None)),
        ("Melnyk, Oleksandr", ("Melnyk", "Oleksandr", None)),
        ("Melnyk, Oleksandr Mykolaiovych", ("Melnyk", "Oleksandr", "Mykolaiovych")),
        ("Мельник О. М.", ("Мельник", "О.", "М.")),
        ("Мельник О.М.", ("Мельник", "О.", "М.")),
        ("О.М. Мельник", ("Мельник", "О.", "М.")),
        ("Иванов Сергей Юрьевич", ("Иванов", "Сергей", "Юрьевич")),
        ("Петренко-Коваль Ганна Іванівна", ("Петренко-Коваль", "Ганна", "Іванівна")),
        ("Алиев Рашид Али оглы", ("Алиев", "Рашид", "Али оглы")),
        ("Шевченко Тарас", ("Шевченко", "Тарас", None)),
        ("Тарас Шевченко", ("Шевченко", "Тарас", None)),
        ("Ivan Petrenko", ("Petrenko", "Ivan", None)),
        ("Kovalenko", ("Kovalenko", None, None)),
        ("  Мельник   Олександр  ", ("Мельник", "Олександр", None)),
        ("Петрович Іван Миколайович", ("Петрович", "Іван", "Миколайович")),
        ("Мельник Олександр Миколайович 12.03.1985", ("Мельник", "Олександр", "Миколайович")),
        ("MELNYK OLEKSANDR MYKOLAIOVYCH", ("MELNYK", "OLEKSANDR", "MYKOLAIOVYCH")),
        ("OLEKSANDR MELNYK", ("MELNYK", "OLEKSANDR", None)),
        ("Іваненко Іван", ("Іваненко", "Іван", None)),
        ("Іван Іваненко", ("Іваненко", "Іван", None)),
        ("Мельник, О. М.", ("Мельник", "О.", "М.")),
        ("Мельник Олександр Миколайович, 1985 р.н.", ("Мельник", "Олександр", "Миколайович")),
        ("Ivanov Ivan Ivanovich", ("Ivanov", "Ivan", "Ivanovich")),
        ("Ivan Ivanovich Ivanov", ("Ivanov", "Ivan", "Ivanovich")),
        ("Melnik Alexander", ("Melnik", "Alexander", None)),
        ("Alexander Melnik", ("Melnik", "Alexander", None)),
        ("", (None, None, None)),
        ("   ", (None, None, None)),
    ],
)
def test_split_full_name(text: str, parts: tuple[str | None, ...]) -> None:
    assert split_full_name(text) == parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # Initials with and without dots, in every place lists put them.
        ("Мельник Олександр М.", ("Мельник", "Олександр", "М.")),
        ("Мельник Олександр М", ("Мельник", "Олександр", "М")),
        ("Мельник О М", ("Мельник", "О", "М")),
        ("О. М. Мельник", ("Мельник", "О.", "М.")),
        ("О.Мельник", ("Мельник", "О.", None)),
        ("Олександр М. Мельник", ("Мельник", "Олександр", "М.")),
        ("Oleksandr M. Melnyk", ("Melnyk", "Oleksandr", "M.")),
        ("MELNYK Oleksandr M.", ("MELNYK", "Oleksandr", "M.")),
        ("MELNYK O.M.", ("MELNYK", "O.", "M.")),
        ("MELNYK OLEKSANDR M", ("MELNYK", "OLEKSANDR", "M")),
        ("Мельник О. Миколайович", ("Мельник", "О.", "Миколайович")),
        ("Котилевич Нінель С.", ("Котилевич", "Нінель", "С.")),  # -евич surname
        ("Мельник, Олександр М.", ("Мельник", "Олександр", "М.")),
        ("Мельник, О.", ("Мельник", "О.", None)),
        # Double-barrelled surnames, also with spaces around the hyphen.
        ("Петренко-Іваненко Олександр М.", ("Петренко-Іваненко", "Олександр", "М.")),
        ("Петренко - Іваненко Олександр Миколайович",
         ("Петренко-Іваненко", "Олександр", "Миколайович")),
        ("Олександр Миколайович Петренко-Іваненко",
         ("Петренко-Іваненко", "Олександр", "Миколайович")),
        # Surname particles.
        ("van der Berg Jan", ("van der Berg", "Jan", None)),
        ("Jan van der Berg", ("van der Berg", "Jan", None)),
        ("де Голль Шарль", ("де Голль", "Шарль", None)),
        # Capitals for more than the surname.
        ("МЕЛЬНИК ОЛЕКСАНДР Миколайович", ("МЕЛЬНИК", "ОЛЕКСАНДР", "Миколайович")),
        # Patronymic endings: Ukrainian, Russian, Belarusian, irregular, Latin.
        ("Мельник Олена Миколаївна", ("Мельник", "Олена", "Миколаївна")),
        ("Мельник Ірина Іллівна", ("Мельник", "Ірина", "Іллівна")),
        ("Бабич Іван Ілліч", ("Бабич", "Іван", "Ілліч")),
        ("Кузьмина Анна Кузьминична", ("Кузьмина", "Анна", "Кузьминична")),
        ("Лукашенко Аляксандр Рыгоравіч", ("Лукашенко", "Аляксандр", "Рыгоравіч")),
        ("Мельник Анна Сяргееўна", ("Мельник", "Анна", "Сяргееўна")),
        ("Melnyk Olena Mykolaivna", ("Melnyk", "Olena", "Mykolaivna")),
        ("Melnik Aleksandr Nikolaevich", ("Melnik", "Aleksandr", "Nikolaevich")),
        ("Melnik Elena Nikolaevna", ("Melnik", "Elena", "Nikolaevna")),
        ("Ivan Petrovych Babych", ("Babych", "Ivan", "Petrovych")),
        # Notes in brackets are not parts of the name.
        ("Мельник Олександр Миколайович (Сашко)", ("Мельник", "Олександр", "Миколайович")),
        ("Коваль [дівоче Петренко] Ганна Іванівна", ("Коваль", "Ганна", "Іванівна")),
        ("Мельник О.М., 1985 р.н.", ("Мельник", "О.", "М.")),
        # A surname ending in -ич is not a patronymic.
        ("Іван Бабич", ("Бабич", "Іван", None)),
        ("Іван Петрович Бабич", ("Бабич", "Іван", "Петрович")),
        ("Бабич Іван Петрович", ("Бабич", "Іван", "Петрович")),
    ],
)
def test_the_family_of_initials_orders_and_endings(
        text: str, parts: tuple[str | None, ...]) -> None:
    assert split_full_name(text) == parts


def test_labelled_full_names_in_every_order() -> None:
    # Surnames from names-translator's Ukrainian dictionary, given names and fathers'
    # names from the table, written in the orders lists use, in Cyrillic or KMU 2010.
    import random

    from parley.names import transliterate
    from parley.names.given_table import given_names_table
    from parley.names.patronymic import patronymics_of
    from parley.names.variants import _surname_dictionary

    def initial(word: str) -> str:
        return word[0] + "."

    orders = [
        lambda s, g, p: (f"{s} {g} {p}", (s, g, p)),
        lambda s, g, p: (f"{s.upper()} {g} {p}", (s.upper(), g, p)),
        lambda s, g, p: (f"{g} {p} {s}", (s, g, p)),
        lambda s, g, p: (f"{s}, {g} {p}", (s, g, p)),
        lambda s, g, p: (f"{s} {g}", (s, g, None)),
        lambda s, g, p: (f"{s.upper()} {g}", (s.upper(), g, None)),
        lambda s, g, p: (f"{s} {g} {initial(p)}", (s, g, initial(p))),
        lambda s, g, p: (f"{s} {g[0]}.{p[0]}.", (s, initial(g), initial(p))),
        lambda s, g, p: (f"{initial(g)} {initial(p)} {s}", (s, initial(g), initial(p))),
        lambda s, g, p: (f"{g} {initial(p)} {s}", (s, g, initial(p))),
    ]
    rng = random.Random(5)
    surnames = [uk[:1].upper() + uk[1:] for uk, _ in _surname_dictionary()]
    rows = given_names_table()
    fathers = [row for row in rows if row.sex == "m"]
    right = total = 0
    while total < 3000:
        row, father = rng.choice(rows), rng.choice(fathers)
        patronymic = next((form for form, language in
                           patronymics_of(father, feminine=row.sex == "f")
                           if language == "uk"), None)
        if patronymic is None:
            continue
        words = (rng.choice(surnames), row.uk[0], patronymic)
        if rng.random() < 0.4:
            words = tuple(transliterate(w, "kmu2010") for w in words)
        text, parts = rng.choice(orders)(*words)
        total += 1
        right += split_full_name(text) == parts
    # What is left: a surname that is also a given name, written after the given name
    # without a patronymic ("Віталій Шама"), cannot be told from the other order.
    assert right / total >= 0.995
