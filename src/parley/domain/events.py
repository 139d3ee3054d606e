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


@dataclass(frozen=True)
class Event:
    """Base of every event. Subclasses set ``name`` and are registered with :func:`event`."""

    name: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


class PayloadValue:
    """A typed value inside an event's fields that writes itself as canonical-JSON values
    (:meth:`to_payload`); its type reads it back from a stored payload."""

    def to_payload(self) -> Any:
        raise NotImplementedError


def _plain(value: Any) -> Any:
    if isinstance(value, PayloadValue):
        return _plain(value.to_payload())
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


@event
@dataclass(frozen=True)
class KeyAdded(Event):
    """Another signing key for an actor (a second officer's device, a new laptop).

    Signed by a valid key of an actor of the same party (an authorised officer of that
    party). ``key_id`` is the first 8 bytes of SHA-256 over the 32 raw bytes of
    ``public_key``, in hex.
    """

    name: ClassVar[str] = "key.added"
    actor: str
    key_id: str
    public_key: str


@event
@dataclass(frozen=True)
class KeyRotated(Event):
    """An actor replaces its key ``old_key_id`` with a new one.

    Signed by the old key (its holder hands over to the new one); the old key is revoked
    from this event's ``occurred_at``: what it signed before stays valid.
    """

    name: ClassVar[str] = "key.rotated"
    actor: str
    old_key_id: str
    key_id: str
    public_key: str


@event
@dataclass(frozen=True)
class KeyRevoked(Event):
    """A key is revoked (lost, stolen, its officer gone), from this event's ``occurred_at``.

    Signed by a valid key of an actor of the same party, which may be another officer:
    a party can revoke a lost key without it. Anything the key signs that occurred at or
    after the revocation is refused; what it signed before stays valid.
    """

    name: ClassVar[str] = "key.revoked"
    actor: str
    key_id: str
    reason: str


# --- lists ----------------------------------------------------------------------------


@event
@dataclass(frozen=True)
class ListImported(Event):
    """A list (capture cards, an origin list, a visit list, inquiries, remains) arrived.

    Counts and the file's SHA-256 only; the rows stay in the store. ``records_root`` is
    the RFC 9162 Merkle root over the accepted records' commitments in row order, so
    any record can later be shown to belong to this list. The list's source and file
    name are typed by people and may name a person: they stay sealed in the store
    (events recorded before 0008_privacy still carry ``source``).
    """

    name: ClassVar[str] = "list.imported"
    list_id: str
    kind: str
    party: str | None
    file_sha256: str
    sheet: str
    rows: int
    accepted: int
    quarantined: int
    records_root: str


# --- ingest: quarantine ---------------------------------------------------------------


@event
@dataclass(frozen=True)
class QuarantineCorrected(Event):
    """A person corrected cells of a quarantined row (``parley quarantine fix``).

    Names the list, the row number and the corrected columns' positions (0-based); the
    values stay sealed in the store. ``released`` says whether the row passed validation
    and became a record (a ``quarantine.released`` event follows in the same transaction).
    """

    name: ClassVar[str] = "quarantine.corrected"
    list_id: str
    row_number: int
    columns: list[int]
    released: bool


@event
@dataclass(frozen=True)
class QuarantineReleased(Event):
    """Quarantined rows of a list passed validation and became records of that list.

    After a correction or a re-validation (``parley quarantine reimport``). Carries the
    row numbers, the new records' commitments in row order, and the list's counts after
    the release (``accepted + quarantined`` still equals its data rows).
    """

    name: ClassVar[str] = "quarantine.released"
    list_id: str
    row_numbers: list[int]
    record_commitments: list[str]
    accepted: int
    quarantined: int


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


# --- linkage: models, merges and splits, the review queue ------------------------------


@event
@dataclass(frozen=True)
class LinkageModelSaved(Event):
    """A match model is saved and from now on used to resolve identities.

    ``method`` is ``default`` (the packaged model with this registry's name frequencies),
    ``em`` (trained on the registry's records) or ``labels``. ``training_hash`` is the
    SHA-256 of the feature rows it was trained on, ``training_records`` their number.
    """

    name: ClassVar[str] = "linkage.model_saved"
    model_id: str
    version: int
    method: str
    training_hash: str
    training_records: int


