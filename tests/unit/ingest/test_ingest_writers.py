"""Export writers neutralise formulas; the list writer's Merkle root and commitments."""

from __future__ import annotations

import csv
import secrets
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from parley.domain.records import RecordInput, canonical_record
from parley.errors import InputError
from parley.ingest.writers import format_for, neutralise, write_table
from parley.ledger.hashing import commitment, new_salt
from parley.services.intake.lists import RootAccumulator, commitments_root, seal_record
from parley.store.crypto import RecordCipher

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_get_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Петренко", "1990-01-01", "", "a=b", " =x"])
def test_other_values_unchanged(value: str) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_written_tables_hold_no_formula(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    count = write_table(path, ["=h", "b"], [[v, "Петренко"] for v in DANGEROUS], fmt=fmt)
    assert count == len(DANGEROUS)
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        ws = load_workbook(path).active
        rows = [[c if c is not None else "" for c in r] for r in ws.iter_rows(values_only=True)]
        assert all(c.data_type == "s" for r in ws.iter_rows() for c in r)
    assert rows[0] == ["'=h", "b"]
    expected = ["'" + v for v in DANGEROUS]
    if fmt == "xlsx":  # XML reads a lone CR back as LF
        expected = [v.replace("\r", "\n") for v in expected]
    assert [r[0] for r in rows[1:]] == expected


def test_format_from_extension(tmp_path: Path) -> None:
    assert format_for(tmp_path / "a.XLSX", None) == "xlsx"
    assert format_for(tmp_path / "a", "csv") == "csv"
    with pytest.raises(InputError) as err:
        format_for(tmp_path / "a.ods", None)
    assert str(err.value) == "a.ods: cannot write 'ods'; use .csv or .xlsx (or --format csv|xlsx)"


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13, 64, 100])
def test_incremental_root_equals_rfc9162_root(n: int) -> None:
    leaves = [secrets.token_hex(32) for _ in range(n)]
    acc = RootAccumulator()
    for leaf in leaves:
        acc.add(leaf)
    assert acc.root() == commitments_root(leaves)


def test_a_sealed_row_opens_to_the_record_its_commitment_commits_to() -> None:
    # The importer encodes a record once for both the sealed blob and the commitment;
    # a family's proof recomputes the commitment from the opened record with the ledger's
    # canonical JSON, so the two encodings must agree.
    cipher = RecordCipher(secrets.token_bytes(32))
    record = RecordInput(row_number=7, fields={"surname": "Петренко", "given_name": "Ігор",
                                               "birth_date": "1990-02-01"},
                         extra={"Телефон": "+380", "list_number": "1"})
    row = seal_record(SimpleNamespace(cipher=cipher), list_id="list-1",  # type: ignore[arg-type]
                      record=record)
    opened = cipher.open(row["sealed"], row_id=row["id"])
    assert opened == canonical_record(record.fields, record.extra)
    assert row["commitment"] == commitment(row["salt"], opened)
    assert row["commitment"] != commitment(new_salt(), opened)
