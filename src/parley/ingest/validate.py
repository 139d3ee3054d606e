"""Row validation: a row of cells becomes an accepted record or a quarantined row.

A row is quarantined, with every problem named (row, column, value, reason), when it
has no name at all (for remains: neither a name nor a case number), a date that does
not exist or lies in the future, a birth date implying an age over 100, a record id
already used by an earlier row of the file, a control character, or a value longer
than a sane length. Nothing is dropped: what maps onto no canonical field is kept in
``extra``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parley.domain.records import RecordInput
from parley.domain.vocabulary import ListKind
from parley.ingest.headers import (
    BIRTH_DATE_PLACE,
    CASE_NUMBER,
    GIVEN_PATRONYMIC,
    LIST_NUMBER,
    NAME_FIELDS,
    Column,
    column_letter,
)
from parley.ingest.values import (
    DEFAULT_MAX_LENGTH,
    EXTRA_MAX_LENGTH,
    MAX_LENGTH,
    ValueProblem,
    check_birth_date,
    check_event_date,
    clean_text,
    normalise_sex,
    parse_iso_date,
)

DATE_FIELDS = ("birth_date", "status_date")
#: Fields whose words are put into one script when they mix Cyrillic and Latin
#: look-alikes (a Latin "i", "o" or "c" typed inside a Cyrillic name).
NAME_PARTS = ("surname", "given_name", "patronymic", "full_name")
#: Fields holding numbers as identifiers, which spreadsheets turn into floats
#: (1234567.0) or scientific notation (1.234567E+06).
NUMBER_FIELDS = ("service_number", "record_id")
_nfc = unicodedata.normalize
_FIELD, _EXTRA, _DATE, _SEX = "field", "extra", "date", "sex"
_NAME, _NUMBER = "name", "number"
_PATRONYMIC_WORD = re.compile(
    r"\w{2,}(?:ович|евич|євич|івна|ївна|овна|евна|ична|ovych|ovich|evich|ivna|ovna|evna)$",
    re.IGNORECASE)
_FLOAT_ZERO = re.compile(r"(\d+)[.,]0+")
_SCIENTIFIC = re.compile(r"(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})")
_DATE_PLACE, _GIVEN_PATRONYMIC = "date_place", "given_patronymic"
NUMERIC_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2,4})")
_LEADING_DATE = re.compile(
    r"\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{4})(?:\s*(?:р\.?|г\.?|року|года))?"
    r"[\s,;.]*")
SHOWN_VALUE = 200
# Bounds of the per-list caches of name repairs and date outcomes (memory stays flat).
_NAME_CACHE = 1 << 13
_DATE_CACHE = 1 << 14


@dataclass(frozen=True)
class Problem:
    """Why a row was quarantined: the row (as numbered in the file), column, value, reason."""

    row: int
    column: str
    value: str
    reason: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value,
                "reason": self.reason}

    def __str__(self) -> str:
        shown = f" {self.value!r}" if self.value else ""
        return f"row {self.row}, {self.column}{shown}: {self.reason}"


@dataclass(frozen=True)
class QuarantinedRow:
    """A data row that was not accepted, with its cells (by column key) and its problems.

    ``row``/``column``/``value``/``reason`` are those of the first problem, for callers
    that show one line per row.
    """

    row_number: int
    cells: dict[str, str]
    problems: tuple[Problem, ...]
    #: What of the row could be read (the fields that passed), for callers such as
    #: ``parley link`` that may still use a row with, say, an impossible birth date.
    partial: RecordInput | None = None

    @property
    def row(self) -> int:
        return self.row_number

    @property
    def column(self) -> str:
        return self.problems[0].column

    @property
    def value(self) -> str:
        return self.problems[0].value

    @property
    def reason(self) -> str:
        return self.problems[0].reason

    @property
    def codes(self) -> list[str]:
        return sorted({p.code for p in self.problems})


@dataclass
class RowValidator:
    """Checks the data rows of one list, in order (it remembers record ids seen)."""

    columns: Sequence[Column]
    kind: str | None
    today: date
    split_name: Callable[[str], tuple[str, str, str]] | None = None
    seen_ids: dict[str, int] = field(default_factory=dict)
    #: Date columns (by index) written month first (12/31/1990), from their values.
    month_first: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._split = self.split_name or _names_split()
        self._repair = _script_repair()
        self._repaired: dict[str, str] = {}
        self._dates: dict[tuple[int, str, str, bool, bool, bool],
                          tuple[str | None, str, str, bool, bool, bool, bool]] = {}
        self._day_first: set[int] = set()
        self._has_birth_date = any(c.field == "birth_date" for c in self.columns)
        # An "Ім'я" column that also holds the patronymic ("Олександр Миколайович") when
        # the list has no column of its own for it.
        self._given_holds_patronymic = not any(
            c.field in ("patronymic", GIVEN_PATRONYMIC) for c in self.columns)
        self._known = {c.index for c in self.columns}
        self._width = max(self._known, default=-1) + 1
        self._gaps = [i for i in range(self._width) if i not in self._known]
        readers: dict[str, _Reader | None] = {
            _FIELD: None,  # the common case, stored as it is (inline in check)
            _NAME: self._name, _NUMBER: self._number, _EXTRA: self._extra,
            _DATE: self._date, _DATE_PLACE: self._date_place,
            _GIVEN_PATRONYMIC: self._given_patronymic, _SEX: self._sex,
        }
        # Per column: (column, position, how its text is read, length limit, target).
        self._plan: list[tuple[Column, int, _Reader | None, int, str]] = []
        for c in self.columns:
            mode, limit = _mode_of(c.field)
            self._plan.append((c, c.index, readers[mode], limit, c.field or ""))
        self._name_columns = {c.label for c in self.columns if c.field in NAME_FIELDS}
        self._name_labels = " / ".join(c.label for c in self.columns
                                       if c.field in NAME_FIELDS) or "name"
        self._id_label = next((c.label for c in self.columns if c.field == "record_id"),
                              next((c.label for c in self.columns if c.field == CASE_NUMBER),
                                   "record id"))

    def check(self, number: int, values: Sequence[str]) -> RecordInput | QuarantinedRow:
        """Validate one row (``values`` indexed by column position)."""
        fields: dict[str, str] = {}
        extra: dict[str, str] = {}
        problems: list[Problem] = []
        width = len(values)
        for column, index, read, limit, target in self._plan:
            if index >= width or not values[index]:
                continue
            try:
                text = cell_text(values[index])
            except ValueProblem as exc:
                problems.append(Problem(number, column.label, _shown(values[index]), str(exc),
                                        "encoding" if "encoding" in str(exc) else "control"))
                continue
            if not text:
                continue
            if len(text) > limit:
                problems.append(Problem(number, column.label, _shown(text),
                                        f"longer than {limit} characters ({len(text)})",
                                        "too_long"))
            elif read is None:
                fields[target] = text
            else:
                read(number, column, target, text, fields, extra, problems)
        if width > self._width or (self._gaps and any(
                i < width and values[i] for i in self._gaps)):
            self._overflow(number, values, extra, problems)
        self._whole_row(number, fields, extra, problems)
        if problems:
            return QuarantinedRow(row_number=number, cells=self._cells(values),
                                  problems=tuple(problems),
                                  partial=RecordInput(row_number=number, fields=fields,
                                                      extra=extra))
        return RecordInput(row_number=number, fields=fields, extra=extra)

    # -- reading one cell's text into its field (see _mode_of) -------------------------

    def _name(self, number: int, column: Column, target: str, text: str,
              fields: dict[str, str], extra: dict[str, str], problems: list[Problem]) -> None:
        """A name part, in one script (the original kept when repaired); an "Ім'я" cell
        may also hold the patronymic."""
        if not text.isascii():
            repaired = self._repaired.get(text)
            if repaired is None:
                repaired = self._repair(text)
                if len(self._repaired) >= _NAME_CACHE:
                    self._repaired.clear()
                self._repaired[text] = repaired
            if repaired != text:
                extra[f"{target}_original"] = text
                text = repaired
        if target == "given_name" and " " in text and self._given_holds_patronymic:
            given, _, last = text.rpartition(" ")
            if _PATRONYMIC_WORD.search(last):
                fields["patronymic"] = last
                text = given
        fields[target] = text

    def _number(self, number: int, column: Column, target: str, text: str,
                fields: dict[str, str], extra: dict[str, str], problems: list[Problem]
                ) -> None:
        """An identifier a spreadsheet may have written as a number (see whole_number)."""
        if text[-1] == "0" or "e" in text or "E" in text:
            try:
                text = whole_number(text)
            except ValueProblem as exc:
                problems.append(Problem(number, column.label, _shown(text), str(exc),
                                        "lost_digits"))
                return
        fields[target] = text

    def _extra(self, number: int, column: Column, target: str, text: str,
               fields: dict[str, str], extra: dict[str, str], problems: list[Problem]) -> None:
        """A column of no canonical field (or a case or list number): kept as it is."""
        extra[column.extra_key] = text

    def _given_patronymic(self, number: int, column: Column, target: str, text: str,
                          fields: dict[str, str], extra: dict[str, str],
                          problems: list[Problem]) -> None:
        """One column for given name and patronymic ("Олександр Миколайович")."""
        if not text.isascii():
            text = self._repair(text)
        given, _, patronymic = text.partition(" ")
        fields.setdefault("given_name", given)
        if patronymic.strip():
            fields.setdefault("patronymic", patronymic.strip())

    def _sex(self, number: int, column: Column, target: str, text: str,
             fields: dict[str, str], extra: dict[str, str], problems: list[Problem]) -> None:
        """``M`` or ``F`` (other spellings kept as the original)."""
        sex = normalise_sex(text)
        if sex is None:
            extra["sex_original"] = text
            return
        fields["sex"] = sex
        if text not in ("M", "F"):
            extra["sex_original"] = text

    # -- the row as a whole ------------------------------------------------------------

    def _whole_row(self, number: int, fields: dict[str, str], extra: dict[str, str],
                   problems: list[Problem]) -> None:
        """A name (or, for remains, a case number), and a record id not used before."""
        if "full_name" in fields:
            self._names(fields)
        if "surname" not in fields and "given_name" not in fields and "full_name" not in fields:
            self._no_name(number, fields, extra, problems)
        if self.kind == ListKind.REMAINS and "record_id" not in fields and extra.get(CASE_NUMBER):
            fields["record_id"] = extra[CASE_NUMBER]
        record_id = fields.get("record_id")
        if record_id:
            first = self.seen_ids.setdefault(record_id, number)
            if first != number:
                problems.append(Problem(number, self._id_label, record_id,
                                        f"record id repeats row {first}", "duplicate_id"))

    def _no_name(self, number: int, fields: dict[str, str], extra: dict[str, str],
                 problems: list[Problem]) -> None:
        """A row without a name is quarantined, unless remains have a case number or a
        name cell already has its own problem."""
        case = extra.get(CASE_NUMBER) or fields.get("record_id")
        named_problem = any(p.column in self._name_columns for p in problems)
        if not (self.kind == ListKind.REMAINS and case) and not named_problem:
            what = ("no name and no case number" if self.kind == ListKind.REMAINS else
                    "no name (surname, given name and full name are all empty)")
            problems.append(Problem(number, self._name_labels, "", what, "no_name"))

    def _cells(self, values: Sequence[str]) -> dict[str, str]:
        """A quarantined row's cells as the file had them, by column key."""
        width = len(values)
        cells = {c.key: values[c.index] for c in self.columns
                 if c.index < width and values[c.index]}
        for index, raw in enumerate(values):
            if index not in self._known and raw:
                cells[f"column {column_letter(index)}"] = raw
        return cells

    def _date_place(self, number: int, column: Column, target: str, text: str,
                    fields: dict[str, str], extra: dict[str, str], problems: list[Problem]
                    ) -> None:
        """``01.02.1990, м. Київ`` → birth date and birth place (the original kept)."""
        extra[column.extra_key] = text
        match = _LEADING_DATE.match(text)
        if match is None:
            fields["birth_place"] = text
            return
        place = text[match.end():].strip(" ,;")
        if place:
            fields["birth_place"] = place
        if self._has_birth_date:
            return  # a column of its own gives the birth date
        self._date(number, column, "birth_date", match.group(1), fields, extra, problems,
                   keep_original=False)

    def _date(self, number: int, column: Column, target: str, text: str,
              fields: dict[str, str], extra: dict[str, str], problems: list[Problem],
              *, keep_original: bool = True) -> None:
        index = column.index
        key = (index, target, text, keep_original, index in self.month_first,
               index in self._day_first)
        outcome = self._dates.get(key)
        if outcome is None:
            # Lists repeat dates (and the outcome depends only on the text and on what
            # the column has shown so far), so each is worked out once.
            outcome = self._date_outcome(index, target, text, keep_original)
            if len(self._dates) >= _DATE_CACHE:
                self._dates.clear()
            self._dates[key] = outcome
        iso, reason, code, original, ambiguous, month_first, day_first = outcome
        if month_first:
            self.month_first.add(index)
        if day_first:
            self._day_first.add(index)
        if iso is None:
            problems.append(Problem(number, column.label, _shown(text), reason, code))
            return
        fields[target] = iso
        if original:
            extra[f"{target}_original"] = text
        if ambiguous:
            extra[f"{target}_ambiguous"] = "day/month"

    def _date_outcome(self, index: int, target: str, text: str, keep_original: bool
                      ) -> tuple[str | None, str, str, bool, bool, bool, bool]:
        """(ISO date or None, reason, code, keep the original, day/month ambiguous,
        the column writes the month first, the column writes the day first)."""
        original = text
        month_first = day_first = False
        numeric = NUMERIC_DATE.fullmatch(text)
        if numeric is not None:
            first, sep, second, year = numeric.groups()
            if int(first) <= 12 and (index in self.month_first or (
                    int(second) > 12 and index not in self._day_first)):
                # 12/31/1990: this column writes the month first (US style).
                month_first = True
                text = f"{second}{sep}{first}{sep}{year}"
            elif int(first) > 12:
                day_first = True
        try:
            parsed = parse_iso_date(text)
            if target == "birth_date":
                check_birth_date(parsed, self.today)
            else:
                check_event_date(parsed, self.today)
        except ValueProblem as exc:
            reason = str(exc)
            code = ("future_date" if "future" in reason else
                    "too_old" if "over" in reason else "bad_date")
            return None, reason, code, False, False, month_first, day_first
        ambiguous = parsed.ambiguous_day_month or (
            text != original and numeric is not None and int(numeric.group(3)) <= 12)
        return (parsed.iso, "", "", keep_original and parsed.iso != original, ambiguous,
                month_first, day_first)

    def _overflow(self, number: int, values: Sequence[str], extra: dict[str, str],
                  problems: list[Problem]) -> None:
        """Cells in columns the header does not cover are kept as ``column X`` extras."""
        for index, raw in enumerate(values):
            if index in self._known or not raw:
                continue
            key = f"column {column_letter(index)}"
            try:
                text = clean_text(raw)
            except ValueProblem as exc:
                problems.append(Problem(number, key, _shown(raw), str(exc), "control"))
                continue
            if len(text) > EXTRA_MAX_LENGTH:
                problems.append(Problem(number, key, _shown(text),
                                        f"longer than {EXTRA_MAX_LENGTH} characters "
                                        f"({len(text)})", "too_long"))
            elif text:
                extra[key] = text

    def _names(self, fields: dict[str, str]) -> None:
        full = fields.get("full_name")
        if not full or fields.keys() & {"surname", "given_name"}:
            return
        surname, given, patronymic = self._split(full)
        for key, value in (("surname", surname), ("given_name", given),
                           ("patronymic", patronymic)):
            if value and key not in fields:
                fields[key] = value


