"""The index behind the given-name keys, and the typo search over it.

Built from the table by sending every Cyrillic form through every transliteration
system (``parley.names.systems``) and filing each spelling under its skeleton
(``parley.names.skeleton``). Building takes seconds, so the result is kept in the
package as ``data/given_names_index.json`` (``python -m parley.names.build_index``
rewrites it; it records the table's SHA-256, and an index that does not match the
table is rebuilt in memory rather than used).

The index holds three renderings of every form: the skeletons of all its spellings;
its ``light`` form (before digraphs are folded: a typo that makes or breaks a digraph,
Sviatslav for Sviatoslav, is one edit from it); its ``raw`` form (doubled letters kept:
Tttyana is one edit from Tatyana there).

Typo search. A word not in the index is compared with those renderings allowing one
edit (insert, delete, replace, swap two neighbours), from its skeleton and its ``raw``
form, each also with ш щ ж ч я ю as one letter (a typo in a Cyrillic letter written
with two Latin ones is one edit). Among the names found, the ones reached through their
weightiest form win (a main form over a pet form); then the more common name; then the
one with the same first letter; between a man's and a woman's name, the word's ending.
Names still tied give no answer. A word that is a listed man's name with -a or -ia
added (Рената for Ренат) is an unlisted woman's name, not a typo. Words of ten letters
or more may be two edits (in the skeleton) from a name of the same sex (by the ending)
and first letter when nothing is one edit away.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Final

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from parley.names.given_table import W_OTHER, W_PREFERRED, given_names_table, table_text
from parley.names.skeleton import light, raw, skeleton
from parley.names.systems import latin_spellings
from parley.names.translit import is_cyrillic_letter

__all__ = ["INDEX_FILE", "build_index_data", "exact_keys", "key_sex", "typo_keys"]

INDEX_FILE: Final = "data/given_names_index.json"


@dataclass(frozen=True, slots=True)
class _Index:
    exact: dict[str, tuple[str, ...]]  # skeleton -> keys, default first
    formal: dict[str, tuple[str, ...]]  # the same, only keys reached through a full form
    entries: dict[str, dict[str, int]]  # rendering -> {key: weight of its best form}
    deletions: dict[str, tuple[str, ...]]  # rendering less one letter -> renderings
    long_entries: dict[str, tuple[str, ...]]  # first letter -> long renderings
    sex: dict[str, str]
    freq: dict[str, int]


def _spellings(form: str, language: str) -> set[str]:
    if language == "latin" or not any(is_cyrillic_letter(c) for c in form):
        return {form}
    return latin_spellings(form, language) | {form}


def _ranked(weights: dict[str, dict[str, int]], sex: dict[str, str],
            order: dict[str, int]) -> dict[str, list[list[Any]]]:
    return {
        text: [
            [key, by_key[key]]
            for key in sorted(by_key, key=lambda k: (-by_key[k], sex[k] != "m", order[k]))
        ]
        for text, by_key in sorted(weights.items())
    }


def build_index_data() -> dict[str, Any]:
    """Build the index from the table (seconds: ~60 systems times ~6,000 forms)."""
    by_skeleton: dict[str, dict[str, int]] = {}
    by_light: dict[str, dict[str, int]] = {}
    by_raw: dict[str, dict[str, int]] = {}
    order: dict[str, int] = {}
    sex: dict[str, str] = {}
    freq: dict[str, int] = {}

    def add(target: dict[str, dict[str, int]], text: str, key: str, weight: int) -> None:
        if len(text) >= 2:
            by_key = target.setdefault(text, {})
            by_key[key] = max(by_key.get(key, 0), weight)

    for position, row in enumerate(given_names_table()):
        order[row.key], sex[row.key], freq[row.key] = position, row.sex, row.freq
        for form, language, base in row.forms():
            weight = row.weight(form, base)
            add(by_light, light(form), row.key, weight)
            add(by_raw, raw(form), row.key, weight)
            for spelling in _spellings(form, language):
                add(by_skeleton, skeleton(spelling), row.key, weight)
    return {
        "source_sha256": hashlib.sha256(table_text().encode("utf-8")).hexdigest(),
        "skeletons": _ranked(by_skeleton, sex, order),
        "light": _ranked(by_light, sex, order),
        "raw": _ranked(by_raw, sex, order),
        "sex": sex,
        "freq": freq,
    }


# Renderings for typo search. Upper-case letters never occur in skeletons.
_DIGRAPHS: Final = (("shch", "Q"), ("sh", "S"), ("zh", "Z"), ("ch", "C"))
_IOTATED: Final = (("ia", "A"), ("iu", "U"))


def _renderings(text: str) -> set[str]:
    """The text as it is and with ш щ ж ч я ю as one letter each. (A middle rendering,
    digraphs only, finds nothing these two do not.)"""
    packed = text
    for digraph, letter in _DIGRAPHS:
        if digraph in packed:
            packed = packed.replace(digraph, letter)
    for digraph, letter in _IOTATED:
        if digraph in packed:
            packed = packed.replace(digraph, letter)
    return {text, packed}


def _by_first_letter(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    buckets: dict[str, list[str]] = {}
    for text in texts:
        buckets.setdefault(text[0], []).append(text)
    return {letter: tuple(sorted(group)) for letter, group in buckets.items()}


def _deletion_variants(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@cache
def _index() -> _Index:
    data: dict[str, Any] | None = None
    path = resources.files("parley.names").joinpath(INDEX_FILE)
    if path.is_file():
        data = json.loads(path.read_text("utf-8"))
        digest = hashlib.sha256(table_text().encode("utf-8")).hexdigest()
        if data is None or data.get("source_sha256") != digest:
            data = None  # the table was edited and the index not rebuilt
    if data is None:
        data = build_index_data()
    entries: dict[str, dict[str, int]] = {}
    for section in ("skeletons", "light", "raw"):
        for text, ranked in data[section].items():
            key, weight = ranked[0]
            weight = int(weight) % W_PREFERRED  # "*" settles exact ties, not typos
            for rendering in _renderings(text):
                by_key = entries.setdefault(rendering, {})
                by_key[key] = max(by_key.get(key, 0), weight)
    deletions: dict[str, list[str]] = {}
    for rendering in entries:
        if len(rendering) >= 3:
            for variant in _deletion_variants(rendering):
                deletions.setdefault(variant, []).append(rendering)
    return _Index(
        exact={text: tuple(k for k, _ in ranked) for text, ranked in data["skeletons"].items()},
        formal={
            text: keys
            for text, ranked in data["skeletons"].items()
            if (keys := tuple(k for k, w in ranked if int(w) % W_PREFERRED >= W_OTHER))
        },
        entries=entries,
        deletions={k: tuple(v) for k, v in deletions.items()},
        long_entries=_by_first_letter(r for r in entries if len(r) >= _TWO_EDITS_FROM - 2),
        sex=dict(data["sex"]),
        freq={k: int(v) for k, v in data["freq"].items()},
    )


def key_sex(key: str) -> str | None:
    """"m" or "f" for a key of the table, None for any other string."""
    return _index().sex.get(key)


def exact_keys(skel: str, *, formal: bool = False) -> tuple[str, ...]:
    """The keys filed under a skeleton, default first; empty if none. With ``formal``,
    only names of which it is a full form, not a pet form (a patronymic is made from
    Борис, not from Боря)."""
    return (_index().formal if formal else _index().exact).get(skel, ())


def _within_one(rendering: str) -> set[str]:
    index = _index()
    entries, deletions = index.entries, index.deletions
    found: set[str] = set(deletions.get(rendering, ()))
    short = len(rendering) <= 3
    for i in range(len(rendering)):
        variant = rendering[:i] + rendering[i + 1 :]
        if not short and variant in entries:
            found.add(variant)
        hits = deletions.get(variant)
        if hits:
            found.update(hits)
    distance = OSA.distance
    return {c for c in found if distance(rendering, c, score_cutoff=1) <= 1}


def _feminine_of(query: str, listed: str) -> bool:
    """True when ``query`` is ``listed`` with a feminine ending added (Рената for a
    listed Ренат, Віталія for Віталій): an unlisted woman's name, not a typo."""
    return query in (listed + "a", listed + "ia", listed + "A") or (
        listed.endswith("i") and query == listed + "a"
    )


