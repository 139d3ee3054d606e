"""RFC 9162 proofs against the transparency-dev vectors copied into tests/vectors/merkle
(source and licence: tests/vectors/merkle/README.md)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from parley.ledger.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "merkle"


def _cases(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def _b64(items: list[str] | None) -> list[bytes]:
    return [base64.b64decode(x) for x in items or []]


def test_vectors_are_present() -> None:
    assert len(_cases("inclusion")) > 50
    assert len(_cases("consistency")) > 50


@pytest.mark.parametrize("path", _cases("inclusion"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_inclusion_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    ok = verify_inclusion(
        base64.b64decode(case["leafHash"] or ""),
        case["leafIdx"],
        case["treeSize"],
        _b64(case["proof"]),
        base64.b64decode(case["root"] or ""),
    )
    assert ok is (not case["wantErr"]), case["desc"]


@pytest.mark.parametrize(
    "path", _cases("consistency"), ids=lambda p: str(p.relative_to(VECTORS))
)
def test_consistency_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    ok = verify_consistency(
        case["size1"],
        case["size2"],
        base64.b64decode(case["root1"] or ""),
        base64.b64decode(case["root2"] or ""),
        _b64(case["proof"]),
    )
    assert ok is (not case["wantErr"]), case["desc"]


def test_generated_proofs_verify_for_every_size_and_index() -> None:
    hashes = [leaf_hash(bytes([i])) for i in range(33)]
    for n in range(1, 34):
        root = root_from_leaf_hashes(hashes[:n])
        for i in range(n):
            assert verify_inclusion(hashes[i], i, n, inclusion_proof(i, hashes[:n]), root)
        for m in range(1, n + 1):
            proof = consistency_proof(m, hashes[:n])
            assert verify_consistency(m, n, root_from_leaf_hashes(hashes[:m]), root, proof)


def test_known_root_of_rfc_reference_tree() -> None:
    # The 8-leaf reference tree used by the CT test suites (leaves "", 00, 10, 2021, ...).
    leaves = [bytes.fromhex(h) for h in
              ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
               "606162636465666768696a6b6c6d6e6f"]]
    assert root_from_leaf_hashes([leaf_hash(x) for x in leaves]).hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )
