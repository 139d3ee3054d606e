"""The public stage head (v2): published figures as leaf counts, nothing about a person.

When a stage closes, Parley builds for every *figure* of the stage (each direction and
category, and each direction's total over its categories, category ``"*"``) a Merkle tree
whose leaves are **unlinkable**: each leaf is ``SHA-256(LEAF ‖ salt ‖ commitment)`` with a
fresh random 32-byte salt per leaf and per figure, so the same person's leaf in the
category tree and in the direction-total tree look unrelated, and no leaf says anything
about anyone to whoever lacks its salt (the salts stay sealed at the intermediary). A
figure's count is its tree's size.

The head commits to every figure without showing it: ``figures`` lists, per figure, the
commitment ``SHA-256(FIGURE ‖ figure salt ‖ canonical {category, count, direction,
root})``. Publishing a figure means publishing its *opening*: the figure salt, the count,
the root and the leaves; anyone recomputes root, count and commitment. A withheld figure
stays a commitment: the head is still cosigned and verifiable, its count is not shown.

A second tree, ``persons``, serves family proofs: one leaf per person (or remains case)
handed over, ``SHA-256(PERSON ‖ salt ‖ stage ‖ commitment)``, padded with random dummy
leaves to a power of two at least twice the real count and at least
:data:`MIN_PERSONS_TREE`, leaves sorted. A family proof opens one leaf and shows its path:
"handed over in this stage", with no category and no stage size.

The head, as canonical JSON (what all three cosign, unchanged)::

    {"kind": "parley/stage-head/v2", "agreement": "<uuid>", "stage": "<uuid>",
     "number": 2, "date": "2025-06-10", "time": "<closing time, UTC>",
     "figures": [{"direction": "RU->UA", "category": "young", "commitment": "<hex>"},
                 ...],                                  # sorted by (direction, category)
     "persons": {"size": 256, "root": "<hex>"}}

Pure: no I/O; randomness comes from :mod:`secrets` unless a test passes its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KIND = "parley/stage-head/v2"
TOTAL = "*"
LEAF_CONTEXT = b"parley-figure-leaf-v1:"
FIGURE_CONTEXT = b"parley-figure-v1:"
PERSON_CONTEXT = b"parley-person-leaf-v1:"
MIN_PERSONS_TREE = 64
SALT_BYTES = 32
HEAD_FIELDS = frozenset({"kind", "agreement", "stage", "number", "date", "time", "figures",
                         "persons"})
_HEX64 = re.compile(r"[0-9a-f]{64}")

#: RFC 9162 MTH over raw leaf data (``parley.ledger.merkle.tree_root``), passed in so that
#: this module stays free of Parley's other packages.
TreeRoot = Callable[[Sequence[bytes]], bytes]
Random = Callable[[int], bytes]


class PublicHeadError(ValueError):
    """A public stage head, a figure opening or a person leaf is not of the defined form."""


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _hex64(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise PublicHeadError(f"{what} {value!r} is not 64 lower-case hex digits")
    return value


def figure_leaf(salt: bytes, commitment: str) -> str:
    """A figure tree's leaf for one person (or case): unlinkable without ``salt``."""
    return hashlib.sha256(LEAF_CONTEXT + salt + bytes.fromhex(commitment)).hexdigest()


def person_leaf(salt: bytes, stage: str, commitment: str) -> str:
    """The persons tree's leaf for one person of ``stage`` (what a family proof opens)."""
    return hashlib.sha256(PERSON_CONTEXT + salt + stage.encode("utf-8")
                          + bytes.fromhex(commitment)).hexdigest()


def figure_commitment(salt: bytes, *, direction: str, category: str, count: int,
                      root: str) -> str:
    body = {"category": category, "count": count, "direction": direction, "root": root}
    return hashlib.sha256(FIGURE_CONTEXT + salt + _canonical(body)).hexdigest()


def persons_tree_size(real: int) -> int:
    """The padded size of a persons tree: a power of two >= 2 * real and >= the minimum."""
    size = MIN_PERSONS_TREE
    while size < 2 * real:
        size *= 2
    return size


