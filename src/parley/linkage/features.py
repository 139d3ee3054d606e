"""What the match model compares: one :class:`Features` row per source record.

Every value is derived through :mod:`parley.names` (name keys, dates, homoglyphs) or the
small tables here (places, ranks, sex), so that a record written in Ukrainian, in Russian
spelling or in any Latin transliteration gives the same keys. The rows go to Splink as
columns (:func:`feature_frame`) and to the Python scorer as objects; both see exactly the
same values.

Callers: :mod:`parley.linkage.pipeline` (batch), :mod:`parley.linkage.registry`
(incremental), the CLI and the benchmarks through them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any

from parley.linkage.places import place_key
from parley.names import (
    fold_homoglyphs,
    given_name_key,
    given_name_keys,
    parse_date,
    patronymic_key,
    split_full_name,
    surname_key,
    surname_phonetic_key,
)


@dataclass(frozen=True)
class LinkRecord:
    """One source record to resolve: a unique id, the list it came from, its fields.

    ``fields`` holds canonical field → text, as ``parley.ingest`` reads a row.
    """

    uid: str
    source: str
    fields: Mapping[str, str]


@dataclass(slots=True)
class Features:
    """The comparable values of one record (None where the record says nothing)."""

    unique_id: str
    source: str
    sex: str | None
    surname: str | None  # script-invariant key (edit distance is taken on it)
    surname_ph: str | None  # phonetic key, for blocking and a weak level
    surname_pre: str | None  # the surname key's first four letters (blocking surname typos)
    surname_gkey: str | None  # given-name key of the surname column, if it is a given name
    given: str | None  # the one given-name key, when the name is known
    given_set: tuple[str, ...]  # every key the written name may stand for (Саша: Олександр…)
    given_str: str | None  # spelling skeleton of the given name, for typos
    given_any: str | None  # the skeleton, or the initial when only an initial is written
    given_is_init: bool  # only an initial (І.) is written
    given_init: tuple[str, ...]  # Latin letters the name may begin with (to meet an initial)
    initial: str | None  # the first letter as written (for blocking records with initials)
    patronymic: str | None  # key of the father's given name
    patronymic_str: str | None
    patronymic_any: str | None
    patronymic_is_init: bool
    patronymic_init: tuple[str, ...]
    birth: str | None  # ISO date when known to the day
    birth_y: int | None
    birth_m: int | None
    birth_d: int | None
    birth_amb: bool  # day and month could be read either way round
    birth_days: int | None  # the full date as a day number (for "a few days apart")
    place: str | None
    service: str | None  # service number, homoglyphs folded, separators dropped
    service_digits: str | None
    unit: str | None  # unit number digits
    rank: str | None


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Features))

# Ranks in Ukrainian, Russian and English folded to a NATO-like grade, as lists write them.
_RANKS: dict[str, str] = {}
for _grade, _forms in {
    "or1": "солдат рядовий рядовой private soldier pvt матрос",
    "or2": "старший-солдат ефрейтор senior-soldier private-first-class lance-corporal "
           "старший-матрос pfc",
    "or3": "молодший-сержант младший-сержант junior-sergeant corporal",
    "or4": "сержант sergeant",
    "or5": "старший-сержант senior-sergeant staff-sergeant",
    "or6": "головний-сержант старшина chief-sergeant master-sergeant штаб-сержант",
    "or8": "прапорщик старший-прапорщик warrant-officer",
    "of0": "молодший-лейтенант младший-лейтенант junior-lieutenant",
    "of1": "лейтенант lieutenant",
    "of1s": "старший-лейтенант senior-lieutenant first-lieutenant",
    "of2": "капітан капитан captain",
    "of3": "майор major",
    "of4": "підполковник подполковник lieutenant-colonel",
    "of5": "полковник colonel",
}.items():
    for _form in _forms.split():
        _RANKS[_form] = _grade

_SEX = {
    "m": "M", "male": "M", "man": "M", "ч": "M", "чол": "M", "чоловіча": "M",
    "чоловік": "M", "м": "M", "муж": "M", "мужской": "M", "мужчина": "M",
    "f": "F", "female": "F", "woman": "F", "ж": "F", "жін": "F", "жіноча": "F",
    "жінка": "F", "жен": "F", "женский": "F", "женщина": "F", "w": "F",
}
_NOT_ALNUM = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_DAY_PRECISIONS = frozenset({"day", "full", "date"})
_MONTH_PRECISIONS = frozenset({"month", "year_month", "month_year"})


def features(record: LinkRecord) -> Features:
    """The features of one record (pure: the same record always gives the same row)."""
    f = record.fields
    surname_text = _clean(f.get("surname"))
    given_text = _clean(f.get("given_name"))
    patronymic_text = _clean(f.get("patronymic"))
    full = _clean(f.get("full_name"))
    if full and not (surname_text and given_text):
        split_surname, split_given, split_patronymic = _split(full)
        surname_text = surname_text or split_surname
        given_text = given_text or split_given
        patronymic_text = patronymic_text or split_patronymic
    birth, year, month, day, ambiguous = _birth(_clean(f.get("birth_date")))
    service = _service(_clean(f.get("service_number")))
    given_initial = _initial(given_text)
    if given_initial:
        given, given_str = None, None
        given_set: tuple[str, ...] = ()
        given_init: tuple[str, ...] = (given_initial,)
    else:
        given = _given_name_key(given_text) if given_text else None
        given_set = _given_set(given_text) if given_text else ()
        given_str = _word_key(given_text) if given_text else None
        given_init = _initials(given_str, given_set)
    patronymic_initial = _initial(patronymic_text)
    if patronymic_initial:
        patronymic, patronymic_str = None, None
        patronymic_init: tuple[str, ...] = (patronymic_initial,)
    else:
        patronymic = _patronymic_key(patronymic_text) if patronymic_text else None
        patronymic_str = _word_key(patronymic_text) if patronymic_text else None
        patronymic_init = _initials(patronymic_str, (patronymic,) if patronymic else ())
    return Features(
        unique_id=record.uid,
        source=record.source,
        sex=_sex(_clean(f.get("sex"))),
        surname=_word_key(surname_text) if surname_text else None,
        surname_ph=_phonetic(surname_text) if surname_text else None,
        surname_pre=_prefix(surname_text),
        surname_gkey=_known_given_key(surname_text),
        given=given,
        given_set=given_set,
        given_str=given_str,
        given_any=given_str or given_initial,
        given_is_init=bool(given_initial),
        given_init=given_init,
        initial=given_initial or (given_str[0] if given_str else None),
        patronymic=patronymic,
        patronymic_str=patronymic_str,
        patronymic_any=patronymic_str or patronymic_initial,
        patronymic_is_init=bool(patronymic_initial),
        patronymic_init=patronymic_init,
        birth=birth,
        birth_y=year,
        birth_m=month,
        birth_d=day,
        birth_amb=ambiguous,
        birth_days=date.fromisoformat(birth).toordinal() if birth else None,
        place=_place(_clean(f.get("birth_place"))),
        service=service,
        service_digits=_digits_of(service),
        unit=_unit(_clean(f.get("unit"))),
        rank=_rank(_clean(f.get("rank"))),
    )


def feature_rows(records: Iterable[LinkRecord]) -> list[Features]:
    return [features(r) for r in records]


_INTS = frozenset({"birth_y", "birth_m", "birth_d", "birth_days"})
_BOOLS = frozenset({"birth_amb", "given_is_init", "patronymic_is_init"})
_LISTS = frozenset({"given_set", "given_init", "patronymic_init"})


def feature_frame(rows: list[Features]) -> Any:
    """The rows as an Arrow table for Splink (typed columns; blocking columns added).

    Arrow keeps a million rows compact and DuckDB scans it without conversion.
    ``unique_id`` is the row's position, not its uid: a million candidate pairs of
    integers take a fraction of the memory of pairs of strings. Callers map back with
    ``rows[i].unique_id``.
    """
    import pyarrow as pa

    from parley.linkage.blocking import block_columns

    arrays: dict[str, Any] = {"unique_id": pa.array(range(len(rows)), type=pa.int64())}
    for column in COLUMNS:
        if column in ("unique_id", "source"):
            continue
        values = [getattr(r, column) for r in rows]
        if column in _INTS:
            arrays[column] = pa.array(values, type=pa.int64())
        elif column in _BOOLS:
            arrays[column] = pa.array(values, type=pa.bool_())
        elif column in _LISTS:
            arrays[column] = pa.array(values, type=pa.list_(pa.string()))
        else:
            arrays[column] = pa.array(values, type=pa.string())
    for column, keys in block_columns(rows).items():
        arrays[column] = pa.array(keys, type=pa.string())
    return pa.table(arrays)


# --- parts ----------------------------------------------------------------------------


def _clean(value: str | None) -> str:
    if not value:
        return ""
    return " ".join(str(value).split())


@lru_cache(maxsize=1 << 16)
def _split(full: str) -> tuple[str, str, str]:
    surname, given, patronymic = split_full_name(full)
    return surname or "", given or "", patronymic or ""


@lru_cache(maxsize=1 << 12)
def _initial(text: str) -> str | None:
    """The Latin letter of a name written as an initial ("І.", "O"), else None."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) != 1:
        return None
    key = surname_key(letters[0])
    return key[:1] or None


