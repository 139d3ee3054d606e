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
    # Ukrainian, Russian and Belarusian men's and women's patronymics, and their Latin
    # spellings (national systems, ICAO, older English, German, Polish, French).
    r"(ович|евич|євич|йович|ьович|ич|іч|івна|ївна|овна|евна|ична|инична|інічна|іївна"
    r"|авіч|евіч|эвіч|аўна|еўна|ічна"
    r"|ovych|evych|ovich|evich|ievich|yevich|ovitch|evitch|owitsch|ewitsch|owicz|ewicz"
    r"|ich|ych|avich|ivna|yivna|ovna|evna|yevna|ichna|ichnaya|auna|euna|aŭna|eŭna)$",
    re.IGNORECASE,
)
# Turkic patronymic particles, written after the father's name.
_PARTICLES: Final = frozenset(
    {"оглы", "огли", "оглу", "кызы", "кизи", "ogly", "ogli", "oglu", "ohly", "kyzy", "kizi",
     "улы", "uly", "qizi", "oğlu"}
)
# Surname particles, written before the rest of the surname (van der Berg, де Голль).
_SURNAME_PARTICLES: Final = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ten",
     "ter", "zu", "dos", "das", "al", "el", "ван", "фон", "де", "дер", "ді", "ди", "да",
     "дю", "ла", "ле", "аль", "эль", "ель"}
)
_SURNAME_ENDINGS: Final = (
    "enko", "uk", "chuk", "ski", "cki", "ska", "cka", "ov", "ev", "ova", "eva", "in",
    "ina", "iak", "ets", "ec", "ych", "ko", "nik", "iuk", "ak",
)
# The short ending that surnames share with irregular patronymics (Бабич; Ілліч).
_BARE_ICH: Final = re.compile(r"(?<![оеєьйo])(?<!ov|ev)(ич|іч|ich|ych)$", re.IGNORECASE)
_INITIAL: Final = re.compile(r"^[^\W\d_]\.?$")
_SPACES: Final = re.compile(r"\s+")
_BRACKETS: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# A hyphen written with spaces around it inside a double-barrelled surname.
_SPACED_HYPHEN: Final = re.compile(r"(?<=[^\W\d_])\s*[-‐‑]\s*(?=[^\W\d_])")


def _is_initial(token: str) -> bool:
    return bool(_INITIAL.match(token))


