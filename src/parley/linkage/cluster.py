"""Turning scored pairs into persons without chaining, honouring reviewers' decisions.

Plain connected components over links above a threshold chain: A–B and B–C link, so A
and C become one person even when A and C plainly differ (a father and son, namesakes
bridged by a record that lacks the birth date). Here two groups of records merge only
when the merge holds together:

1. records a reviewer said are the same person are joined first (must-link);
2. automatic links (match probability ≥ ``thresholds.auto``, and a birth date or service
   number in common: names alone do not tell namesakes apart) are taken strongest first;
   a link joins its two groups only if no record of one group contradicts a record of
   the other (probability below ``thresholds.contradiction``, or facts one person
   cannot have, such as two different given names: twins), no reviewer said any two
   of them differ (cannot-link), and the groups agree on average (mean probability
   over all cross pairs of at least one half);
3. a link is *ambiguous* when a nearly as strong link (within ``thresholds.ambiguity``
   bits) pulls the same group towards another group that cannot be the same person;
   such a link is not made, and both go to the review queue;
4. what remains between different persons with probability ≥ ``thresholds.review`` is
   offered for review, once per pair of persons, unless a reviewer already decided.

Clustering runs per connected component of the graph of links ≥ ``thresholds.review``
and reviewer decisions; the result for a component depends only on that component, so
a registry that re-clusters only the components a new list touches gets exactly what a
batch run over everything gets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from parley.linkage.model import Thresholds, match_weight, probability

PairWeight = Callable[[str, str], float]
PairTest = Callable[[str, str], bool]


def _never(a: str, b: str) -> bool:
    return False


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Decisions:
    """Reviewers' verdicts on pairs of records (uids): the same person, or different."""

    same: frozenset[tuple[str, str]] = frozenset()
    different: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, same: Iterable[tuple[str, str]] = (),
           different: Iterable[tuple[str, str]] = ()) -> Decisions:
        return cls(frozenset(pair(a, b) for a, b in same),
                   frozenset(pair(a, b) for a, b in different))

    def involving(self, uids: set[str]) -> Decisions:
        return Decisions(
            frozenset(p for p in self.same if p[0] in uids or p[1] in uids),
            frozenset(p for p in self.different if p[0] in uids or p[1] in uids),
        )


@dataclass(frozen=True)
class ReviewPair:
    """Two records a person should look at: ``a`` < ``b``, with their match probability."""

    a: str
    b: str
    weight: float
    reason: str  # "uncertain", "ambiguous" or "conflicting"

    @property
    def probability(self) -> float:
        return probability(self.weight)


@dataclass
class Partition:
    """Records grouped into persons, with how each record was placed."""

    groups: list[list[str]] = field(default_factory=list)
    # Probability of the record's strongest link within its group (absent for singletons).
    best: dict[str, float] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # auto | review | single
    review: list[ReviewPair] = field(default_factory=list)

    def extend(self, other: Partition) -> None:
        self.groups.extend(other.groups)
        self.best.update(other.best)
        self.how.update(other.how)
        self.review.extend(other.review)


