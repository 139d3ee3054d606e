"""What Parley knows about persons: facts for eligibility, sides, and the current status.

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

**Facts** come from the linked records (sealed; opened here) and from events: birth
dates (``yyyy-mm-dd``, ``yyyy-mm`` or ``yyyy``), civilian or serviceman (the ``status``
and ``rank`` columns, a service number), deceased (``status``; a remains case
identified), a wound or sickness reported (``status``), certified (``medical.certified``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from parley.bootstrap import App
from parley.domain.eligibility import BirthDate, PersonFacts
from parley.errors import NotFound
from parley.store import RecordCipher
from parley.store.keyed import KeyedQuery, keyed
from parley.store.sealed_text import ListSources
from parley.store.tables import (
    actors,
    events,
    handover_confirmations,
    interviews,
    medical_certifications,
    nominations,
    parties,
    persons,
    record_links,
    remains_cases,
    source_lists,
    source_records,
    stage_persons,
    stages,
    verifications,
)

HOLDER_KINDS = frozenset({"capture_card", "visit_list"})
ORIGIN_KINDS = frozenset({"origin_list", "inquiry"})
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

STATUSES = ("held", "nominated", "verified", "handed_over", "repatriated",
            "declined_repatriation", "deceased", "missing")


@dataclass(frozen=True)
class PersonRecord:
    """One source record linked to a person, with its list's provenance."""

    record_id: str
    list_id: str
    kind: str
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


def _has(text: str | None, words: Iterable[str]) -> bool:
    if not text:
        return False
    folded = text.casefold()
    return any(w in folded for w in words)


_RECORDS = KeyedQuery.of(
    select(record_links.c.person_id, record_links.c.event_seq.label("link_seq"),
           source_records.c.id, source_records.c.list_id, source_records.c.sealed,
           source_records.c.commitment, source_records.c.row_number,
           source_lists.c.kind, source_lists.c.party_code,
           source_lists.c.event_seq.label("list_seq"))
    .join(source_records, source_records.c.id == record_links.c.record_id)
    .join(source_lists, source_lists.c.id == source_records.c.list_id),
    record_links.c.person_id)
_CERTIFIED = KeyedQuery.of(select(medical_certifications), medical_certifications.c.person_id)
_IDENTIFIED = KeyedQuery.of(select(remains_cases).where(remains_cases.c.person_id.is_not(None)),
                        remains_cases.c.person_id)
_CONFLICT = select(parties.c.code).where(parties.c.kind == "party")
_PERSONS = KeyedQuery.of(select(persons.c.id), persons.c.id)
_VIEWER_KIND = (select(parties.c.kind).join(actors, actors.c.party_code == parties.c.code)
                .where(actors.c.id == bindparam("actor")))
_NOMINATIONS = KeyedQuery.of(select(nominations), nominations.c.person_id)
_VERIFICATIONS = KeyedQuery.of(select(verifications), verifications.c.nomination_id)
_INTERVIEWS = KeyedQuery.of(select(interviews), interviews.c.nomination_id)
_AGREEMENT_STAGES = KeyedQuery.of(select(stages.c.id), stages.c.agreement_id)
_LISTED: Select[Any] = (
    select(stage_persons.c.stage_id, stage_persons.c.person_id, stages.c.number,
           stages.c.stage_date, stages.c.closed_seq)
    .join(stages, stages.c.id == stage_persons.c.stage_id)
    .where(stage_persons.c.state == "listed"))
_CONFIRMATIONS: Select[Any] = select(handover_confirmations.c.stage_id,
                                     handover_confirmations.c.person_id,
                                     handover_confirmations.c.event_seq)
_STAGE_IDS: BindParameter[list[str]] = bindparam("stages", expanding=True)
_PERSON_IDS: BindParameter[list[str]] = bindparam("ids", expanding=True)
_LISTED_OF = _LISTED.where(stage_persons.c.stage_id.in_(_STAGE_IDS),
                           stage_persons.c.person_id.in_(_PERSON_IDS))
_CONFIRMATIONS_OF = _CONFIRMATIONS.where(
    handover_confirmations.c.stage_id.in_(_STAGE_IDS),
    handover_confirmations.c.person_id.in_(_PERSON_IDS))