def name_initials(skeleton: str | None, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Letters a full name (its spelling skeleton, its given-name keys) may be abbreviated to."""
    return _initials(skeleton, keys)


def initials_meet(left: Features, right: Features) -> bool:
    """Could the given names be one name, one side written as an initial?

    A full name's ``given_init`` already holds its Ukrainian and Russian initials; two
    initials meet when one is the other's kin (О. and А. may both be Олександр).
    """
    if left.given_is_init and right.given_is_init:
        return bool(set(_INITIAL_KIN.get(left.given_init[0], left.given_init[0]))
                    & set(right.given_init))
    return not set(left.given_init).isdisjoint(right.given_init)


# Initials that one name takes in Ukrainian and Russian (О./А. for Олександр/Александр,
# О./Е. for Олена/Елена, Є./Е./І. for Євген/Евгений/Ievgen, М./Н. for Микола/Николай,
# Г./А. for Ганна/Анна): an initial meets either.
_INITIAL_KIN = {"a": "aoh", "o": "oae", "e": "eoi", "i": "ie", "h": "ha", "m": "mn",
                "n": "nm"}


@lru_cache(maxsize=1 << 14)
def _initials(skeleton: str | None, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Letters a full name may be abbreviated to: of its spelling and of its keys."""
    letters = {skeleton[0]} if skeleton else set()
    letters.update(k[0] for k in keys if k and k[0].isalpha())
    for k in keys:
        letters.update(_form_initials().get(k, ()))
    return tuple(sorted({kin for letter in letters for kin in _INITIAL_KIN.get(letter, letter)}))


@lru_cache(maxsize=1)
def _form_initials() -> dict[str, frozenset[str]]:
    """Per given-name key, the initials of its Ukrainian, Russian and Belarusian forms.

    Катерина is written К. in one list and Е. (Екатерина) in another; Юрій Ю. and Y.
    """
    from parley.names.given_table import given_names_table

    out: dict[str, set[str]] = {}
    for row in given_names_table():
        for form in (*row.uk, *row.ru, *row.be):
            letter = surname_key(form[:1])[:1]
            if letter:
                out.setdefault(row.key, set()).add(letter)
    return {key: frozenset(letters) for key, letters in out.items()}


@lru_cache(maxsize=1 << 18)
def _word_key(text: str) -> str | None:
    return surname_key(text) or None


def _prefix(text: str) -> str | None:
    key = _word_key(text) if text else None
    return key[:4] if key and len(key) >= 4 else None


@lru_cache(maxsize=1 << 16)
def _known_given_key(text: str) -> str | None:
    """The given-name key of a surname column's text, when it is a recognised given name.

    "Андрій Вовк" written surname first in the wrong columns (surname Андрій, given name
    Вовк) meets "Вовк Андрей" only through this key: the spellings of Андрій and Андрей
    differ, their keys do not.
    """
    if not text:
        return None
    key = _given_name_key(text)
    return key if key and not key.startswith("~") else None


@lru_cache(maxsize=1 << 18)
def _phonetic(text: str) -> str | None:
    return surname_phonetic_key(text) or None


@lru_cache(maxsize=1 << 16)
def _given_name_key(text: str) -> str | None:
    return given_name_key(text)


@lru_cache(maxsize=1 << 16)
def _given_set(text: str) -> tuple[str, ...]:
    return tuple(sorted(given_name_keys(text)))


@lru_cache(maxsize=1 << 16)
def _patronymic_key(text: str) -> str | None:
    return patronymic_key(text)


@lru_cache(maxsize=1 << 16)
def _birth(text: str) -> tuple[str | None, int | None, int | None, int | None, bool]:
    """ISO date (day precision only), year, month, day, day/month ambiguity."""
    if not text:
        return None, None, None, None, False
    try:
        parsed = parse_date(text)
    except ValueError:
        return None, None, None, None, False
    if parsed is None or parsed.value is None:
        return None, None, None, None, False
    value: date = parsed.value
    precision = str(parsed.precision).lower().rsplit(".", 1)[-1]
    ambiguous = bool(getattr(parsed, "ambiguous_day_month", False))
    if precision in _DAY_PRECISIONS:
        return value.isoformat(), value.year, value.month, value.day, ambiguous
    if precision in _MONTH_PRECISIONS:
        return None, value.year, value.month, None, False
    return None, value.year, None, None, False


@lru_cache(maxsize=1 << 12)
def _sex(text: str) -> str | None:
    if not text:
        return None
    return _SEX.get(text.lower().rstrip(".").strip())


@lru_cache(maxsize=1 << 12)
def _place(text: str) -> str | None:
    return place_key(text) if text else None


def _service(text: str) -> str | None:
    if not text:
        return None
    folded = _NOT_ALNUM.sub("", fold_homoglyphs(text).upper())
    return folded or None


def _digits_of(service: str | None) -> str | None:
    if not service:
        return None
    digits = "".join(_DIGITS.findall(service))
    return digits if len(digits) >= 4 else None


@lru_cache(maxsize=1 << 14)
def _unit(text: str) -> str | None:
    if not text:
        return None
    digits = "".join(_DIGITS.findall(text))
    return digits or None


@lru_cache(maxsize=1 << 10)
def _rank(text: str) -> str | None:
    if not text:
        return None
    return _RANKS.get("-".join(text.lower().replace("-", " ").split()))