@dataclass(frozen=True)
class FigureOpening:
    """What publishing one figure shows: its salt, count, root and leaves (sorted)."""

    direction: str
    category: str
    salt: str
    count: int
    root: str
    leaves: tuple[str, ...]

    def commitment(self) -> str:
        return figure_commitment(bytes.fromhex(self.salt), direction=self.direction,
                                 category=self.category, count=self.count, root=self.root)

    def to_json(self) -> dict[str, Any]:
        return {"direction": self.direction, "category": self.category, "salt": self.salt,
                "count": self.count, "root": self.root, "leaves": list(self.leaves)}

    @classmethod
    def from_json(cls, data: Any) -> FigureOpening:
        if not isinstance(data, Mapping) or set(data) != {"direction", "category", "salt",
                                                          "count", "root", "leaves"}:
            raise PublicHeadError("a figure opening is {direction, category, salt, count, "
                                  "root, leaves}")
        leaves = data["leaves"]
        count = data["count"]
        if not isinstance(leaves, list) or isinstance(count, bool) or \
                not isinstance(count, int):
            raise PublicHeadError("leaves must be a list and count an integer")
        if not isinstance(data["direction"], str) or not isinstance(data["category"], str):
            raise PublicHeadError("direction and category must be strings")
        return cls(direction=data["direction"], category=data["category"],
                   salt=_hex64(data["salt"], "figure salt"), count=count,
                   root=_hex64(data["root"], "figure root"),
                   leaves=tuple(_hex64(leaf, "leaf") for leaf in leaves))

    def problem(self, tree_root: TreeRoot) -> str | None:
        """None when the leaves are sorted, distinct, ``count`` many and give ``root``."""
        if list(self.leaves) != sorted(set(self.leaves)):
            return "leaves are not sorted ascending and distinct"
        if self.count != len(self.leaves):
            return f"count {self.count} but {len(self.leaves)} leaves"
        root = tree_root([bytes.fromhex(leaf) for leaf in self.leaves]).hex()
        if root != self.root:
            return f"root {self.root[:12]}… but the leaves give {root[:12]}…"
        return None


@dataclass(frozen=True)
class PublicHead:
    """One stage's public head; :meth:`to_bytes` is exactly what the three cosign."""

    agreement: str
    stage: str
    number: int
    date: str
    time: str
    #: (direction, category, commitment), sorted
    figures: tuple[tuple[str, str, str], ...]
    persons_size: int
    persons_root: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": KIND, "agreement": self.agreement, "stage": self.stage,
                "number": self.number, "date": self.date, "time": self.time,
                "figures": [{"direction": d, "category": c, "commitment": m}
                            for d, c, m in self.figures],
                "persons": {"size": self.persons_size, "root": self.persons_root}}

    def to_bytes(self) -> bytes:
        return _canonical(self.to_json())

    def commitment_of(self, direction: str, category: str) -> str | None:
        for d, c, m in self.figures:
            if (d, c) == (direction, category):
                return m
        return None

    @classmethod
    def from_json(cls, data: Any) -> PublicHead:
        if not isinstance(data, Mapping) or data.get("kind") != KIND:
            raise PublicHeadError(f"not a stage head of kind {KIND!r}")
        if set(data) != HEAD_FIELDS:
            raise PublicHeadError(f"stage head fields {sorted(data)}; expected "
                                  f"{sorted(HEAD_FIELDS)}")
        figures = data["figures"]
        persons = data["persons"]
        if not isinstance(figures, list) or not all(
                isinstance(f, Mapping) and set(f) == {"direction", "category", "commitment"}
                and isinstance(f["direction"], str) and isinstance(f["category"], str)
                for f in figures):
            raise PublicHeadError("figures must be a list of {direction, category, "
                                  "commitment}")
        triples = tuple((f["direction"], f["category"], _hex64(f["commitment"],
                                                               "figure commitment"))
                        for f in figures)
        if list(triples) != sorted(set(triples)) or \
                len({(d, c) for d, c, _ in triples}) != len(triples):
            raise PublicHeadError("figures are not sorted by direction and category, or "
                                  "one appears twice")
        if not isinstance(persons, Mapping) or set(persons) != {"size", "root"} or \
                isinstance(persons["size"], bool) or not isinstance(persons["size"], int) \
                or persons["size"] < MIN_PERSONS_TREE:
            raise PublicHeadError("persons must be {size >= "
                                  f"{MIN_PERSONS_TREE}, root}}")
        number = data["number"]
        if isinstance(number, bool) or not isinstance(number, int):
            raise PublicHeadError("number must be an integer")
        for name in ("agreement", "stage", "date", "time"):
            if not isinstance(data[name], str) or not data[name]:
                raise PublicHeadError(f"{name} must be a non-empty string")
        return cls(agreement=data["agreement"], stage=data["stage"], number=number,
                   date=data["date"], time=data["time"], figures=triples,
                   persons_size=persons["size"],
                   persons_root=_hex64(persons["root"], "persons root"))


