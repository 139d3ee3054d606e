"""Incremental resolution: new records against the persons already known.

A :class:`Registry` holds the features of every known record, the person each belongs
to, the reviewers' decisions and the model. For a newly arrived list it finds the
candidate pairs a batch run would find (same blocking rules, via
:class:`~parley.linkage.blocking.BlockingIndex`), follows links at or above the review
threshold outwards until the connected components around the new records are complete,
re-clusters just those components (:func:`~parley.linkage.cluster.cluster`) and maps
the result onto existing person ids. Components the new records do not reach are not
touched. Because clustering depends only on a component, the persons come out exactly
as a batch run over all records would make them; a test checks it.

The registry is pure (no database); ``parley.services.registry.identity`` loads it from the
store and writes back the :class:`Changes`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from parley.linkage.blocking import BlockingIndex
from parley.linkage.cluster import Decisions, Partition, ReviewPair, cluster, pair
from parley.linkage.conflicts import conflict, corroborated, reliable_fields
from parley.linkage.features import Features
from parley.linkage.model import LinkageModel, match_weight, probability
from parley.linkage.rarity import NameCounts, name_keys, vouch_weight
from parley.linkage.scoring import Evidence, Scorer


@dataclass(frozen=True)
class Candidate:
    """A known person a record may be, with the best-scoring record of that person."""

    person_id: str
    record: str
    probability: float
    weight: float
    evidence: list[Evidence]


@dataclass
class Changes:
    """What a resolution changes: links, new persons, merges, splits, the review queue.

    ``links`` maps every record in the re-clustered components to its person (moved or
    not), with how it was placed and the probability of its strongest link.
    """

    links: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    moved: set[str] = field(default_factory=set)  # records new or with another person now
    new_persons: list[str] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)  # absorbed person -> survivor
    split: dict[str, list[str]] = field(default_factory=dict)  # person -> persons it fed
    review: list[ReviewPair] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # every record re-clustered
    partition: Partition = field(default_factory=Partition)


class Registry:
    """Known records, their persons and the model, for matching and incremental work."""

    def __init__(self, model: LinkageModel, rows: Iterable[Features] = (),
                 person_of: Mapping[str, str] | None = None,
                 decisions: Decisions = Decisions(),
                 person_order: Mapping[str, int] | None = None,
                 new_person_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        self.model = model
        self.scorer = Scorer(model)
        self.index = BlockingIndex(rows)
        self.names = NameCounts(self.index.rows())
        self.person_of: dict[str, str] = dict(person_of or {})
        # Older persons keep their ids when groups are rearranged (created order).
        self.person_order: dict[str, int] = dict(person_order or {})
        self.decisions = decisions
        self._new_person_id = new_person_id
        self._review_w = match_weight(model.thresholds.review)
        self.hard = reliable_fields(model)
        self._vouch_w = vouch_weight(model)

    def __len__(self) -> int:
        return len(self.index)

    def weight(self, a: str, b: str) -> float:
        return self.row_weight(self.index.row(a), self.index.row(b))

    def row_weight(self, left: Features, right: Features) -> float:
        """The model's weight, plus what a rare full name adds to an undated pair."""
        w = self.scorer.weight(left, right)
        return w + self._vouch_w if self.names.vouches(left, right) else w

    def conflicting(self, a: str, b: str) -> bool:
        return conflict(self.index.row(a), self.index.row(b), self.hard) is not None

    def corroborated(self, a: str, b: str) -> bool:
        left, right = self.index.row(a), self.index.row(b)
        return corroborated(left, right) or self.names.vouches(left, right)

    # --- one record --------------------------------------------------------------------

    def match(self, row: Features, *, limit: int = 5) -> list[Candidate]:
        """The known persons ``row`` may be, best first (without adding it)."""
        best: dict[str, tuple[float, str]] = {}
        for uid in self.index.candidates(row):
            person = self.person_of.get(uid)
            if person is None:
                continue
            w = self.scorer.weight(row, self.index.row(uid))
            if person not in best or w > best[person][0]:
                best[person] = (w, uid)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [Candidate(person, uid, probability(w), w,
                          self.scorer.explain(row, self.index.row(uid)))
                for person, (w, uid) in ranked]

    # --- lists -------------------------------------------------------------------------

    def add(self, rows: Sequence[Features]) -> Changes:
        """Index ``rows`` (new records) and resolve the components they reach."""
        keys = {k for r in rows for k in name_keys(r)}
        was_rare = {k: self.names.rare(k) for k in keys}
        for row in rows:
            self.index.add(row)
            self.names.add(row)
        seeds = [r.unique_id for r in rows]
        # A full name that stops (or starts) being rare changes what its undated
        # records may link to: their components are re-clustered too, as a batch run
        # over everything would cluster them.
        for key in sorted(keys):
            if self.names.rare(key) != was_rare[key]:
                seeds.extend(r.unique_id for r in self.names.holders(key))
        return self.recluster(seeds)

    def recluster(self, seeds: Iterable[str], decisions: Decisions | None = None
                  ) -> Changes:
        """Re-cluster the components containing ``seeds`` (after new records or decisions)."""
        if decisions is not None:
            self.decisions = decisions
        nodes, edges = self._components_of(seeds)
        partition = cluster(sorted(nodes), edges, self.weight, self.model.thresholds,
                            self.decisions, self.conflicting, self.corroborated)
        return apply_partition(partition, nodes, self)

    def _components_of(self, seeds: Iterable[str]
                       ) -> tuple[set[str], list[tuple[str, str, float]]]:
        must: dict[str, list[str]] = {}
        for a, b in self.decisions.same:
            must.setdefault(a, []).append(b)
            must.setdefault(b, []).append(a)
        visited = set(seeds)
        frontier = sorted(visited)
        edges: dict[tuple[str, str], float] = {}
        while frontier:
            uid = frontier.pop()
            row = self.index.row(uid)
            for other in self.index.candidates(row):
                key = pair(uid, other)
                if key in edges:
                    continue
                w = self.row_weight(*(self.index.row(k) for k in key))
                if w < self._review_w:
                    continue
                edges[key] = w
                if other not in visited:
                    visited.add(other)
                    frontier.append(other)
            for other in must.get(uid, ()):
                if other not in visited and other in self.index:
                    visited.add(other)
                    frontier.append(other)
        return visited, [(a, b, w) for (a, b), w in sorted(edges.items())]

    def new_person_id(self) -> str:
        return self._new_person_id()


