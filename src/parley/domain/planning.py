"""Stage planning: who goes in one stage, in each direction, and why everyone else does not.

The planner takes every candidate of an agreement (eligible or not, verified or not) and
returns the stage list of each direction plus, for every candidate left out, one reason.
It is deterministic: the same candidates in any order give the same plan. Rules, in the
order they apply:

1. Only candidates that are eligible (a category plainly applies), nominated, verified,
   and who told the intermediary they wish to return, can go. Otherwise the reason is
   ``not_eligible``/``undetermined``, ``declined``, ``not_nominated``, ``not_verified``
   or ``interview_pending``. ``declined`` and ``interview_pending`` are confidential to
   the intermediary; parties see ``not_in_stage`` (:func:`public_reason`).
2. The certified seriously wounded and sick (``protected``) go first, in any category,
   regardless of number, parity, caps or rank (GC III Art. 109-110). Only the stage's
   capacity can hold one back (``capacity``), and then only when the direction's whole
   capacity is taken by other protected persons.
3. Then category by category in priority order, in each direction: the category's cap
   over the whole agreement (``cap``), the direction's remaining capacity
   (``capacity``), and the category's ratio between the two directions (``parity``):

   - ``all for all``: one for one in the stage, except that when one direction has
     nobody left to send in the category (all its remaining eligible persons are in this
     stage), the other direction's surplus is not held back: all means all.
   - ``N for N``: one for one in the stage; at most N each way over the agreement.
   - rank scale: the two directions' values are equal (each direction takes the longest
     run of its queue, in order, whose value the other direction can match exactly).

Within a category the queue order is the candidate's ``order`` key, then person id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

ELIGIBLE = "eligible"
NOT_ELIGIBLE, UNDETERMINED = "not_eligible", "undetermined"
DECLINED, NOT_NOMINATED, NOT_VERIFIED = "declined", "not_nominated", "not_verified"
INTERVIEW_PENDING, CAP, CAPACITY, PARITY = "interview_pending", "cap", "capacity", "parity"
NOT_IN_STAGE = "not_in_stage"
CONFIDENTIAL_REASONS = frozenset({DECLINED, INTERVIEW_PENDING})
REASONS = (NOT_ELIGIBLE, UNDETERMINED, DECLINED, NOT_NOMINATED, NOT_VERIFIED,
           INTERVIEW_PENDING, CAP, CAPACITY, PARITY)
WISHES, DECLINES, UNDECIDED, PENDING = "wishes", "declines", "undecided", "pending"
INTERVIEW_OUTCOMES = (WISHES, DECLINES, UNDECIDED)
RATIO_KINDS = ("all_for_all", "n_for_n", "scale")


def public_reason(reason: str) -> str:
    """What a party may see: interview outcomes collapse into ``not_in_stage``."""
    return NOT_IN_STAGE if reason in CONFIDENTIAL_REASONS else reason


@dataclass(frozen=True, slots=True)
class Candidate:
    """One person as the planner sees them (no personal data).

    ``direction`` is ``SENDING->RECEIVING``; ``category`` the person's category (None when
    not eligible); ``value`` the rank value under a scale ratio.
    """

    person_id: str
    direction: str
    category: str | None
    eligibility: str
    nominated: bool
    verified: bool
    interview: str
    protected: bool = False
    value: int | None = None
    order: str = ""


@dataclass(frozen=True)
class CategoryPlanTerms:
    code: str
    ratio: str
    priority: int
    limit: int | None = None


@dataclass(frozen=True)
class PlanRequest:
    """The stage's frame: the two directions, the categories, capacity per direction, and
    how many each (direction, category) has already moved in earlier stages."""

    directions: tuple[str, str]
    categories: tuple[CategoryPlanTerms, ...]
    capacity: int
    moved: Mapping[tuple[str, str], int]

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError("capacity must not be negative")
        for cat in self.categories:
            if cat.ratio not in RATIO_KINDS:
                raise ValueError(f"unknown ratio {cat.ratio!r}")


@dataclass(frozen=True, slots=True)
class Selected:
    person_id: str
    direction: str
    category: str
    protected: bool


@dataclass(frozen=True, slots=True)
class LeftOut:
    person_id: str
    direction: str
    category: str | None
    reason: str


@dataclass(frozen=True)
class Plan:
    selected: tuple[Selected, ...]
    left_out: tuple[LeftOut, ...]

    def count(self, direction: str, category: str | None = None) -> int:
        return sum(1 for s in self.selected
                   if s.direction == direction and (category is None or s.category == category))

    def reasons(self) -> dict[str, int]:
        tally: dict[str, int] = defaultdict(int)
        for item in self.left_out:
            tally[item.reason] += 1
        return dict(sorted(tally.items()))


def _key(c: Candidate) -> tuple[str, str]:
    return (c.order, c.person_id)


def plan_stage(request: PlanRequest, candidates: Iterable[Candidate]) -> Plan:
    """Choose each direction's list for one stage; see the module docstring for the rules."""
    cats = {c.code: c for c in request.categories}
    priority = {c.code: c.priority for c in request.categories}
    a, b = request.directions
    left: list[LeftOut] = []
    ready: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    protected: dict[str, list[Candidate]] = defaultdict(list)
    still_to_go: dict[tuple[str, str], int] = defaultdict(int)
    seen: set[str] = set()

    for c in candidates:
        if c.person_id in seen:
            raise ValueError(f"person {c.person_id} is a candidate twice")
        seen.add(c.person_id)
        if c.direction not in (a, b):
            left.append(LeftOut(c.person_id, c.direction, c.category, NOT_ELIGIBLE))
            continue
        reason = _not_ready(c, cats)
        if c.category in cats and c.eligibility == ELIGIBLE and c.interview != DECLINES:
            still_to_go[(c.direction, c.category)] += 1
        if reason:
            left.append(LeftOut(c.person_id, c.direction, c.category, reason))
        elif c.protected:
            protected[c.direction].append(c)
        else:
            assert c.category is not None
            ready[(c.direction, c.category)].append(c)

    selected: list[Selected] = []
    room = {a: request.capacity, b: request.capacity}
    protected_taken: dict[tuple[str, str], int] = defaultdict(int)
    for d in (a, b):
        queue = sorted(protected[d], key=lambda c: (priority[c.category or ""], *_key(c)))
        for c in queue:
            assert c.category is not None
            if room[d] > 0:
                room[d] -= 1
                protected_taken[(d, c.category)] += 1
                selected.append(Selected(c.person_id, d, c.category, True))
            else:
                left.append(LeftOut(c.person_id, d, c.category, CAPACITY))

    for cat in sorted(request.categories, key=lambda c: c.priority):
        fits: dict[str, list[Candidate]] = {}
        beyond: dict[str, list[Candidate]] = {}
        for d in (a, b):
            queue = sorted(ready[(d, cat.code)], key=_key)
            if cat.limit is not None:
                allowed = max(0, cat.limit - request.moved.get((d, cat.code), 0)
                              - protected_taken[(d, cat.code)])
                left += [LeftOut(c.person_id, d, cat.code, CAP) for c in queue[allowed:]]
                queue = queue[:allowed]
            fits[d], beyond[d] = queue[:room[d]], queue[room[d]:]
        counts = _balance(cat, fits, a, b, {
            d: still_to_go[(d, cat.code)] - protected_taken[(d, cat.code)] == len(fits[d])
            for d in (a, b)})
        for d in (a, b):
            take = counts[d]
            selected += [Selected(c.person_id, d, cat.code, False) for c in fits[d][:take]]
            left += [LeftOut(c.person_id, d, cat.code, PARITY) for c in fits[d][take:]]
            # Beyond the room: capacity only if the direction is full; if parity stopped
            # the direction short of its capacity, parity is what keeps them waiting.
            full = take == room[d]
            left += [LeftOut(c.person_id, d, cat.code, CAPACITY if full else PARITY)
                     for c in beyond[d]]
            room[d] -= take

    order = {d: i for i, d in enumerate((a, b))}
    selected.sort(key=lambda s: (order[s.direction], priority[s.category], s.person_id))
    left.sort(key=attrgetter("person_id"))  # any fixed order will do; this one is cheap
    return Plan(selected=tuple(selected), left_out=tuple(left))


