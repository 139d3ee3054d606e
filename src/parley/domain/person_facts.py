"""What a person's records say: which sides the person stands between, and the facts.

The rules here read the source records linked to one person (already opened: the
registry service loads and unseals them) and do no I/O.

**Sides.** Which party holds a person and which party the person belongs to come from
the kinds of the lists the person's records are on (``docs/exchange.md``):

- ``capture_card`` and ``visit_list``: the list's party is the **detaining** party
  (its capture notifications; the places of detention the intermediary visited);
- ``origin_list`` and ``inquiry``: the list's party is the person's **own** party (its
  list of its missing and captured; a family's inquiry through it).

When only one side is known, the other is the agreement's other party (a person on the
detaining party's cards belongs to the other side; a person on an origin list marked
captured is held by the other side). Two different detaining parties, or two different
own parties, leave the side unknown (and the person out of any direction) until the
records are corrected or re-linked.

**Facts** come from the linked records and from events: birth dates (``yyyy-mm-dd``,
``yyyy-mm`` or ``yyyy``), civilian or serviceman (the ``status`` and ``rank`` columns, a
service number), deceased (``status``; a remains case identified), a wound or sickness
reported (``status``), certified (``medical.certified``). A list's ``status`` and
``rank`` cells are free text in Ukrainian, Russian or English; the word lists below are
matched as case-folded substrings (stems: ``поранен`` finds ``поранений``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from parley.domain.eligibility import BirthDate, PersonFacts
from parley.domain.vocabulary import ListKind

#: Lists whose party is the detaining party.
HOLDER_KINDS = frozenset({ListKind.CAPTURE_CARD, ListKind.VISIT_LIST})
#: Lists whose party is the person's own party.
ORIGIN_KINDS = frozenset({ListKind.ORIGIN_LIST, ListKind.INQUIRY})

DECEASED_WORDS = ("deceased", "dead", "killed", "died", "загинув", "загибл", "помер",
                  "погиб", "умер", "убит", "мертв")
CIVILIAN_WORDS = ("civilian", "цивільн", "гражданск", "мирн")
WOUNDED_WORDS = ("wounded", "sick", "injured", "поранен", "хвор", "ранен", "болен",
                 "травм")
CAPTURED_WORDS = ("captured", "pow", "prisoner", "detained", "полон", "плен", "затриман",
                  "задержан")
MILITARY_RANKS = ("солдат", "сержант", "лейтенант", "капітан", "капитан", "майор",
                  "полковник", "рядов", "матрос", "старшина", "прапорщик", "єфрейтор",
                  "ефрейтор", "private", "sergeant", "lieutenant", "captain", "major",
                  "colonel", "corporal")


def says(text: str | None, words: Iterable[str]) -> bool:
    """Whether a free-text cell contains one of ``words`` (case-folded substrings)."""
    if not text:
        return False
    folded = text.casefold()
    return any(w in folded for w in words)


@dataclass(frozen=True)
class PersonRecord:
    """One source record linked to a person, with its list's provenance."""

    record_id: str
    list_id: str
    kind: ListKind
    source: str
    party: str | None
    commitment: str
    list_seq: int
    link_seq: int
    row_number: int
    fields: Mapping[str, str] | None  # None once erased


@dataclass(frozen=True)
class Sides:
    """Which parties' lists say they detain the person (``holders``) or list the person as
    their own (``owns``), each with the first list that says so; ``seen_held`` when the
    person is known to be in detention (a capture card, a visit list, an origin list
    marking the person captured)."""

    holders: Mapping[str, str]
    owns: Mapping[str, str]
    seen_held: bool

    def direction(self, parties: tuple[str, str]) -> tuple[str, str] | None:
        """``(sending, receiving)`` between the agreement's ``parties`` (None: unknown)."""
        a, b = parties
        holders = [p for p in self.holders if p in parties]
        owns = [p for p in self.owns if p in parties]
        if len(holders) > 1 or len(owns) > 1:
            return None
        own = owns[0] if owns else (b if holders[0] == a else a) if holders else None
        holder = holders[0] if holders else \
            (b if own == a else a) if own is not None and self.seen_held else None
        if holder is None or own is None or holder == own:
            return None
        return holder, own

    @property
    def problem(self) -> str:
        """Why the sides cannot be told apart, if they cannot."""
        if len(self.holders) > 1:
            return f"detained according to lists of {', '.join(sorted(self.holders))}"
        if len(self.owns) > 1:
            return f"claimed as their own by {', '.join(sorted(self.owns))}"
        if set(self.holders) & set(self.owns):
            return f"{next(iter(self.holders))} both detains the person and lists them as " \
                   "its own"
        if not self.holders and not self.seen_held:
            return "no list says the person is detained"
        return ""


