"""Transliteration against the examples published with each standard, and against the
reference packages on thousands of real names."""

from __future__ import annotations

import iuliia
import pytest
import translitua
from hypothesis import given, settings
from hypothesis import strategies as st
from names_translator.dicts import default_dicts

from parley.names import transliterate

# The examples of the table in Cabinet of Ministers resolution No. 55 of 27.01.2010.
KMU_2010_EXAMPLES = [
    ("Алушта", "Alushta"), ("Андрій", "Andrii"),
    ("Борщагівка", "Borshchahivka"), ("Борисенко", "Borysenko"),
    ("Вінниця", "Vinnytsia"), ("Володимир", "Volodymyr"),
    ("Гадяч", "Hadiach"), ("Богдан", "Bohdan"), ("Згурський", "Zghurskyi"),
    ("Ґалаґан", "Galagan"), ("Ґорґани", "Gorgany"),
    ("Донецьк", "Donetsk"), ("Дмитро", "Dmytro"),
    ("Рівне", "Rivne"), ("Олег", "Oleh"), ("Есмань", "Esman"),
    ("Єнакієве", "Yenakiieve"), ("Гаєвич", "Haievych"), ("Короп'є", "Koropie"),
    ("Житомир", "Zhytomyr"), ("Жанна", "Zhanna"), ("Жежелів", "Zhezheliv"),
    ("Закарпаття", "Zakarpattia"), ("Казимирчук", "Kazymyrchuk"),
    ("Медвин", "Medvyn"), ("Михайленко", "Mykhailenko"),
    ("Іванків", "Ivankiv"), ("Іващенко", "Ivashchenko"),
    ("Їжакевич", "Yizhakevych"), ("Кадиївка", "Kadyivka"), ("Мар'їне", "Marine"),
    ("Йосипівка", "Yosypivka"), ("Стрий", "Stryi"), ("Олексій", "Oleksii"),
    ("Київ", "Kyiv"), ("Коваленко", "Kovalenko"),
    ("Лебедин", "Lebedyn"), ("Леонід", "Leonid"),
    ("Миколаїв", "Mykolaiv"), ("Маринич", "Marynych"),
    ("Ніжин", "Nizhyn"), ("Наталія", "Nataliia"),
    ("Одеса", "Odesa"), ("Онищенко", "Onyshchenko"),
    ("Полтава", "Poltava"), ("Петро", "Petro"),
    ("Решетилівка", "Reshetylivka"), ("Рибчинський", "Rybchynskyi"),
    ("Суми", "Sumy"), ("Соломія", "Solomiia"),
    ("Тернопіль", "Ternopil"), ("Троць", "Trots"),
    ("Ужгород", "Uzhhorod"), ("Уляна", "Uliana"),
    ("Фастів", "Fastiv"), ("Філіпчук", "Filipchuk"),
    ("Харків", "Kharkiv"), ("Христина", "Khrystyna"),
    ("Біла Церква", "Bila Tserkva"), ("Стеценко", "Stetsenko"),
    ("Чернівці", "Chernivtsi"), ("Шевченко", "Shevchenko"),
    ("Шостка", "Shostka"), ("Кишеньки", "Kyshenky"),
    ("Щербухи", "Shcherbukhy"), ("Гоща", "Hoshcha"), ("Гаращенко", "Harashchenko"),
    ("Юрій", "Yurii"), ("Корюківка", "Koriukivka"),
    ("Яготин", "Yahotyn"), ("Ярошенко", "Yaroshenko"), ("Костянтин", "Kostiantyn"),
    ("Знам'янка", "Znamianka"), ("Феодосія", "Feodosiia"),
    ("Згорани", "Zghorany"), ("Розгон", "Rozghon"),
    ("Кременчук", "Kremenchuk"), ("Гнатюк", "Hnatiuk"),
]

