"""Stage planning, for all inputs: no broken ratio, no capacity exceeded, nobody
ineligible, unverified or declining in a stage, the wounded and sick never held back for
parity; and the same plan for the same candidates in any order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.domain.planning import (
    CAPACITY,
    DECLINED,
    ELIGIBLE,
    INTERVIEW_PENDING,
    NOT_VERIFIED,
    PARITY,
    Candidate,
    CategoryPlanTerms,
    PlanRequest,
    plan_stage,
    public_reason,
    violations,
)

AB, BA = "A->B", "B->A"


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[PlanRequest, list[Candidate]]:
    n_cats = draw(st.integers(1, 3))
    priorities = draw(st.permutations(range(1, n_cats + 1)))
    cats = tuple(CategoryPlanTerms(
        code=f"c{i}", ratio=draw(st.sampled_from(["all_for_all", "n_for_n", "scale"])),
        priority=priorities[i], limit=draw(st.none() | st.integers(0, 20)))
        for i in range(n_cats))
    moved = {(d, c.code): draw(st.integers(0, 5)) for d in (AB, BA) for c in cats}
    request = PlanRequest(directions=(AB, BA), categories=cats,
                          capacity=draw(st.integers(0, 25)), moved=moved)
    people = []
    for i in range(draw(st.integers(0, 60))):
        eligible = draw(st.sampled_from([ELIGIBLE, ELIGIBLE, ELIGIBLE, "undetermined",
                                         "not_eligible"]))
        category = draw(st.sampled_from([c.code for c in cats])) if eligible == ELIGIBLE \
            else None
        people.append(Candidate(
            person_id=f"p{i:03d}", direction=draw(st.sampled_from([AB, BA])),
            category=category, eligibility=eligible, nominated=draw(st.booleans()),
            verified=draw(st.booleans()),
            interview=draw(st.sampled_from(["wishes", "wishes", "declines", "undecided",
                                            "pending"])),
            protected=draw(st.booleans()) and category is not None,
            value=draw(st.none() | st.integers(1, 15)),
            order=draw(st.sampled_from(["", "0001", "0002", "~"]))))
    return request, people


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_plan_keeps_every_rule(scenario: tuple[PlanRequest, list[Candidate]],
                               rnd: object) -> None:
    request, people = scenario
    plan = plan_stage(request, people)
    assert violations(request, people, plan) == []
    by_id = {c.person_id: c for c in people}
    for s in plan.selected:
        c = by_id[s.person_id]
        assert c.eligibility == ELIGIBLE and c.nominated and c.verified
        assert c.interview == "wishes"
    for x in plan.left_out:
        if by_id[x.person_id].protected:
            assert x.reason not in (PARITY, "cap")
    for d in (AB, BA):
        assert plan.count(d) <= request.capacity
    shuffled = list(people)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert plan_stage(request, shuffled) == plan


def test_wounded_go_first_regardless_of_parity() -> None:
    cats = (CategoryPlanTerms("wounded", "n_for_n", 1), CategoryPlanTerms("young", "n_for_n", 2))
    request = PlanRequest(directions=(AB, BA), categories=cats, capacity=10, moved={})
    people = [Candidate(f"w{i}", AB, "wounded", ELIGIBLE, True, True, "wishes", protected=True)
              for i in range(4)]
    people += [Candidate(f"y{i}", d, "young", ELIGIBLE, True, True, "wishes")
               for i, d in enumerate([AB, AB, AB, BA])]
    plan = plan_stage(request, people)
    assert plan.count(AB, "wounded") == 4 and plan.count(BA, "wounded") == 0
    assert plan.count(AB, "young") == 1 == plan.count(BA, "young")
    assert plan.reasons() == {PARITY: 2}


def test_capacity_holds_back_the_lowest_priority_first() -> None:
    cats = (CategoryPlanTerms("young", "all_for_all", 1),)
    request = PlanRequest(directions=(AB, BA), categories=cats, capacity=2, moved={})
    people = [Candidate(f"{d[0]}{i}", d, "young", ELIGIBLE, True, True, "wishes", order=str(i))
              for d in (AB, BA) for i in range(3)]
    plan = plan_stage(request, people)
    assert [s.person_id for s in plan.selected] == ["A0", "A1", "B0", "B1"]
    assert {x.person_id: x.reason for x in plan.left_out} == {"A2": CAPACITY, "B2": CAPACITY}


def test_all_for_all_sends_the_rest_when_the_other_side_has_nobody_left() -> None:
    cats = (CategoryPlanTerms("young", "all_for_all", 1),)
    request = PlanRequest(directions=(AB, BA), categories=cats, capacity=10, moved={})
    people = [Candidate(f"a{i}", AB, "young", ELIGIBLE, True, True, "wishes") for i in range(5)]
    people += [Candidate("b0", BA, "young", ELIGIBLE, True, True, "wishes")]
    assert plan_stage(request, people).count(AB) == 5
    # One more B person still waiting (not verified): A's surplus waits for parity.
    people.append(Candidate("b1", BA, "young", ELIGIBLE, True, False, "wishes"))
    plan = plan_stage(request, people)
    assert plan.count(AB) == 1 and plan.reasons() == {NOT_VERIFIED: 1, PARITY: 4}


def test_rank_scale_balances_values() -> None:
    cats = (CategoryPlanTerms("officers", "scale", 1),)
    request = PlanRequest(directions=(AB, BA), categories=cats, capacity=50, moved={})
    people = [Candidate("colonel", AB, "officers", ELIGIBLE, True, True, "wishes", value=15,
                        order="0")]
    people += [Candidate(f"pvt{i:02d}", BA, "officers", ELIGIBLE, True, True, "wishes",
                         value=1, order="1") for i in range(20)]
    plan = plan_stage(request, people)
    assert plan.count(AB) == 1 and plan.count(BA) == 15


def test_interview_reasons_are_confidential() -> None:
    assert public_reason(DECLINED) == "not_in_stage"
    assert public_reason(INTERVIEW_PENDING) == "not_in_stage"
    assert public_reason(CAPACITY) == CAPACITY
