"""Identity resolution against the registry: one person per human being, across every list.

The calls other areas use (each one transaction, each appending its events):

- :func:`resolve_list` ``(app, *, list_id, actor) -> ResolutionSummary`` — resolve one
  newly recorded list against the persons already known. Incremental: only the
  records of that list and the components of the link graph they reach are
  re-clustered; every record of the list ends up linked to an existing person or to a
  new one; uncertain pairs go to the review queue. A list already resolved is a no-op.
  The persons come out the same as a batch run over all records would make them.
- :func:`resolve_all` ``(app, *, actor, retrain=False, engine="duckdb") ->
  ResolutionSummary`` — batch: every record through Splink at once (trains and saves
  a new model version first when ``retrain`` or when none is saved).
- :func:`review_queue` / :func:`decide` — list the open review pairs with their
  evidence; record a reviewer's ``same``/``different`` verdict, which re-clusters the
  pair's component at once and binds every later run (must-link / cannot-link).
- :func:`current_person`, :func:`person_of_record`, :func:`person_records` — follow
  merges (a merged person's id leads to the person it became part of).
- :func:`find_person` — the known persons a set of fields (an inquiry) may describe.

Links record how they were made (``record_links.method``): ``single`` (a new person),
``auto`` (linked within a batch or a new list above the high threshold),
``incremental`` (joined a person who existed before), ``review`` (a reviewer's
decision). Probabilities travel in events as decimal strings; no event holds
personal data (records appear as commitments).
"""

from __future__ import annotations

import json
import threading
import uuid
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.events import (
    IdentityLinked,
    IdentityMerged,
    IdentityResolved,
    IdentitySplit,
    LinkageModelSaved,
    MatchDecided,
    MatchQueued,
)
from parley.domain.vocabulary import ReviewStatus, Verdict
from parley.errors import Conflict, InputError, NotFound
from parley.linkage import (
    Candidate,
    Changes,
    Decisions,
    Features,
    LinkageModel,
    LinkRecord,
    Registry,
    apply_partition,
    default_model,
    features,
    fit_model,
    link_rows,
    pair,
)
from parley.store import UnitOfWork, timestamp
from parley.store.sealed_text import ListSources
from parley.store.tables import (
    linkage_models,
    match_decisions,
    match_reviews,
    person_redirects,
    persons,
    record_links,
    source_lists,
    source_records,
)


@dataclass(frozen=True)
class ResolutionSummary:
    """What one resolution run did (counts only)."""

    scope: str
    list_id: str | None
    records: int  # records placed or re-examined
    linked: int  # records now with a person who existed before the run
    new_persons: int
    merged: int
    split: int
    queued: int  # review pairs newly opened
    model_version: int


@dataclass(frozen=True)
class RecordView:
    """One record as a reviewer sees it: where it came from and what it says."""

    id: str
    list_id: str
    source: str
    row_number: int
    record_id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class ReviewItem:
    id: str
    status: ReviewStatus
    probability: float
    reason: str
    evidence: list[dict[str, Any]]
    records: tuple[RecordView, RecordView]
    model_version: int
    decision: Verdict | None = None


@dataclass(frozen=True)
class DecisionSummary:
    review_id: str | None
    decision: Verdict
    resolution: ResolutionSummary


# --- resolution ----------------------------------------------------------------------------


def resolve_list(app: App, *, list_id: str, actor: str) -> ResolutionSummary:
    """Resolve the records of ``list_id`` against the registry (see the module doc)."""
    with app.uow() as uow:
        summary, changed = _resolve_list(uow, app, list_id=list_id, actor=actor)
        if changed:
            uow.commit()
    return summary


def _resolve_list(uow: UnitOfWork, app: App, *, list_id: str, actor: str
                  ) -> tuple[ResolutionSummary, bool]:
    """Resolve one list inside ``uow``; also says whether anything changed."""
    conn = uow.exclusive()
    if conn.execute(select(source_lists.c.id).where(source_lists.c.id == list_id)
                    ).first() is None:
        raise NotFound(f"list {list_id} does not exist")
    state = _load(app, conn)
    new = [r for r in state.records.values()
           if r.list_id == list_id and r.uid not in state.person_of]
    model = state.model
    if not new:
        return ResolutionSummary("list", list_id, 0, 0, 0, 0, 0, 0,
                                 model.version if model else 0), False
    rows = {r.uid: r.features for r in state.records.values()}
    if model is None:
        model = _save_model(uow, app, fit_model(list(rows.values()), train=True),
                            actor=actor)
    known = [rows[uid] for uid in state.person_of if uid in rows]
    registry = Registry(model, known, state.person_of, state.decisions,
                        state.person_order)
    changes = registry.add([rows[r.uid] for r in new])
    summary = _apply(uow, app, state, changes, registry, scope="list", list_id=list_id,
                     actor=actor, arrived={r.uid for r in new})
    return summary, True