_EVENT_TYPES = select(events.c.seq, events.c.type).where(
    events.c.seq.in_(bindparam("seqs", expanding=True)))


def load_records(conn: Connection, cipher: RecordCipher,
                 person_ids: Iterable[str] | None = None) -> dict[str, list[PersonRecord]]:
    """Every person's linked records (opened), in list then row order."""
    wanted = None if person_ids is None else set(person_ids)
    rows = _RECORDS.run(conn, keyed(wanted))
    sources = ListSources(cipher, conn)
    out: dict[str, list[PersonRecord]] = defaultdict(list)
    for r in rows:
        if wanted is not None and r.person_id not in wanted:
            continue
        fields = None if r.sealed is None else cipher.open(r.sealed, row_id=r.id)
        out[r.person_id].append(PersonRecord(
            record_id=r.id, list_id=r.list_id, kind=r.kind, source=sources[r.list_id],
            party=r.party_code, commitment=r.commitment, list_seq=r.list_seq,
            link_seq=r.link_seq, row_number=r.row_number, fields=fields))
    for recs in out.values():
        recs.sort(key=lambda x: (x.list_seq, x.row_number))
    return dict(out)


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
            if rec.fields and _has(rec.fields.get("status"), CAPTURED_WORDS):
                seen = True
    return Sides(holders=holders, owns=owns, seen_held=seen)


def facts_of(person_id: str, records: Iterable[PersonRecord], *,
             certified: bool | None = None, certified_source: str = "",
             identified_case: str | None = None) -> PersonFacts:
    """A person's facts for eligibility, each with where it came from."""
    recs = list(records)
    births: list[BirthDate] = []
    sources: dict[str, str] = {}
    civilian: bool | None = None
    deceased: bool | None = None
    reported = False
    held = False
    rank: str | None = None
    own_rank: str | None = None
    for rec in recs:
        f = rec.fields or {}
        if rec.kind in HOLDER_KINDS:
            held = True
        if f.get("birth_date"):
            born = BirthDate.parse(f["birth_date"], source=rec.source)
            if born is not None:
                births.append(born)
        status, rank_text = f.get("status"), f.get("rank")
        if _has(status, CIVILIAN_WORDS) or _has(rank_text, CIVILIAN_WORDS):
            civilian = True
            sources.setdefault("civilian", rec.source)
        elif civilian is None and (f.get("service_number") or _has(rank_text, MILITARY_RANKS)):
            civilian = False
            sources.setdefault("civilian", rec.source)
        if _has(status, DECEASED_WORDS):
            deceased = True
            sources["deceased"] = rec.source
        if _has(status, WOUNDED_WORDS):
            reported = True
            sources.setdefault("wounded_reported", rec.source)
        if _has(status, CAPTURED_WORDS):
            held = True
        if rank_text:
            rank = rank or rank_text
            if rec.kind in ORIGIN_KINDS:
                own_rank = own_rank or rank_text
    if identified_case is not None:
        deceased = True
        sources["deceased"] = f"remains case {identified_case}"
    elif deceased is None and held:
        deceased = False
    if certified is not None:
        sources["seriously_wounded_or_sick"] = certified_source
    return PersonFacts(
        person_id=person_id, births=tuple(births), wounded_certified=certified,
        wounded_reported=reported, civilian=civilian, deceased=deceased,
        rank=own_rank or rank, lists=frozenset(r.list_id for r in recs), sources=sources)


@dataclass(frozen=True)
class PersonView:
    """A person's facts and sides, as the exchange services use them."""

    person_id: str
    records: list[PersonRecord]
    facts: PersonFacts
    sides: Sides


