"""Registering the parties, the intermediary and their actors (with signing keys)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from parley.bootstrap import App
from parley.domain.events import (
    ActorRegistered,
    KeyAdded,
    KeyRevoked,
    KeyRotated,
    PartyRegistered,
)
from parley.domain.vocabulary import PartyKind
from parley.errors import ConfigError, Conflict, InputError, NotFound, parse_input
from parley.ledger.keys import key_id
from parley.ledger.signing import generate_key, public_key_hex
from parley.store import UnitOfWork, check_actor_id
from parley.store.tables import actors, parties, signing_keys


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


def register_actor(app: App, *, actor: str, party: str, title: str, role: str,
                   public_key: str | None = None) -> Actor:
    """Add another actor (an office or officer) to a registered party.

    Without ``public_key`` its key is created in this machine's key directory. With one
    (made on the actor's own machine), the registration, which the actor signs itself,
    must come signed from there (a signed write, :mod:`parley.services.people.signed`)."""
    check_actor_id(actor)
    with app.uow() as uow:
        if not uow.conn.execute(select(parties.c.code).where(parties.c.code == party)).first():
            raise NotFound(f"party {party} is not registered")
        if public_key is None:
            key = app.keyring.private(actor) if app.keyring.has(actor) \
                else app.keyring.create(actor)
            public_key = public_key_hex(key)
        else:
            try:
                key_id(public_key)
            except ValueError:
                raise InputError(f"public key {public_key[:16]!r}… is not 64 hex "
                                 "digits") from None
        registered = _register_actor(uow, actor=actor, party=party, title=title, role=role,
                                     public_key=public_key)
        uow.commit()
    return registered


def add_party(app: App, *, code: str, title: str, kind: str, by: str) -> None:
    """Register a party whose actors will register from their own machines; the
    ``party.registered`` event is signed by ``by`` (an actor of the intermediary)."""
    kind = parse_input(PartyKind, kind)
    if not code.isalnum() or not code.isupper() or len(code) > 16:
        raise InputError(f"party code {code!r} must be 1-16 upper-case letters or digits")
    with app.uow() as uow:
        conn = uow.conn
        if conn.execute(select(parties.c.code).where(parties.c.code == code)).first():
            raise Conflict(f"party {code} is already registered")
        by_kind = conn.execute(select(parties.c.kind).join(
            actors, actors.c.party_code == parties.c.code).where(actors.c.id == by)).scalar()
        if by_kind != PartyKind.INTERMEDIARY:
            raise InputError(f"{by} is not an actor of the intermediary: only the "
                             "intermediary registers parties")
        conn.execute(insert(parties).values(code=code, title=title, kind=kind, event_seq=0))
        ev = uow.append(PartyRegistered(code=code, title=title, kind=kind), actor=by)
        conn.execute(parties.update().where(parties.c.code == code)
                     .values(event_seq=ev.seq))
        uow.commit()


def enrol_actor(app: App, *, user_id: str, party: str, actor: str, title: str, role: str,
                public_key: str) -> Actor:
    """A party's node registers its actor with the key it made (the registration signed by
    that key, on the node); the enrolling user's writes are signed by it from then on if
    the user had no actor yet."""
    from parley.store.tables import users

    check_actor_id(actor)
    try:
        key_id(public_key)
    except ValueError:
        raise InputError(f"public key {public_key[:16]!r}… is not 64 hex digits") from None
    with app.uow() as uow:
        registered = _register_actor(uow, actor=actor, party=party, title=title, role=role,
                                     public_key=public_key)
        uow.conn.execute(users.update().where(users.c.id == user_id,
                                              users.c.actor_id.is_(None))
                         .values(actor_id=actor))
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


# --- keys and their life ----------------------------------------------------------------


@dataclass(frozen=True)
class KeyInfo:
    """A registered key as ``parley keys list --json`` shows it."""

    actor: str
    party: str
    kind: str
    public_key: str
    key_id: str
    private: bool
    revoked_from: str | None

    def to_json(self) -> dict[str, object]:
        return {"actor": self.actor, "party": self.party, "kind": self.kind,
                "public_key": self.public_key, "key_id": self.key_id,
                "private": self.private, "revoked_from": self.revoked_from}


def list_keys(app: App) -> list[KeyInfo]:
    """Every registered key of every actor; ``private`` where this machine holds it."""
    with app.read() as conn:
        rows = conn.execute(
            select(signing_keys, parties.c.kind)
            .join(parties, parties.c.code == signing_keys.c.party_code)
            .order_by(signing_keys.c.actor, signing_keys.c.added_seq)).all()
    local = {actor: app.keyring.key_id(actor) for actor in {r.actor for r in rows}
             if app.keyring.has(actor)}
    return [KeyInfo(actor=r.actor, party=r.party_code, kind=r.kind,
                    public_key=r.public_key, key_id=r.key_id,
                    private=local.get(r.actor) == r.key_id, revoked_from=r.revoked_from)
            for r in rows]


def foreign_private_keys(app: App, *, own_party: str | None = None) -> list[str]:
    """Actors of another party than ``own_party`` (for a hub: of any party but the
    intermediary) whose private key is in this machine's key directory."""
    with app.read() as conn:
        rows = conn.execute(select(actors.c.id, actors.c.party_code, parties.c.kind)
                            .join(parties, parties.c.code == actors.c.party_code)).all()
    out = []
    for r in rows:
        foreign = (r.kind != "intermediary") if own_party is None else \
            (r.party_code != own_party)
        if foreign and app.keyring.has(r.id):
            out.append(f"{r.id} ({r.party_code})")
    return sorted(out)