def resolve_all(app: App, *, actor: str, retrain: bool = False, engine: str = "duckdb"
                ) -> ResolutionSummary:
    """Resolve every record at once with Splink (batch); see the module doc."""
    with app.uow() as uow:
        conn = uow.exclusive()
        state = _load(app, conn)
        rows = [r.features for r in state.records.values()]
        model = state.model
        if model is None or retrain:
            model = _save_model(uow, app, fit_model(rows, train=True, engine=engine,
                                                    start=model), actor=actor)
        result = link_rows(rows, model=model, engine=engine, decisions=state.decisions)
        registry = Registry(model, rows, state.person_of, state.decisions, state.person_order)
        changes = apply_partition(result.partition, {r.unique_id for r in rows},
                                  registry)
        summary = _apply(uow, app, state, changes, registry, scope="all", list_id=None,
                         actor=actor, arrived=set())
        uow.commit()
    return summary


def resolve_pending(app: App, *, actor: str) -> list[ResolutionSummary]:
    """Resolve, list by list in import order, every list with unresolved records, in one
    transaction (each list against the registry as the lists before it left it)."""
    with app.uow() as uow:
        pending = uow.exclusive().execute(
            select(source_lists.c.id).where(source_lists.c.id.in_(
                select(source_records.c.list_id).where(
                    source_records.c.sealed.is_not(None),
                    source_records.c.id.not_in(select(record_links.c.record_id)))))
            .order_by(source_lists.c.event_seq)
        ).scalars().all()
        resolved = [_resolve_list(uow, app, list_id=list_id, actor=actor)
                    for list_id in pending]
        if any(changed for _, changed in resolved):
            uow.commit()
    return [summary for summary, _ in resolved]


# --- the review queue ------------------------------------------------------------------------


def review_queue(app: App, *, status: str = ReviewStatus.OPEN, limit: int | None = 50
                 ) -> list[ReviewItem]:
    """Review pairs (a :class:`ReviewStatus`, or ``all``), strongest first."""
    if status not in (*ReviewStatus.values(), "all"):
        raise InputError(f"status {status!r} must be {ReviewStatus.listed()} or all")
    with app.read() as conn:
        query = select(match_reviews).order_by(match_reviews.c.probability.desc(),
                                               match_reviews.c.id)
        if status != "all":
            query = query.where(match_reviews.c.status == status)
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
        uids = {u for r in rows for u in (r.record_a, r.record_b)}
        views = _record_views(app, conn, uids)
        verdicts = {(d.record_a, d.record_b): Verdict(d.decision)
                    for d in conn.execute(select(match_decisions)).all()}
    return [ReviewItem(id=r.id, status=ReviewStatus(r.status), probability=r.probability,
                       reason=r.reason,
                       evidence=json.loads(r.evidence),
                       records=(views[r.record_a], views[r.record_b]),
                       model_version=r.model_version,
                       decision=verdicts.get((r.record_a, r.record_b)))
            for r in rows]


