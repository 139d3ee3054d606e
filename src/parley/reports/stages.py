"""Closed stages as published: the cosigned public head and the openings of shown figures.

A stage section of ``stages.json``::

    {"id", "agreement", "number", "date", "closed_at",
     "head": {"head": <parley/stage-head/v2>, "cosignatures": [...]},
     "figures": [<opening> ...],              # shown figures, by (direction, category)
     "withheld": [{"direction", "category", "reason": "small" | "protects"} ...]}

:func:`stage_section` builds it (publisher); :func:`check_section` verifies it with the
bundle's keys only and returns the figures it proves, or names the first figure that does
not hold. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parley.domain.public_head import (
    TOTAL,
    FigureOpening,
    PublicHead,
    PublicHeadError,
    StageOpenings,
)
from parley.domain.vocabulary import Direction, PartyKind, VocabularyError
from parley.ledger.merkle import tree_root
from parley.ledger.signing import verify_signature
from parley.reports.suppression import REASONS, SMALL, WITHHELD, Decision, audit, suppress

SECTION_KEYS = frozenset({"id", "agreement", "number", "date", "closed_at", "head",
                          "figures", "withheld"})


@dataclass(frozen=True)
class Signers:
    """Actors' public keys, each actor's party, and each party's kind (from keys.json)."""

    keys: dict[str, str]
    party_of: dict[str, str]
    kind_of: dict[str, str]


def signers_of(keys: Mapping[str, Any]) -> Signers:
    return Signers(keys={a["actor"]: a["public_key"] for a in keys["actors"]},
                   party_of={a["actor"]: a["party"] for a in keys["actors"]},
                   kind_of={p["code"]: p["kind"] for p in keys["parties"]})


@dataclass(frozen=True)
class Figure:
    """One figure of a verified stage: its count, or why it is withheld."""

    stage: str
    direction: str
    category: str
    count: int | None
    reason: str | None


class SectionError(ValueError):
    """A stage section does not hold; ``where`` names the stage and the figure."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def table_of(openings: StageOpenings) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for f in openings.figures:
        table.setdefault(f.direction, {})[f.category] = f.count
    return table


def stage_section(cosigned: Mapping[str, Any], openings: StageOpenings, k: int
                  ) -> dict[str, Any]:
    """The published section of one closed stage; refuses to publish if the audit finds a
    withheld figure that the shown ones would give away."""
    head = PublicHead.from_json(cosigned["head"])
    table = table_of(openings)
    decision = suppress(table, k, persons_bound=head.persons_size)
    findings = audit(table, decision, k=k, persons_bound=head.persons_size)
    if findings:
        raise ValueError(f"stage {head.stage}: withheld figures would be disclosed: "
                         f"{[f.key for f in findings]}")
    return {
        "id": head.stage, "agreement": head.agreement, "number": head.number,
        "date": head.date, "closed_at": head.time, "head": dict(cosigned),
        "figures": [f.to_json() for f in sorted(openings.figures,
                                               key=lambda f: (f.direction, f.category))
                    if decision.shown((f.direction, f.category))],
        "withheld": [{"direction": d, "category": c, "reason": WITHHELD}
                     for (d, c) in sorted(decision.withheld)],
    }


def _check_cosignatures(signed: Mapping[str, Any], head: PublicHead, signers: Signers
                        ) -> str | None:
    cosignatures = signed.get("cosignatures")
    if not isinstance(cosignatures, list) or not all(
            isinstance(c, dict) and set(c) == {"actor", "party", "signature"}
            and all(isinstance(v, str) for v in c.values()) for c in cosignatures):
        return "cosignatures must be a list of {actor, party, signature}"
    if cosignatures != sorted(cosignatures, key=lambda c: (c["party"], c["actor"])):
        return "cosignatures are not sorted by party code"
    wanted: set[str] = set()
    for direction, _, _ in head.figures:
        try:
            wanted |= set(Direction.parse(direction).parties)
        except VocabularyError as exc:
            return str(exc)
    intermediaries = {c for c, kind in signers.kind_of.items() if kind == PartyKind.INTERMEDIARY}
    seen: set[str] = set()
    message = head.to_bytes()
    for c in cosignatures:
        actor, party = c["actor"], c["party"]
        if signers.party_of.get(actor) != party:
            return f"cosigner {actor} is not an actor of {party} in this bundle"
        if party in seen:
            return f"{party} cosigned twice"
        if party not in wanted and party not in intermediaries:
            return f"{party} is neither a party of the stage nor the intermediary"
        if not verify_signature(signers.keys[actor], message, c["signature"]):
            return f"cosignature by {actor} ({party}) does not verify"
        seen.add(party)
    missing = sorted(wanted - seen)
    if missing or not seen & intermediaries:
        return f"not cosigned by {', '.join(missing) or 'the intermediary'}"
    return None


def check_head(signed: Any, signers: Signers) -> tuple[PublicHead | None, str | None]:
    """The head if ``signed`` is a well-formed v2 head cosigned by both parties of its
    directions and by the intermediary; else the reason."""
    if not isinstance(signed, Mapping) or set(signed) != {"head", "cosignatures"}:
        return None, "expected {head, cosignatures}"
    try:
        head = PublicHead.from_json(signed["head"])
    except (PublicHeadError, TypeError, KeyError) as exc:
        return None, str(exc)
    problem = _check_cosignatures(signed, head, signers)
    return (None, problem) if problem else (head, None)


def check_section(section: Any, signers: Signers, k: int) -> list[Figure]:
    """Verify one stage section; returns its figures in head order (raises SectionError)."""
    if not isinstance(section, Mapping) or set(section) != SECTION_KEYS:
        raise SectionError(f"stage {_get(section, 'number')}",
                           f"expected the fields {sorted(SECTION_KEYS)}")
    where = f"stage {section['number']} ({section['date']}, {section['id']})"
    head, problem = check_head(section["head"], signers)
    if head is None:
        raise SectionError(where, f"head: {problem}")
    for name, value in (("id", head.stage), ("agreement", head.agreement),
                        ("number", head.number), ("date", head.date),
                        ("closed_at", head.time)):
        if section[name] != value:
            raise SectionError(where, f"{name} {section[name]!r}; the cosigned head says "
                                      f"{value!r}")
    if not isinstance(section["figures"], list) or not isinstance(section["withheld"], list):
        raise SectionError(where, "figures and withheld must be lists")
    opened = _opened(section["figures"], head, k, where)
    withheld = _withheld(section["withheld"], head, opened, where)
    for direction in sorted({d for d, _, _ in head.figures}):
        _check_direction(direction, head, opened, withheld, where)
    out = []
    for direction, category, _ in head.figures:
        shown = opened.get((direction, category))
        out.append(Figure(stage=head.stage, direction=direction, category=category,
                          count=shown.count if shown else None,
                          reason=None if shown else withheld[(direction, category)]))
    return out


def _opened(figures: list[Any], head: PublicHead, k: int, where: str
            ) -> dict[tuple[str, str], FigureOpening]:
    """Every shown figure, checked against the head's commitment."""
    opened: dict[tuple[str, str], FigureOpening] = {}
    for raw in figures:
        try:
            f = FigureOpening.from_json(raw)
        except PublicHeadError as exc:
            raise SectionError(where, f"figure {_get(raw, 'direction')} "
                                      f"{_get(raw, 'category')}: {exc}") from None
        name = f"{where}, figure {f.direction} {f.category}"
        committed = head.commitment_of(f.direction, f.category)
        if committed is None:
            raise SectionError(name, "is not a figure of the cosigned head")
        if (f.direction, f.category) in opened:
            raise SectionError(name, "is opened twice")
        problem = f.problem(tree_root)
        if problem is not None:
            raise SectionError(name, problem)
        if f.commitment() != committed:
            raise SectionError(name, f"count {f.count} with root {f.root[:12]}… does not "
                                     "open the figure's commitment in the cosigned head")
        if 0 < f.count < k:
            raise SectionError(name, f"count {f.count} is shown but below k = {k}")
        opened[(f.direction, f.category)] = f
    return opened