def rotate_key(app: App, *, actor: str) -> KeyInfo:
    """Replace ``actor``'s key on this machine with a new one; the old key signs the
    rotation and is kept beside the new one as ``<actor>.<key id>.retired.pem``."""
    old = app.keyring.private(actor)
    old_id = app.keyring.key_id(actor)
    new = generate_key()
    new_id = key_id(public_key_hex(new))
    with app.uow() as uow:
        uow.append(KeyRotated(actor=actor, old_key_id=old_id, key_id=new_id,
                              public_key=public_key_hex(new)), actor=actor)
        uow.commit()
    app.keyring.replace(actor, new, retired=old_id)
    del old
    return _key_info(app, new_id)


def add_key(app: App, *, actor: str, by: str, public_key: str) -> KeyInfo:
    """Register another key (made on the officer's own device) for ``actor``, signed by
    ``by``, an officer of the same party whose key is on this machine."""
    try:
        kid = key_id(public_key)
    except ValueError:
        raise InputError(f"public key {public_key[:16]!r}… is not 64 hex digits") from None
    with app.uow() as uow:
        uow.append(KeyAdded(actor=actor, key_id=kid, public_key=public_key), actor=by)
        uow.commit()
    return _key_info(app, kid)


def revoke_key(app: App, *, key: str, by: str, reason: str,
               occurred_at: str | None = None) -> KeyInfo:
    """Revoke ``key`` (of any actor of ``by``'s party, ``by`` itself included) from
    ``occurred_at`` (default now), signed by ``by``."""
    with app.read() as conn:
        owner = conn.execute(select(signing_keys.c.actor)
                             .where(signing_keys.c.key_id == key)).scalar()
    if owner is None:
        raise NotFound(f"key {key} is not registered")
    if not reason.strip():
        raise InputError("a revocation states its reason (--reason)")
    with app.uow() as uow:
        uow.append(KeyRevoked(actor=str(owner), key_id=key, reason=reason), actor=by,
                   occurred_at=occurred_at)
        uow.commit()
    return _key_info(app, key)


def _key_info(app: App, kid: str) -> KeyInfo:
    for info in list_keys(app):
        if info.key_id == kid:
            return info
    raise ConfigError(f"key {kid} is not in the signing_keys table")
