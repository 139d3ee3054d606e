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