@dataclass(frozen=True)
class PersonOpening:
    """What the intermediary keeps to prove one person's presence in the persons tree."""

    commitment: str
    salt: str
    leaf: str


@dataclass(frozen=True)
class StageOpenings:
    """Everything the intermediary keeps sealed for one closed stage (never public as a
    whole): every figure's opening, each figure leaf's salt and commitment, and the
    persons tree with its dummy leaves."""

    figures: tuple[FigureOpening, ...]
    #: figure leaf -> (leaf salt, commitment)
    leaf_salts: dict[str, tuple[str, str]]
    persons: tuple[PersonOpening, ...]
    #: every leaf of the persons tree in order (real and dummy)
    person_leaves: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"figures": [f.to_json() for f in self.figures],
                "leaf_salts": {leaf: list(v) for leaf, v in sorted(self.leaf_salts.items())},
                "persons": [{"commitment": p.commitment, "salt": p.salt, "leaf": p.leaf}
                            for p in self.persons],
                "person_leaves": list(self.person_leaves)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StageOpenings:
        return cls(figures=tuple(FigureOpening.from_json(f) for f in data["figures"]),
                   leaf_salts={k: (v[0], v[1]) for k, v in data["leaf_salts"].items()},
                   persons=tuple(PersonOpening(p["commitment"], p["salt"], p["leaf"])
                                 for p in data["persons"]),
                   person_leaves=tuple(data["person_leaves"]))

    def figure(self, direction: str, category: str) -> FigureOpening | None:
        for f in self.figures:
            if (f.direction, f.category) == (direction, category):
                return f
        return None

    def person(self, commitment: str) -> tuple[int, PersonOpening] | None:
        for p in self.persons:
            if p.commitment == commitment:
                return self.person_leaves.index(p.leaf), p
        return None


def build_public_head(*, agreement: str, stage: str, number: int, date: str, time: str,
                      directions: Iterable[str], categories: Sequence[str],
                      leaves: Mapping[tuple[str, str], Iterable[str]], tree_root: TreeRoot,
                      randbytes: Random = secrets.token_bytes
                      ) -> tuple[PublicHead, StageOpenings]:
    """The public head of a closing stage and its sealed openings.

    ``leaves`` maps (direction, category) to the commitments handed over (persons and
    remains cases), as the stage heads of v1 take them.
    """
    openings: list[FigureOpening] = []
    leaf_salts: dict[str, tuple[str, str]] = {}
    everyone: list[str] = []

    def figure(direction: str, category: str, commitments: Sequence[str]) -> None:
        made: list[str] = []
        for c in commitments:
            salt = randbytes(SALT_BYTES)
            leaf = figure_leaf(salt, _hex64(c, "commitment"))
            leaf_salts[leaf] = (salt.hex(), c)
            made.append(leaf)
        ordered = tuple(sorted(made))
        if len(set(ordered)) != len(ordered):
            raise PublicHeadError("two leaves of one figure coincide")
        root = tree_root([bytes.fromhex(x) for x in ordered]).hex()
        openings.append(FigureOpening(direction=direction, category=category,
                                      salt=randbytes(SALT_BYTES).hex(), count=len(ordered),
                                      root=root, leaves=ordered))

    for direction in directions:
        total: list[str] = []
        for category in categories:
            commitments = sorted(set(leaves.get((direction, category), ())))
            figure(direction, category, commitments)
            total += commitments
        figure(direction, TOTAL, total)
        everyone += total
    persons = []
    for c in sorted(set(everyone)):
        salt = randbytes(SALT_BYTES)
        persons.append(PersonOpening(commitment=c, salt=salt.hex(),
                                     leaf=person_leaf(salt, stage, c)))
    size = persons_tree_size(len(persons))
    person_leaves = sorted([p.leaf for p in persons]
                           + [randbytes(32).hex() for _ in range(size - len(persons))])
    if len(set(person_leaves)) != size:
        raise PublicHeadError("two leaves of the persons tree coincide")
    head = PublicHead(
        agreement=agreement, stage=stage, number=number, date=date, time=time,
        figures=tuple(sorted((f.direction, f.category, f.commitment()) for f in openings)),
        persons_size=size,
        persons_root=tree_root([bytes.fromhex(x) for x in person_leaves]).hex())
    return head, StageOpenings(figures=tuple(openings), leaf_salts=leaf_salts,
                               persons=tuple(persons), person_leaves=tuple(person_leaves))
