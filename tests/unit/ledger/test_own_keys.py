"""Format v2 and keys with a life, on the chain alone: forgery, rotation, revocation,
backdating, and old v1 chains."""

from __future__ import annotations

import dataclasses
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.ledger import GENESIS_HASH, ChainState, generate_key, public_key_hex, verify_chain
from parley.ledger.chain import (
    StoredEvent,
    make_statement,
    record,
    seal,
    seal_v1,
    sign_statement,
)
from parley.ledger.keys import key_id

T0 = "2025-06-09T10:00:00.000000Z"


class Chain:
    def __init__(self) -> None:
        self.events: list[StoredEvent] = []

    @property
    def head(self) -> str:
        return self.events[-1].hash if self.events else GENESIS_HASH

    def add(self, type: str, actor: str, key: Ed25519PrivateKey, payload: dict[str, Any],
            *, at: str = T0, occurred_at: str | None = None) -> StoredEvent:
        ev = seal(seq=len(self.events) + 1, event_id=f"id-{len(self.events) + 1}", type=type,
                  actor=actor, recorded_at=at, payload=payload, prev_hash=self.head,
                  key=key, occurred_at=occurred_at)
        self.events.append(ev)
        return ev

    def register(self, actor: str, party: str, key: Ed25519PrivateKey) -> None:
        self.add("actor.registered", actor, key, {
            "actor": actor, "party": party, "title": actor, "role": "officer",
            "public_key": public_key_hex(key)})


def _two_officers() -> tuple[Chain, Ed25519PrivateKey, Ed25519PrivateKey, Ed25519PrivateKey]:
    chain, ua1, ua2, ru = Chain(), generate_key(), generate_key(), generate_key()
    chain.register("ua-a", "UA", ua1)
    chain.register("ua-b", "UA", ua2)
    chain.register("ru-a", "RU", ru)
    return chain, ua1, ua2, ru


def _kid(key: Ed25519PrivateKey) -> str:
    return key_id(public_key_hex(key))


def test_v2_chain_verifies_and_names_keys() -> None:
    chain, ua1, _, _ = _two_officers()
    ev = chain.add("test.happened", "ua-a", ua1, {"n": 1},
                   occurred_at="2025-06-01T08:00:00.000000Z")
    assert ev.version == 2 and ev.key_id == _kid(ua1)
    assert ev.occurred_at < ev.recorded_at
    state = ChainState()
    assert verify_chain(chain.events, state) is None
    assert set(state.registry.keys) == {ev.key_id, *(e.key_id for e in chain.events[:3])}


def test_forged_event_with_a_key_the_writer_does_not_hold_is_caught() -> None:
    chain, _, _, ru = _two_officers()
    hub = generate_key()
    # The hub writes in ua-a's name with a key of its own, naming ua-a's key id.
    stmt = make_statement(event_id="forged", type="handover.confirmed", actor="ua-a",
                          key=chain.events[0].key_id, occurred_at=T0, payload={"x": 1})
    forged = record(seq=4, prev_hash=chain.head, recorded_at=T0, statement=stmt,
                    signature=sign_statement(stmt, hub), payload_text='{"x":1}')
    failure = verify_chain([*chain.events, forged])
    assert failure is not None and failure.seq == 4
    assert "does not verify" in failure.reason
    # ... or naming its own key: unknown.
    own = dataclasses.replace(stmt, key_id=_kid(hub))
    forged2 = record(seq=4, prev_hash=chain.head, recorded_at=T0, statement=own,
                     signature=sign_statement(own, hub), payload_text='{"x":1}')
    failure = verify_chain([*chain.events, forged2])
    assert failure is not None and "unknown key" in failure.reason
    # ... or with another party's key.
    ru_stmt = dataclasses.replace(stmt, key_id=_kid(ru))
    forged3 = record(seq=4, prev_hash=chain.head, recorded_at=T0, statement=ru_stmt,
                     signature=sign_statement(ru_stmt, ru), payload_text='{"x":1}')
    failure = verify_chain([*chain.events, forged3])
    assert failure is not None and "belongs to actor ru-a" in failure.reason


def test_changed_payload_or_occurred_at_breaks_the_signature_or_hash() -> None:
    chain, ua1, _, _ = _two_officers()
    ev = chain.add("test.happened", "ua-a", ua1, {"n": 1})
    changed = dataclasses.replace(ev, payload='{"n":2}')
    failure = verify_chain([*chain.events[:-1], changed])
    assert failure is not None and "payload hash" in failure.reason
    moved = dataclasses.replace(ev, occurred_at="2025-01-01T00:00:00.000000Z")
    failure = verify_chain([*chain.events[:-1], moved])
    assert failure is not None and "does not verify" in failure.reason
    resigned = dataclasses.replace(ev, recorded_at="2025-01-01T00:00:00.000000Z")
    failure = verify_chain([*chain.events[:-1], resigned])
    assert failure is not None and "hash mismatch" in failure.reason