def _not_ready(c: Candidate, cats: Mapping[str, CategoryPlanTerms]) -> str | None:
    if c.eligibility != ELIGIBLE or c.category is None or c.category not in cats:
        return UNDETERMINED if c.eligibility == UNDETERMINED else NOT_ELIGIBLE
    if c.interview == DECLINES:
        return DECLINED
    if not c.nominated:
        return NOT_NOMINATED
    if not c.verified:
        return NOT_VERIFIED
    if c.interview != WISHES:
        return INTERVIEW_PENDING
    if cats[c.category].ratio == "scale" and c.value is None and not c.protected:
        return UNDETERMINED
    return None


def _balance(cat: CategoryPlanTerms, fits: Mapping[str, Sequence[Candidate]], a: str, b: str,
             exhausted: Mapping[str, bool]) -> dict[str, int]:
    na, nb = len(fits[a]), len(fits[b])
    if cat.ratio == "all_for_all":
        return {a: na if exhausted[b] else min(na, nb),
                b: nb if exhausted[a] else min(na, nb)}
    if cat.ratio == "n_for_n":
        return {a: min(na, nb), b: min(na, nb)}
    # Rank scale: the longest prefixes of both queues whose values are equal.
    best = (0, 0)
    i = j = 0
    sa = sb = 0
    while True:
        if sa == sb:
            best = (i, j)
            if i == na or j == nb:
                break
            sa += fits[a][i].value or 0
            i += 1
        elif sa < sb:
            if i == na:
                break
            sa += fits[a][i].value or 0
            i += 1
        else:
            if j == nb:
                break
            sb += fits[b][j].value or 0
            j += 1
    return {a: best[0], b: best[1]}