class _Groups:
    """Union–find that also keeps each root's members."""

    def __init__(self, nodes: Iterable[str]) -> None:
        self.parent = {n: n for n in nodes}
        self.members = {n: [n] for n in self.parent}

    def find(self, node: str) -> str:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if (len(self.members[ra]), rb) < (len(self.members[rb]), ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


def components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components, each sorted, in order of their smallest member."""
    groups = _Groups(nodes)
    for a, b in edges:
        groups.union(a, b)
    out = [sorted(m) for m in groups.members.values()]
    out.sort(key=lambda g: g[0])
    return out


def _always(a: str, b: str) -> bool:
    return True


def cluster(nodes: Sequence[str], edges: Iterable[tuple[str, str, float]], weight: PairWeight,
            thresholds: Thresholds, decisions: Decisions = Decisions(),
            conflicting: PairTest = _never, corroborated: PairTest = _always) -> Partition:
    """Partition ``nodes`` given scored candidate ``edges`` (a, b, match weight).

    ``weight`` scores any pair on demand (pairs the blocking did not propose included);
    ``edges`` need only contain the candidate pairs with weight ≥ the review threshold.
    ``conflicting`` says whether two records state facts one person cannot have
    (:func:`parley.linkage.conflicts.conflict`): such records are never joined
    automatically, whatever their score. ``corroborated`` says whether a pair shares an
    identifying fact (a birth date, a service number); only such pairs link
    automatically, the others at most go to review.
    """
    review_w = match_weight(thresholds.review)
    node_set = set(nodes)
    strong = [(a, b, w) for a, b, w in edges if w >= review_w]
    linked = [(a, b) for a, b, _ in strong]
    linked += [p for p in decisions.same if p[0] in node_set and p[1] in node_set]
    result = Partition()
    by_node: dict[str, list[tuple[str, str, float]]] = {}
    for a, b, w in strong:
        by_node.setdefault(a, []).append((a, b, w))
    for component in components(nodes, linked):
        members = set(component)
        local = [e for n in component for e in by_node.get(n, ()) if e[1] in members]
        result.extend(_cluster_component(component, local, weight, thresholds,
                                         decisions.involving(members), conflicting,
                                         corroborated))
    result.groups.sort(key=lambda g: g[0])
    return result


def _cluster_component(nodes: list[str], edges: list[tuple[str, str, float]],
                       weight: PairWeight, th: Thresholds, decisions: Decisions,
                       conflicting: PairTest, corroborated: PairTest) -> Partition:
    if len(nodes) == 1:
        return Partition(groups=[nodes], how={nodes[0]: "single"})
    component = _Component(nodes, edges, weight, th, decisions, conflicting)
    decided_same = component.join_decided()
    sure_w, auto_w = match_weight(th.uncorroborated), match_weight(th.auto)
    automatic = sorted(((w, *pair(a, b)) for a, b, w in edges
                        if w >= sure_w or (w >= auto_w and corroborated(a, b))),
                       key=lambda e: (-e[0], e[1], e[2]))
    deferred = component.join_automatic(automatic)
    partition = component.partition(decided_same)
    partition.review = _review_pairs(partition, edges, deferred, component.groups, decisions,
                                     decided_same, match_weight(th.review))
    return partition


class _Component:
    """One connected component being clustered: its groups of records so far (rule 1
    and 2 of the module docstring), the pairs' weights (scored once, on demand), and the
    tests a merge of two groups must pass."""

    def __init__(self, nodes: list[str], edges: list[tuple[str, str, float]],
                 weight: PairWeight, th: Thresholds, decisions: Decisions,
                 conflicting: PairTest) -> None:
        self.groups = _Groups(nodes)
        self.weights = {pair(a, b): w for a, b, w in edges}
        self.weight = weight
        self.th = th
        self.decisions = decisions
        self.conflicting = conflicting
        self.contradiction_w = match_weight(th.contradiction)
        #: record -> the automatic links it takes part in, (weight, other record).
        self.adjacency: dict[str, list[tuple[float, str]]] = {}

    def score(self, a: str, b: str) -> float:
        key = pair(a, b)
        w = self.weights.get(key)
        if w is None:
            w = self.weights[key] = self.weight(*key)
        return w

    def join_decided(self) -> set[str]:
        """Join what reviewers said is the same person; the records so joined."""
        decided_same: set[str] = set()
        for a, b in sorted(self.decisions.same):
            if a not in self.groups.parent or b not in self.groups.parent:
                continue  # the other record has not arrived yet (incremental resolution)
            self.groups.union(a, b)
            decided_same.update((a, b))
        return decided_same

    def join_automatic(self, automatic: list[tuple[float, str, str]]) -> list[ReviewPair]:
        """Take the automatic links strongest first; a link that would join conflicting
        or ambiguous groups is not made but deferred to review."""
        for w, a, b in automatic:
            self.adjacency.setdefault(a, []).append((w, b))
            self.adjacency.setdefault(b, []).append((w, a))
        deferred: list[ReviewPair] = []
        for w, a, b in automatic:
            ra, rb = self.groups.find(a), self.groups.find(b)
            if ra == rb:
                continue
            if not self.compatible(ra, rb):
                deferred.append(ReviewPair(a, b, w, "conflicting"))
            elif self.rival(ra, rb, w) or self.rival(rb, ra, w):
                deferred.append(ReviewPair(a, b, w, "ambiguous"))
            else:
                self.groups.union(ra, rb)
        return deferred

    def contradicts(self, ra: str, rb: str) -> bool:
        """Some record of one group cannot be the same person as some record of the other."""
        different, conflicting = self.decisions.different, self.conflicting
        score, floor = self.score, self.contradiction_w
        for x in self.groups.members[ra]:
            for y in self.groups.members[rb]:
                if (pair(x, y) in different or conflicting(x, y) or score(x, y) < floor):
                    return True
        return False

    def compatible(self, ra: str, rb: str) -> bool:
        """No contradiction, and the groups agree on average (mean probability ≥ ½)."""
        if self.contradicts(ra, rb):
            return False
        left, right = self.groups.members[ra], self.groups.members[rb]
        total = sum(probability(self.score(x, y)) for x in left for y in right)
        return total >= 0.5 * len(left) * len(right)

    def rival(self, ra: str, rb: str, w: float) -> bool:
        """Another group could join ``ra`` nearly as strongly as ``rb`` but excludes ``rb``."""
        floor = w - self.th.ambiguity
        seen: set[str] = set()
        for member in self.groups.members[ra]:
            for w2, other in self.adjacency.get(member, ()):
                if w2 < floor:
                    continue
                rc = self.groups.find(other)
                if rc in (ra, rb) or rc in seen:
                    continue
                seen.add(rc)
                if self.contradicts(rc, rb) and not self.contradicts(rc, ra):
                    return True
        return False

    def partition(self, decided_same: set[str]) -> Partition:
        """The groups as persons, each record with its strongest link in its group and
        how it got there (``review``: a reviewer joined it)."""
        partition = Partition()
        for members in self.groups.members.values():
            group = sorted(members)
            partition.groups.append(group)
            if len(group) == 1:
                partition.how[group[0]] = "single"
                continue
            for x in group:
                best = max(self.score(x, y) for y in group if y != x)
                partition.best[x] = probability(best)
                partition.how[x] = "review" if x in decided_same else "auto"
        return partition


def _review_pairs(partition: Partition, edges: list[tuple[str, str, float]],
                  deferred: list[ReviewPair], groups: _Groups, decisions: Decisions,
                  decided_same: set[str], review_w: float) -> list[ReviewPair]:
    """The strongest open pair between each two persons, unless a reviewer settled it."""
    reasons = {pair(p.a, p.b): p.reason for p in deferred}
    best: dict[tuple[str, str], ReviewPair] = {}
    for a, b, w in edges:
        if w < review_w:
            continue
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb or a in decided_same or b in decided_same:
            continue
        key = pair(ra, rb)
        if any(pair(x, y) in decisions.different
               for x in groups.members[ra] for y in groups.members[rb]):
            continue
        x, y = pair(a, b)
        candidate = ReviewPair(x, y, w, reasons.get((x, y), "uncertain"))
        current = best.get(key)
        if current is None or (candidate.weight, candidate.a, candidate.b) > (
                current.weight, current.a, current.b):
            best[key] = candidate
    return sorted(best.values(), key=lambda p: (p.a, p.b))
