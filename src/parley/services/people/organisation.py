"""Registering the parties, the intermediary and their actors (with signing keys)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from parley.bootstrap import App
from parley.domain.events import ActorRegistered, PartyRegistered
from parley.domain.vocabulary import PartyKind
from parley.errors import Conflict, InputError, NotFound, parse_input
from parley.ledger.signing import public_key_hex
from parley.store import UnitOfWork, check_actor_id
from parley.store.tables import actors, parties


@dataclass(frozen=True)
class Actor:
    id: str
    party: str
    title: str
    role: str
    public_key: str


def register_party(app: App, *, code: str, title: str, kind: str, actor: str,
                   actor_title: str | None = None, role: str = "coordinator") -> Actor:
    """Register a party (or the intermediary) together with its first actor and key.

    The first actor's key is created in the key directory if it is not there yet; its
    ``actor.registered`` event is signed by itself, and the ``party.registered`` event
    by that actor.
    """
    kind = parse_input(PartyKind, kind)
    if not code.isalnum() or not code.isupper() or len(code) > 16:
        raise InputError(f"party code {code!r} must be 1-16 upper-case letters or digits")
    check_actor_id(actor)
    with app.uow() as uow:
        if uow.conn.execute(select(parties.c.code).where(parties.c.code == code)).first():
            raise Conflict(f"party {code} is already registered")
        key = app.keyring.private(actor) if app.keyring.has(actor) else app.keyring.create(actor)
        uow.conn.execute(insert(parties).values(code=code, title=title, kind=kind, event_seq=0))
        registered = _register_actor(uow, actor=actor, party=code, title=actor_title or title,
                                     role=role, public_key=public_key_hex(key))
        ev = uow.append(PartyRegistered(code=code, title=title, kind=kind), actor=actor)
        uow.conn.execute(parties.update().where(parties.c.code == code)
                         .values(event_seq=ev.seq))
        uow.commit()
    return registered


def register_actor(app: App, *, actor: str, party: str, title: str, role: str) -> Actor:
    """Add another actor (an office or officer) to a registered party, with a new key."""
    check_actor_id(actor)
    with app.uow() as uow:
        if not uow.conn.execute(select(parties.c.code).where(parties.c.code == party)).first():
            raise NotFound(f"party {party} is not registered")
        key = app.keyring.private(actor) if app.keyring.has(actor) else app.keyring.create(actor)
        registered = _register_actor(uow, actor=actor, party=party, title=title, role=role,
                                     public_key=public_key_hex(key))
        uow.commit()
    return registered


def _register_actor(uow: UnitOfWork, *, actor: str, party: str, title: str, role: str,
                    public_key: str) -> Actor:
    if uow.conn.execute(select(actors.c.id).where(actors.c.id == actor)).first():
        raise Conflict(f"actor {actor} is already registered")
    ev = uow.append(ActorRegistered(actor=actor, party=party, title=title, role=role,
                                    public_key=public_key), actor=actor)
    uow.conn.execute(insert(actors).values(id=actor, party_code=party, title=title, role=role,
                                           public_key=public_key, event_seq=ev.seq))
    return Actor(id=actor, party=party, title=title, role=role, public_key=public_key)


def list_actors(app: App) -> list[Actor]:
    with app.read() as conn:
        rows = conn.execute(select(actors).order_by(actors.c.id)).all()
    return [Actor(id=r.id, party=r.party_code, title=r.title, role=r.role,
                  public_key=r.public_key) for r in rows]


def actor_party(app: App, actor: str) -> str:
    with app.read() as conn:
        party = conn.execute(select(actors.c.party_code).where(actors.c.id == actor)).scalar()
    if party is None:
        raise NotFound(f"actor {actor} is not registered")
    return str(party)