#: How a column's text is read into the row: (row, column, target, text, fields,
#: extra, problems).
_Reader = Callable[[int, Column, str, str, dict[str, str], dict[str, str], list[Problem]],
                   None]


def _mode_of(target: str | None) -> tuple[str, int]:
    """How a column of ``target`` (its canonical field) is read, and its length limit."""
    if target == BIRTH_DATE_PLACE:
        return _DATE_PLACE, EXTRA_MAX_LENGTH
    if target == GIVEN_PATRONYMIC:
        return _GIVEN_PATRONYMIC, DEFAULT_MAX_LENGTH
    if target is None or target in (CASE_NUMBER, LIST_NUMBER):
        return _EXTRA, EXTRA_MAX_LENGTH
    if target in DATE_FIELDS:
        return _DATE, DEFAULT_MAX_LENGTH
    if target == "sex":
        return _SEX, DEFAULT_MAX_LENGTH
    if target in NAME_PARTS:
        return _NAME, MAX_LENGTH.get(target, DEFAULT_MAX_LENGTH)
    if target in NUMBER_FIELDS:
        return _NUMBER, DEFAULT_MAX_LENGTH
    return _FIELD, MAX_LENGTH.get(target, DEFAULT_MAX_LENGTH)


def cell_text(raw: str) -> str:
    """A cell's text as a field holds it: cleaned (see ``clean_text``; raises
    :class:`ValueProblem` for control characters or a broken encoding), in NFC, without
    Excel's leading ``'`` (its mark for "text, not a number", exported with the value).
    Empty when nothing is left."""
    if raw.isprintable() and raw[0] != " " and raw[-1] != " " and "  " not in raw \
            and "\ufffd" not in raw:
        # The common case: nothing to clean but (for non-ASCII) normalisation.
        text = raw if raw.isascii() else _nfc("NFC", raw)
    else:
        text = clean_text(raw)
        if not text:
            return text
    if text[0] == "'":
        text = text[1:].strip()
    return text