def decide(app: App, *, decision: str, actor: str, review_id: str | None = None,
           records: tuple[str, str] | None = None) -> DecisionSummary:
    """Record a reviewer's verdict on a queued pair (or on any two records) and apply it.

    ``same`` joins the two records' persons, ``different`` keeps them apart; either
    binds every later resolution. A verdict that contradicts earlier ones (``same``
    where a chain of ``same`` verdicts joins records judged ``different``) is refused.
    """
    if decision not in Verdict.values():
        raise InputError(f"decision {decision!r} must be 'same' or 'different'")
    verdict = Verdict(decision)
    if (review_id is None) == (records is None):
        raise InputError("name either a review id or two record ids")
    with app.uow() as uow:
        conn = uow.exclusive()
        if review_id is not None:
            row = conn.execute(select(match_reviews).where(match_reviews.c.id == review_id)
                               ).first()
            if row is None:
                raise NotFound(f"review {review_id} does not exist")
            a, b = row.record_a, row.record_b
        else:
            assert records is not None
            a, b = pair(*records)
            if a == b:
                raise InputError(f"record {a} cannot be judged against itself")
            found = conn.execute(select(source_records.c.id).where(
                source_records.c.id.in_([a, b]))).scalars().all()
            for uid in (a, b):
                if uid not in found:
                    raise NotFound(f"record {uid} does not exist")
            review_id = conn.execute(select(match_reviews.c.id).where(
                match_reviews.c.record_a == a, match_reviews.c.record_b == b)).scalar()
        state = _load(app, conn)
        if a not in state.records or b not in state.records:
            raise Conflict("an erased record cannot be judged; nothing changed")
        same = set(state.decisions.same) - {(a, b)}
        different = set(state.decisions.different) - {(a, b)}
        (same if verdict is Verdict.SAME else different).add((a, b))
        _check_consistent(same, different, (a, b))
        state.decisions = Decisions.of(same, different)
        commitments = [state.records[a].commitment, state.records[b].commitment]
        ev = uow.append(MatchDecided(review_id=review_id, record_commitments=commitments,
                                     decision=verdict), actor=actor)
        conn.execute(delete(match_decisions).where(match_decisions.c.record_a == a,
                                                   match_decisions.c.record_b == b))
        conn.execute(insert(match_decisions).values(
            record_a=a, record_b=b, decision=verdict, review_id=review_id,
            decided_by=actor, decided_at=timestamp(uow.now()), event_seq=ev.seq))
        if review_id is not None:
            conn.execute(update(match_reviews).where(match_reviews.c.id == review_id)
                         .values(status=ReviewStatus.DECIDED))
        model = state.model or default_model()
        rows = [r.features for r in state.records.values()]
        registry = Registry(model, rows, state.person_of, state.decisions, state.person_order)
        changes = registry.recluster([a, b])
        summary = _apply(uow, app, state, changes, registry, scope="decision", list_id=None,
                         actor=actor, arrived=set())
        uow.commit()
    return DecisionSummary(review_id=review_id, decision=verdict, resolution=summary)


def _check_consistent(same: set[tuple[str, str]], different: set[tuple[str, str]],
                      new: tuple[str, str]) -> None:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in same:
        parent[find(a)] = find(b)
    for a, b in different:
        if find(a) == find(b):
            raise Conflict(
                f"records {a} and {b} were judged different, but 'same' verdicts join "
                f"them (now with {new[0]} and {new[1]}); nothing changed"
            )


# --- queries --------------------------------------------------------------------------------


def current_person(app: App, person_id: str) -> str:
    """The person ``person_id`` is now (itself, or the one it was merged into)."""
    with app.read() as conn:
        return _follow(conn, person_id)


def _follow(conn: Connection, person_id: str) -> str:
    if conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
        raise NotFound(f"person {person_id} does not exist")
    seen = {person_id}
    while True:
        target = conn.execute(select(person_redirects.c.merged_into).where(
            person_redirects.c.person_id == person_id)).scalar()
        if target is None or target in seen:
            return person_id
        seen.add(target)
        person_id = target


def person_of_record(app: App, record_id: str) -> str | None:
    """The person a source record (by its row id) is linked to, if resolved."""
    with app.read() as conn:
        return conn.execute(select(record_links.c.person_id).where(
            record_links.c.record_id == record_id)).scalar()


def person_records(app: App, person_id: str) -> list[RecordView]:
    """The records of a person (following a merge), opened for people who may see them."""
    with app.read() as conn:
        current = _follow(conn, person_id)
        uids = conn.execute(select(record_links.c.record_id).where(
            record_links.c.person_id == current)).scalars().all()
        views = _record_views(app, conn, set(uids))
    return sorted(views.values(), key=lambda v: (v.source, v.row_number))


