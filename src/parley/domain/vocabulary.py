"""The words Parley stores: one type for each closed set of values, and for a direction.

Every kind, state and role that a column, an event or a request carries is one of the
types below, and nowhere else is the set written out. They are ``StrEnum``s: a member
*is* its string (``StageStatus.CLOSED == "closed"``), so rows, events and their hashes
hold exactly the text they held before these types existed, and a value read back from
the database compares equal to the member without conversion. The schema holds the same
sets as CHECK constraints (``store/tables.py``, migration ``0012_vocabulary``).

:class:`Direction` is the one way to write "from the sending party to the receiving
party": ``"RU->UA"``. It is a ``str`` for the same reason.

A value that is not in its set is refused with :class:`VocabularyError`, a
``ValueError`` whose message names the set and its values; services turn it into an
``InputError`` where the value came from a person. Pure: no I/O, nothing of Parley's.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Self


class VocabularyError(ValueError):
    """A value outside its closed set, or a malformed direction."""


class Vocabulary(StrEnum):
    """Base of Parley's closed sets: parsing with a clear error, and the set as text."""

    @classmethod
    def what(cls) -> str:
        """The set's name in words: ``StagePersonState`` → ``"stage person state"``."""
        return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()

    @classmethod
    def parse(cls, value: str) -> Self:
        """The member whose value is ``value``; :class:`VocabularyError` otherwise."""
        return cls(value)

    @classmethod
    def _missing_(cls, value: object) -> Self:
        raise VocabularyError(f"{cls.what()} {value!r} must be one of {cls.listed()}")

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)

    @classmethod
    def listed(cls, conjunction: str = "") -> str:
        """The values for a message: ``"a, b, c"``, or ``"a, b or c"`` with ``"or"``."""
        values = cls.values()
        if not conjunction or len(values) < 2:
            return ", ".join(values)
        return f"{', '.join(values[:-1])} {conjunction} {values[-1]}"

    @classmethod
    def pattern(cls, *extra: str) -> str:
        """A regular expression matching exactly the values (and ``extra`` words, such as
        a filter's ``all``), for request validation at the edges."""
        return one_of(*cls.values(), *extra)


def one_of(*values: str) -> str:
    """A regular expression matching exactly one of ``values``."""
    return "^(" + "|".join(re.escape(v) for v in values) + ")$"


# --- lists ----------------------------------------------------------------------------


class ListKind(Vocabulary):
    """What a list is (``source_lists.kind``); the kind decides which side a record
    speaks for (``services/registry/persons.py``)."""

    CAPTURE_CARD = "capture_card"
    ORIGIN_LIST = "origin_list"
    VISIT_LIST = "visit_list"
    INQUIRY = "inquiry"
    REMAINS = "remains"

    @property
    def meaning(self) -> str:
        return _LIST_KIND_MEANINGS[self]


_LIST_KIND_MEANINGS = {
    ListKind.CAPTURE_CARD: "the detaining party's capture notifications",
    ListKind.ORIGIN_LIST: "a party's own list of its missing and captured",
    ListKind.VISIT_LIST: "the intermediary's list from a place-of-detention visit",
    ListKind.INQUIRY: "a family's inquiry about a relative",
    ListKind.REMAINS: "bodies handed over or held, by case number",
}


class QuarantineStatus(Vocabulary):
    """A quarantined row (``quarantined_rows.status``): ``open`` until it is corrected
    or re-validated and ``released`` into its list; ``erased`` with the person it named
    while still open (it can be neither corrected nor re-imported any more)."""

    OPEN = "open"
    RELEASED = "released"
    ERASED = "erased"


# --- identity -------------------------------------------------------------------------


class ReviewStatus(Vocabulary):
    """A pair in the review queue (``match_reviews.status``): ``open``, ``decided`` by a
    reviewer, or ``withdrawn`` (a later resolution no longer finds the pair uncertain)."""

    OPEN = "open"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class Verdict(Vocabulary):
    """A reviewer's verdict on a pair of records (``match_decisions.decision``)."""

    SAME = "same"
    DIFFERENT = "different"