def whole_number(text: str) -> str:
    """An identifier a spreadsheet wrote as a number, as digits: ``1234567.0`` and
    ``1.234567E+06`` give ``1234567``. Scientific notation that has lost digits
    (``1.23457E+06``) raises :class:`ValueProblem`; anything else is returned as is."""
    match = _FLOAT_ZERO.fullmatch(text)
    if match is not None:
        return match.group(1)
    match = _SCIENTIFIC.fullmatch(text)
    if match is None:
        return text
    first, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3))
    if len(fraction) > exponent:
        return text  # not a whole number: not an identifier a float mangled
    if len(fraction) < exponent:
        raise ValueProblem(
            f"a number in scientific notation has lost its last {exponent - len(fraction)} "
            "digit(s); format the column as text in the spreadsheet and export it again")
    return first + fraction


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_VALUE else value[:SHOWN_VALUE] + "…"


def _script_repair() -> Callable[[str], str]:
    from parley.names import repair_mixed_script

    return repair_mixed_script


def _names_split() -> Callable[[str], tuple[str, str, str]]:
    from parley import names

    split = getattr(names, "split_full_name", None)
    if split is None:  # parley.names not landed yet
        return _interim_split
    def adapted(text: str) -> tuple[str, str, str]:
        try:
            parts = split(text)
        except ValueError:
            return "", "", ""
        surname, given, patronymic = (*tuple(parts), "", "", "")[:3]
        return surname or "", given or "", patronymic or ""
    return adapted


def _interim_split(text: str) -> tuple[str, str, str]:
    words = text.split()
    if len(words) == 3:
        return words[0], words[1], words[2]
    if len(words) == 2:
        return words[0], words[1], ""
    return "", "", ""
