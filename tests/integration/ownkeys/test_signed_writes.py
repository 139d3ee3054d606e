"""The hub records a party's write only as the party signed it: prepare, sign elsewhere,
submit; unknown and revoked keys, replays, forgeries and other bytes are refused and
nothing is appended."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from parley.bootstrap import App
from parley.errors import Replayed, SignatureRefused
from parley.ledger import generate_key
from parley.ledger.chain import Statement, sign_statement
from parley.ledger.keys import key_id
from parley.ledger.signing import public_key_hex
from parley.services.exchange.agreements import load_agreement, sign_agreement
from parley.services.exchange.statements import record_statement
from parley.services.ledger import verify_ledger
from parley.services.people.organisation import register_actor, revoke_key
from parley.services.people.signed import (
    PrepareDone,
    Signatures,
    SignedStatement,
    signed_write,
)
from parley.store.tables import events
from tests.helpers import ACTORS, RU, UA, register_three
from tests.integration.exchange.builders import ISTANBUL

NOW = "2025-06-10T08:00:00.000000Z"


def _take_away(app: App, actor: str) -> Ed25519PrivateKey:
    """Move ``actor``'s private key off this machine (to its party's node)."""
    key = app.keyring.private(actor)
    app.keyring.path(actor).unlink()
    app.keyring._cache.pop(actor, None)
    return key


def _count(app: App) -> int:
    with app.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def _prepare(write: Callable[[], Any]) -> tuple[str, list[Any]]:
    sigs = Signatures(preparing=True, nonce=uuid.uuid4().hex)
    with signed_write(sigs), pytest.raises(PrepareDone) as done:
        write()
    return sigs.nonce, done.value.wanted


def _sign(statement: Statement, key: Ed25519PrivateKey, **changes: Any) -> SignedStatement:
    fields = {"event_id": str(uuid.uuid4()), "occurred_at": NOW,
              "key_id": key_id(public_key_hex(key)), **changes}
    st = dataclasses.replace(statement, **fields)
    return SignedStatement(st, sign_statement(st, key))


def _submit(nonce: str, signed: list[SignedStatement], write: Callable[[], Any]) -> Any:
    with signed_write(Signatures(signed=signed, nonce=nonce)):
        return write()


@pytest.fixture
def world(app: App) -> tuple[App, str, Ed25519PrivateKey]:
    register_three(app)
    agreement = load_agreement(app, path=ISTANBUL, actor="int-tracing")
    key = _take_away(app, ACTORS[UA])
    return app, agreement.id, key


def test_prepare_sign_submit_records_the_party_signature(world: Any) -> None:
    app, agreement_id, ua_key = world

    def write() -> Any:
        return sign_agreement(app, agreement_id=agreement_id, actor=ACTORS[UA])

    # Without a signature the hub cannot write in UA's name.
    with pytest.raises(SignatureRefused) as refused:
        write()
    assert refused.value.reason == "signature_required"
    before = _count(app)
    nonce, wanted = _prepare(write)
    assert _count(app) == before
    assert [w.statement.type for w in wanted] == ["agreement.signed"]
    assert wanted[0].payload["party"] == UA
    signed = _sign(wanted[0].statement, ua_key)
    done = _submit(nonce, [signed], write)
    assert UA in done.signed_by and _count(app) == before + 1
    with app.read() as conn:
        row = conn.execute(select(events).order_by(events.c.seq.desc()).limit(1)).one()
    assert (row.event_id, row.signature, row.occurred_at) == (
        signed.statement.event_id, signed.signature, NOW)
    assert verify_ledger(app).ok


def _statement_write(app: App, agreement_id: str, n: int = 3) -> Callable[[], Any]:
    def write() -> Any:
        return record_statement(app, agreement_id=agreement_id, party=UA,
                                stated_on="2025-06-10", source="press release",
                                claims={f"{RU}->{UA}": {"young": n}}, actor=ACTORS[UA])
    return write


def test_replay_is_refused(world: Any) -> None:
    app, agreement_id, ua_key = world
    write = _statement_write(app, agreement_id)
    nonce, wanted = _prepare(write)
    signed = _sign(wanted[0].statement, ua_key)
    _submit(nonce, [signed], write)
    before = _count(app)
    with pytest.raises(Replayed, match="already recorded"):
        _submit(nonce, [signed], write)
    assert _count(app) == before


def test_signature_over_other_bytes_is_refused(world: Any) -> None:
    app, agreement_id, ua_key = world
    nonce, wanted = _prepare(_statement_write(app, agreement_id, 3))
    signed = _sign(wanted[0].statement, ua_key)
    before = _count(app)
    with pytest.raises(SignatureRefused) as refused:
        _submit(nonce, [signed], _statement_write(app, agreement_id, 4))
    assert refused.value.reason == "other_bytes" and _count(app) == before


def test_forged_signature_and_unknown_key_are_refused(world: Any) -> None:
    app, agreement_id, ua_key = world
    write = _statement_write(app, agreement_id)
    nonce, wanted = _prepare(write)
    hub_key = generate_key()
    good = _sign(wanted[0].statement, ua_key)
    forged = SignedStatement(good.statement, sign_statement(good.statement, hub_key))
    before = _count(app)
    with pytest.raises(SignatureRefused) as refused:
        _submit(nonce, [forged], write)
    assert refused.value.reason == "bad_signature"
    with pytest.raises(SignatureRefused) as refused:
        _submit(nonce, [_sign(wanted[0].statement, hub_key)], write)
    assert refused.value.reason == "unknown_key" and "unknown key" in refused.value.message
    assert _count(app) == before


def test_revoked_key_is_refused_after_revocation(world: Any) -> None:
    app, agreement_id, ua_key = world
    # A second UA officer, whose key is on this machine for the test, revokes the first's.
    register_actor(app, actor="ua-second", party=UA, title="Deputy", role="officer")
    revoke_key(app, key=key_id(public_key_hex(ua_key)), by="ua-second", reason="lost",
               occurred_at="2025-06-10T07:00:00.000000Z")
    write = _statement_write(app, agreement_id)
    nonce, wanted = _prepare(write)
    before = _count(app)
    with pytest.raises(SignatureRefused) as refused:
        _submit(nonce, [_sign(wanted[0].statement, ua_key)], write)
    assert refused.value.reason == "key_revoked" and _count(app) == before
    # Signed before the revocation (offline), recorded now: still valid.
    early = _sign(wanted[0].statement, ua_key, occurred_at="2025-06-10T06:00:00.000000Z")
    _submit(nonce, [early], write)
    assert _count(app) == before + 1
    assert verify_ledger(app).ok