class PersonStatus(Vocabulary):
    """Where a person stands, from the records and the exchange's events (the rule that
    picks the current one is :mod:`parley.domain.person_status`). ``wishes`` (a later
    interview in which the person chose to return) is a step of a person's history, never
    a status itself: it undoes an earlier ``declined_repatriation``."""

    MISSING = "missing"
    HELD = "held"
    NOMINATED = "nominated"
    VERIFIED = "verified"
    DECLINED_REPATRIATION = "declined_repatriation"
    HANDED_OVER = "handed_over"
    REPATRIATED = "repatriated"
    DECEASED = "deceased"
    WISHES = "wishes"


# --- organisation and access ----------------------------------------------------------


class PartyKind(Vocabulary):
    """What a registered party is (``parties.kind``): a party to the conflict or the
    neutral intermediary."""

    PARTY = "party"
    INTERMEDIARY = "intermediary"


class Role(Vocabulary):
    """Who is looking, and so what they may see (``users.role``, ``access_log.role``).

    Users sign in as the intermediary's officers or a party's office
    (:data:`USER_ROLES`); a family reaches Parley through an inquiry's tracking code,
    and the public needs no account.
    """

    INTERMEDIARY = "intermediary"
    PARTY = "party"
    FAMILY = "family"
    PUBLIC = "public"


USER_ROLES: tuple[Role, ...] = (Role.INTERMEDIARY, Role.PARTY)


# --- exchange -------------------------------------------------------------------------


class Check(Vocabulary):
    """A check of a nomination (``verifications.kind``): the receiving party confirms the
    person's identity, the intermediary their eligibility."""

    IDENTITY = "identity"
    ELIGIBILITY = "eligibility"


class CheckOutcome(Vocabulary):
    """The outcome of a :class:`Check` (``verifications.outcome``)."""

    CONFIRMED = "confirmed"
    REFUSED = "refused"


class StageStatus(Vocabulary):
    """A stage (``stages.status``): ``planned``, then ``closed`` once signed by all
    three sides."""

    PLANNED = "planned"
    CLOSED = "closed"


class StagePersonState(Vocabulary):
    """A person on a stage's list (``stage_persons.state``): ``listed``, ``withdrawn``
    (taken off the list) or ``carried`` (moved on to a later stage)."""

    LISTED = "listed"
    WITHDRAWN = "withdrawn"
    CARRIED = "carried"


class StagePersonOrigin(Vocabulary):
    """How a person came onto a stage's list (``stage_persons.origin``): by the plan,
    carried from an earlier stage, or admitted (handed over unlisted, then agreed)."""

    PLANNED = "planned"
    CARRIED = "carried"
    ADMITTED = "admitted"


class HandoverRole(Vocabulary):
    """The three sides that confirm each handover (``handover_confirmations.role``,
    ``remains_confirmations.role``): a person or a remains case counts as handed over
    once all three have confirmed (:func:`parley.domain.handover.confirmed_by_all`)."""

    SENDING = "sending"
    RECEIVING = "receiving"
    INTERMEDIARY = "intermediary"


class Resolution(Vocabulary):
    """How a discrepancy was resolved (``discrepancies.resolution``); which two each
    :class:`DiscrepancyKind` allows, and what each means, are the handover rules
    (:mod:`parley.domain.handover`)."""

    PERSON_REMAINS_HELD = "person_remains_held"
    HANDED_OVER = "handed_over"
    ADMITTED = "admitted"
    RETURNED = "returned"
    IDENTITY_CONFIRMED = "identity_confirmed"
    WITHDRAWN_UNCONFIRMED = "withdrawn_unconfirmed"
    CONFIRMATIONS_AGREE = "confirmations_agree"


class DiscrepancyKind(Vocabulary):
    """What went wrong in a stage (``discrepancies.kind``):

    - ``not_handed_over``: on the list, confirmed by nobody;
    - ``not_nominated``: handed over without being on the list (reported by a side);
    - ``identity_disputed``: the receiving party disputes who the person is;
    - ``count_mismatch``: the three sides' confirmed counts differ in a direction and
      category (persons or remains cases).
    """

    NOT_HANDED_OVER = "not_handed_over"
    NOT_NOMINATED = "not_nominated"
    IDENTITY_DISPUTED = "identity_disputed"
    COUNT_MISMATCH = "count_mismatch"