def find_person(app: App, fields: Mapping[str, str], *, limit: int = 5) -> list[Candidate]:
    """Known persons that a record with ``fields`` (an inquiry, say) may describe."""
    with app.read() as conn:
        state = _load(app, conn)
    model = state.model or default_model()
    rows = [r.features for r in state.records.values() if r.uid in state.person_of]
    registry = Registry(model, rows, state.person_of, state.decisions, state.person_order)
    probe = features(LinkRecord(uid=f"probe-{uuid.uuid4()}", source="probe",
                                fields={k: v for k, v in fields.items() if v}))
    return registry.match(probe, limit=limit)


def save_model(app: App, model: LinkageModel, *, actor: str) -> LinkageModel:
    """Save ``model`` as the next version (it is then used by every resolution)."""
    with app.uow() as uow:
        saved = _save_model(uow, app, model, actor=actor)
        uow.commit()
    return saved


# --- loading and writing ---------------------------------------------------------------------


@dataclass
class _Record:
    uid: str
    list_id: str
    commitment: str
    features: Features


class _FeatureCache:
    """Features of the store's records, kept for the life of the process.

    A record never changes once imported, so its id and commitment fix its features: a
    resolution opens (decrypts) and computes only the records it has not seen. Erasure
    empties a record: :func:`forget_records` drops it at once in the erasing process, and
    every load drops the records no longer in the store (erased by another process).
    The cache holds name keys, so it lives in memory only, never on disk.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[str, Features]] = {}

    def get(self, uid: str, commitment: str) -> Features | None:
        with self._lock:
            hit = self._rows.get(uid)
        return hit[1] if hit is not None and hit[0] == commitment else None

    def put(self, uid: str, commitment: str, row: Features) -> None:
        with self._lock:
            self._rows[uid] = (commitment, row)

    def keep_only(self, uids: set[str]) -> None:
        with self._lock:
            for uid in [u for u in self._rows if u not in uids]:
                del self._rows[uid]

    def forget(self, uids: Iterable[str]) -> None:
        with self._lock:
            for uid in uids:
                self._rows.pop(uid, None)

    def __len__(self) -> int:
        return len(self._rows)


_CACHES: dict[int, _FeatureCache] = {}
_CACHES_LOCK = threading.Lock()


def _feature_cache(app: App) -> _FeatureCache:
    """The cache of ``app`` (one per App: tests run several stores in one process)."""
    key = id(app)
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = _CACHES[key] = _FeatureCache()
            weakref.finalize(app, _CACHES.pop, key, None)
    return cache


def forget_records(app: App, record_ids: Iterable[str]) -> None:
    """Drop erased records' features from this process's cache (called by erasure)."""
    _feature_cache(app).forget(record_ids)


@dataclass
class _State:
    records: dict[str, _Record]
    person_of: dict[str, str]
    person_order: dict[str, int]
    decisions: Decisions
    model: LinkageModel | None
    links: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    open_reviews: dict[tuple[str, str], Any] = field(default_factory=dict)


def _load(app: App, conn: Connection) -> _State:
    records: dict[str, _Record] = {}
    cache = _feature_cache(app)
    query = (select(source_records.c.id, source_records.c.list_id, source_records.c.commitment)
             .join(source_lists, source_lists.c.id == source_records.c.list_id)
             .where(source_records.c.sealed.is_not(None))
             .order_by(source_lists.c.event_seq, source_records.c.row_number))
    rows = conn.execute(query).all()
    cache.keep_only({row.id for row in rows})
    missing = [row.id for row in rows if cache.get(row.id, row.commitment) is None]
    for start in range(0, len(missing), 2000):
        chunk = missing[start:start + 2000]
        for sealed in conn.execute(select(source_records.c.id, source_records.c.sealed,
                                          source_records.c.commitment)
                                   .where(source_records.c.id.in_(chunk))
                                   .where(source_records.c.sealed.is_not(None))):
            opened = app.cipher.open(sealed.sealed, row_id=sealed.id)
            opened.pop("extra", None)
            # Cached without the list's name: an erasure may relabel the list.
            record = LinkRecord(uid=sealed.id, source="",
                                fields={k: str(v) for k, v in opened.items()})
            cache.put(sealed.id, sealed.commitment, features(record))
    sources = ListSources(app.cipher, conn)
    for row in rows:
        cached = cache.get(row.id, row.commitment)
        if cached is None:  # erased between the two reads
            continue
        records[row.id] = _Record(row.id, row.list_id, row.commitment,
                                  replace(cached, source=sources[row.list_id]))
    links = {r.record_id: (r.person_id, r.method, r.probability)
             for r in conn.execute(select(record_links))}
    order = {r.id: r.created_seq for r in conn.execute(select(persons.c.id,
                                                              persons.c.created_seq))}
    verdicts = conn.execute(select(match_decisions.c.record_a, match_decisions.c.record_b,
                                   match_decisions.c.decision)).all()
    decisions = Decisions.of(
        [(v.record_a, v.record_b) for v in verdicts if v.decision == Verdict.SAME
         and v.record_a in records and v.record_b in records],
        [(v.record_a, v.record_b) for v in verdicts if v.decision == Verdict.DIFFERENT],
    )
    reviews = {(r.record_a, r.record_b): r for r in conn.execute(select(match_reviews))}
    return _State(
        records=records,
        person_of={uid: link[0] for uid, link in links.items() if uid in records},
        person_order=order, decisions=decisions, model=_model(app, conn), links=links,
        open_reviews=reviews,
    )


def _model(app: App, conn: Connection) -> LinkageModel | None:
    row = conn.execute(select(linkage_models).order_by(linkage_models.c.version.desc())
                       .limit(1)).first()
    if row is None:
        return None
    data = json.loads(row.parameters)
    if row.sealed_tf is not None:
        data["tf"] = app.cipher.open(row.sealed_tf, row_id=row.id)["tf"]
    return LinkageModel.from_dict(data)


def _save_model(uow: UnitOfWork, app: App, model: LinkageModel, *, actor: str
                ) -> LinkageModel:
    conn = uow.conn
    latest = conn.execute(select(linkage_models.c.version).order_by(
        linkage_models.c.version.desc()).limit(1)).scalar()
    version = (latest or 0) + 1
    model_id = str(uuid.uuid4())
    model = replace(model, version=version)
    ev = uow.append(LinkageModelSaved(
        model_id=model_id, version=version, method=model.method,
        training_hash=model.training_hash, training_records=model.training_records,
    ), actor=actor)
    conn.execute(insert(linkage_models).values(
        id=model_id, version=version, method=model.method, training_hash=model.training_hash,
        training_records=model.training_records, parameters=model.to_json(with_tf=False),
        sealed_tf=app.cipher.seal({"tf": model.tf}, row_id=model_id),
        created_by=actor, created_at=timestamp(uow.now()), event_seq=ev.seq,
    ))
    return model


def _record_views(app: App, conn: Connection, uids: Iterable[str]) -> dict[str, RecordView]:
    wanted = sorted(set(uids))
    views: dict[str, RecordView] = {}
    sources = ListSources(app.cipher, conn)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        query = select(source_records).where(source_records.c.id.in_(chunk))
        for row in conn.execute(query):
            opened: dict[str, Any] = {}
            if row.sealed is not None:
                opened = app.cipher.open(row.sealed, row_id=row.id)
                opened.pop("extra", None)
            views[row.id] = RecordView(id=row.id, list_id=row.list_id,
                                       source=sources[row.list_id],
                                       row_number=row.row_number, record_id=row.record_id,
                                       fields={k: str(v) for k, v in opened.items()})
    return views


def _apply(uow: UnitOfWork, app: App, state: _State, changes: Changes, registry: Registry,
           *, scope: str, list_id: str | None, actor: str, arrived: set[str]
           ) -> ResolutionSummary:
    """Write a resolution's changes: persons, links, merges, splits, the review queue."""
    conn = uow.conn
    model = registry.model
    existing_persons = set(state.person_order)
    new_persons = set(changes.new_persons)
    # Links: one identity.linked event per (person, method) among records that moved.
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    linked = 0
    for uid in sorted(changes.moved):
        person, how, _ = changes.links[uid]
        method = how
        if how == "auto" and person in existing_persons and scope == "list":
            method = "incremental"
        groups[(person, method)].append(uid)
        if person in existing_persons:
            linked += 1
    created: set[str] = set()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for (person, method), uids in sorted(groups.items()):
        lowest = min(changes.links[u][2] for u in uids)
        ev = uow.append(IdentityLinked(
            person_id=person, record_commitments=[state.records[u].commitment for u in uids],
            method=method, probability=_decimal(lowest)), actor=actor)
        if person in new_persons and person not in created:
            conn.execute(insert(persons).values(id=person, created_seq=ev.seq))
            created.add(person)
        for uid in uids:
            row = {"record_id": uid, "person_id": person, "method": method,
                   "probability": changes.links[uid][2], "event_seq": ev.seq}
            (updates if uid in state.links else inserts).append(row)
    if inserts:
        conn.execute(insert(record_links), inserts)
    if updates:
        conn.execute(
            update(record_links).where(record_links.c.record_id == bindparam("uid"))
            .values(person_id=bindparam("person_id"), method=bindparam("method"),
                    probability=bindparam("probability"), event_seq=bindparam("event_seq")),
            [{**row, "uid": row["record_id"]} for row in updates])
    merge_method = "incremental" if scope == "list" else (
        "review" if scope == "decision" else "auto")
    by_survivor: dict[str, list[str]] = defaultdict(list)
    for absorbed, survivor in sorted(changes.merged.items()):
        by_survivor[survivor].append(absorbed)
    for survivor, absorbed_ids in sorted(by_survivor.items()):
        ev = uow.append(IdentityMerged(person_id=survivor, merged=absorbed_ids,
                                       method=merge_method), actor=actor)
        for absorbed in absorbed_ids:
            conn.execute(update(person_redirects).where(
                person_redirects.c.merged_into == absorbed).values(merged_into=survivor))
            conn.execute(insert(person_redirects).values(
                person_id=absorbed, merged_into=survivor, event_seq=ev.seq))
    for person, into in sorted(changes.split.items()):
        uow.append(IdentitySplit(person_id=person, into=into, method=merge_method),
                   actor=actor)
    queued = _update_queue(uow, state, changes, registry, actor=actor)
    summary = ResolutionSummary(
        scope=scope, list_id=list_id, records=len(arrived) if scope == "list"
        else len(changes.touched), linked=linked, new_persons=len(created),
        merged=len(changes.merged), split=len(changes.split), queued=queued,
        model_version=model.version)
    uow.append(IdentityResolved(
        scope=scope, list_id=list_id, model_version=model.version, records=summary.records,
        linked=linked, new_persons=summary.new_persons, merged=summary.merged,
        split=summary.split, queued=queued), actor=actor)
    return summary


