"""Header rows: finding them below titles, and mapping their columns onto canonical fields.

Lists name their columns in English, Ukrainian and Russian, in capitals or not, with
dots (``П.І.Б.``), hints in brackets (``Дата рождения (дд.мм.гггг)``), qualifiers
(``ФИО военнослужащего``), Latin letters typed for Cyrillic ones (``Прiзвище``) and
typos. :func:`field_for_header` maps one header; :func:`locate_header` finds the header
row among the first rows of a sheet (possibly two rows: a group heading above its
sub-columns) and builds the :class:`Column` list.

Besides the canonical fields two special targets are kept in ``extra``:
``case_number`` (a remains case, also the record id of a remains list without one) and
``list_number`` (the ``№ з/п`` running number of a printed list).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from parley.domain.records import CANONICAL_FIELDS
from parley.domain.vocabulary import ListKind
from parley.errors import InputError

CASE_NUMBER = "case_number"
LIST_NUMBER = "list_number"
#: One column holding both the birth date and the birth place ("Дата і місце народження").
BIRTH_DATE_PLACE = "birth_date_place"
#: One column holding given name and patronymic ("Ім'я, по батькові": Іван Іванович).
GIVEN_PATRONYMIC = "given_patronymic"
SPECIAL_FIELDS = (CASE_NUMBER, LIST_NUMBER, BIRTH_DATE_PLACE, GIVEN_PATRONYMIC)
NAME_FIELDS = ("surname", "given_name", "full_name")
#: ``--map COLUMN=ignore`` drops a column (the only way to lose one, and said out loud).
IGNORE = "ignore"
#: ``--map COLUMN=extra`` keeps a column as an extra attribute even if it looks known.
EXTRA = "extra"
HEADER_SEARCH_ROWS = 40

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": (
        "record id", "recordid", "id", "ід", "ид", "ідентифікатор", "идентификатор",
        "ідентифікатор запису", "идентификатор записи", "номер запису", "номер записи",
        "код запису", "код записи", "uid", "reference", "ref", "ref no", "reference number",
        "номер картки", "номер карточки", "card number", "card no", "card id",
        "номер повідомлення", "номер уведомления", "notification number",
        "номер запиту", "номер запроса", "номер звернення", "номер обращения",
        "inquiry number", "request id", "inquiry id",
    ),
    "surname": (
        "прізвище", "фамилия", "фамілія", "surname", "last name", "lastname", "family name",
        "surname last name",
    ),
    "given_name": (
        "імя", "имя", "first name", "firstname", "given name", "given names", "forename",
        "forenames", "name first",
    ),
    "patronymic": (
        "по батькові", "по батькови", "побатькові", "отчество", "patronymic",
        "middle name", "middlename", "fathers name", "father name", "по отцу",
    ),
    "full_name": (
        "піб", "пиб", "фио", "фіо", "п і б", "ф и о", "full name", "fullname", "name",
        "names", "name surname", "surname name", "surname and name", "name and surname",
        "surname first name", "surname first name patronymic", "full name of the person",
        "прізвище імя по батькові", "прізвище імя та по батькові", "прізвище імя",
        "прізвище та імя", "прізвище ініціали", "прізвище та ініціали",
        "фамилия имя отчество", "фамилия имя и отчество", "фамилия имя", "фамилия и имя",
        "фамилия инициалы", "фамилия и инициалы", "person", "особа", "лицо",
        "військовослужбовець", "военнослужащий", "військовополонений", "военнопленный",
        "полонений", "пленный", "загиблий", "погибший", "name of the person",
        "фамилия и о", "прізвище і б", "прізвище і п б", "surname initials",
        "фамилия имя отчество полностью", "прізвище імя по батькові повністю",
        "піп", "пип", "п і п", "last name first name", "last name first name middle name",
        "surname first name middle name", "first name last name", "name and surname of the person",
    ),
    "birth_date": (
        "дата народження", "дата рождения", "date of birth", "birth date", "birthdate",
        "dob", "д н", "дн", "дата нар", "дата рожд", "рік народження", "год рождения",
        "year of birth", "birth year", "рік нар", "г р", "р н", "народився", "родился",
        "born", "дата і рік народження", "число місяць рік народження", "год рожд", "yob",
    ),
    "birth_place": (
        "місце народження", "место рождения", "place of birth", "birth place", "birthplace",
        "pob", "місце нар", "место рожд", "уродженець", "уроженец",
    ),
    "sex": ("стать", "пол", "sex", "gender"),
    "service_number": (
        "tag no", "id tag", "army no", "military id number", "номер жетону військовослужбовця",
        "особистий номер", "личный номер", "жетон", "номер жетона", "номер жетону",
        "жетон номер", "service number", "service no", "service id", "military id",
        "personal number", "personal no", "army number", "номер військового квитка",
        "номер военного билета", "військовий квиток", "военный билет", "вк", "ос номер",
        "особ номер", "особовий номер", "dog tag", "tag number", "tag", "номер вк",
        "серія та номер військового квитка", "серия и номер военного билета",
        "особистий номер жетон", "личный номер жетон",
    ),
    "rank": (
        "звання", "звание", "військове звання", "воинское звание", "rank", "military rank",
        "в зв", "зв", "в звання", "в звание",
    ),
    "unit": (
        "військова частина", "воинская часть", "в ч", "вч", "unit", "military unit",
        "підрозділ", "подразделение", "частина", "часть", "номер військової частини",
        "номер воинской части", "формування", "формирование", "військова частина підрозділ",
    ),
    "citizenship": ("громадянство", "гражданство", "citizenship", "nationality"),
    "status": ("статус", "status", "стан", "состояние", "current status"),
    "status_date": (
        "дата статусу", "дата статуса", "status date", "дата полону", "дата пленения",
        "дата захоплення", "дата захоплення в полон", "date of capture", "capture date",
        "дата зникнення", "дата исчезновения", "date missing", "date of disappearance",
        "дата смерті", "дата смерти", "date of death", "дата загибелі", "дата гибели",
    ),
    "notes": (
        "примітка", "примітки", "примечание", "примечания", "notes", "note", "comment",
        "comments", "коментар", "коментарі", "комментарий", "комментарии", "remarks",
        "remark", "додаткова інформація", "дополнительная информация",
        "additional information", "інше", "другое",
    ),
    GIVEN_PATRONYMIC: (
        "імя по батькові", "імя та по батькові", "імя і по батькові", "имя отчество",
        "имя и отчество", "first and middle name", "given name and patronymic",
        "first name and patronymic", "name and patronymic",
    ),
    BIRTH_DATE_PLACE: (
        "дата і місце народження", "дата та місце народження", "дата місце народження",
        "дата и место рождения", "дата место рождения", "date and place of birth",
        "date place of birth", "дата народження місце народження",
        "дата рождения место рождения", "рік і місце народження", "год и место рождения",
    ),
    CASE_NUMBER: (
        "номер справи", "номер дела", "case number", "case no", "case", "case id",
        "справа", "дело", "номер тіла", "номер тела", "body number", "body no",
        "номер останків", "номер останков",
    ),
    LIST_NUMBER: (
        "номер", "номер з п", "номер п п", "з п", "п п", "no", "nr", "n", "s n", "sn",
        "номер по порядку", "порядковий номер", "порядковый номер", "по порядку",
        "row", "line", "number",
    ),
}

_LOOKUP: dict[str, str] = {}
for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _LOOKUP.setdefault(_word, _field)
# Short or generic words that must match a header exactly, never as its first word
# ("Номер телефону" is not a list number, "Name of unit" not a name).
_NO_PREFIX = {w for w in _LOOKUP if len(w) < 4} - {
    "піб", "пиб", "піп", "пип", "фио", "фіо", "dob", "yob"} | {
    "номер", "name", "names", "number", "case", "справа", "дело", "person", "особа",
    "лицо", "tag", "unit", "частина", "часть", "стан", "status", "row", "line", "інше",
    "другое", "note",
}
_PREFIXES = sorted((w for w in _LOOKUP if w not in _NO_PREFIX), key=len, reverse=True)
_VOCABULARY = sorted({word for phrase in _LOOKUP for word in phrase.split() if len(word) >= 5})

_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´‘ʹ"), None)
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LATIN_LOOKALIKES = str.maketrans("aceiopxyktmhbї", "асеіорхуктмнвї")


def normalise_header(text: str) -> str:
    """Lower-case words without punctuation: ``П.І.Б.`` → ``піб``, ``№ з/п`` → ``номер з п``."""
    text = text.replace("№", " номер ").replace("#", " номер ")
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    text = text.translate(_APOSTROPHES)
    words = _PUNCT.sub(" ", text).split()
    # A dotted abbreviation ("п.і.б", "ф.и.о", "д.н.") reads as one word.
    if words and all(len(w) == 1 for w in words) and len(words) in (2, 3):
        joined = "".join(words)
        if joined in _LOOKUP:
            return joined
    return " ".join(_fold_lookalikes(w) for w in words)


def _correct_typos(phrase: str) -> str:
    """Replace words one or two letters away from a header word (``нараждення``)."""
    words = phrase.split()
    for i, word in enumerate(words):
        if len(word) < 5 or word in _VOCABULARY:
            continue
        match = process.extractOne(word, _VOCABULARY, scorer=Levenshtein.distance,
                                   score_cutoff=2)
        if match is None:
            continue
        # Two edits only as two substituted letters of a long word, otherwise one.
        if match[1] <= 1 or (len(word) >= 9 and len(match[0]) == len(word)):
            words[i] = match[0]
    return " ".join(words)


def _fold_lookalikes(word: str) -> str:
    if any("\u0400" <= c <= "\u04ff" for c in word) and not word.isascii():
        return word.translate(_LATIN_LOOKALIKES)
    return word


@lru_cache(maxsize=4096)
def field_for_header(header: str) -> str | None:
    """The canonical (or special) field a header names, or ``None`` for an unknown one."""
    if not header or not header.strip():
        return None
    candidates = [normalise_header(header)]
    without = normalise_header(_PARENS.sub(" ", header))
    if without and without != candidates[0]:
        candidates.insert(0, without)
    inside = " ".join(m.group(0)[1:-1] for m in _PARENS.finditer(header))
    for candidate in candidates:
        if not candidate:
            continue
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
        for word in _PREFIXES:
            if candidate.startswith(word + " "):
                return _LOOKUP[word]
    for candidate in candidates:
        corrected = _correct_typos(candidate)
        if corrected != candidate:
            if corrected in _LOOKUP:
                return _LOOKUP[corrected]
            for word in _PREFIXES:
                if corrected.startswith(word + " "):
                    return _LOOKUP[word]
    if inside:
        inner = normalise_header(inside)
        if inner in _LOOKUP and _LOOKUP[inner] in NAME_FIELDS:
            return _LOOKUP[inner]
    return None


@dataclass(frozen=True)
class Column:
    """One column of a list: where it is, what its header says, where its value goes.

    ``field`` is a canonical field, ``case_number``/``list_number``, or ``None``. ``key``
    is unique within the list (the header, or ``column F`` for a column without one);
    values of columns without a canonical field are kept in ``extra`` under
    :attr:`extra_key`.
    """

    index: int
    header: str
    field: str | None
    key: str

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def extra_key(self) -> str:
        return self.field if self.field in SPECIAL_FIELDS else self.key

    @property
    def label(self) -> str:
        """How messages name the column: its header, or its letter when it has none."""
        return self.header or f"column {self.letter}"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header is (1-based rows, as numbered in the sheet) and the columns."""

    first_row: int
    last_row: int
    columns: tuple[Column, ...]

    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``["Прізвище=surname", "F=ignore"]`` → ``{"Прізвище": "surname", "F": "ignore"}``."""
    mapping: dict[str, str] = {}
    allowed = (*CANONICAL_FIELDS, *SPECIAL_FIELDS, EXTRA, IGNORE)
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise InputError(f"--map {pair!r}: write COLUMN=field, e.g. 'ПІБ=full_name'")
        if target not in allowed:
            raise InputError(f"--map {pair!r}: {target!r} is not a field; use one of "
                             f"{', '.join(allowed)}")
        mapping[column] = target
    return mapping


def _row_fields(cells: Sequence[str], mapping: Mapping[str, str]) -> list[str | None]:
    """The field each cell of a candidate header row names (``ignore`` for dropped ones)."""
    fields: list[str | None] = []
    for index, cell in enumerate(cells):
        text = cell.strip()
        target = (_mapped(text, mapping) or mapping.get(column_letter(index))) if mapping \
            else None
        if target is not None:
            fields.append(None if target == EXTRA else target)
        else:
            fields.append(field_for_header(text) if text else None)
    return fields


def _mapped(header: str, mapping: Mapping[str, str]) -> str | None:
    if header in mapping:
        return mapping[header]
    norm = normalise_header(header)
    for column, target in mapping.items():
        if normalise_header(column) == norm and norm:
            return target
    return None


def _score(fields: Sequence[str | None]) -> float:
    known = [f for f in fields if f and f != IGNORE]
    distinct = set(known)
    score = float(len(distinct))
    if LIST_NUMBER in distinct:
        score -= 0.5
    if distinct & set(NAME_FIELDS):
        score += 1.0
    return score


def _is_header_like(fields: Sequence[str | None], kind: str | None) -> bool:
    distinct = {f for f in fields if f and f != IGNORE}
    has_name = bool(distinct & {*NAME_FIELDS, GIVEN_PATRONYMIC}) or (
        kind == ListKind.REMAINS and CASE_NUMBER in distinct)
    return has_name or len(distinct - {LIST_NUMBER}) >= 2


def locate_header(rows: Sequence[tuple[int, list[str]]], *, mapping: Mapping[str, str],
                  kind: str | None, file_name: str) -> HeaderLayout:
    """Find the header among ``rows`` (row number, cell texts) and map its columns.

    The header is the row naming the most known fields (a name column counts double),
    searched among the first rows; if the row below it names fields in the columns where
    it has only group headings (``ПІБ`` spanning ``Прізвище | Ім'я | По батькові``), the
    two rows together are the header.
    """
    scored: list[tuple[int, list[str], list[str | None]]] = [
        (number, cells, _row_fields(cells, mapping))
        for number, cells in rows[:HEADER_SEARCH_ROWS]]
    # Each candidate is one row, or a row and the one below it read together.
    best: tuple[float, int, int, list[str], list[str | None]] | None = None
    for position, (number, cells, fields) in enumerate(scored):
        options = [(cells, fields, number)]
        if position + 1 < len(scored) and scored[position + 1][0] == number + 1:
            _, below_cells, below_fields = scored[position + 1]
            merged = _merge_two(cells, fields, below_cells, below_fields)
            # Read together only when both rows add something the other lacks.
            if _score(merged[1]) > max(_score(fields), _score(below_fields)):
                options.append((merged[0], merged[1], number + 1))
        for option_cells, option_fields, last in options:
            if not _is_header_like(option_fields, kind):
                continue
            score = _score(option_fields)
            if best is None or score > best[0]:
                best = (score, number, last, option_cells, option_fields)
    headerless = _headerless(rows, mapping=mapping, kind=kind, file_name=file_name)
    if headerless is not None:
        return headerless
    if best is None:
        _refuse_headerless(rows, file_name)
        found = _first_texts(rows)
        raise InputError(
            f"{file_name}: no column for names found (no header names a surname, given name "
            f"or full name{', or case number' if kind == 'remains' else ''}); "
            f"{found}name one with --map COLUMN=full_name"
        )
    _, number, last_row, cells, fields = best
    columns = _columns(cells, fields)
    if not ({c.field for c in columns} & {*NAME_FIELDS, GIVEN_PATRONYMIC}) and not (
            kind == ListKind.REMAINS
            and any(c.field in (CASE_NUMBER, "record_id") for c in columns)):
        raise InputError(
            f"{file_name}: no column for names found in the header on row {number} "
            f"(columns: {', '.join(repr(c.label) for c in columns[:12])}); "
            "name one with --map COLUMN=full_name"
        )
    return HeaderLayout(first_row=number, last_row=last_row, columns=tuple(columns))


def _is_letter(column: str) -> bool:
    return bool(_LETTERS.fullmatch(column))


_LETTERS = re.compile(r"[A-Z]{1,3}")


def _headerless(rows: Sequence[tuple[int, list[str]]], *, mapping: Mapping[str, str],
                kind: str | None, file_name: str) -> HeaderLayout | None:
    """The layout of a file without a header whose columns ``--map`` names by letter.

    Only when no row of the file names columns (read without the letters) and a row
    reads as data: then that row and every row after it are data, the first one too
    (reading it as a header would lose a person). ``first_row`` is 0: no header.
    """
    letters = {k: v for k, v in mapping.items() if _is_letter(k)}
    if not letters:
        return None
    by_text = {k: v for k, v in mapping.items() if not _is_letter(k)}
    search = rows[:HEADER_SEARCH_ROWS]
    if any(_is_header_like(_row_fields(cells, by_text), kind) for _, cells in search):
        return None
    from parley.ingest.headerless import looks_like_data

    start = next((number for number, cells in search if looks_like_data(cells)), None)
    if start is None:
        return None
    width = max(max((len(c) for _, c in search), default=0),
                max(_column_number(k) for k in letters))
    fields: list[str | None] = []
    for index in range(width):
        target = letters.get(column_letter(index))
        fields.append(None if target in (None, EXTRA) else target)
    columns = _columns([""] * width, fields)
    if not ({c.field for c in columns} & {*NAME_FIELDS, GIVEN_PATRONYMIC}) and not (
            kind == ListKind.REMAINS
            and any(c.field in (CASE_NUMBER, "record_id") for c in columns)):
        raise InputError(f"{file_name}: the file has no header row and --map names no "
                         "column for names; add e.g. --map A=full_name")
    return HeaderLayout(first_row=0, last_row=start - 1, columns=tuple(columns))


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _refuse_headerless(rows: Sequence[tuple[int, list[str]]], file_name: str) -> None:
    """Raise the headerless message when the first row with text reads as data."""
    from parley.ingest.headerless import HeaderlessList, headerless_message, looks_like_data

    search = rows[:HEADER_SEARCH_ROWS]
    first = next(((n, c) for n, c in search if any(x.strip() for x in c)), None)
    if first is None or not looks_like_data(first[1]):
        return
    sample = [cells for number, cells in search if number >= first[0]]
    raise HeaderlessList(headerless_message(file_name, first[0], first[1], sample))


def _first_texts(rows: Sequence[tuple[int, list[str]]]) -> str:
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        texts = [c.strip() for c in cells if c.strip()]
        if len(texts) >= 2:
            shown = ", ".join(repr(t[:40]) for t in texts[:8])
            return f"row {number} has {shown}; "
    return ""


def _merge_two(top: list[str], top_fields: list[str | None], below: list[str],
               below_fields: list[str | None]) -> tuple[list[str], list[str | None]]:
    width = max(len(top), len(below))
    cells: list[str] = []
    fields: list[str | None] = []
    for i in range(width):
        t = top[i] if i < len(top) else ""
        tf = top_fields[i] if i < len(top_fields) else None
        b = below[i] if i < len(below) else ""
        bf = below_fields[i] if i < len(below_fields) else None
        takes_below = bf is not None and (tf is None or tf == "full_name" or not t.strip())
        if takes_below or (not t.strip() and b.strip()):
            cells.append(b)
            fields.append(bf)
        else:
            cells.append(t)
            fields.append(tf)
    return cells, fields


def _columns(cells: Sequence[str], fields: Sequence[str | None]) -> list[Column]:
    columns: list[Column] = []
    taken: set[str] = set()
    keys: set[str] = set()
    for index, (cell, field) in enumerate(zip(cells, fields, strict=True)):
        if field == IGNORE:
            continue
        header = " ".join(cell.split())
        if field is not None and field in taken:
            field = None  # a second column for the same field is kept as an extra
        if field is not None:
            taken.add(field)
        base = key = header or f"column {column_letter(index)}"
        n = 2
        while key in keys or key in CANONICAL_FIELDS or key in SPECIAL_FIELDS:
            key = f"{base} ({n})"
            n += 1
        keys.add(key)
        columns.append(Column(index=index, header=header, field=field, key=key))
    return columns


def check_mapping_used(mapping: Mapping[str, str], columns: Sequence[Column],
                       header_cells: Sequence[str], file_name: str) -> None:
    """Every ``--map`` column must exist in the header (or be a column letter)."""
    headers = [" ".join(c.split()) for c in header_cells]
    norms = {normalise_header(h) for h in headers if h}
    for column in mapping:
        if column in headers or (normalise_header(column) in norms and normalise_header(column)):
            continue
        if re.fullmatch(r"[A-Z]{1,3}", column):
            continue
        shown = ", ".join(repr(h) for h in headers if h)
        raise InputError(f"{file_name}: --map names the column {column!r}, which is not in "
                         f"the header (columns: {shown})")
