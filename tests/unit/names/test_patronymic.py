"""Patronymic keys: the key of the father's name, from any language and spelling."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from names_translator.dicts import default_dicts

from parley.names import given_name_key, patronymic_key, transliterate
from parley.names.given_table import given_names_table
from parley.names.patronymic import patronymics_of
from parley.names.variants import patronymic_pairs

EXAMPLES = {
    "mykola": "Миколайович Миколаївна Николаевич Николаевна Mykolaiovych Mykolaivna "
    "Nikolaevich Nikolayevich NIKOLAEVNA Mikalaevich Mikolajewicz",
    "serhii": "Сергійович Сергіївна Сергеевич Сергеевна Serhiiovych Serhiyovych "
    "Sergeevich Sergeyevich Sergejewitsch",
    "oleksii": "Олексійович Олексіївна Алексеевич Алексеевна Oleksiiovych Alekseevich",
    "oleksandr": "Олександрович Олександрівна Александрович Александровна "
    "Oleksandrovych Aleksandrovich Alexandrovich Aleksandrowitsch",
    "yurii": "Юрійович Юріївна Юрьевич Юрьевна Yuriiovych Iurevich Yuryevich",
    "yakiv": "Якович Яківна Яковлевич Яковлевна Yakovych Yakovlevich",
    "lev": "Львович Львівна Львовна Lvovych Lvovich",
    "illia": "Ілліч Іллівна Ильич Ильинична Illich Ilyich Ilinichna",
    "kuzma": "Кузьмич Кузьмівна Кузьминична Kuzmich",
    "petro": "Петрович Петрівна Петровна Petrovych Petrovich",
    "pavlo": "Павлович Павлівна Павловна Pavlovych Pavlovich",
    "fedir": "Федорович Федорівна Фёдорович Федоровна Fedorovych Fedorovich",
    "hryhorii": "Григорович Григорівна Григорьевич Hryhorovych Grigorevich",
    "yevhen": "Євгенович Євгенівна Евгеньевич Евгеньевна Yevhenovych Evgenevich",
    "dmytro": "Дмитрович Дмитрівна Дмитриевич Dmytrovych Dmitrievich",
    "ihor": "Ігорович Ігорівна Игоревич Игоревна Ihorovych Igorevich",
    "vasyl": "Васильович Василівна Васильевич Васильевна Vasylovych Vasilevich",
    "mykyta": "Микитович Никитич Никитична Nikitich",
}


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_patronymics_give_the_fathers_key(key: str) -> None:
    for patronymic in EXAMPLES[key].split():
        assert patronymic_key(patronymic) == key, patronymic
        assert patronymic_key(patronymic.upper()) == key, patronymic


def test_the_key_is_the_given_name_key_of_the_father() -> None:
    assert patronymic_key("Миколаївна") == given_name_key("Микола")
    assert patronymic_key("Олександрович") == given_name_key("Aleksandr")


def test_turkic_patronymics_and_plain_names() -> None:
    assert patronymic_key("Али оглы") == given_name_key("Али")
    assert patronymic_key("Іван") == "ivan"  # a father's name written as such
    assert patronymic_key("") is None
    assert patronymic_key("-") is None


def test_unknown_fathers_names_fall_back_to_the_stem() -> None:
    uk, ru = patronymic_key("Гордіянович"), patronymic_key("Гордиянович")
    assert uk == ru and uk is not None and uk.startswith("~")


def test_patronymics_with_a_typo_in_a_long_name() -> None:
    assert patronymic_key("Олекснадрович") == "oleksandr"
    assert patronymic_key("Volodymirovych") == "volodymyr"
    # Short unlisted fathers' names are not read as typos of listed ones.
    assert patronymic_key("Фазілівна") != patronymic_key("Василівна")
    assert patronymic_key("Боріївна") != patronymic_key("Борисівна")  # Боря is a pet form


def test_generated_patronymic_pairs() -> None:
    pairs = patronymic_pairs(2000, seed=5)
    agree = sum(patronymic_key(a) == patronymic_key(b) for a, b, _ in pairs)
    assert agree / len(pairs) >= 0.99


def test_names_translator_patronymics_of_listed_names() -> None:
    # Ukrainian patronymics with their Russian forms, for fathers in the table.
    listed = {row.key for row in given_names_table() if row.sex == "m"}
    checked = agree = 0
    for uk, ru_forms in default_dicts().as_dict("patronymic").items():
        key = patronymic_key(uk)
        if key not in listed:
            continue
        for ru in ru_forms:
            checked += 1
            agree += patronymic_key(ru) == key
    assert checked > 3000
    assert agree / checked >= 0.97  # the rest are the dictionary's rarer readings


def test_patronymics_of_make_the_regular_forms() -> None:
    mykola = next(row for row in given_names_table() if row.key == "mykola")
    assert patronymics_of(mykola, feminine=False) == [("Миколайович", "uk"),
                                                       ("Николаевич", "ru")]
    assert patronymics_of(mykola, feminine=True) == [("Миколаївна", "uk"),
                                                      ("Николаевна", "ru")]


@given(st.sampled_from(sorted({p for words in EXAMPLES.values() for p in words.split()
                               if not p.isascii()})),
       st.sampled_from(["kmu2010", "icao9303"]))
@settings(max_examples=200)
def test_invariant_under_transliteration(patronymic: str, system: str) -> None:
    assert patronymic_key(transliterate(patronymic, system)) == patronymic_key(patronymic)


@given(st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёыэъ'", min_size=1, max_size=14),
       st.sampled_from(["kmu2010", "icao9303"]))
@settings(max_examples=300)
def test_any_cyrillic_text_invariant_under_transliteration(text: str, system: str) -> None:
    assert patronymic_key(transliterate(text, system)) == patronymic_key(text)
    assert patronymic_key(text.upper()) == patronymic_key(text)