def violations(request: PlanRequest, candidates: Sequence[Candidate], plan: Plan) -> list[str]:
    """Everything wrong with ``plan`` for these candidates (empty when it keeps every rule).

    Used by the tests' properties and by the stage service before it records a plan.
    """
    by_id = {c.person_id: c for c in candidates}
    problems = _unaccounted(by_id, plan) + _over_capacity(request, plan) + \
        _not_ready_selected(request, by_id, plan) + _wrongly_left_out(request, by_id, plan)
    for cat in request.categories:
        problems += _category_broken(request, cat, by_id, plan)
    return problems


def _unaccounted(by_id: Mapping[str, Candidate], plan: Plan) -> list[str]:
    """Every candidate is either selected or left out, exactly once."""
    listed = [s.person_id for s in plan.selected] + [x.person_id for x in plan.left_out]
    if sorted(listed) != sorted(by_id):
        return ["the plan does not account for every candidate exactly once"]
    return []


def _over_capacity(request: PlanRequest, plan: Plan) -> list[str]:
    return [f"{d}: {plan.count(d)} over the capacity {request.capacity}"
            for d in request.directions if plan.count(d) > request.capacity]


def _not_ready_selected(request: PlanRequest, by_id: Mapping[str, Candidate], plan: Plan
                        ) -> list[str]:
    """Only candidates ready to go (rule 1) are in the stage, in their own category."""
    cats = {c.code: c for c in request.categories}
    problems = []
    for s in plan.selected:
        c = by_id.get(s.person_id)
        if c is None or _not_ready(c, cats) is not None or c.category != s.category:
            problems.append(f"{s.person_id} is in the stage but not ready to go")
    return problems


def _wrongly_left_out(request: PlanRequest, by_id: Mapping[str, Candidate], plan: Plan
                      ) -> list[str]:
    """Capacity holds back only a full direction; the seriously wounded and sick are held
    back by capacity alone, and only while no one else goes (rule 2)."""
    sizes = {d: plan.count(d) for d in request.directions}
    others_go = {s.direction for s in plan.selected if not s.protected}
    problems = []
    for x in plan.left_out:
        c = by_id[x.person_id]
        if x.reason == CAPACITY and sizes.get(x.direction, 0) < request.capacity:
            problems.append(f"{x.person_id} left out for capacity while {x.direction} has "
                            "room")
        if c.protected and x.reason in (PARITY, CAP):
            problems.append(f"{x.person_id} is seriously wounded or sick and held back "
                            f"for {x.reason}")
        if c.protected and x.reason == CAPACITY and x.direction in others_go:
            problems.append(f"{x.person_id} is seriously wounded or sick and waits while "
                            "others go")
    return problems


def _category_broken(request: PlanRequest, cat: CategoryPlanTerms,
                     by_id: Mapping[str, Candidate], plan: Plan) -> list[str]:
    """A category's cap over the agreement and its ratio between the directions (rule 3);
    the protected count against the cap but not the ratio."""
    a, b = request.directions
    chosen = {d: [by_id[s.person_id] for s in plan.selected
                  if s.direction == d and s.category == cat.code and not s.protected]
              for d in (a, b)}
    total = {d: sum(1 for s in plan.selected if s.direction == d and s.category == cat.code)
             for d in (a, b)}
    problems = [f"{d} {cat.code}: over the cap {cat.limit}" for d in (a, b)
                if cat.limit is not None and chosen[d]
                and request.moved.get((d, cat.code), 0) + total[d] > cat.limit]
    na, nb = len(chosen[a]), len(chosen[b])
    if cat.ratio == "n_for_n" and na != nb:
        problems.append(f"{cat.code}: {na} for {nb} breaks one for one")
    if cat.ratio == "scale":
        va = sum(c.value or 0 for c in chosen[a])
        vb = sum(c.value or 0 for c in chosen[b])
        if va != vb:
            problems.append(f"{cat.code}: values {va} and {vb} differ")
    if cat.ratio == "all_for_all" and na != nb:
        problems += _all_for_all_broken(cat, by_id, plan, chosen, a, b)
    return problems


def _all_for_all_broken(cat: CategoryPlanTerms, by_id: Mapping[str, Candidate], plan: Plan,
                        chosen: Mapping[str, list[Candidate]], a: str, b: str) -> list[str]:
    """All for all sends more one way only when the other way has nobody left to send."""
    na, nb = len(chosen[a]), len(chosen[b])
    more, fewer = (a, b) if na > nb else (b, a)
    waiting = [x for x in plan.left_out if x.direction == fewer
               and x.category == cat.code and x.reason != DECLINED
               and by_id[x.person_id].eligibility == ELIGIBLE]
    if not waiting:
        return []
    return [f"{cat.code}: {more} sends {max(na, nb)} for {min(na, nb)} while {fewer} still "
            "has persons to send"]
