"""Handover rules: the three sides, the discrepancies they show, and how each is resolved.

Each person listed in a stage (and each remains case) is confirmed by the three sides of
a handover: the **sending** party, the **receiving** party and the **intermediary**. A
person or case counts as handed over once all three confirmed. What the confirmations
show is checked by the intermediary, and a *discrepancy* is opened for each problem:

- ``not_handed_over``: on the list, confirmed by nobody;
- ``not_nominated``: handed over without being on the list (reported by a side);
- ``identity_disputed``: the receiving party disputes who the person is;
- ``count_mismatch``: the three sides' confirmed counts differ in a direction and
  category (persons or remains cases).

The sides are a :class:`~parley.domain.vocabulary.HandoverRole`, the kinds a
:class:`~parley.domain.vocabulary.DiscrepancyKind`. Each kind is resolved in one of two
ways (:data:`RESOLUTIONS`; what each means is in :data:`MEANINGS`), or carried to a
later stage by an explicit decision. Checking again
clears what the confirmations have since settled (``handed_over``,
``confirmations_agree``). A stage closes only with no open discrepancy.

The exchange's handover service loads the stage's rows, calls these rules and writes
what they decide. No I/O here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from parley.domain.vocabulary import (
    Direction,
    DiscrepancyKind,
    DiscrepancyStatus,
    HandoverRole,
    Resolution,
)

#: How each kind of discrepancy may be resolved.
RESOLUTIONS: dict[DiscrepancyKind, tuple[Resolution, ...]] = {
    DiscrepancyKind.NOT_HANDED_OVER: (Resolution.PERSON_REMAINS_HELD, Resolution.HANDED_OVER),
    DiscrepancyKind.NOT_NOMINATED: (Resolution.ADMITTED, Resolution.RETURNED),
    DiscrepancyKind.IDENTITY_DISPUTED: (Resolution.IDENTITY_CONFIRMED,
                                        Resolution.PERSON_REMAINS_HELD),
    DiscrepancyKind.COUNT_MISMATCH: (Resolution.WITHDRAWN_UNCONFIRMED,
                                     Resolution.CONFIRMATIONS_AGREE),
}
#: What each resolution means (and what resolving with it changes).
MEANINGS: dict[Resolution, str] = {
    Resolution.PERSON_REMAINS_HELD: "the person stays in detention: withdrawn from the "
                                    "stage's list",
    Resolution.HANDED_OVER: "all three sides have since confirmed the person's handover",
    Resolution.ADMITTED: "the person, handed over unlisted, is nominated and listed in the "
                         "stage after the fact (only in a category of the agreement)",
    Resolution.RETURNED: "the person, handed over unlisted, was returned; nothing is listed",
    Resolution.IDENTITY_CONFIRMED: "the receiving party (or the intermediary) accepts who "
                                   "the person is; the handover can be confirmed",
    Resolution.WITHDRAWN_UNCONFIRMED: "the persons of the direction and category not "
                                      "confirmed by all three sides are withdrawn (every "
                                      "remains case must be confirmed by all three first)",
    Resolution.CONFIRMATIONS_AGREE: "the three sides' confirmed counts agree now",
}


class OnList(Protocol):
    """A person on a stage's list or a remains case: where it goes and its leaf."""

    @property
    def direction(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def commitment(self) -> str: ...


Case = TypeVar("Case", bound=OnList)


@dataclass(frozen=True)
class Discrepancy:
    """A discrepancy as recorded: where it is now (``stage_id``), where it was found
    (``opened_stage_id``), what it concerns, and whether it is resolved and how."""

    id: str
    stage_id: str
    opened_stage_id: str
    kind: DiscrepancyKind
    person_id: str | None
    direction: Direction
    category: str | None
    counts: dict[str, int] | None
    status: DiscrepancyStatus
    resolution: Resolution | None

    def describe(self) -> str:
        what = f"person {self.person_id}" if self.person_id else \
            f"{self.direction} {self.category}: " + ", ".join(
                f"{k} {v}" for k, v in sorted((self.counts or {}).items()))
        return f"{self.kind} ({what})"

    @property
    def key(self) -> tuple[str, str | None, str, str | None]:
        """What the discrepancy is about; one open discrepancy per key."""
        return (self.kind, self.person_id, self.direction, self.category)


@dataclass(frozen=True)
class Finding:
    """A discrepancy the confirmations show that is not yet open."""

    kind: DiscrepancyKind
    person_id: str | None
    direction: str
    category: str | None
    counts: dict[str, int] | None = None


@dataclass(frozen=True)
class Review:
    """What checking a stage decides: open discrepancies that the confirmations have
    settled, each with its resolution, and new ones to open (in this order)."""

    cleared: list[tuple[Discrepancy, Resolution]]
    found: list[Finding]


# --- sides ----------------------------------------------------------------------------


def role_of(party: str, direction: str, intermediary: str) -> HandoverRole | None:
    """The side ``party`` plays in a handover in ``direction`` (None: no side)."""
    sending, receiving = Direction.parse(direction).parties
    if party == sending:
        return HandoverRole.SENDING
    if party == receiving:
        return HandoverRole.RECEIVING
    if party == intermediary:
        return HandoverRole.INTERMEDIARY
    return None


def confirmed_by_all(roles: Collection[str]) -> bool:
    """Whether the sides that confirmed (``roles``) make a handover."""
    return set(roles) >= set(HandoverRole)


def handed_over_leaves(listed: Mapping[str, OnList],
                       cases: Iterable[tuple[OnList, Collection[str]]], *,
                       person_roles: Mapping[str, Collection[str]]
                       ) -> dict[tuple[str, str], list[str]]:
    """The commitments handed over, per (direction, category): the listed persons and
    the remains cases (each with the sides that confirmed it) that all three sides
    confirmed. These are the leaves of the stage heads."""
    leaves: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, row in listed.items():
        if confirmed_by_all(person_roles.get(pid, ())):
            leaves[(row.direction, row.category)].append(row.commitment)
    for case, roles in cases:
        if confirmed_by_all(roles):
            leaves[(case.direction, case.category)].append(case.commitment)
    return dict(leaves)


# --- finding discrepancies ------------------------------------------------------------


def disputed_persons(open_now: Iterable[Discrepancy]) -> set[str]:
    """The persons whose identity is disputed (they count in no side's figures)."""
    return {d.person_id for d in open_now
            if d.kind == DiscrepancyKind.IDENTITY_DISPUTED and d.person_id is not None}


def count_mismatches(listed: Mapping[str, OnList],
                     cases: Iterable[tuple[OnList, Collection[str]]], *,
                     person_roles: Mapping[str, Collection[str]], disputed: Collection[str]
                     ) -> dict[tuple[str, str], dict[str, int]]:
    """Per (direction, category), each side's confirmed count where the sides differ.

    Persons whose identity is disputed, and persons nobody confirmed (those are
    ``not_handed_over``), do not count; remains cases count by the sides that confirmed
    them (``cases``: each case with its confirming roles)."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(HandoverRole, 0))
    for pid, row in listed.items():
        if pid in disputed or not person_roles.get(pid):
            continue
        for role in person_roles[pid]:
            counts[(row.direction, row.category)][role] += 1
    for case, roles in cases:
        for role in roles:
            counts[(case.direction, case.category)][role] += 1
    return {k: v for k, v in counts.items() if len(set(v.values())) > 1}


def review(open_now: Sequence[Discrepancy], listed: Mapping[str, OnList], *,
           person_roles: Mapping[str, Collection[str]],
           mismatches: Mapping[tuple[str, str], dict[str, int]]) -> Review:
    """Checking a stage: which open discrepancies the confirmations settled, and which
    discrepancies they show that are not open yet.

    ``open_now`` are the stage's open discrepancies in the order they were opened;
    ``mismatches`` comes from :func:`count_mismatches` (disputed persons left out)."""
    cleared = [(d, r) for d in open_now if (r := _settled(d, person_roles, mismatches))]
    still_open = {d.key for d in open_now} - {d.key for d, _ in cleared}
    disputed = disputed_persons(open_now)
    found = [Finding(DiscrepancyKind.NOT_HANDED_OVER, pid, row.direction, row.category)
             for pid, row in sorted(listed.items())
             if not person_roles.get(pid) and pid not in disputed
             and (DiscrepancyKind.NOT_HANDED_OVER, pid, row.direction, row.category)
             not in still_open]
    found += [Finding(DiscrepancyKind.COUNT_MISMATCH, None, direction, category, counts)
              for (direction, category), counts in sorted(mismatches.items())
              if (DiscrepancyKind.COUNT_MISMATCH, None, direction, category) not in still_open]
    return Review(cleared=cleared, found=found)


def _settled(d: Discrepancy, person_roles: Mapping[str, Collection[str]],
             mismatches: Mapping[tuple[str, str], dict[str, int]]) -> Resolution | None:
    """The resolution the confirmations now give an open discrepancy (None: none)."""
    if d.kind == DiscrepancyKind.NOT_HANDED_OVER and d.person_id is not None and \
            confirmed_by_all(person_roles.get(d.person_id, ())):
        return Resolution.HANDED_OVER
    if d.kind == DiscrepancyKind.COUNT_MISMATCH and \
            (d.direction, d.category or "") not in mismatches:
        return Resolution.CONFIRMATIONS_AGREE
    return None


# --- deciding -------------------------------------------------------------------------


def resolution_refused(kind: DiscrepancyKind, resolution: str) -> str | None:
    """Why ``resolution`` cannot resolve a discrepancy of ``kind`` (None: it can)."""
    allowed = RESOLUTIONS[kind]
    if resolution in allowed:
        return None
    return f"a {kind} discrepancy is resolved as {' or '.join(allowed)}, not {resolution!r}"


def may_resolve(*, party: str, resolution: str, direction: str, intermediary: str) -> bool:
    """The intermediary resolves discrepancies; the receiving party may also confirm an
    identity it disputed."""
    return party == intermediary or (
        resolution == Resolution.IDENTITY_CONFIRMED
        and party == Direction.parse(direction).receiving)


def unconfirmed_in(listed: Mapping[str, OnList], disc: Discrepancy, *,
                   person_roles: Mapping[str, Collection[str]]) -> list[str]:
    """The persons a ``withdrawn_unconfirmed`` resolution withdraws: those of the
    discrepancy's direction and category not confirmed by all three sides."""
    return [pid for pid, row in sorted(listed.items())
            if (row.direction, row.category) == (disc.direction, disc.category)
            and not confirmed_by_all(person_roles.get(pid, ()))]


def unconfirmed_cases(cases: Iterable[tuple[Case, Collection[str]]], disc: Discrepancy
                      ) -> list[Case]:
    """The remains cases of the discrepancy's direction and category not confirmed by
    all three sides: cases are never withdrawn, so these stop ``withdrawn_unconfirmed``."""
    return [case for case, roles in cases
            if (case.direction, case.category) == (disc.direction, disc.category)
            and not confirmed_by_all(roles)]


def carried_with(disc: Discrepancy, listed: Mapping[str, OnList], *,
                 person_roles: Mapping[str, Collection[str]]) -> list[str]:
    """The listed persons that move with a discrepancy carried to a later stage: its
    person, or for a count mismatch those of its direction and category whom some but
    not all sides confirmed."""
    if disc.person_id is not None and disc.person_id in listed:
        return [disc.person_id]
    if disc.kind != DiscrepancyKind.COUNT_MISMATCH:
        return []
    return [pid for pid, row in sorted(listed.items())
            if (row.direction, row.category) == (disc.direction, disc.category)
            and 0 < len(person_roles.get(pid, ())) < len(HandoverRole)]