def load_people(conn: Connection, cipher: RecordCipher,
                person_ids: Iterable[str] | None = None) -> dict[str, PersonView]:
    """Facts and sides of the given persons (every person when None)."""
    records = load_records(conn, cipher, person_ids)
    keys = keyed(person_ids)
    certified = {r.person_id: (r.finding == "yes", f"certified by {r.actor}, event {r.event_seq}")
                 for r in _CERTIFIED.run(conn, keys)}
    identified = {r.person_id: r.case_number for r in _IDENTIFIED.run(conn, keys)}
    conflict = list(conn.execute(_CONFLICT).scalars())
    ids = list(records) if person_ids is None else list(person_ids)
    out = {}
    for pid in ids:
        recs = records.get(pid, [])
        cert = certified.get(pid)
        out[pid] = PersonView(
            person_id=pid, records=recs,
            facts=facts_of(pid, recs, certified=cert[0] if cert else None,
                           certified_source=cert[1] if cert else "",
                           identified_case=identified.get(pid)),
            sides=sides_of(recs, parties=conflict))
    return out


# --- status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonStatus:
    """A person's current status and the event (and source) that established it."""

    person_id: str
    status: str
    event_seq: int | None
    event_type: str | None
    source: str
    history: list[tuple[str, int | None, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"person_id": self.person_id, "status": self.status,
                "event_seq": self.event_seq, "event_type": self.event_type,
                "source": self.source,
                "history": [{"status": s, "event_seq": q, "source": src}
                            for s, q, src in self.history]}


def person_status(app: App, person_id: str, *, viewer: str | None = None) -> PersonStatus:
    """The status of one person as ``viewer`` may see it (an actor id; None: the
    intermediary). Parties never see ``declined_repatriation``: for them such a person
    keeps the status before the interview."""
    return statuses(app, [person_id], viewer=viewer)[person_id]


def statuses(app: App, person_ids: Iterable[str] | None = None, *,
             viewer: str | None = None) -> dict[str, PersonStatus]:
    """The status of many persons (every person when None), one read."""
    with app.read() as conn:
        confidential = True
        if viewer is not None:
            kind = conn.execute(_VIEWER_KIND, {"actor": viewer}).scalar()
            if kind is None:
                raise NotFound(f"actor {viewer} is not registered")
            confidential = kind == "intermediary"
        ids = list(conn.execute(_PERSONS.whole).scalars()) if person_ids is None \
            else list(person_ids)
        known = set(_PERSONS.run(conn, keyed(ids)).scalars())
        for pid in ids:
            if pid not in known:
                raise NotFound(f"person {pid} is not known")
        views = load_people(conn, app.cipher, ids)
        steps = _exchange_steps(conn, app, set(ids), confidential=confidential)
        types = _event_types(conn, {q for s in steps.values() for _, q, _ in s}
                             | {r.link_seq for v in views.values() for r in v.records})
    out = {}
    for pid in ids:
        view = views[pid]
        history: list[tuple[str, int | None, str]] = []
        base = _base_status(view)
        history.append(base)
        history += sorted(steps.get(pid, []), key=lambda s: s[1] or 0)
        current = _current(history)
        out[pid] = PersonStatus(person_id=pid, status=current[0], event_seq=current[1],
                                event_type=types.get(current[1]) if current[1] else None,
                                source=current[2], history=history)
    return out


_RANK = {"missing": 0, "held": 0, "nominated": 1, "verified": 2, "declined_repatriation": 3,
         "handed_over": 4, "repatriated": 5, "deceased": 6}


def _current(history: list[tuple[str, int | None, str]]) -> tuple[str, int | None, str]:
    best = history[0]
    for step in history[1:]:
        if step[0] == "wishes":  # a later interview in which the person chose to return
            if best[0] == "declined_repatriation":
                best = ("verified", step[1], step[2])
            continue
        if _RANK[step[0]] >= _RANK[best[0]]:
            best = step
    return best


def _base_status(view: PersonView) -> tuple[str, int | None, str]:
    recs = view.records
    if view.facts.deceased:
        source = view.facts.sources.get("deceased", "")
        rec = next((r for r in recs if r.source == source), None)
        if rec is not None:
            return ("deceased", rec.link_seq, f"list {rec.source}")
    held = [r for r in recs if r.kind in HOLDER_KINDS]
    if held:
        return ("held", held[0].link_seq, f"list {held[0].source} ({held[0].kind}, "
                                         f"{held[0].party})")
    if recs:
        return ("missing", recs[0].link_seq, f"list {recs[0].source} ({recs[0].kind}); "
                                            "no detaining party's record")
    return ("missing", None, "no records")


def _exchange_steps(conn: Connection, app: App, ids: set[str], *, confidential: bool
                    ) -> dict[str, list[tuple[str, int | None, str]]]:
    """Each person's steps through the exchange (nominated, verified, interviewed, handed
    over, repatriated, identified among remains), each with its event and source.

    A few persons (a status page, an API read) are read by key through indexes; many are
    read table by table and filtered here."""
    keys = keyed(ids)
    steps: dict[str, list[tuple[str, int | None, str]]] = defaultdict(list)
    noms = {r.id: r for r in _NOMINATIONS.run(conn, keys) if r.person_id in ids}
    for r in noms.values():
        steps[r.person_id].append(("nominated", r.event_seq, f"nominated by {r.nominated_by}"))
    if not noms:
        return _identified(conn, ids, keys, steps)
    nom_keys = sorted(noms) if keys is not None else None
    checks: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for r in _VERIFICATIONS.run(conn, nom_keys):
        if r.nomination_id in noms:
            checks[r.nomination_id][r.kind] = (r.outcome, r.event_seq)
    for nom_id, done in checks.items():
        if all(done.get(k, ("", 0))[0] == "confirmed" for k in ("identity", "eligibility")):
            seq = max(q for _, q in done.values())
            steps[noms[nom_id].person_id].append(
                ("verified", seq, "identity confirmed by the receiving party, eligibility "
                                  "by the intermediary"))
    if confidential:
        latest: dict[str, tuple[int, bytes, str]] = {}
        for r in _INTERVIEWS.run(conn, nom_keys):
            if r.nomination_id in noms and (r.nomination_id not in latest
                                            or r.event_seq > latest[r.nomination_id][0]):
                latest[r.nomination_id] = (r.event_seq, r.sealed, r.id)
        for nom_id, (seq, sealed, row_id) in latest.items():
            outcome = app.cipher.open(sealed, row_id=row_id).get("outcome")
            pid = noms[nom_id].person_id
            if outcome == "declines":
                steps[pid].append(("declined_repatriation", seq,
                                   "private interview by the intermediary (confidential)"))
            elif outcome == "wishes":
                steps[pid].append(("wishes", seq, "private interview by the intermediary"))
    if keys is None:
        confirmations, listed = conn.execute(_CONFIRMATIONS), conn.execute(_LISTED)
    else:
        # A person is on a stage of an agreement that nominated them; reading through the
        # nominations keeps every lookup on a key (stage, person).
        on = {"stages": list(_AGREEMENT_STAGES.run(
            conn, sorted({r.agreement_id for r in noms.values()})).scalars()), "ids": keys}
        confirmations = conn.execute(_CONFIRMATIONS_OF, on)
        listed = conn.execute(_LISTED_OF, on)
    confirmed: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in confirmations:
        if r.person_id in ids:
            confirmed[(r.stage_id, r.person_id)].append(r.event_seq)
    for r in listed:
        seqs = confirmed.get((r.stage_id, r.person_id), [])
        if r.person_id not in ids or len(seqs) < 3:
            continue
        steps[r.person_id].append(("handed_over", max(seqs),
                                   f"stage {r.number} ({r.stage_date}), confirmed by "
                                   "sending, receiving and intermediary"))
        if r.closed_seq is not None:
            steps[r.person_id].append(("repatriated", r.closed_seq,
                                       f"stage {r.number} closed and signed by all three"))
    return _identified(conn, ids, keys, steps)


def _identified(conn: Connection, ids: set[str], keys: list[str] | None,
                steps: dict[str, list[tuple[str, int | None, str]]]
                ) -> dict[str, list[tuple[str, int | None, str]]]:
    """Add the remains cases identified as the persons to their steps."""
    for r in _IDENTIFIED.run(conn, keys):
        if r.person_id in ids:
            steps[r.person_id].append(("deceased", r.identified_seq,
                                       f"remains case {r.case_number} identified"))
    return steps


def _event_types(conn: Connection, seqs: set[int | None]) -> dict[int | None, str]:
    wanted = sorted(q for q in seqs if q is not None)
    out: dict[int | None, str] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        for r in conn.execute(_EVENT_TYPES, {"seqs": chunk}):
            out[r.seq] = r.type
    return out