def _withheld(entries: list[Any], head: PublicHead,
              opened: dict[tuple[str, str], FigureOpening], where: str
              ) -> dict[tuple[str, str], str]:
    """Every withheld figure and its reason; every figure of the head accounted for."""
    withheld: dict[tuple[str, str], str] = {}
    for raw in entries:
        if not isinstance(raw, Mapping) or set(raw) != {"direction", "category", "reason"} \
                or raw["reason"] not in REASONS:
            raise SectionError(where, f"withheld entry {raw!r} is not {{direction, "
                                      f"category, reason in {sorted(REASONS)}}}")
        key = (raw["direction"], raw["category"])
        if key in opened or key in withheld or head.commitment_of(*key) is None:
            raise SectionError(f"{where}, figure {key[0]} {key[1]}",
                               "is withheld but shown too, twice, or not in the head")
        withheld[key] = raw["reason"]
    for direction, category, _ in head.figures:
        if (direction, category) not in opened and (direction, category) not in withheld:
            raise SectionError(f"{where}, figure {direction} {category}",
                               "is neither shown nor listed as withheld")
    return withheld


def _check_direction(direction: str, head: PublicHead,
                     opened: dict[tuple[str, str], FigureOpening],
                     withheld: dict[tuple[str, str], str], where: str) -> None:
    """A withheld total takes all its categories with it; a shown total is never beside a
    single withheld category, and equals the sum of its categories when all are shown."""
    total = opened.get((direction, TOTAL))
    cats = [c for d, c, _ in head.figures if d == direction and c != TOTAL]
    if total is None:
        shown = [c for c in cats if (direction, c) in opened]
        if shown:
            raise SectionError(f"{where}, figure {direction} {shown[0]}",
                               "is shown beside a withheld total; expected every category "
                               "of a withheld total withheld")
        return
    hidden = [c for c in cats if (direction, c) in withheld]
    if len(hidden) == 1:
        raise SectionError(f"{where}, figure {direction} {hidden[0]}",
                           "is the only withheld category beside a shown total: it could "
                           "be worked out by subtraction")
    if not hidden and total.count != sum(opened[(direction, c)].count for c in cats):
        raise SectionError(f"{where}, figure {direction} {TOTAL}",
                           "differs from the sum of its shown categories")


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else None


__all__ = ["SMALL", "Decision", "Figure", "SectionError", "Signers", "check_head",
           "check_section", "signers_of", "stage_section", "table_of"]