def apply_partition(partition: Partition, nodes: set[str], registry: Registry) -> Changes:
    """Map a partition of ``nodes`` onto the registry's persons and record the changes.

    Groups continue the existing person they share most records with (the oldest on a
    tie); other groups get new persons; a person left without records was merged into
    the person that took most of them; one whose records now sit in several groups was
    split. The registry's ``person_of`` is updated.
    """
    changes = Changes(review=partition.review, touched=set(nodes), partition=partition)
    assignment = assign_persons(partition.groups, registry.person_of, registry.person_order)
    old_records: dict[str, list[str]] = {}
    for uid in nodes:
        person = registry.person_of.get(uid)
        if person is not None:
            old_records.setdefault(person, []).append(uid)
    for index, group in enumerate(partition.groups):
        person = assignment.get(index)
        if person is None:
            person = registry.new_person_id()
            registry.person_order[person] = len(registry.person_order) + 1_000_000_000
            changes.new_persons.append(person)
        for uid in group:
            how = partition.how.get(uid, "single")
            changes.links[uid] = (person, how, partition.best.get(uid, 1.0))
            if registry.person_of.get(uid) != person:
                changes.moved.add(uid)
    kept = set(assignment.values())
    for person, records in sorted(old_records.items()):
        destinations = Counter(changes.links[uid][0] for uid in records)
        if person not in kept:
            survivor = sorted(destinations.items(), key=lambda d: (-d[1], d[0]))[0][0]
            changes.merged[person] = survivor
        elif len(destinations) > 1:
            changes.split[person] = sorted(p for p in destinations if p != person)
    for uid, (person, _, _) in changes.links.items():
        registry.person_of[uid] = person
    return changes


def assign_persons(groups: Sequence[Sequence[str]], person_of: Mapping[str, str],
                   order: Mapping[str, int]) -> dict[int, str]:
    """Which existing person each group continues: most shared records, then the oldest.

    Each person continues at most one group; a group sharing no records with a free
    person gets none (a new person is made for it).
    """
    options = []
    for index, group in enumerate(groups):
        counts = Counter(person_of[uid] for uid in group if uid in person_of)
        for person, count in counts.items():
            options.append((-count, order.get(person, 0), person, index))
    options.sort()
    taken_groups: dict[int, str] = {}
    taken_persons: set[str] = set()
    for _, _, person, index in options:
        if index in taken_groups or person in taken_persons:
            continue
        taken_groups[index] = person
        taken_persons.add(person)
    return taken_groups