def _is_caps(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_patronymic(token: str) -> bool:
    if _has_particle(token):
        return True
    letters = "".join(c for c in token if c.isalpha())
    return len(letters) >= 5 and bool(_PATRONYMIC.search(letters)) and not _is_given(token)


def _has_particle(token: str) -> bool:
    """"Али оглы": a father's name with a Turkic particle (joined by ``_tokens``)."""
    head, _, last = token.rpartition(" ")
    return bool(head) and last.lower() in _PARTICLES


def _is_given(token: str) -> bool:
    skel = skeleton(token)
    return len(skel) >= 2 and bool(exact_keys(skel))


def _looks_like_surname(token: str) -> bool:
    return skeleton(token).endswith(_SURNAME_ENDINGS) and not _is_given(token)


def _tokens(text: str) -> list[str]:
    # "О.М." -> "О.", "М."; a patronymic particle joins the word before it; a surname
    # particle joins the words after it ("van der Berg"); "Петренко - Іваненко" is one.
    text = _BRACKETS.sub(" ", text)  # "(Сашко)", "[дівоче Петренко]": notes, not parts
    text = re.sub(r"(?<=\w)\.(?=\w)", ". ", text)
    text = _SPACED_HYPHEN.sub("-", text)
    raw = [t.strip(",;") for t in _SPACES.split(text.strip())]
    out: list[str] = []
    pending: list[str] = []
    for token in raw:
        if not any(c.isalpha() for c in token):
            continue  # dates, numbers and dashes written beside the name
        if token.lower() in _PARTICLES and out and not pending:
            out[-1] = f"{out[-1]} {token}"
        elif token.lower() in _SURNAME_PARTICLES:
            pending.append(token)
        else:
            out.append(" ".join([*pending, token]))
            pending = []
    if pending:  # a particle at the end is a word of its own (the surname De)
        out.extend(pending)
    return out


def _join(tokens: list[str]) -> str | None:
    return " ".join(tokens) if tokens else None


def _given_and_patronymic(tokens: list[str]) -> tuple[str | None, str | None]:
    if not tokens:
        return None, None
    if len(tokens) == 1:
        return tokens[0], None
    return " ".join(tokens[:-1]), tokens[-1]


def _with_initials(tokens: list[str], initials: list[int]) -> NameParts:
    """Names with initials: "Мельник О. М.", "О.М. Мельник", "Мельник Олександр М.",
    "Oleksandr M. Melnyk", "MELNYK Oleksandr M."."""
    words = [t for i, t in enumerate(tokens) if i not in initials]
    letters = [tokens[i] for i in initials]
    patronymics = [w for w in words if _is_patronymic(w)]
    if len(letters) >= 2 or not words:
        given, patronymic = _given_and_patronymic(letters)
        return _join(words), given, patronymic
    if len(words) == 1:
        return words[0], letters[0], None
    if patronymics and not any(_is_given(w) for w in words):
        # "Мельник О. Миколайович": the initial is the given name. (With a given name
        # written out, "Котилевич Нінель С.", the -ович word is the surname.)
        rest = [w for w in words if w is not patronymics[-1]]
        return _join(rest), letters[0], patronymics[-1]
    # Words and one initial: the words are a surname and a given name, the initial is
    # the patronymic (in the order of the documents: given name, then patronymic).
    if len(words) == 2 and initials == [1]:  # "Oleksandr M. Melnyk"
        return words[1], words[0], letters[0]
    surname, given, extra = _split_words(words)
    if extra is not None:
        given = _join([g for g in (given, extra) if g])
    return surname, given, letters[0]


def _split_words(tokens: list[str]) -> NameParts:
    n = len(tokens)
    if n == 1:
        return tokens[0], None, None
    initials = [i for i, t in enumerate(tokens) if _is_initial(t)]
    if initials and len(initials) < n:
        return _with_initials(tokens, initials)
    caps = [i for i, t in enumerate(tokens) if _is_caps(t)]
    if caps and len(caps) < n:
        if len(caps) > 1:
            # "МЕЛЬНИК ОЛЕКСАНДР Миколайович": capitals for more than the surname;
            # a known given name or a patronymic among them is not the surname.
            caps = [i for i in caps if not (_is_given(tokens[i]) or _is_patronymic(
                tokens[i]))] or caps
        rest = [t for i, t in enumerate(tokens) if i not in caps]
        given, patronymic = _given_and_patronymic(rest)
        return _join([tokens[i] for i in caps]), given, patronymic
    # Two words are a surname and a given name ("Іван Бабич", "Бабич Іван"), never a
    # given name and a patronymic without a surname: lists always carry the surname.
    patronymics = [i for i, t in enumerate(tokens) if i > 0 and _is_patronymic(t)]
    if patronymics and (n > 2 or _has_particle(tokens[-1])):
        # Surnames end in -ич too (Бабич, Петрович): the patronymic is the one after a
        # known given name, then one with a full suffix (-ович, -івна), then the last.
        p = max(patronymics, key=lambda i: (_is_given(tokens[i - 1]),
                                            not _BARE_ICH.search(tokens[i]), i))
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
    MELNYK", "Melnyk, Oleksandr", "Мельник О. М." and "Мельник Олександр М." all come
    apart correctly; an initial is a part of its own ("О.", "М.").
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
        last_is_patronymic = _is_patronymic(rest[-1]) or _is_initial(rest[-1])
        if len(rest) >= 2 and not last_is_patronymic and (_is_given(rest[-1]) or len(rest) > 2):
            return surname, _join(rest), None
        given, patronymic = _given_and_patronymic(rest)
        return surname, given, patronymic
    tokens = _tokens(text)
    if not tokens:
        return None, None, None
    return _split_words(tokens)
