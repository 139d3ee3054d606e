"""Given-name keys: one key per name whatever its script, language, spelling or pet form.

Олександр, Александр, Аляксандр, Oleksandr, Aleksandr, Alexander, OLEKSANDR, Сашко and
Саша all give the key "oleksandr"; the feminine Олександра gives "oleksandra". The
table behind it is ``data/given_names.csv`` (``parley.names.given_table``); Latin
spellings are generated from every Cyrillic form through ~50 transliteration systems and
filed by skeleton (``parley.names.given_index``), so any system's spelling, and
mixtures of them, find the row.

A word that is not in the index is read as a typo of a listed name only when one name is
clearly the closest (``given_index.typo_candidates``): "Олекснадр" is Олександр, but
"Тьомо" (Тьома or Хома?) and "Жен" (a dozen names one edit away) are not guessed.
Anything else gets a fallback key, "~" followed by the word's skeleton, so that two
spellings of an unlisted name can still agree (Гордіян, Gordiyan and Hordiian all give
"~hordian").

Ambiguous forms: a form listed for several names (Саша for Олександр and Олександра,
Женя for Євген and Євгенія, Валя for Валентин and Валентина, Слава for В'ячеслав,
Ярослав, Станіслав...) gives the name where the table marks it "*", otherwise the male
name. ``given_name_keys`` returns every candidate, for linkage to intersect.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from parley.names.given_index import exact_keys, typo_candidates
from parley.names.skeleton import raw, skeleton, split_words

__all__ = ["FALLBACK_PREFIX", "given_name_key", "given_name_keys", "word_keys"]

FALLBACK_PREFIX: Final = "~"

# Skeleton endings of patronymics (-ович, -евич, -івна, -овна, -евна, -ична; Polish
# -owicz): a patronymic written after the given name is not a second given name.
_PATRONYMIC_ENDINGS: Final = ("ovich", "evich", "ivna", "ovna", "evna", "ichna", "ovic", "evic")
# Turkic patronymic particles (оглы, кызы, улы) written as separate words.
_PARTICLES: Final = frozenset({"ohli", "ohlu", "kizi", "uli"})


@lru_cache(maxsize=1 << 17)
def word_keys(word: str) -> tuple[str, ...]:
    """Keys for one word, default first: exact, else a typo's reading, else fallback
    (followed by the readings of an ambiguous typo).

    Shared with ``patronymic_key``; linkage should use ``given_name_key(s)``.
    """
    skel = skeleton(word)
    if not skel:
        return ()
    keys = exact_keys(skel)
    if keys:
        return keys
    fallback = FALLBACK_PREFIX + skel
    if len(skel) >= 3:
        keys, sure = typo_candidates(skel, raw(word))
        if sure:
            return keys[:1]
        # Not clearly one name (or too short to tell): the fallback, then the readings,
        # so that given_name_keys can still offer them to linkage.
        return (fallback, *keys)
    return (fallback,)


def _name_words(name: str) -> list[str]:
    words = []
    for word in split_words(name):
        skel = skeleton(word)
        if len(skel) >= 2 and skel not in _PARTICLES:  # one letter is an initial
            words.append((word, skel))
    kept = words[:1] + [w for w in words[1:] if not w[1].endswith(_PATRONYMIC_ENDINGS)]
    return [word for word, _ in kept]


@lru_cache(maxsize=1 << 18)
def given_name_key(name: str) -> str | None:
    """The canonical key of a given name, or None when ``name`` holds no name.

    Known names give the table's key (the KMU 2010 spelling of the Ukrainian form:
    "oleksandr", "yevheniia"); an unknown name gives "~" and its skeleton. Two given
    names in one field ("Анна-Марія", "Anna Maria") give their keys joined by "-"; a
    patronymic written after the given name, and initials ("О."), are ignored.
    """
    return _given_name_key(name.lower())


@lru_cache(maxsize=1 << 18)
def _given_name_key(name: str) -> str | None:
    keys = _distinct([word_keys(word) for word in _name_words(name)])
    if not keys:
        return None
    return "-".join(k[0] for k in keys)


def _distinct(keys: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    # "Олександр (Сашко)" names one man twice: one key.
    out: list[tuple[str, ...]] = []
    for candidates in keys:
        if candidates and all(candidates[0] != seen[0] for seen in out):
            out.append(candidates)
    return out


@lru_cache(maxsize=1 << 16)
def given_name_keys(name: str) -> frozenset[str]:
    """Every key ``name`` may stand for: {"oleksandr", "oleksandra"} for Саша.

    For a field with two names, the joined key and every key of each name. Empty when
    ``name`` holds no name.
    """
    keys = _distinct([word_keys(word) for word in _name_words(name)])
    if not keys:
        return frozenset()
    out = {"-".join(k[0] for k in keys)}
    for candidates in keys:
        out.update(candidates)
    return frozenset(out)
