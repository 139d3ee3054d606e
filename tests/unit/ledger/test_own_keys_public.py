"""The public events of a bundle in format v2: a forged event, or one signed by a revoked
key after its revocation, does not verify (``parley verify``'s check of public events)."""

from __future__ import annotations

import dataclasses

import pytest

from parley.ledger import GENESIS_HASH, generate_key, public_key_hex
from parley.ledger.chain import StoredEvent, make_statement, record, seal, sign_statement
from parley.ledger.keys import key_id
from parley.ledger.merkle import root_from_leaf_hashes
from parley.reports.checkpoints import event_leaf_hashes
from parley.reports.public_events import (
    PublicEventError,
    select_public,
    verify_public_events,
)

T = "2025-06-09T10:00:00.000000Z"


def _chain() -> tuple[list[StoredEvent], object, object]:
    ua, ua2 = generate_key(), generate_key()
    events: list[StoredEvent] = []

    def add(type: str, actor: str, key: object, payload: dict[str, object],
            occurred_at: str = T) -> None:
        prev = events[-1].hash if events else GENESIS_HASH
        events.append(seal(seq=len(events) + 1, event_id=f"e{len(events) + 1}", type=type,
                           actor=actor, recorded_at=T, payload=payload, prev_hash=prev,
                           key=key, occurred_at=occurred_at))  # type: ignore[arg-type]

    for actor, key in (("ua-a", ua), ("ua-b", ua2)):
        add("actor.registered", actor, key, {"actor": actor, "party": "UA", "title": actor,
                                             "role": "officer",
                                             "public_key": public_key_hex(key)})  # type: ignore[arg-type]
    add("agreement.signed", "ua-a", ua, {"agreement_id": "a", "party": "UA",
                                         "terms_hash": "0" * 64})
    return events, ua, ua2


def _verify(events: list[StoredEvent]) -> dict[str, str]:
    root = root_from_leaf_hashes(event_leaf_hashes(e.hash for e in events)).hex()
    return verify_public_events(select_public(events, len(events)), tree_size=len(events),
                                root=root)


def test_v2_public_events_verify() -> None:
    events, _, _ = _chain()
    assert set(_verify(events)) == {"ua-a", "ua-b"}


def test_an_event_forged_in_a_partys_name_is_caught() -> None:
    events, _, _ = _chain()
    hub = generate_key()
    last = events[-1]
    stmt = dataclasses.replace(last.statement())
    forged = record(seq=last.seq, prev_hash=last.prev_hash, recorded_at=T, statement=stmt,
                    signature=sign_statement(stmt, hub), payload_text=last.payload)
    with pytest.raises(PublicEventError, match="does not verify"):
        _verify([*events[:-1], forged])


def test_a_revoked_key_signs_nothing_after_its_revocation() -> None:
    events, ua, ua2 = _chain()
    prev = events[-1].hash
    revoke = seal(seq=4, event_id="e4", type="key.revoked", actor="ua-b", recorded_at=T,
                  payload={"actor": "ua-a", "key_id": key_id(public_key_hex(ua)),
                           "reason": "lost"}, prev_hash=prev, key=ua2,
                  occurred_at="2025-06-09T11:00:00.000000Z")
    stmt = make_statement(event_id="e5", type="agreement.signed", actor="ua-a",
                          key=key_id(public_key_hex(ua)),
                          occurred_at="2025-06-09T12:00:00.000000Z",
                          payload={"agreement_id": "b", "party": "UA", "terms_hash": "1" * 64})
    late = record(seq=5, prev_hash=revoke.hash, recorded_at=T, statement=stmt,
                  signature=sign_statement(stmt, ua),
                  payload_text='{"agreement_id":"b","party":"UA","terms_hash":"'
                  + "1" * 64 + '"}')
    _verify([*events, revoke])
    with pytest.raises(PublicEventError, match="revoked"):
        _verify([*events, revoke, late])
