"""Stage heads: the signed summary of what one stage moved in one direction and category.

When a stage closes, Parley builds one RFC 9162 Merkle tree for every (direction,
category) of the agreement over the commitments of the persons (or remains cases) handed
over, and records a *stage head* cosigned by both parties and the intermediary. The
transparency area publishes and verifies heads and builds a family's inclusion proof
against them; this module is the one definition of their exact form, so both sides (and
any outside verifier) agree byte for byte. It is pure: no I/O, nothing of Parley's outside domain/.

The head, as a JSON object (all values strings or integers)::

    {"kind": "parley/stage-head/v1",
     "agreement": "<agreement id (uuid)>",
     "stage": "<stage id (uuid)>",
     "direction": "RU->UA",            # a Direction: sending party code, "->", receiving
     "category": "young",              # category code from the agreement's terms
     "tree_size": 307,                 # = the confirmed total for that direction/category
     "root": "<64 lower-case hex>",    # RFC 9162 MTH over the leaves below
     "time": "2025-06-09T17:00:00.000000Z"}   # when the stage closed (UTC)

Its bytes are the canonical JSON of that object (keys sorted, no whitespace, UTF-8,
exactly :func:`parley.ledger.canonical_json`). Each cosigner signs those bytes, unchanged,
with Ed25519; ``"kind"`` separates them from anything else Parley signs.

Leaves: the commitments (64 lower-case hex digits each) sorted ascending as strings
(which is the same as sorting their 32 raw bytes), each leaf ``bytes.fromhex(c)``, hashed
as RFC 9162 leaves (``SHA-256(0x00 ‖ bytes)``). An empty tree has size 0 and the root
``SHA-256("")`` (e3b0c442…b855). A person's commitment in a stage is the commitment of the
source record that identified the person for the stage (see ``nominations.record_id``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.domain.vocabulary import Direction, VocabularyError

KIND = "parley/stage-head/v1"
EMPTY_ROOT_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
HEAD_FIELDS = ("kind", "agreement", "stage", "direction", "category", "tree_size", "root",
               "time")
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: RFC 9162 MTH over raw leaf data (``parley.ledger.tree_root``): the caller supplies the
#: hash, so that this module stays free of Parley's other packages.
MerkleRoot = Callable[[Sequence[bytes]], bytes]


class StageHeadError(ValueError):
    """A stage head (or one of its leaves) is not in the form this module defines."""


def leaf_order(commitments: Iterable[str]) -> list[str]:
    """The commitments in leaf order (ascending); refuses malformed or repeated ones."""
    ordered = sorted(commitments)
    for i, c in enumerate(ordered):
        if not _HEX64.fullmatch(c):
            raise StageHeadError(f"commitment {c!r} is not 64 lower-case hex digits")
        if i and ordered[i - 1] == c:
            raise StageHeadError(f"commitment {c} appears twice in one stage head")
    return ordered


def leaf_index(commitments: Iterable[str], commitment: str) -> int:
    """Where ``commitment`` sits among the leaves (for an inclusion proof)."""
    ordered = leaf_order(commitments)
    try:
        return ordered.index(commitment)
    except ValueError:
        raise StageHeadError(f"commitment {commitment} is not a leaf of this head") from None


@dataclass(frozen=True)
class StageHead:
    """One stage head; :meth:`to_bytes` is exactly what the three actors sign."""

    agreement: str
    stage: str
    direction: str
    category: str
    tree_size: int
    root: str
    time: str

    def __post_init__(self) -> None:
        try:
            Direction.parse(self.direction)
        except VocabularyError as exc:
            raise StageHeadError(str(exc)) from None
        if not _HEX64.fullmatch(self.root):
            raise StageHeadError(f"root {self.root!r} is not 64 lower-case hex digits")
        if isinstance(self.tree_size, bool) or not isinstance(self.tree_size, int) \
                or self.tree_size < 0:
            raise StageHeadError(f"tree_size {self.tree_size!r} is not a count")
        if self.tree_size == 0 and self.root != EMPTY_ROOT_HEX:
            raise StageHeadError("an empty stage head must have the empty-tree root")
        for name in ("agreement", "stage", "category", "time"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise StageHeadError(f"stage head field {name!r} must be a non-empty string")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": KIND, "agreement": self.agreement, "stage": self.stage,
            "direction": self.direction, "category": self.category,
            "tree_size": self.tree_size, "root": self.root, "time": self.time,
        }

    def to_bytes(self) -> bytes:
        """Canonical JSON (identical to ``parley.ledger.canonical_json(self.to_json())``)."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StageHead:
        if not isinstance(data, Mapping):
            raise StageHeadError("a stage head must be a JSON object")
        if data.get("kind") != KIND:
            raise StageHeadError(f"stage head kind {data.get('kind')!r} is not {KIND!r}")
        if set(data) != set(HEAD_FIELDS):
            extra = sorted(set(data) - set(HEAD_FIELDS))
            missing = sorted(set(HEAD_FIELDS) - set(data))
            raise StageHeadError(f"stage head fields differ: missing {missing}, extra {extra}")
        return cls(agreement=data["agreement"], stage=data["stage"],
                   direction=data["direction"], category=data["category"],
                   tree_size=data["tree_size"], root=data["root"], time=data["time"])


@dataclass(frozen=True)
class Cosignature:
    """One actor's Ed25519 signature (128 hex digits) over a head's bytes."""

    actor: str
    party: str
    signature: str

    def to_json(self) -> dict[str, str]:
        return {"actor": self.actor, "party": self.party, "signature": self.signature}


def signed_head_json(head: StageHead, cosignatures: Iterable[Cosignature]) -> dict[str, Any]:
    """How a cosigned head travels in the ``stage.closed`` event and in bundles:
    ``{"head": {...}, "cosignatures": [{"actor", "party", "signature"}, ...]}`` with the
    cosignatures sorted by party code."""
    return {"head": head.to_json(),
            "cosignatures": [c.to_json() for c in sorted(cosignatures,
                                                          key=lambda c: (c.party, c.actor))]}


def build_heads(*, agreement: str, stage: str, directions: Iterable[str],
                categories: Sequence[str], leaves: Mapping[tuple[str, str], Iterable[str]],
                time: str, tree_root: MerkleRoot) -> list[StageHead]:
    """The heads of a closing stage: one per direction and category, in that order (also
    empty ones), each over the commitments handed over (``leaves``, per (direction,
    category)) in leaf order."""
    heads = []
    for direction in directions:
        for category in categories:
            ordered = leaf_order(leaves.get((direction, category), ()))
            root = tree_root([bytes.fromhex(c) for c in ordered]).hex() if ordered \
                else EMPTY_ROOT_HEX
            heads.append(StageHead(agreement=agreement, stage=stage, direction=direction,
                                   category=category, tree_size=len(ordered), root=root,
                                   time=time))
    return heads


def totals_of(heads: Iterable[StageHead], *, directions: Iterable[str]
              ) -> dict[str, dict[str, int]]:
    """The totals a closing stage signs: ``{direction: {category: tree_size}}``."""
    totals: dict[str, dict[str, int]] = {d: {} for d in directions}
    for head in heads:
        totals[head.direction][head.category] = head.tree_size
    return totals
