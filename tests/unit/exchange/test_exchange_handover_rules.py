"""Handover rules without a database: sides, discrepancies found and cleared, resolutions,
and the stage heads built over what was handed over."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from parley.domain.handover import (
    MEANINGS,
    RESOLUTIONS,
    Discrepancy,
    carried_with,
    confirmed_by_all,
    count_mismatches,
    disputed_persons,
    handed_over_leaves,
    may_resolve,
    resolution_refused,
    review,
    role_of,
    unconfirmed_cases,
    unconfirmed_in,
)
from parley.domain.stage_head import (
    EMPTY_ROOT_HEX,
    StageHeadError,
    build_heads,
    totals_of,
)
from parley.domain.vocabulary import DiscrepancyKind
from parley.ledger.merkle import leaf_hash, root_from_leaf_hashes, tree_root

ALL = {"sending", "receiving", "intermediary"}
RU_UA, UA_RU = "RU->UA", "UA->RU"


@dataclass(frozen=True)
class Row:
    direction: str
    category: str
    commitment: str = "00" * 32
    case_number: str = ""


def disc(kind: str, person: str | None = None, direction: str = RU_UA,
         category: str | None = "young", ident: str = "d1") -> Discrepancy:
    return Discrepancy(id=ident, stage_id="s", opened_stage_id="s", kind=kind,
                       person_id=person, direction=direction, category=category,
                       counts=None, status="open", resolution=None)


def test_each_kind_has_two_resolutions_and_each_has_a_meaning() -> None:
    assert set(RESOLUTIONS) == set(DiscrepancyKind)
    assert all(len(r) == 2 for r in RESOLUTIONS.values())
    assert {r for rs in RESOLUTIONS.values() for r in rs} == set(MEANINGS)


def test_sides_of_a_direction() -> None:
    assert role_of("RU", RU_UA, "ICRC") == "sending"
    assert role_of("UA", RU_UA, "ICRC") == "receiving"
    assert role_of("ICRC", RU_UA, "ICRC") == "intermediary"
    assert role_of("BY", RU_UA, "ICRC") is None
    assert confirmed_by_all(ALL) and not confirmed_by_all({"sending", "receiving"})


def test_a_resolution_must_fit_the_kind() -> None:
    assert resolution_refused("not_handed_over", "handed_over") is None
    assert resolution_refused("not_handed_over", "admitted") == (
        "a not_handed_over discrepancy is resolved as person_remains_held or handed_over, "
        "not 'admitted'")


def test_who_may_resolve() -> None:
    assert may_resolve(party="ICRC", resolution="returned", direction=RU_UA,
                       intermediary="ICRC")
    assert may_resolve(party="UA", resolution="identity_confirmed", direction=RU_UA,
                       intermediary="ICRC")
    assert not may_resolve(party="RU", resolution="identity_confirmed", direction=RU_UA,
                           intermediary="ICRC")
    assert not may_resolve(party="UA", resolution="person_remains_held", direction=RU_UA,
                           intermediary="ICRC")


def test_counts_differ_only_among_persons_someone_confirmed() -> None:
    listed = {"p1": Row(RU_UA, "young"), "p2": Row(RU_UA, "young"), "p3": Row(RU_UA, "young"),
              "p4": Row(UA_RU, "young")}
    roles = {"p1": ALL, "p2": {"sending"}, "p4": ALL}
    assert count_mismatches(listed, [], person_roles=roles, disputed=set()) == {
        (RU_UA, "young"): {"sending": 2, "receiving": 1, "intermediary": 1}}
    # A disputed person counts for nobody; nobody's confirmation (p3) is not_handed_over.
    assert count_mismatches(listed, [], person_roles=roles, disputed={"p2"}) == {}
    cases = [(Row(UA_RU, "bodies"), {"sending", "receiving"})]
    assert count_mismatches(listed, cases, person_roles=roles, disputed={"p2"}) == {
        (UA_RU, "bodies"): {"sending": 1, "receiving": 1, "intermediary": 0}}


def test_review_opens_what_is_new_and_clears_what_settled() -> None:
    listed = {"p1": Row(RU_UA, "young"), "p2": Row(RU_UA, "young"), "p3": Row(RU_UA, "young")}
    roles = {"p1": ALL}
    open_now = [disc("not_handed_over", "p1", ident="a"),   # since confirmed by all
                disc("not_handed_over", "p2", ident="b"),   # still open: not again
                disc("identity_disputed", "p3", ident="c"),
                disc("count_mismatch", None, UA_RU, "young", ident="e")]
    mismatches = {(RU_UA, "young"): {"sending": 2, "receiving": 1, "intermediary": 1}}
    found = review(open_now, listed, person_roles=roles, mismatches=mismatches)
    assert [(d.id, r) for d, r in found.cleared] == [("a", "handed_over"),
                                                     ("e", "confirmations_agree")]
    assert [(f.kind, f.person_id, f.direction, f.category, f.counts) for f in found.found] == [
        ("count_mismatch", None, RU_UA, "young", mismatches[(RU_UA, "young")])]
    assert disputed_persons(open_now) == {"p3"}
    fresh = review([], listed, person_roles=roles, mismatches={})
    assert [(f.kind, f.person_id) for f in fresh.found] == [("not_handed_over", "p2"),
                                                            ("not_handed_over", "p3")]
    assert fresh.cleared == []


def test_withdrawing_and_carrying_the_unconfirmed() -> None:
    listed = {"p1": Row(RU_UA, "young"), "p2": Row(RU_UA, "young"), "p3": Row(RU_UA, "old"),
              "p4": Row(RU_UA, "young")}
    roles = {"p1": ALL, "p2": {"sending"}}
    mismatch = disc("count_mismatch", None, RU_UA, "young")
    assert unconfirmed_in(listed, mismatch, person_roles=roles) == ["p2", "p4"]
    # Carried: only those some but not all sides confirmed.
    assert carried_with(mismatch, listed, person_roles=roles) == ["p2"]
    assert carried_with(disc("identity_disputed", "p3"), listed, person_roles=roles) == ["p3"]
    assert carried_with(disc("not_nominated", "p9"), listed, person_roles=roles) == []
    cases = [(Row(RU_UA, "young", case_number="C1"), {"sending"}),
             (Row(RU_UA, "young", case_number="C2"), ALL),
             (Row(UA_RU, "young", case_number="C3"), set())]
    assert [c.case_number for c in unconfirmed_cases(cases, mismatch)] == ["C1"]


def test_heads_over_what_all_three_sides_confirmed() -> None:
    c1, c2, c3 = "11" * 32, "22" * 32, "33" * 32
    listed = {"p1": Row(RU_UA, "young", c2), "p2": Row(RU_UA, "young", c3),
              "p3": Row(UA_RU, "young", c1)}
    cases = [(Row(RU_UA, "young", c1), ALL), (Row(UA_RU, "bodies", c3), {"sending"})]
    leaves = handed_over_leaves(listed, cases, person_roles={"p1": ALL, "p3": ALL})
    assert {k: sorted(v) for k, v in leaves.items()} == {(RU_UA, "young"): [c1, c2],
                                                         (UA_RU, "young"): [c1]}
    heads = build_heads(agreement="a", stage="s", directions=[RU_UA, UA_RU],
                        categories=["young", "bodies"], leaves=leaves,
                        time="2025-06-09T17:00:00.000000Z", tree_root=tree_root)
    assert [(h.direction, h.category, h.tree_size) for h in heads] == [
        (RU_UA, "young", 2), (RU_UA, "bodies", 0), (UA_RU, "young", 1), (UA_RU, "bodies", 0)]
    # Leaves in ascending order, hashed as RFC 9162 leaves over the commitments' bytes.
    assert heads[0].root == root_from_leaf_hashes(
        [leaf_hash(bytes.fromhex(c)) for c in (c1, c2)]).hex()
    assert heads[1].root == EMPTY_ROOT_HEX
    assert totals_of(heads, directions=[RU_UA, UA_RU]) == {
        RU_UA: {"young": 2, "bodies": 0}, UA_RU: {"young": 1, "bodies": 0}}


def test_a_commitment_handed_over_twice_in_one_head_is_refused() -> None:
    with pytest.raises(StageHeadError, match="appears twice"):
        build_heads(agreement="a", stage="s", directions=[RU_UA], categories=["young"],
                    leaves={(RU_UA, "young"): ["11" * 32, "11" * 32]}, time="t",
                    tree_root=tree_root)
