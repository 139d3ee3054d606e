"""Surname keys and the Daitch-Mokotoff phonetic key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from names_translator.dicts import default_dicts
from rapidfuzz.distance import Levenshtein

from parley.names import surname_key, surname_phonetic_key, transliterate
from parley.names.dmsoundex import daitch_mokotoff
from parley.names.variants import surname_pairs


@pytest.mark.parametrize(
    "spellings",
    [
        ("Гнатюк", "Hnatiuk", "Gnatyuk", "Gnatiuk", "Hnatjuk", "ГНАТЮК"),
        ("Мельник", "Мельнык", "Melnyk", "Melnik", "MELNYK"),
        ("Ковальов", "Kovalov", "Kovalyov", "Kowaljow", "Ковалёв", "Ковалев", "Kovalev"),
        ("Їжак", "Yizhak", "Izhak", "Ижак"),
        ("Шевченко", "Shevchenko", "Szewczenko", "Schewtschenko", "Ševčenko"),
        ("Щербина", "Shcherbyna", "Scherbina", "Szczerbyna", "Schtscherbina"),
        ("Олійник", "Олейник", "Oliinyk", "Oleinik", "Olejnik"),
        ("Кузьмінський", "Кузьминский", "Kuzminskyi", "Kuzminsky", "Kuzminskiy"),
        ("Кардашевська", "Кардашевская", "Kardashevska", "Kardashevskaya"),
        ("Білий", "Белый", "Bilyi", "Bely"),
        ("Олексієнко", "Алексеенко", "Oleksiienko", "Alekseenko"),
    ],
)
def test_spellings_of_one_surname_are_within_one_edit(spellings: tuple[str, ...]) -> None:
    keys = [surname_key(s) for s in spellings]
    for a in keys:
        for b in keys:
            assert Levenshtein.distance(a, b) <= 1, (spellings, keys)


def test_exact_examples() -> None:
    assert surname_key("Гнатюк") == surname_key("Gnatyuk") == "hnatiuk"
    assert surname_key("Мельник") == surname_key("Melnik") == "melnik"
    assert surname_key("Ковальов") == surname_key("Kovalyov") == "kovalov"
    assert surname_key("Ковальова") == "kovalova"
    assert surname_key("Петренко-Коваль") == surname_key("Petrenko Koval")
    assert surname_key("") == ""


def test_feminine_forms_stay_apart() -> None:
    assert surname_key("Ковальова") != surname_key("Ковальов")
    assert surname_key("Петрова") != surname_key("Петров")
    assert surname_key("Кузьмінська") != surname_key("Кузьмінський")


def test_same_surname_pairs_within_one_edit() -> None:
    pairs = surname_pairs(3000, seed=21)
    within = sum(
        Levenshtein.distance(surname_key(a), surname_key(b)) <= 1 for a, b, _ in pairs
    )
    assert within / len(pairs) >= 0.98


def test_ukrainian_and_russian_forms_of_the_dictionary_within_one_edit() -> None:
    total = within = 0
    for uk, ru_forms in sorted(default_dicts().as_dict("last").items())[::7]:
        for ru in ru_forms:
            total += 1
            within += Levenshtein.distance(surname_key(uk), surname_key(ru)) <= 1
    assert total > 15000
    assert within / total >= 0.995


@pytest.mark.parametrize(
    ("name", "code"),
    [  # the published examples of Daitch and Mokotoff's rules
        ("Alpert", "087930"), ("Breuer", "791900"), ("Golden", "583600"),
        ("Haber", "579000"), ("Manheim", "665600"), ("Topf", "370000"),
        ("Kleinman", "586660"), ("Peters", "739400"), ("Peterson", "739460"),
        ("Moskowitz", "645740"), ("Moskovitz", "645740"), ("Auerbach", "097500"),
        ("Ohrbach", "097500"), ("Uhrbach", "097500"), ("Lipshitz", "874400"),
        ("Lippszyc", "874500"), ("Lewinsky", "876450"), ("Levinsky", "876450"),
        ("Szlamawicz", "486740"), ("Shlamovitz", "486740"), ("Jackson", "154600"),
        ("augsburg", "054795"), ("halberstadt", "587943"), ("mannheim", "665600"),
        ("chernowitz", "596740"), ("cherkassy", "595400"), ("berlin", "798600"),
        ("mintz", "664000"), ("eisenstadt", "046433"), ("izenstadt", "046433"),
        ("lewin", "876000"), ("levine", "876000"), ("szlachter", "485390"),
        ("chelm", "586000"), ("helm", "586000"), ("daitch", "340000"), ("levy", "870000"),
        ("mokotoff", "653700"),
    ],
)
def test_daitch_mokotoff_published_examples(name: str, code: str) -> None:
    assert daitch_mokotoff(name) == code


def test_phonetic_key_groups_spellings() -> None:
    assert len({surname_phonetic_key(s) for s in
                ("Ковальов", "Ковалёв", "Kovalev", "Kowaljow", "Kovaliov")}) == 1
    assert len({surname_phonetic_key(s) for s in
                ("Шевченко", "Shevchenko", "Schewtschenko", "Szewczenko")}) == 1
    assert surname_phonetic_key("Щербина") == surname_phonetic_key("Shcherbyna")
    assert surname_phonetic_key("") == ""
    assert len(surname_phonetic_key("Гнатюк")) == 6


CYRILLIC = st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёыэъ'-", min_size=1, max_size=16)


@given(CYRILLIC, st.sampled_from(["kmu2010", "icao9303"]))
@settings(max_examples=300)
def test_keys_invariant_under_transliteration_and_case(text: str, system: str) -> None:
    latin = transliterate(text, system)
    assert surname_key(latin) == surname_key(text) == surname_key(text.upper())
    assert surname_phonetic_key(latin) == surname_phonetic_key(text)