@event
@dataclass(frozen=True)
class IdentityMerged(Event):
    """Persons turned out to be one: ``merged`` persons now continue as ``person_id``.

    Their records are re-attached by ``identity.linked`` events in the same
    transaction; the merged ids stay valid and lead to ``person_id``. ``method`` is
    ``auto``, ``incremental`` or ``review``.
    """

    name: ClassVar[str] = "identity.merged"
    person_id: str
    merged: list[str]
    method: str


@event
@dataclass(frozen=True)
class IdentitySplit(Event):
    """Some records of ``person_id`` belong to other persons (``into``) after all.

    The moved records are re-attached by ``identity.linked`` events in the same
    transaction. ``method`` is ``auto``, ``incremental`` or ``review``.
    """

    name: ClassVar[str] = "identity.split"
    person_id: str
    into: list[str]
    method: str


@event
@dataclass(frozen=True)
class MatchQueued(Event):
    """Two records may be one person and a reviewer should decide.

    ``reason``: ``uncertain`` (between the thresholds), ``ambiguous`` (as likely to be
    another person who cannot be the same) or ``conflicting`` (a strong link that
    another record of the person contradicts). ``probability`` is a decimal string.
    """

    name: ClassVar[str] = "match.queued"
    review_id: str
    record_commitments: list[str]
    probability: str
    reason: str
    model_version: int


@event
@dataclass(frozen=True)
class MatchDecided(Event):
    """A reviewer decided whether two records are the same person (``same``/``different``).

    The decision binds every later resolution; ``review_id`` is None when the reviewer
    decided a pair that was not queued.
    """

    name: ClassVar[str] = "match.decided"
    review_id: str | None
    record_commitments: list[str]
    decision: str


@event
@dataclass(frozen=True)
class IdentityResolved(Event):
    """A resolution run finished: one list against the registry, or everything at once.

    ``scope`` is ``list`` (with ``list_id``), ``all`` or ``decision``. Counts only:
    ``records`` re-examined, ``linked`` to a person that existed before, ``new_persons``,
    ``merged`` and ``split`` persons, ``queued`` review pairs, and the model version.
    """

    name: ClassVar[str] = "identity.resolved"
    scope: str
    list_id: str | None
    model_version: int
    records: int
    linked: int
    new_persons: int
    merged: int
    split: int
    queued: int


# --- families -------------------------------------------------------------------------


@event
@dataclass(frozen=True)
class InquirerVerified(Event):
    """An officer checked an inquirer's identity and relationship to the person asked
    about; from now on the inquiry releases that person's status. The actor is the officer
    who checked; ``checked`` names what was checked (``identity``, ``relationship``). No
    personal data: neither the inquirer, nor the relationship, nor the person."""

    name: ClassVar[str] = "inquiry.verified"
    inquiry_id: str
    checked: list[str]


@event
@dataclass(frozen=True)
class InquiryRevoked(Event):
    """An inquiry was revoked: its tracking code opens nothing from now on."""

    name: ClassVar[str] = "inquiry.revoked"
    inquiry_id: str


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


# --- exchange: agreements, nominations, verification, stages, handover ---------------


@event
@dataclass(frozen=True)
class AgreementRecorded(Event):
    """The intermediary records an agreement's terms; this is also its signature.

    ``terms`` is the validated, normalised terms (parties, intermediary, dates, and every
    category's rule, ratio, priority and cap); ``terms_hash`` is the SHA-256 of their
    canonical JSON. The agreement becomes active when both parties have appended
    ``agreement.signed`` with the same hash.
    """

    name: ClassVar[str] = "agreement.recorded"
    agreement_id: str
    reference: str
    terms: dict[str, Any]
    terms_hash: str


@event
@dataclass(frozen=True)
class AgreementSigned(Event):
    """A party signs an agreement's terms (by their hash) with its signatory's key."""

    name: ClassVar[str] = "agreement.signed"
    agreement_id: str
    party: str
    terms_hash: str