# ICAO Doc 9303 (7th ed.) as Russian passports apply it since 2013; the samples of the
# iuliia package's ICAO schema and well-known passport spellings.
ICAO_9303_EXAMPLES = [
    ("Юлия Щеглова", "Iuliia Shcheglova"),
    ("Гайа Васильева", "Gaia Vasileva"),
    ("Андрей Видный", "Andrei Vidnyi"),
    ("Артём Краевой", "Artem Kraevoi"),
    ("Мадыр Чёткий", "Madyr Chetkii"),
    ("Оксана Клеёнкина", "Oksana Kleenkina"),
    ("Игорь Ильин", "Igor Ilin"),
    ("Ян Разъездной", "Ian Razieezdnoi"),
    ("Юлия, съешь ещё этих мягких французских булок из Йошкар-Олы, да выпей алтайского чаю",
     "Iuliia, sieesh eshche etikh miagkikh frantsuzskikh bulok iz Ioshkar-Oly, "
     "da vypei altaiskogo chaiu"),
    ("Ёлкин", "Elkin"), ("Подъячев", "Podieiachev"), ("Хрущёв", "Khrushchev"),
    ("Цой", "Tsoi"), ("Наталья", "Natalia"), ("Ксения", "Kseniia"),
    ("Дмитрий", "Dmitrii"), ("Евгений", "Evgenii"), ("Татьяна", "Tatiana"),
    ("ИВАНОВ СЕРГЕЙ ЮРЬЕВИЧ", "IVANOV SERGEI IUREVICH"),
]


@pytest.mark.parametrize(("cyrillic", "latin"), KMU_2010_EXAMPLES)
def test_kmu2010_official_examples(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, "kmu2010") == latin


@pytest.mark.parametrize(("cyrillic", "latin"), ICAO_9303_EXAMPLES)
def test_icao9303_examples(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, "icao9303") == latin


def test_case_is_kept_word_by_word() -> None:
    assert transliterate("ЩЕРБАК", "kmu2010") == "SHCHERBAK"
    assert transliterate("Щербак", "kmu2010") == "Shcherbak"
    assert transliterate("МЕЛЬНИК Олександр", "kmu2010") == "MELNYK Oleksandr"
    assert transliterate("ЮРІЙ ЄВГЕНОВИЧ", "kmu2010") == "YURII YEVHENOVYCH"
    assert transliterate("ЗГУРСЬКИЙ", "kmu2010") == "ZGHURSKYI"
    assert transliterate("Мельник Є. Ю.", "kmu2010") == "Melnyk Ye. Yu."
    assert transliterate("МЕЛЬНИК Є. Ю.", "kmu2010") == "MELNYK YE. YU."


def test_word_initial_forms_follow_words_not_apostrophes() -> None:
    assert transliterate("Ганна-Юлія", "kmu2010") == "Hanna-Yuliia"
    assert transliterate("Мар’їне", "kmu2010") == "Marine"  # typographic apostrophe
    assert transliterate("Мар\u02bcїне", "kmu2010") == "Marine"  # modifier letter


def test_non_cyrillic_text_is_left_alone() -> None:
    assert transliterate("O'Brien 12-B", "kmu2010") == "O'Brien 12-B"
    assert transliterate("Іван O'Brien", "icao9303") == "Ivan O'Brien"


def test_each_system_writes_the_other_languages_letters() -> None:
    assert transliterate("Ёлкин Ыы Эрик", "kmu2010") == "Elkyn Yy Eryk"
    assert transliterate("Їжак Євген Ґудзь", "icao9303") == "Izhak Ievgen Gudz"


def test_system_names_are_matched_loosely() -> None:
    assert transliterate("Юрій", "KMU 2010") == transliterate("Юрій", "kmu2010") == "Yurii"
    assert transliterate("Юрий", "icao-9303") == "Iurii"


def test_unknown_system_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown transliteration system"):
        transliterate("Іван", "bgn")


@given(st.text())
@settings(max_examples=500)
def test_never_raises(text: str) -> None:
    for system in ("kmu2010", "icao9303"):
        assert isinstance(transliterate(text, system), str)


def _sample(pool: str, step: int) -> list[str]:
    names = sorted(default_dicts().as_dict(pool))
    return names[::step]


def test_kmu2010_agrees_with_translitua_on_real_names() -> None:
    for pool, step in (("first", 5), ("last", 60), ("patronymic", 10)):
        for name in _sample(pool, step):
            if "'" in name or "-" in name or " " in name:
                continue
            word = name.capitalize()
            assert transliterate(word, "kmu2010") == translitua.translit(
                word, translitua.UkrainianKMU
            ), word


def test_icao9303_agrees_with_iuliia_on_real_names() -> None:
    schema = iuliia.ICAO_DOC_9303
    for name in sorted({ru for values in default_dicts().as_dict("last").values()
                        for ru in values})[::80]:
        assert transliterate(name, "icao9303") == schema.translate(name), name
