"""The chain alone (no database): sealing, verifying, and the failures it names."""

from __future__ import annotations

import dataclasses

from parley.ledger import (
    GENESIS_HASH,
    ChainState,
    canonical_json,
    commitment,
    generate_key,
    public_key_hex,
    seal,
    verify_chain,
    verify_commitment,
)
from parley.ledger.chain import StoredEvent


def _chain(n: int) -> list[StoredEvent]:
    key = generate_key()
    out: list[StoredEvent] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        if seq == 1:
            payload = {"actor": "a", "public_key": public_key_hex(key)}
            kind = "actor.registered"
        else:
            payload = {"n": seq, "name": "подія"}
            kind = "test.happened"
        ev = seal(seq=seq, event_id=f"id-{seq}", type=kind, actor="a",
                  recorded_at="2025-06-09T10:00:00.000000Z", payload=payload,
                  prev_hash=prev, key=key)
        out.append(ev)
        prev = ev.hash
    return out


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["є", True, None]}) == \
        '{"a":["є",true,null],"b":1}'.encode()


def test_commitment_known_vector() -> None:
    salt = bytes(range(32))
    record = {"given_name": "Олександр", "surname": "Мельник"}
    # SHA-256(00 01 .. 1f ‖ {"given_name":"Олександр","surname":"Мельник"} in UTF-8)
    value = commitment(salt, record)
    assert value == "d229147990c08c847663fcce6b1704a9918e0af9e791ef32b1464e50d25d5922"
    assert verify_commitment(salt, record, value)
    assert not verify_commitment(salt, {**record, "surname": "Мельнык"}, value)


def test_chain_verifies_and_tracks_state() -> None:
    chain = _chain(5)
    state = ChainState()
    assert verify_chain(chain, state) is None
    assert state.count == 5 and state.head == chain[-1].hash


def test_reordered_or_dropped_events_are_named() -> None:
    chain = _chain(4)
    failure = verify_chain([chain[0], chain[2], chain[3]])
    assert failure is not None and failure.seq == 3
    assert "sequence number 3 where 2 was expected" in str(failure)


def test_unregistered_actor_is_named() -> None:
    chain = _chain(2)
    forged = dataclasses.replace(chain[1], actor="b")
    failure = verify_chain([chain[0], forged])
    assert failure is not None and failure.seq == 2


def test_uppercase_signature_is_not_accepted() -> None:
    chain = _chain(2)
    changed = dataclasses.replace(chain[1], signature=chain[1].signature.upper())
    failure = verify_chain([chain[0], changed])
    assert failure is not None and "signature" in failure.reason
