"""Builders of list files for the ingest tests: CSV in any encoding, XLSX with real quirks.

Every fixture is made by the tests themselves, so each encoding, layout and header
language is visible in the test that uses it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

UK_HEADER = ["№ з/п", "Прізвище", "Ім'я", "По батькові", "Дата народження",
             "Особистий номер", "Військове звання", "Стать"]
UK_ROWS = [
    ["1", "Петренко", "Іван", "Іванович", "01.02.1990", "1234567", "солдат", "Ч"],
    ["2", "Коваленко", "Олена", "Петрівна", "15.07.1985", "АА123456", "сержант", "Ж"],
    ["3", "Шевчук", "Андрій", "Миколайович", "1979", "7654321", "лейтенант", "ч"],
]
RU_HEADER = ["№ п/п", "ФИО военнослужащего", "Дата рождения (дд.мм.гггг)", "Личный номер",
             "Воинское звание", "Пол"]
RU_ROWS = [
    ["1", "Сидоров Пётр Алексеевич", "03.04.1992", "Д-123456", "рядовой", "М"],
    ["2", "Иванов Сергей Николаевич", "1988-11-30", "Е-654321", "сержант", "муж"],
]
EN_HEADER = ["ID", "Last name", "First name", "Date of birth", "Service number", "Rank",
             "Sex", "Phone"]
EN_ROWS = [
    ["A-1", "Melnyk", "Taras", "1991-05-05", "1111111", "private", "male", "+380501112233"],
    ["A-2", "Bondar", "Oksana", "12/06/1993", "2222222", "sergeant", "female", ""],
]


def csv_text(rows: Sequence[Sequence[str]], *, delimiter: str = ";",
             title: Sequence[str] = (), footer: Sequence[str] = ()) -> str:
    buffer = io.StringIO()
    for line in title:
        buffer.write(line + "\r\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    for line in footer:
        buffer.write(line + "\r\n")
    return buffer.getvalue()


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "utf-8",
              delimiter: str = ";", title: Sequence[str] = (),
              footer: Sequence[str] = ()) -> Path:
    path.write_bytes(csv_text(rows, delimiter=delimiter, title=title,
                              footer=footer).encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, sheet: str = "Лист1",
               merges: Sequence[str] = (), extra_sheets: dict[str, Sequence[Sequence[Any]]]
               | None = None, number_formats: dict[str, str] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for merge in merges:
        ws.merge_cells(merge)
    for cell, fmt in (number_formats or {}).items():
        ws[cell].number_format = fmt
    for name, more in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in more:
            other.append(list(row))
    book.save(path)
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a password-protected workbook: an OLE container."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    body = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100 + \
        "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2000
    path.write_bytes(header + body)
    return path


def legacy_xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 +
                     "Workbook".encode("utf-16-le") + b"\x00" * 1000)
    return path


def truncated_xlsx(path: Path, tmp: Path) -> Path:
    whole = write_xlsx(tmp / "whole.xlsx", [UK_HEADER, *UK_ROWS])
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_without_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def dated(*parts: int) -> datetime:
    return datetime(*parts)
