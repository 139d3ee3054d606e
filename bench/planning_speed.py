"""Stage planning speed: 100,000 candidates of the Istanbul 2025 terms, planned once.

Prints the time to plan (the pure planner, as `parley stage plan` calls it), and the time
to re-check the plan against every rule. Run: `.venv/bin/python bench/planning_speed.py`
(optional argument: the number of candidates).
"""

from __future__ import annotations

import random
import sys
import time

from parley.domain.planning import (
    ELIGIBLE,
    Candidate,
    CategoryPlanTerms,
    PlanRequest,
    plan_stage,
    violations,
)

AB, BA = "UA->RU", "RU->UA"


def candidates(n: int, *, seed: int = 2025) -> list[Candidate]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        category = rng.choices(["wounded_sick", "young", None], weights=[10, 45, 45])[0]
        eligibility = ELIGIBLE if category else rng.choice(["not_eligible", "undetermined"])
        out.append(Candidate(
            person_id=f"{rng.getrandbits(128):032x}", direction=rng.choice([AB, BA]),
            category=category, eligibility=eligibility, nominated=rng.random() < 0.8,
            verified=rng.random() < 0.7,
            interview=rng.choices(["wishes", "declines", "undecided", "pending"],
                                  weights=[85, 3, 2, 10])[0],
            protected=category == "wounded_sick", value=None, order=f"{i:015d}"))
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    request = PlanRequest(
        directions=(AB, BA),
        categories=(CategoryPlanTerms("wounded_sick", "all_for_all", 1),
                    CategoryPlanTerms("young", "all_for_all", 2),
                    CategoryPlanTerms("officers", "n_for_n", 3, limit=500)),
        capacity=1_200, moved={})
    pool = candidates(n)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        plan = plan_stage(request, pool)
        best = min(best, time.perf_counter() - start)
    start = time.perf_counter()
    problems = violations(request, pool, plan)
    check = time.perf_counter() - start
    assert not problems, problems[:3]
    print(f"planned {n:,} candidates in {best:.3f} s (best of 3): "
          f"{len(plan.selected):,} in the stage, {len(plan.left_out):,} left out with a reason")
    print(f"re-checked the plan against every rule in {check:.3f} s")
    print(f"left out by reason: {plan.reasons()}")


if __name__ == "__main__":
    main()
