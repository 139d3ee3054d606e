"""The registry: lists resolved one by one give the persons a batch run gives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

from parley.linkage import (
    Decisions,
    Features,
    LinkageModel,
    Registry,
    default_model,
    link_rows,
)
from parley.linkage.model import term_frequencies


def as_sets(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


def persons(person_of: Mapping[str, str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for uid, person in person_of.items():
        members[person].add(uid)
    return as_sets(members.values())


def fixed_model(rows: list[Features]) -> LinkageModel:
    return replace(default_model(), tf=term_frequencies(rows))


def incremental(rows: list[Features], model: LinkageModel, decisions: Decisions
                ) -> Registry:
    registry = Registry(model, decisions=decisions)
    by_source: dict[str, list[Features]] = defaultdict(list)
    for row in rows:
        by_source[row.source].append(row)
    for source in sorted(by_source, reverse=True):
        registry.add(by_source[source])
    return registry


def test_incremental_resolution_equals_batch(rows: list[Features]) -> None:
    sample = rows[:1200]
    model = fixed_model(sample)
    batch = link_rows(sample, model=model)
    registry = incremental(sample, model, Decisions())
    assert persons(registry.person_of) == as_sets(batch.partition.groups)


def test_incremental_equals_batch_with_reviewers_verdicts(rows: list[Features]) -> None:
    sample = rows[:1200]
    model = fixed_model(sample)
    first = link_rows(sample, model=model)
    linked = [g for g in first.partition.groups if len(g) > 1]
    decisions = Decisions.of(
        same=[(p.a, p.b) for p in first.partition.review[:3]],
        different=[(g[0], g[1]) for g in linked[:3]],
    )
    batch = link_rows(sample, model=model, decisions=decisions)
    for a, b in decisions.same:
        assert any(a in g and b in g for g in batch.partition.groups)
    for a, b in decisions.different:
        assert not any(a in g and b in g for g in batch.partition.groups)
    registry = incremental(sample, model, decisions)
    assert persons(registry.person_of) == as_sets(batch.partition.groups)


def test_a_new_record_that_bridges_two_persons_merges_them(rows: list[Features]) -> None:
    model = fixed_model(rows)
    registry = Registry(model)
    base = next(r for r in rows if r.service and r.surname and r.birth and r.given)
    first = replace(base, unique_id="first", service=None, service_digits=None)
    second = replace(base, unique_id="second", given=None, given_set=(), given_str=None,
                     given_any=None, given_init=(), initial=None, surname=None, surname_ph=None,
                     patronymic=None, patronymic_str=None, patronymic_any=None,
                     patronymic_init=(), place=None, rank=None, unit=None, sex=None)
    registry.add([first])
    registry.add([second])
    assert registry.person_of["first"] != registry.person_of["second"]
    changes = registry.add([replace(base, unique_id="bridge")])
    assert len({registry.person_of[u] for u in ("first", "second", "bridge")}) == 1
    assert len(changes.merged) == 1


def test_match_ranks_known_persons(rows: list[Features]) -> None:
    sample = rows[:800]
    registry = Registry(fixed_model(sample))
    registry.add(sample)
    probe = replace(sample[0], unique_id="probe")
    best = registry.match(probe)[0]
    assert best.person_id == registry.person_of[sample[0].unique_id]
    assert best.probability > 0.99 and best.evidence
