"""The skeleton and its renderings are the same for a Cyrillic word and for any of its
transliterations by the two document systems: the property every key rests on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.names import transliterate
from parley.names.skeleton import light, raw, skeleton, skeleton_words, unfolded

UKRAINIAN = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'"
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
CYRILLIC_WORDS = st.text(alphabet=UKRAINIAN + RUSSIAN + UKRAINIAN.upper() + RUSSIAN.upper(),
                         min_size=1, max_size=14)


@given(CYRILLIC_WORDS)
@settings(max_examples=400)
def test_skeleton_invariant_under_both_systems(word: str) -> None:
    for system in ("kmu2010", "icao9303"):
        latin = transliterate(word, system)
        assert skeleton(latin) == skeleton(word)
        assert light(latin) == light(word)
        assert raw(latin) == raw(word)


@given(CYRILLIC_WORDS)
def test_skeleton_invariant_under_case(word: str) -> None:
    assert skeleton(word.upper()) == skeleton(word.lower()) == skeleton(word)


def test_spellings_of_one_name_share_a_skeleton() -> None:
    groups = [
        "Юрій Юрий Yurii Iurii Yuriy Yury Yuri Jurij Juri Iouri Youri",
        "Алексей Aleksei Alexei Alexey Aleksey Aleksej Alexej Aleksiej",
        "Сергій Serhii Serhiy Sergiy Serhij Sergii",
        "Євген Yevhen Ievgen Evgen Jewgen Yevgen",
        "Гнатюк Hnatiuk Gnatyuk Hnatjuk Gnatiuk",
        "Мельник Мельнык Melnyk Melnik Melnick",
        "Щербина Shcherbyna Szczerbyna Schtscherbina Ščerbina Scherbina",
        "Вячеслав В'ячеслав Viacheslav Vyacheslav Wjatscheslaw Wiaczesław",
        "Наталія Наталья Nataliia Natalia Natalya Natalja",
        "Їжак Ижак Yizhak Izhak",
    ]
    for group in groups:
        skeletons = {skeleton(word) for word in group.split()}
        assert len(skeletons) == 1, (group, skeletons)


def test_words_and_unfolded_forms() -> None:
    assert skeleton_words("Анна-Марія (О.)") == ["ana", "maria", "o"]
    assert skeleton_words("Evdokii͡a Ilʹi͡a") == ["evdokia", "ilia"]
    assert unfolded("Олексіївна") == "oleksiivna"
    assert skeleton("") == ""
