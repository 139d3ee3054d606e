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
with two Latin ones is one edit). A word that is a listed man's name with -a or -ia
added (Рената for Ренат) is an unlisted woman's name, not a typo. Words of ten letters
or more may be two edits (in the skeleton) from a name of the same sex (by the ending)
and first letter when nothing is one edit away.

The names found are ranked (weightiest form, then closest to the word as written, then
the more common name, the same first letter, the ending's sex), but the first is taken
as the reading only when it is clearly better than every other: reached through a main
form against the others' lesser forms, or two weights above them, or as heavy and
closer to the word as written, or as heavy and a common name against a rare one. Short
words (three letters) are read only when one name alone is near. Otherwise the word
keeps its fallback key and the candidates are only offered to ``given_name_keys``:
a misspelt name left unread costs one field's agreement, a wrong reading can link two
different people.
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

from parley.names.given_table import W_MAIN, W_OTHER, W_PREFERRED, given_names_table, table_text
from parley.names.skeleton import light, raw, skeleton
from parley.names.systems import latin_spellings
from parley.names.translit import is_cyrillic_letter

__all__ = [
    "INDEX_FILE", "build_index_data", "exact_keys", "key_sex", "typo_candidates", "typo_keys",
]

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
    written: dict[str, tuple[str, ...]]  # key -> its forms' light and raw renderings


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
        written=_written_forms(data),
    )


def _written_forms(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    by_key: dict[str, set[str]] = {}
    for section in ("light", "raw"):
        for text, ranked in data[section].items():
            for key, _ in ranked:
                by_key.setdefault(key, set()).update(_renderings(text))
    return {key: tuple(sorted(texts)) for key, texts in by_key.items()}


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


def _choose(skel: str, near: dict[str, tuple[int, set[str]]], written: set[str]
            ) -> tuple[tuple[str, ...], bool]:
    """The candidates ranked best first, and whether the first is a sure reading.

    A reading is sure only when the best name is clearly better than every other name
    one typo away: by ``_beats``, or as heavy and closer to the word as written
    (``_closeness``). Frequency, the first letter and the word's ending (a man's or a
    woman's name) rank the candidates but never make a reading sure: Інна or Ніна for
    "Іна", Хома or Артем (Тьома) for "Тьомо" is a guess, and a wrong key is worse than
    none, since linkage would count two different names as agreeing. Words of three
    letters or fewer (ш, щ, ж, ч, я, ю count as one) are read only when a single name,
    through a main form, is one edit away: "Жен" is one edit from a dozen names.
    """
    index = _index()
    closeness = {key: _closeness(written, index.written.get(key, ())) for key in near}

    def rank(key: str) -> tuple[int, int, int, bool, str]:
        weight, texts = near[key]
        same_start = any(t[:1] == skel[:1] for t in texts)
        return (-weight, closeness[key], index.freq[key], not same_start, key)

    ranked = sorted(near, key=rank)
    top = near[ranked[0]][0]
    leaders = [key for key in ranked if near[key][0] == top]
    if len({index.sex[key] for key in leaders}) > 1:  # a man's and a woman's: the ending
        wanted = "f" if skel.endswith("a") else "m"  # ranks them, but is no proof
        leaders = [key for key in leaders if index.sex[key] == wanted] or leaders
    ranked = leaders + [key for key in ranked if key not in leaders]
    best = ranked[0]
    others = ranked[1:]
    if len(min(_renderings(skel), key=len)) <= _SHORTEST_TYPO:
        # A short word: only when it is one typo from a single name, a main form.
        return tuple(ranked), len(ranked) == 1 and near[best][0] >= W_MAIN
    weight, freq, close = near[best][0], index.freq[best], closeness[best]
    sure = all(
        _beats(weight, freq, near[key][0], index.freq[key])
        or (weight >= near[key][0] and close < closeness[key])
        for key in others)
    return tuple(ranked), sure


def _closeness(written: set[str], forms: tuple[str, ...]) -> int:
    """Edits from the word as written (doubled letters and all) to the nearest written
    form of a name, up to 3: "Tttyana" is one from Tetyana, three from Diana."""
    if not written:
        return 0
    distance = OSA.distance
    return min((distance(w, f, score_cutoff=3) for w in written for f in forms), default=3)


def _beats(weight: int, freq: int, other_weight: int, other_freq: int) -> bool:
    """Whether a candidate is clearly better than another: reached through a main
    (Ukrainian or Russian) form against the other's lesser forms, or two weights above
    it (an other-language form against a pet form), or as heavy and a common name
    (frequency tier 1) against a rare one (tier 3)."""
    margin = 1 if weight >= W_MAIN else 2
    return weight - other_weight >= margin or (
        weight >= other_weight and other_freq - freq >= 2)


#: Words of this many letters or fewer are never read as a typo of a listed name.
_SHORTEST_TYPO: Final = 3
_TWO_EDITS_FROM: Final = 10  # letters in the skeleton


def typo_keys(skel: str, *forms: str, formal: bool = False) -> tuple[str, ...]:
    """Keys of the listed names one typo from a word (see the module doc).

    ``skel`` is the word's skeleton, ``forms`` other renderings of it (``raw``). One key
    is a sure reading; several keys, best first, mean the typo could be any of them;
    empty means no listed name is close, or the word is too short to read one.
    With ``formal``, pet forms are not candidates.
    """
    keys, sure = typo_candidates(skel, *forms, formal=formal)
    if sure:
        return keys[:1]
    return keys if len(keys) > 1 else ()


@lru_cache(maxsize=1 << 15)
def typo_candidates(skel: str, *forms: str, formal: bool = False
                    ) -> tuple[tuple[str, ...], bool]:
    """The listed names one typo from a word, best first, and whether the first is a
    sure reading (one name clearly better than the others; see ``_choose``)."""
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
        return (), False
    written = {rendering for form in forms for rendering in _renderings(form)}
    return _choose(skel, near, written)


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