def _choose(skel: str, near: dict[str, tuple[int, set[str]]]) -> tuple[str, ...]:
    index = _index()
    top = max(weight for weight, _ in near.values())
    keys = [key for key, (weight, _) in near.items() if weight == top]
    if len(keys) > 1:  # the more common name
        commonest = min(index.freq[key] for key in keys)
        keys = [key for key in keys if index.freq[key] == commonest]
    if len(keys) > 1:  # the one with the same first letter
        same_start = [k for k in keys if any(t[:1] == skel[:1] for t in near[k][1])]
        keys = same_start or keys
    if len({index.sex[key] for key in keys}) > 1:  # a man's and a woman's: the ending
        wanted = "f" if skel.endswith("a") else "m"
        keys = [key for key in keys if index.sex[key] == wanted]
    return tuple(sorted(keys))


_TWO_EDITS_FROM: Final = 10  # letters in the skeleton


@lru_cache(maxsize=1 << 15)
def typo_keys(skel: str, *forms: str, formal: bool = False) -> tuple[str, ...]:
    """Keys of the listed names one typo from a word, best first (see the module doc).

    ``skel`` is the word's skeleton, ``forms`` other renderings of it (``raw``). Several
    keys mean the typo could be any of them; empty means no listed name is that close.
    With ``formal``, pet forms are not candidates.
    """
    least = W_OTHER if formal else 0
    index = _index()
    queries = _renderings(skel)
    for form in forms:
        queries |= _renderings(form)
    near: dict[str, tuple[int, set[str]]] = {}
    for query in queries:
        for rendering in _within_one(query):
            if _feminine_of(query, rendering):
                continue
            for key, weight in index.entries[rendering].items():
                if weight < least:
                    continue
                best, texts = near.get(key, (0, set()))
                near[key] = (max(best, weight), texts | {rendering})
    if not near and len(skel) >= _TWO_EDITS_FROM:
        wanted = "f" if skel.endswith("a") else "m"  # two edits: never across sexes
        # Only names with the same first letter: two edits anywhere are too loose.
        for query in (skel,):
            for rendering, _, _ in process.extract(
                query, index.long_entries.get(skel[0], ()), scorer=Levenshtein.distance,
                score_cutoff=2, limit=None,
            ):
                for key, weight in index.entries[rendering].items():
                    if index.sex[key] != wanted or weight < least:
                        continue
                    best, texts = near.get(key, (0, set()))
                    near[key] = (max(best, weight), texts | {rendering})
    for key in _masculine_bases(skel):
        near.pop(key, None)
    if not near:
        return ()
    return _choose(skel, near)


def _masculine_bases(skel: str) -> set[str]:
    """Men's names of which ``skel`` is the feminine (Ренат for Рената, Олесь for
    Олеся): the word is that woman's name, not a typo of the man's or his other forms."""
    index = _index()
    bases = {skel[:-1]} if skel.endswith("a") else set()
    if skel.endswith("ia"):
        bases.add(skel[:-2])
    return {
        key for base in bases for key in index.exact.get(base, ()) if index.sex[key] == "m"
    }