@event
@dataclass(frozen=True)
class MedicalCertified(Event):
    """A medical finding on whether a person is seriously wounded or sick (GC III Art.
    110, as a mixed medical commission or the intermediary's doctor certifies it)."""

    name: ClassVar[str] = "medical.certified"
    person_id: str
    seriously_wounded_or_sick: bool


@event
@dataclass(frozen=True)
class PersonNominated(Event):
    """A party puts a person forward under an agreement.

    ``direction`` is ``SENDING->RECEIVING``; ``record_commitment`` is the commitment of
    the source record that identifies the person for the exchange (the receiving party's
    own record when there is one); it becomes the person's leaf in stage heads.
    """

    name: ClassVar[str] = "person.nominated"
    agreement_id: str
    person_id: str
    direction: str
    record_commitment: str


@event
@dataclass(frozen=True)
class VerificationRecorded(Event):
    """A check on nominated persons: ``check`` is ``identity`` (by the receiving party)
    or ``eligibility`` (by the intermediary, naming the ``category``); ``outcome`` is
    ``confirmed`` or ``refused``."""

    name: ClassVar[str] = "verification.recorded"
    agreement_id: str
    check: str
    outcome: str
    category: str | None
    person_ids: list[str]


@event
@dataclass(frozen=True)
class InterviewRecorded(Event):
    """The intermediary interviewed a nominated person in private.

    The outcome (wishes to return, does not, undecided) is confidential to the
    intermediary: it is sealed in the store, and this event carries only a commitment
    to it, so the chain can later prove what was recorded without anyone reading it now.
    """

    name: ClassVar[str] = "interview.recorded"
    agreement_id: str
    person_id: str
    interview_id: str
    outcome_commitment: str


@event
@dataclass(frozen=True)
class StagePlanned(Event):
    """The intermediary records a stage's lists.

    ``lists`` maps each direction to its persons ``[{person_id, category, commitment}]``;
    ``left_out`` counts, per direction and public reason, the eligible persons who are
    not in the stage (interview outcomes appear only as ``not_in_stage``).
    """

    name: ClassVar[str] = "stage.planned"
    agreement_id: str
    stage_id: str
    number: int
    date: str
    capacity: int
    lists: dict[str, Any]
    left_out: dict[str, Any]


@event
@dataclass(frozen=True)
class StagePersonListed(Event):
    """A person joins a stage's list after planning: ``origin`` is ``carried`` (an open
    discrepancy carried from an earlier stage) or ``admitted`` (handed over unlisted and
    admitted by decision). ``commitment`` is the person's leaf, as in ``stage.planned``."""

    name: ClassVar[str] = "stage.person_listed"
    stage_id: str
    person_id: str
    direction: str
    category: str
    commitment: str
    origin: str


@event
@dataclass(frozen=True)
class StagePersonWithdrawn(Event):
    """A person is taken off a stage's list before the handover; parties see only
    that the person is ``not_in_stage`` (or the discrepancy it resolves)."""

    name: ClassVar[str] = "stage.person_withdrawn"
    stage_id: str
    person_id: str
    reason: str


@event
@dataclass(frozen=True)
class HandoverConfirmed(Event):
    """One side confirms persons of a stage's list at the handover: ``role`` is
    ``sending``, ``receiving`` or ``intermediary``. Confirming again changes nothing."""

    name: ClassVar[str] = "handover.confirmed"
    stage_id: str
    role: str
    party: str
    person_ids: list[str]


@event
@dataclass(frozen=True)
class HandoverUnlisted(Event):
    """A side reports a person handed over who was not on the stage's list."""

    name: ClassVar[str] = "handover.unlisted"
    stage_id: str
    direction: str
    person_id: str
    role: str


@event
@dataclass(frozen=True)
class IdentityDisputed(Event):
    """The receiving party disputes that a person on the list is who the list says."""

    name: ClassVar[str] = "identity.disputed"
    stage_id: str
    person_id: str


