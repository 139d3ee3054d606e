"""Splitting a full name written in one column into surname, given name and patronymic.

Lists write names in several orders: "МЕЛЬНИК Олександр Миколайович" and "Мельник
Олександр Миколайович" (surname first, the form of Ukrainian and Russian documents),
"Олександр Миколайович Мельник", "Oleksandr Melnyk" (given name first), "Melnyk,
Oleksandr" (a comma after the surname), "Мельник О. М." and "О.М. Мельник" (initials).
The signs used, strongest first: a comma; a word in capitals among words that are not;
a patronymic (by its suffix, or a Turkic "оглы"/"кызы" after the father's name), with
the given name just before it; initials; which words are given names the table knows
and which end like surnames (-енко, -ук, -ський, -ов...); and, when nothing decides,
surname first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from parley.names.given_index import exact_keys
from parley.names.skeleton import skeleton

__all__ = ["split_full_name"]

NameParts = tuple[str | None, str | None, str | None]

_PATRONYMIC: Final = re.compile(
    r"(ович|евич|євич|йович|ьович|ич|івна|ївна|овна|евна|ична|инична"
    r"|ovych|ovich|evich|ievich|yevich|ovitch|evitch|owitsch|ewitsch|owicz|ewicz|ich|ych"
    r"|ivna|yivna|ovna|evna|yevna|ichna|ична)$",
    re.IGNORECASE,
)
_PARTICLES: Final = frozenset(
    {"оглы", "огли", "оглу", "кызы", "кизи", "ogly", "ogli", "oglu", "ohly", "kyzy", "kizi",
     "улы", "uly", "qizi", "oğlu"}
)
_SURNAME_ENDINGS: Final = (
    "enko", "uk", "chuk", "ski", "cki", "ska", "cka", "ov", "ev", "ova", "eva", "in",
    "ina", "iak", "ets", "ec", "ych", "ko",
)
_INITIAL: Final = re.compile(r"^[^\W\d_]\.?$")
_SPACES: Final = re.compile(r"\s+")


def _is_initial(token: str) -> bool:
    return bool(_INITIAL.match(token))


def _is_caps(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_patronymic(token: str) -> bool:
    letters = "".join(c for c in token if c.isalpha())
    return len(letters) >= 6 and bool(_PATRONYMIC.search(letters)) and not _is_given(token)


def _is_given(token: str) -> bool:
    skel = skeleton(token)
    return len(skel) >= 2 and bool(exact_keys(skel))


def _looks_like_surname(token: str) -> bool:
    return skeleton(token).endswith(_SURNAME_ENDINGS) and not _is_given(token)


def _tokens(text: str) -> list[str]:
    # "О.М." -> "О.", "М."; a patronymic particle joins the word before it.
    text = re.sub(r"(?<=\w)\.(?=\w)", ". ", text)
    raw = [t.strip(",;") for t in _SPACES.split(text.strip())]
    out: list[str] = []
    for token in raw:
        if not any(c.isalpha() for c in token):
            continue  # dates, numbers and dashes written beside the name
        if token.lower() in _PARTICLES and out:
            out[-1] = f"{out[-1]} {token}"
        else:
            out.append(token)
    return out


def _join(tokens: list[str]) -> str | None:
    return " ".join(tokens) if tokens else None


def _given_and_patronymic(tokens: list[str]) -> tuple[str | None, str | None]:
    if not tokens:
        return None, None
    if len(tokens) == 1:
        return tokens[0], None
    return " ".join(tokens[:-1]), tokens[-1]


def _split_words(tokens: list[str]) -> NameParts:
    n = len(tokens)
    if n == 1:
        return tokens[0], None, None
    initials = [i for i, t in enumerate(tokens) if _is_initial(t)]
    if initials and len(initials) < n:
        rest = [t for i, t in enumerate(tokens) if i not in initials]
        given, patronymic = _given_and_patronymic([tokens[i] for i in initials])
        return _join(rest), given, patronymic
    caps = [i for i, t in enumerate(tokens) if _is_caps(t)]
    if caps and len(caps) < n:
        rest = [t for i, t in enumerate(tokens) if i not in caps]
        given, patronymic = _given_and_patronymic(rest)
        return _join([tokens[i] for i in caps]), given, patronymic
    patronymics = [
        i for i, t in enumerate(tokens) if i > 0 and (_is_patronymic(t) or " " in t)
    ]
    if patronymics:
        p = patronymics[-1]
        surname = tokens[: p - 1] + tokens[p + 1 :]
        return _join(surname), tokens[p - 1], tokens[p]
    first, last = tokens[0], tokens[-1]
    given_first = (_is_given(first) and not _is_given(last)) or (
        _looks_like_surname(last) and not _looks_like_surname(first)
    )
    if given_first:
        return last, _join(tokens[:-1]), None
    if n == 2:
        return first, last, None
    return first, tokens[1], _join(tokens[2:])


@lru_cache(maxsize=1 << 16)
def split_full_name(text: str) -> NameParts:
    """(surname, given name, patronymic) of a full name; None for each part not there.

    The parts are returned as written (case and script kept, commas removed); pass them
    to the key functions. "МЕЛЬНИК Олександр Миколайович", "Oleksandr Mykolaiovych
    MELNYK", "Melnyk, Oleksandr" and "Мельник О. М." all come apart correctly.
    """
    if not text or not text.strip():
        return None, None, None
    head, comma, tail = text.partition(",")
    if comma and len(_tokens(head)) > 1:
        text = head  # "Мельник Олександр Миколайович, 1985 р.н.": a note after the name
    elif comma:
        surname = _join(_tokens(head))
        rest = _tokens(tail)
        if not rest:
            return surname, None, None
        last_is_patronymic = _is_patronymic(rest[-1]) or " " in rest[-1]
        if len(rest) >= 2 and not last_is_patronymic and (_is_given(rest[-1]) or len(rest) > 2):
            return surname, _join(rest), None
        given, patronymic = _given_and_patronymic(rest)
        return surname, given, patronymic
    tokens = _tokens(text)
    if not tokens:
        return None, None, None
    return _split_words(tokens)