def _update_queue(uow: UnitOfWork, state: _State, changes: Changes, registry: Registry,
                  *, actor: str) -> int:
    """Open the pairs this run found uncertain; withdraw open ones it no longer does."""
    conn = uow.conn
    wanted = {(p.a, p.b): p for p in changes.review}
    for key, row in state.open_reviews.items():
        if row.status == ReviewStatus.OPEN and key not in wanted and key[0] in changes.touched \
                and key[1] in changes.touched:
            conn.execute(update(match_reviews).where(match_reviews.c.id == row.id)
                         .values(status=ReviewStatus.WITHDRAWN))
    queued = 0
    for (a, b), review in sorted(wanted.items()):
        existing = state.open_reviews.get((a, b))
        if existing is not None and existing.status in (ReviewStatus.OPEN, ReviewStatus.DECIDED):
            continue
        if (a, b) in state.decisions.same or (a, b) in state.decisions.different:
            continue
        evidence = [{"comparison": e.comparison, "level": e.level,
                     "weight": round(e.weight, 2), "direction": e.direction}
                    for e in registry.scorer.explain(registry.index.row(a),
                                                     registry.index.row(b))]
        review_id = existing.id if existing is not None else str(uuid.uuid4())
        ev = uow.append(MatchQueued(
            review_id=review_id,
            record_commitments=[state.records[a].commitment, state.records[b].commitment],
            probability=_decimal(review.probability), reason=review.reason,
            model_version=registry.model.version), actor=actor)
        values = {"probability": review.probability, "reason": review.reason,
                  "evidence": json.dumps(evidence, ensure_ascii=False),
                  "status": ReviewStatus.OPEN,
                  "model_version": registry.model.version,
                  "queued_at": timestamp(uow.now()), "event_seq": ev.seq}
        if existing is not None:
            conn.execute(update(match_reviews).where(match_reviews.c.id == review_id)
                         .values(**values))
        else:
            conn.execute(insert(match_reviews).values(id=review_id, record_a=a, record_b=b,
                                                      **values))
        queued += 1
    return queued


def _decimal(probability: float) -> str:
    return f"{min(max(probability, 0.0), 1.0):.6f}"