class DiscrepancyStatus(Vocabulary):
    """A discrepancy (``discrepancies.status``): ``open`` until ``resolved``. A stage
    closes only with none open."""

    OPEN = "open"
    RESOLVED = "resolved"


# --- publication ----------------------------------------------------------------------


class PublicationDecision(Vocabulary):
    """The intermediary's decision on a stage's publication
    (``publication_decisions.decision``)."""

    HOLD = "hold"
    RELEASE = "release"


# --- directions -----------------------------------------------------------------------


_PARTY_CODE = r"[A-Z0-9]{1,16}"
_IS_PARTY_CODE = re.compile(_PARTY_CODE)


class Direction(str):
    """A handover's direction: the sending party's code, ``->``, the receiving party's.

    ``Direction.of("RU", "UA")`` formats one, ``Direction.parse("RU->UA")`` (or
    ``Direction("RU->UA")``) reads one; both refuse anything but two different party
    codes (1-16 upper-case letters or digits). It is the text itself, so it is stored,
    compared, sorted and put in events as ``"RU->UA"``.
    """

    __slots__ = ()
    SEPARATOR = "->"
    #: The form as a regular expression, for request validation at the edges.
    PATTERN = f"^{_PARTY_CODE}->{_PARTY_CODE}$"

    def __new__(cls, value: str) -> Direction:
        if isinstance(value, Direction):
            return value
        if not isinstance(value, str):
            raise VocabularyError(f"direction {value!r} is not SENDING->RECEIVING")
        sending, sep, receiving = value.partition(cls.SEPARATOR)
        if not sep:
            raise VocabularyError(f"direction {value!r} is not SENDING->RECEIVING")
        _check_parties(sending, receiving)
        return super().__new__(cls, value)

    @classmethod
    def of(cls, sending: str, receiving: str) -> Direction:
        """The direction from ``sending`` to ``receiving`` (party codes)."""
        _check_parties(sending, receiving)
        return cls(f"{sending}{cls.SEPARATOR}{receiving}")

    @classmethod
    def parse(cls, value: str) -> Direction:
        """``"RU->UA"`` as a direction; :class:`VocabularyError` if it is not one."""
        return cls(value)

    @classmethod
    def unchecked_parties(cls, text: str) -> tuple[str, str]:
        """``(sending, receiving)`` of ``text`` read as a direction without checking it:
        for reports and verifiers that read data which may be malformed and must report
        the problem elsewhere rather than stop (``"junk"`` gives ``("junk", "")``)."""
        sending, _, receiving = str(text).partition(cls.SEPARATOR)
        return sending, receiving

    @property
    def sending(self) -> str:
        return self.partition(self.SEPARATOR)[0]

    @property
    def receiving(self) -> str:
        return self.partition(self.SEPARATOR)[2]

    @property
    def parties(self) -> tuple[str, str]:
        """``(sending, receiving)``."""
        return self.sending, self.receiving

    def reverse(self) -> Direction:
        return Direction.of(self.receiving, self.sending)

    def __repr__(self) -> str:
        return f"Direction({str(self)!r})"


def _check_parties(sending: str, receiving: str) -> None:
    if not (isinstance(sending, str) and isinstance(receiving, str)
            and _IS_PARTY_CODE.fullmatch(sending) and _IS_PARTY_CODE.fullmatch(receiving)) \
            or sending == receiving:
        raise VocabularyError(f"not a direction between two party codes: "
                              f"{sending}->{receiving}")


__all__ = [
    "USER_ROLES", "Check", "CheckOutcome", "Direction", "DiscrepancyKind",
    "DiscrepancyStatus", "HandoverRole", "ListKind", "PartyKind", "PersonStatus",
    "PublicationDecision", "QuarantineStatus", "Resolution", "ReviewStatus", "Role",
    "StagePersonOrigin", "StagePersonState", "StageStatus", "Verdict", "Vocabulary",
    "VocabularyError", "one_of",
]