def test_revoked_by_another_officer_refuses_later_statements_keeps_old_ones() -> None:
    chain, ua1, ua2, _ = _two_officers()
    chain.add("test.happened", "ua-a", ua1, {"before": True},
              occurred_at="2025-06-09T09:00:00.000000Z")
    chain.add("key.revoked", "ua-b", ua2,
              {"actor": "ua-a", "key_id": _kid(ua1), "reason": "lost"},
              occurred_at="2025-06-09T10:00:00.000000Z")
    assert verify_chain(chain.events) is None
    # Signed before the revocation, recorded after it (an offline event): valid.
    chain.add("test.happened", "ua-a", ua1, {"offline": True},
              occurred_at="2025-06-09T09:30:00.000000Z", at="2025-06-09T12:00:00.000000Z")
    assert verify_chain(chain.events) is None
    chain.add("test.happened", "ua-a", ua1, {"after": True},
              occurred_at="2025-06-09T10:00:00.000000Z")
    failure = verify_chain(chain.events)
    assert failure is not None and failure.seq == len(chain.events)
    assert "revoked" in failure.reason


def test_only_an_officer_of_the_same_party_may_revoke() -> None:
    chain, ua1, _, ru = _two_officers()
    chain.add("key.revoked", "ru-a", ru, {"actor": "ua-a", "key_id": _kid(ua1),
                                          "reason": "hostile"})
    failure = verify_chain(chain.events)
    assert failure is not None and "same party" in failure.reason


def test_rotation_hands_over_to_the_new_key() -> None:
    chain, ua1, _, _ = _two_officers()
    new = generate_key()
    chain.add("key.rotated", "ua-a", ua1, {
        "actor": "ua-a", "old_key_id": _kid(ua1), "key_id": _kid(new),
        "public_key": public_key_hex(new)}, occurred_at="2025-06-09T10:00:00.000000Z")
    chain.add("test.happened", "ua-a", new, {"n": 1},
              occurred_at="2025-06-09T11:00:00.000000Z")
    assert verify_chain(chain.events) is None
    chain.add("test.happened", "ua-a", ua1, {"n": 2},
              occurred_at="2025-06-09T11:00:00.000000Z")
    failure = verify_chain(chain.events)
    assert failure is not None and "revoked" in failure.reason


def test_rotation_signed_by_another_key_is_refused() -> None:
    chain, ua1, ua2, _ = _two_officers()
    new = generate_key()
    chain.add("key.rotated", "ua-b", ua2, {
        "actor": "ua-a", "old_key_id": _kid(ua1), "key_id": _kid(new),
        "public_key": public_key_hex(new)})
    failure = verify_chain(chain.events)
    assert failure is not None and "key.rotated" in failure.reason


def test_key_added_by_an_officer_of_the_party() -> None:
    chain, _, ua2, _ = _two_officers()
    laptop = generate_key()
    chain.add("key.added", "ua-b", ua2, {"actor": "ua-a", "key_id": _kid(laptop),
                                         "public_key": public_key_hex(laptop)})
    chain.add("test.happened", "ua-a", laptop, {"n": 1})
    assert verify_chain(chain.events) is None


def test_v1_chain_still_verifies_and_v2_may_follow_but_not_precede_it() -> None:
    key = generate_key()
    payload = {"actor": "a", "party": "UA", "public_key": public_key_hex(key)}
    first = seal_v1(seq=1, event_id="e1", type="actor.registered", actor="a",
                    recorded_at=T0, payload=payload, prev_hash=GENESIS_HASH, key=key)
    second = seal_v1(seq=2, event_id="e2", type="test.happened", actor="a",
                     recorded_at=T0, payload={"n": 1}, prev_hash=first.hash, key=key)
    assert verify_chain([first, second]) is None
    third = seal(seq=3, event_id="e3", type="test.happened", actor="a", recorded_at=T0,
                 payload={"n": 2}, prev_hash=second.hash, key=key)
    assert verify_chain([first, second, third]) is None
    fourth = seal_v1(seq=4, event_id="e4", type="test.happened", actor="a",
                     recorded_at=T0, payload={"n": 3}, prev_hash=third.hash, key=key)
    failure = verify_chain([first, second, third, fourth])
    assert failure is not None and "v1 event after format v2" in failure.reason
