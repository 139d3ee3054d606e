"""Scripts, language hints and homoglyph folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names import fold_homoglyphs, language_hint, script_of

CYRILLIC_TWINS = "АВЕКМНОРСТХУІавекмнорстхуі"
LATIN_TWINS = "ABEKMHOPCTXYIABEKMHOPCTXYI"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Олександр", "cyrillic"), ("Oleksandr", "latin"), ("Oлександр", "mixed"),
        ("МЕЛЬНИК Oleksandr", "mixed"), ("12345", "none"), ("", "none"),
        ("Ковальов-Петренко", "cyrillic"), ("Łukasz Żółć", "latin"), ("Ελένη", "none"),
    ],
)
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Олексій", "uk"), ("Мар'яна", "uk"), ("Ґудзь", "uk"), ("Євген", "uk"),
        ("Алексей Ёлкин", "ru"), ("Подъячев", "ru"), ("Эдуард", "ru"), ("Быков", "ru"),
        ("Иван Петров", "unknown"), ("Oleksii", "unknown"), ("Ўладзімір", "unknown"),
        ("Іван Быков", "unknown"), ("", "unknown"),
    ],
)
def test_language_hint(text: str, language: str) -> None:
    assert language_hint(text) == language


def test_service_numbers_typed_in_either_script_compare_equal() -> None:
    latin = fold_homoglyphs("AB 123456")
    assert latin == "AB123456"
    assert fold_homoglyphs("АВ 123456") == latin  # Cyrillic А and В
    assert fold_homoglyphs("ав-123456") == latin
    assert fold_homoglyphs("Ab–123 456") == latin  # en dash
    assert fold_homoglyphs("ＡＢ１２３４５６") == latin  # full-width
    assert fold_homoglyphs("ОР 0001") == "OP0001"  # letters stay letters
    assert fold_homoglyphs("МХ 12") == "MX12"


@given(st.text(alphabet=CYRILLIC_TWINS + "0123456789 -", max_size=20))
def test_fold_is_the_same_for_cyrillic_and_latin_twins(text: str) -> None:
    latin = text.translate(str.maketrans(CYRILLIC_TWINS, LATIN_TWINS))
    assert fold_homoglyphs(text) == fold_homoglyphs(latin)


@given(st.text(max_size=30))
def test_fold_never_raises_and_is_idempotent(text: str) -> None:
    once = fold_homoglyphs(text)
    assert fold_homoglyphs(once) == once
