"""What kind of file this is, and for text files which encoding and which delimiter.

Called by :mod:`parley.ingest.reader` before any row is read. Files that are not a
spreadsheet we can read (a PDF, a legacy ``.xls``, a password-protected workbook, a
truncated ZIP) are refused here with one clear :class:`~parley.errors.InputError`.

Encodings: BOMs first (UTF-8, UTF-16, UTF-32), then UTF-16 without a BOM (recognised by
its zero bytes), then strict UTF-8 over the whole file, then the single-byte Cyrillic
code pages, chosen by how much the decoded text looks like Ukrainian or Russian (KOI8-U
and Windows-1251 decode each other's bytes into plausible-looking but wrong letters, so
charset-normalizer alone mixes them up), and finally charset-normalizer's guess for
anything else.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from parley.errors import InputError

#: How much of a text file the encoding and delimiter guesses look at.
SAMPLE_BYTES = 256 * 1024
DELIMITERS = (";", ",", "\t", "|")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"{\\rtf", "an RTF document"),
)
_CYRILLIC_CODEPAGES = ("cp1251", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5")
# The letters that carry most Ukrainian and Russian text (о а е и н т і р с в л к).
_COMMON = set("оаеинтірсвлкмдпуяьзгбчйхжшюцщєїфыэъёОАЕИНТІРСВЛКМДПУ")


@dataclass(frozen=True)
class FileKind:
    """The outcome of sniffing: ``xlsx`` or ``text``, with the file's hash and size."""

    format: str
    sha256: str
    size: int


def inspect_file(path: Path) -> FileKind:
    """Hash the file and decide whether it is an XLSX workbook or a text table.

    Raises :class:`InputError` for a missing, empty or unreadable file and for any format
    Parley does not read, naming the file and what it seems to be.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError(f"{name}: not a file")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
            digest.update(head)
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError(f"{name}: the file is empty")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        _check_workbook(path)
        return FileKind("xlsx", digest.hexdigest(), size)
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in head or _contains(path, _ENCRYPTED_STREAM):
            raise InputError(
                f"{name}: the workbook is protected by a password; open it in Excel, remove "
                "the password (File › Info › Protect Workbook) and save it again"
            )
        raise InputError(
            f"{name}: a legacy Excel 97-2003 (.xls) or other OLE file; save it as .xlsx "
            "or .csv and import that"
        )
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise InputError(f"{name}: not a spreadsheet ({what})")
    lowered = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")):
        raise InputError(
            f"{name}: an HTML page, not a spreadsheet; open it in Excel and save it as "
            ".xlsx or .csv"
        )
    if lowered.startswith(b"<?xml"):
        raise InputError(
            f"{name}: an XML file, not a spreadsheet Parley reads; save it as .xlsx or .csv"
        )
    return FileKind("text", digest.hexdigest(), size)


def _contains(path: Path, needle: bytes) -> bool:
    with path.open("rb") as handle:
        tail = b""
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _check_workbook(path: Path) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            bad = archive.testzip()
    except zipfile.BadZipFile:
        raise InputError(
            f"{name}: the workbook is damaged or truncated (not a complete XLSX/ZIP file)"
        ) from None
    except (OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise InputError(f"{name}: the workbook cannot be read ({exc})") from None
    if bad is not None:
        raise InputError(f"{name}: the workbook is damaged (part {bad} does not check out)")
    if "xl/workbook.xml" in names or any(n.endswith("workbook.xml") for n in names):
        return
    if "content.xml" in names and "mimetype" in names:
        raise InputError(
            f"{name}: an OpenDocument file (.ods); save it as .xlsx or .csv and import that"
        )
    if "word/document.xml" in names:
        raise InputError(f"{name}: not a spreadsheet (a Word document)")
    raise InputError(f"{name}: not a spreadsheet (a ZIP archive without a workbook)")


# --- encodings ------------------------------------------------------------------------


def detect_encoding(path: Path, *, override: str | None = None) -> str:
    """The codec to read ``path`` with (a Python codec name)."""
    if override:
        try:
            return codecs.lookup(override).name
        except LookupError:
            raise InputError(f"--encoding {override!r} is not an encoding Python knows "
                             "(try utf-8, cp1251, koi8-u, utf-16)") from None
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bom_less = _utf16_without_bom(head)
    if bom_less:
        return bom_less
    if _is_utf8(path):
        return "utf-8"
    return _guess_single_byte(head)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    # ASCII in UTF-16 leaves every other byte zero; Cyrillic (U+04xx) leaves 0x04 there.
    if odd.count(0) + odd.count(4) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) + even.count(4) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def cyrillic_plausibility(text: str) -> float:
    """How much ``text`` looks like Ukrainian or Russian written correctly (0 to 1).

    Counts the share of Cyrillic letters that are common ones and the share of words
    whose capitals come first (``Петренко``, ``ПЕТРЕНКО``), not in the middle
    (``пЕТРЕНКО``, what a KOI8/Windows-1251 mix-up produces).
    """
    letters = [c for c in text if "\u0400" <= c <= "\u04ff"]
    if not letters:
        return 0.0
    common = sum(1 for c in letters if c in _COMMON) / len(letters)
    words = re.findall(r"[\u0400-\u04ff]{2,}", text)
    if not words:
        return common
    good = sum(1 for w in words if w.islower() or w.isupper() or
               (w[0].isupper() and w[1:].islower()))
    return 0.6 * common + 0.4 * good / len(words)


def _guess_single_byte(head: bytes) -> str:
    head = head[:64 * 1024]
    high = sum(1 for b in head if b >= 0x80)
    if high == 0:
        return "utf-8"
    best, best_score = "", 0.0
    for codec in _CYRILLIC_CODEPAGES:
        text = head.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        letters = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
        if letters < 0.5 * high or bad > 0.01 * high:
            continue
        score = cyrillic_plausibility(text)
        if score > best_score + 0.02:
            best, best_score = codec, score
    if best and best_score >= 0.55:
        return best
    from charset_normalizer import from_bytes

    match = from_bytes(head).best()
    if match is not None and match.encoding:
        return codecs.lookup(match.encoding).name
    return best or "cp1251"


# --- delimiters -----------------------------------------------------------------------


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits most lines of ``sample`` into the same number of fields.

    Title lines above the header and footer lines below the data have fewer fields; the
    delimiter is the one for which the most lines agree on a field count above one.
    A ``sep=;`` first line (Excel's hint) wins outright.
    """
    first = sample.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first.lower().startswith("sep=") and len(first) == 5:
        return first[4]
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end halfway through a line
    text = "".join(lines[:400])
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = Counter(len(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)
                             if len(r) > 1 and any(c.strip() for c in r))
        except csv.Error:
            continue
        if not counts:
            continue
        mode, agreeing = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (agreeing, mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best