@event
@dataclass(frozen=True)
class DiscrepancyOpened(Event):
    """A mismatch found in a stage: ``kind`` is ``not_handed_over``, ``not_nominated``,
    ``identity_disputed`` or ``count_mismatch`` (``counts`` per role then)."""

    name: ClassVar[str] = "discrepancy.opened"
    discrepancy_id: str
    stage_id: str
    kind: str
    person_id: str | None
    direction: str
    category: str | None
    counts: dict[str, Any] | None


@event
@dataclass(frozen=True)
class DiscrepancyCarried(Event):
    """By explicit decision an open discrepancy moves to a later stage of the agreement
    (with its person, if any), so the earlier stage can close."""

    name: ClassVar[str] = "discrepancy.carried"
    discrepancy_id: str
    from_stage_id: str
    to_stage_id: str


@event
@dataclass(frozen=True)
class DiscrepancyResolved(Event):
    """A discrepancy is resolved; ``resolution`` is a code (``identity_confirmed``,
    ``person_remains_held``, ``admitted``, ``returned``, ``confirmations_agree``, ...)."""

    name: ClassVar[str] = "discrepancy.resolved"
    discrepancy_id: str
    stage_id: str
    resolution: str


@event
@dataclass(frozen=True)
class StageClosed(Event):
    """A stage closes: ``totals[direction][category]`` confirmed handed over, and for
    each direction and category the stage head (RFC 9162 root over the commitments,
    see ``domain/stage_head.py``) with the Ed25519 cosignatures of both parties and the
    intermediary. ``carried`` lists the discrepancies carried to later stages.
    ``public_head`` (added with the public bundle v2) is the cosigned public stage head
    (``domain/public_head.py``): figures as commitments over unlinkable leaves, and the
    padded persons tree of family proofs; None in stages closed before it."""

    name: ClassVar[str] = "stage.closed"
    agreement_id: str
    stage_id: str
    totals: dict[str, Any]
    heads: list[Any]
    carried: list[str]
    public_head: dict[str, Any] | None = None


@dataclass(frozen=True)
class RemainsCase(PayloadValue):
    """A remains case as ``remains.confirmed`` names it: its number, and its commitment
    when the sending side's confirmation creates the case (the leaf of the case in the
    stage head). In the payload a case with its commitment is the object
    ``{"case_number", "commitment"}``, and a case number alone is a plain string."""

    case_number: str
    commitment: str | None = None

    def to_payload(self) -> dict[str, str] | str:
        if self.commitment is None:
            return self.case_number
        return {"case_number": self.case_number, "commitment": self.commitment}

    @classmethod
    def from_payload(cls, item: dict[str, str] | str) -> RemainsCase:
        """A case as a stored ``remains.confirmed`` payload has it (either form)."""
        if isinstance(item, str):
            return cls(item)
        return cls(item["case_number"], item.get("commitment"))


@event
@dataclass(frozen=True)
class RemainsConfirmed(Event):
    """One side confirms remains handed over in a stage, by case number: ``role`` is
    ``sending`` (each case with its commitment: ``{"case_number", "commitment"}``),
    ``receiving`` or ``intermediary`` (each case its number, a string)."""

    name: ClassVar[str] = "remains.confirmed"
    stage_id: str
    direction: str
    category: str
    role: str
    cases: tuple[RemainsCase, ...]

    def __post_init__(self) -> None:
        sending = self.role == "sending"
        for case in self.cases:
            if (case.commitment is not None) != sending:
                raise ValueError(f"remains case {case.case_number}: only the sending side's "
                                 "confirmation carries a commitment, and it always does")


@event
@dataclass(frozen=True)
class RemainsIdentified(Event):
    """Remains received under a case number are identified as a known person."""

    name: ClassVar[str] = "remains.identified"
    agreement_id: str
    case_number: str
    person_id: str


@event
@dataclass(frozen=True)
class StatementRecorded(Event):
    """A party's public statement: its date, source, and the numbers it claims
    (``claims[direction][category]``), kept beside the confirmed figures."""

    name: ClassVar[str] = "statement.recorded"
    statement_id: str
    agreement_id: str
    party: str
    stated_on: str
    source: str
    stage_id: str | None
    claims: dict[str, Any]
