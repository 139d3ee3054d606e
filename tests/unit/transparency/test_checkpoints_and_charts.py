"""Pure pieces: checkpoint roots and signatures, policy, charts, words, the CSV."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from parley.ledger import generate_key, public_key_hex
from parley.ledger.merkle import (
    consistency_proof,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
)
from parley.reports.charts import Series, cumulative_lines, grouped_bars
from parley.reports.checkpoints import (
    TreeAccumulator,
    checkpoint_signature_holds,
    event_leaf_hashes,
    roots_at,
    sign_checkpoint,
)
from parley.reports.html import long_date, ratio_words, rule_words
from parley.reports.policy import held_stages


@given(st.integers(min_value=1, max_value=70), st.data())
def test_accumulated_roots_are_rfc9162_roots(n: int, data: st.DataObject) -> None:
    hashes = [os.urandom(32).hex() for _ in range(n)]
    sizes = data.draw(st.lists(st.integers(min_value=1, max_value=n), min_size=1,
                               max_size=5))
    roots = roots_at(hashes, sizes)
    for size in sizes:
        assert roots[size] == root_from_leaf_hashes(event_leaf_hashes(hashes[:size])).hex()
    a, b = min(sizes), max(sizes)
    if a < b:
        leaves = event_leaf_hashes(hashes)
        proof = consistency_proof(a, leaves[:b])
        assert verify_consistency(a, b, bytes.fromhex(roots[a]), bytes.fromhex(roots[b]),
                                  proof)


def test_empty_accumulator_is_the_empty_root() -> None:
    assert TreeAccumulator().root().hex().startswith("e3b0c442")
    acc = TreeAccumulator()
    acc.add_leaf_hash(leaf_hash(b"x"))
    assert acc.root() == leaf_hash(b"x")


def test_checkpoint_signature_covers_every_field() -> None:
    key = generate_key()
    cp = sign_checkpoint(tree_size=3, root="aa" * 32, head="bb" * 32,
                         at="2025-06-09T17:00:00.000000Z", signer="int", key=key)
    assert checkpoint_signature_holds(cp, public_key_hex(key))
    for change in ({"tree_size": 4}, {"root": "ab" * 32}, {"head": "ba" * 32},
                   {"at": "2025-06-09T17:00:01.000000Z"}):
        data = {**cp.to_json(), **change}
        from parley.reports.checkpoints import Checkpoint

        assert not checkpoint_signature_holds(Checkpoint.from_json(data), public_key_hex(key))


def test_a_hold_lapses_on_its_date_and_ends_on_release() -> None:
    from parley.ledger.chain import StoredEvent

    def ev(seq: int, kind: str, payload: str) -> StoredEvent:
        return StoredEvent(seq=seq, event_id=str(seq), type=kind, actor="int",
                           recorded_at="t", payload=payload, prev_hash="0" * 64,
                           hash="0" * 64, signature="")

    held = ev(1, "publication.held", '{"reason":"security","stage_id":"s1","until":"2025-07-01"}')
    forever = ev(2, "publication.held", '{"reason":"x","stage_id":"s2","until":null}')
    assert set(held_stages([held, forever], "2025-06-30T23:59:59.000000Z")) == {"s1", "s2"}
    assert set(held_stages([held, forever], "2025-07-01T00:00:00.000000Z")) == {"s2"}
    released = ev(3, "publication.released", '{"reason":"agreed","stage_id":"s2"}')
    assert held_stages([held, forever, released], "2025-07-02T00:00:00.000000Z") == {}


def test_charts_are_plain_svg_with_escaped_labels() -> None:
    svg = grouped_bars("Returned <script>", ["Stage 1", "Stage 2 & 3"],
                       [Series("wounded", [3, None]), Series("young \"18-25\"", [12, 0])])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and "&lt;script&gt;" in svg and "Stage 2 &amp; 3" in svg
    assert not re.search(r"(href|src)=", svg)
    assert "url(#hatch)" in svg  # the hidden figure is drawn as a hatched stub
    lines = cumulative_lines("Cumulative", ["S1", "S2"], [Series("a", [1, 5])],
                             [("agreed", 10, 0)])
    assert "<polyline" in lines and "agreed: 10" in lines


def test_terms_in_plain_words() -> None:
    assert rule_words({"age": {"from": 18, "to": 25, "on": "2025-06-02"}}) == \
        "aged 18 to 25 on 2 June 2025"
    assert rule_words({"all": [{"civilian": True}, {"age": {"below": 18, "on": "2025-06-02"}}]}) \
        == "civilians and younger than 18 on 2 June 2025"
    assert ratio_words("6000 for 6000", None).startswith("6000 for 6000: one for one")
    assert long_date("2025-06-09T17:00:00Z") == "9 June 2025"


def test_first_difference_names_the_path() -> None:
    from parley.reports.verify import first_difference

    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) is None
    assert first_difference({"a": [1, {"b": 3}]}, {"a": [1, {"b": 2}]}) == \
        "a[1].b is 3; expected 2"
    assert first_difference({"a": [1]}, {"a": [1, 2]}) == "a has 1 entries; expected 2"
    assert first_difference({"a": 1, "x": 0}, {"a": 1}) == "x is not expected (published 0)"
    assert first_difference({"n": True}, {"n": 1}) == "n is true; expected 1"


def test_public_event_lines_of_the_wrong_shape_are_refused(tmp_path: Path) -> None:
    import pytest

    from parley.reports.public_events import PublicEventError, read_public_events

    for line, reason in (("{\n", "not JSON"), ("[]\n", "expected the fields"),
                         ('{"seq":1}\n', "expected the fields"), ("{}", "newline")):
        path = tmp_path / "events.jsonl"
        path.write_text(line)
        with pytest.raises(PublicEventError, match=reason):
            list(read_public_events(path))
