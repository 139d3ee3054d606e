"""The catalogue of events: every change of state in Parley is one of these.

Each event is a frozen dataclass with a stable ``name`` (the string stored in the
ledger; never rename one) and a docstring that ``docs/events.md`` is generated from.
Fields are the event's payload and must be canonical-JSON values: strings, integers,
booleans, None, and lists or dicts of them (no floats: probabilities travel as decimal
strings). Personal data never appears here: persons are referred to by opaque ids and
by commitments ``SHA-256(salt ‖ canonical record)``.

Areas add their events to this module in their own section; a test checks that every
event is documented and that names are unique.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

CATALOGUE: dict[str, type[Event]] = {}

E = TypeVar("E", bound="type[Event]")


class UnknownEvent(KeyError):
    """An event name that is not in the catalogue."""


@dataclass(frozen=True)
class Event:
    """Base of every event. Subclasses set ``name`` and are registered with :func:`event`."""

    name: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Event:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in payload.items() if k in names})


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def event(cls: E) -> E:
    """Register an event class in the catalogue under its ``name``."""
    if not cls.name or cls.name in CATALOGUE:
        raise ValueError(f"event name {cls.name!r} is empty or already used")
    if not (cls.__doc__ or "").strip():
        raise ValueError(f"event {cls.name} has no docstring")
    CATALOGUE[cls.name] = cls
    return cls


def event_class(name: str) -> type[Event]:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise UnknownEvent(name) from None


# --- organisation ---------------------------------------------------------------------


@event
@dataclass(frozen=True)
class PartyRegistered(Event):
    """A party to the conflict or the neutral intermediary is registered.

    ``kind`` is ``party`` or ``intermediary``; ``code`` is the short code used everywhere
    (for example ``UA``, ``RU``, ``INT``).
    """

    name: ClassVar[str] = "party.registered"
    code: str
    title: str
    kind: str


@event
@dataclass(frozen=True)
class ActorRegistered(Event):
    """An actor (an office or officer of a party or of the intermediary) and its key.

    The Ed25519 public key is carried in the chain itself, so a verifier needs nothing
    but the events to check every signature. The registration is signed by the actor's
    own key.
    """

    name: ClassVar[str] = "actor.registered"
    actor: str
    party: str
    title: str
    role: str
    public_key: str


# --- lists ----------------------------------------------------------------------------


@event
@dataclass(frozen=True)
class ListImported(Event):
    """A list (capture cards, an origin list, a visit list, inquiries, remains) arrived.

    Counts and the file's SHA-256 only; the rows stay in the store. ``records_root`` is
    the RFC 9162 Merkle root over the accepted records' commitments in row order, so
    any record can later be shown to belong to this list.
    """

    name: ClassVar[str] = "list.imported"
    list_id: str
    source: str
    kind: str
    party: str | None
    file_sha256: str
    sheet: str
    rows: int
    accepted: int
    quarantined: int
    records_root: str


# --- identities -----------------------------------------------------------------------


@event
@dataclass(frozen=True)
class IdentityLinked(Event):
    """Source records are attached to one person.

    ``method`` says how: ``auto`` (above the high threshold), ``review`` (a reviewer
    decided), ``single`` (no match; a new person), ``incremental`` (matched on arrival).
    ``probability`` is a decimal string.
    """

    name: ClassVar[str] = "identity.linked"
    person_id: str
    record_commitments: list[str]
    method: str
    probability: str


# --- transparency ---------------------------------------------------------------------


@event
@dataclass(frozen=True)
class PublicationHeld(Event):
    """The intermediary holds back a stage's figures from publication.

    Until released (by a ``publication.released`` event or once ``until``, an ISO date,
    has passed) the stage's events appear in a published bundle as hashes only, and the
    report says the figures are withheld. ``until`` is None for "until a decision".
    """

    name: ClassVar[str] = "publication.held"
    stage_id: str
    until: str | None
    reason: str


@event
@dataclass(frozen=True)
class PublicationReleased(Event):
    """A held stage's figures may be published from now on."""

    name: ClassVar[str] = "publication.released"
    stage_id: str
    reason: str


@event
@dataclass(frozen=True)
class PersonErased(Event):
    """A person's personal data and salts were deleted (a data-protection request).

    ``commitments`` are the commitments that can no longer be opened; the chain, the
    stage heads and the totals that contain them still verify. ``records`` is how many
    source records were erased. The reason stays in the private erasure log: it may
    name the person who asked.
    """

    name: ClassVar[str] = "person.erased"
    person_id: str
    records: int
    commitments: list[str]