def sides_of(records: Iterable[PersonRecord], *, parties: Iterable[str] = ()) -> Sides:
    """Derive the detaining and own party from the kinds of lists the records are on.

    A visit list made by the intermediary itself (its party is not one of ``parties``
    of the conflict, when given) says only that the person is detained, not by whom."""
    conflict = set(parties)
    holders: dict[str, str] = {}
    owns: dict[str, str] = {}
    seen = False
    for rec in records:
        if rec.kind in HOLDER_KINDS:
            seen = True
            if rec.party is not None and (not conflict or rec.party in conflict):
                holders.setdefault(rec.party, rec.source)
        elif rec.kind in ORIGIN_KINDS:
            if rec.party is not None:
                owns.setdefault(rec.party, rec.source)
            if rec.fields and says(rec.fields.get("status"), CAPTURED_WORDS):
                seen = True
    return Sides(holders=holders, owns=owns, seen_held=seen)


def facts_of(person_id: str, records: Iterable[PersonRecord], *,
             certified: bool | None = None, certified_source: str = "",
             identified_case: str | None = None) -> PersonFacts:
    """A person's facts for eligibility, each with where it came from.

    ``certified`` is the intermediary's medical finding (None: none recorded) and
    ``identified_case`` the remains case identified as the person, if any."""
    recs = list(records)
    sources: dict[str, str] = {}
    births = [born for rec in recs if (rec.fields or {}).get("birth_date")
              and (born := BirthDate.parse((rec.fields or {})["birth_date"],
                                           source=rec.source)) is not None]
    civilian = _civilian(recs, sources)
    deceased = _deceased(recs, sources, identified_case)
    reported = _first_saying(recs, WOUNDED_WORDS)
    if reported is not None:
        sources["wounded_reported"] = reported.source
    if certified is not None:
        sources["seriously_wounded_or_sick"] = certified_source
    return PersonFacts(
        person_id=person_id, births=tuple(births), wounded_certified=certified,
        wounded_reported=reported is not None, civilian=civilian, deceased=deceased,
        rank=_rank(recs), lists=frozenset(r.list_id for r in recs), sources=sources)


def _status(rec: PersonRecord) -> str | None:
    return (rec.fields or {}).get("status")


def _first_saying(records: Iterable[PersonRecord], words: Iterable[str]
                  ) -> PersonRecord | None:
    """The first record whose status says one of ``words``."""
    return next((rec for rec in records if says(_status(rec), words)), None)


def _civilian(records: Sequence[PersonRecord], sources: dict[str, str]) -> bool | None:
    """Civilian when a status or rank says so (whatever other records say); a
    serviceman when a service number or a military rank says so and nothing says
    civilian; None when nothing says. The source is the first record that said either."""
    civilian: bool | None = None
    for rec in records:
        f = rec.fields or {}
        rank_text = f.get("rank")
        if says(f.get("status"), CIVILIAN_WORDS) or says(rank_text, CIVILIAN_WORDS):
            civilian = True
        elif civilian is None and (f.get("service_number") or says(rank_text, MILITARY_RANKS)):
            civilian = False
        else:
            continue
        sources.setdefault("civilian", rec.source)
    return civilian


def _deceased(records: Sequence[PersonRecord], sources: dict[str, str],
              identified_case: str | None) -> bool | None:
    """Deceased when remains were identified as the person, or a status says so (the
    last such record is the source); alive when known to be held; else unknown."""
    if identified_case is not None:
        sources["deceased"] = f"remains case {identified_case}"
        return True
    said = [rec for rec in records if says(_status(rec), DECEASED_WORDS)]
    if said:
        sources["deceased"] = said[-1].source
        return True
    held = any(rec.kind in HOLDER_KINDS or says(_status(rec), CAPTURED_WORDS)
               for rec in records)
    return False if held else None


def _rank(records: Sequence[PersonRecord]) -> str | None:
    """The rank the person's own party's lists give, else the first any list gives."""
    ranks = [(rec.kind, rank) for rec in records if (rank := (rec.fields or {}).get("rank"))]
    own = next((rank for kind, rank in ranks if kind in ORIGIN_KINDS), None)
    return own or next((rank for _, rank in ranks), None)


@dataclass(frozen=True)
class PersonView:
    """A person's records, facts and sides, as the exchange services use them."""

    person_id: str
    records: list[PersonRecord]
    facts: PersonFacts
    sides: Sides
