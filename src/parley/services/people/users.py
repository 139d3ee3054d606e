"""Users, API tokens and browser sessions: who is calling, and as which role.

Called by ``parley users …`` / ``parley tokens …`` and by the HTTP layer on every
request. Secrets never reach the database: passwords are stored as argon2id hashes, API
tokens and session cookies as HMAC-SHA-256 under a key derived from the data key (kept
outside the database), so a copied database lets nobody in, and a token of another
deployment matches nothing here.
"""

from __future__ import annotations

import functools
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Row

from parley.bootstrap import App
from parley.domain.vocabulary import USER_ROLES, PartyKind, Role
from parley.errors import Conflict, InputError, NotFound
from parley.store import timestamp
from parley.store.tables import actors, api_tokens, inquiries, parties, users, web_sessions

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
TOKEN_PREFIX = "parley_"  # noqa: S105 - a marker, not a secret
SESSION_HOURS = 12
MIN_PASSWORD = 12

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so both paths take as long.

    Made on first sign-in rather than at import: argon2 takes a noticeable moment and
    every `parley` command imports this module.
    """
    return _hasher.hash("parley-dummy-password-for-timing")


@dataclass(frozen=True)
class User:
    """A person or system that signs in: an intermediary officer or a party's office."""

    id: str
    username: str
    role: Role
    party: str
    actor: str | None  # None for a party's user until its node registers the actor
    display_name: str
    disabled: bool = False


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: ``secret`` is shown once and never stored."""

    id: str
    user: User
    secret: str
    expires_at: str | None


@dataclass(frozen=True)
class Session:
    """A browser session: a user's, or a family's scoped to one inquiry."""

    id: str
    user: User | None
    inquiry_id: str | None
    expires_at: str


def _secret_hash(app: App, purpose: str, secret: str) -> str:
    return app.cipher.lookup_hash(f"parley-{purpose}-v1:{secret}")


def _user(row: Row[Any]) -> User:
    return User(id=row.id, username=row.username, role=Role(row.role), party=row.party_code,
                actor=row.actor_id, display_name=row.display_name,
                disabled=row.disabled_at is not None)


def add_user(app: App, *, username: str, role: str, party: str, actor: str | None = None,
             display_name: str = "", password: str | None = None) -> User:
    """Create a user of ``party`` in ``role``; its writes are signed by ``actor``.

    ``actor`` defaults to the party's first registered actor. Intermediary users must
    belong to the intermediary, party users to a party.
    """
    if not USERNAME.fullmatch(username):
        raise InputError(f"username {username!r} must be 3-64 characters of a-z, 0-9, '.', "
                         "'_' or '-'")
    if role not in USER_ROLES:
        raise InputError(f"role {role!r} must be one of {', '.join(USER_ROLES)} (families use "
                         "an inquiry's tracking code; the public needs no account)")
    if password is not None and len(password) < MIN_PASSWORD:
        raise InputError(f"password must be at least {MIN_PASSWORD} characters")
    password_hash = _hasher.hash(password) if password is not None else None
    with app.uow() as uow:
        conn = uow.conn
        kind = conn.execute(select(parties.c.kind).where(parties.c.code == party)).scalar()
        if kind is None:
            raise NotFound(f"party {party} is not registered")
        if (kind == PartyKind.INTERMEDIARY) != (role == Role.INTERMEDIARY):
            raise InputError(f"role {role} does not fit party {party}, which is of kind {kind}")
        if actor is None:
            actor = conn.execute(select(actors.c.id).where(actors.c.party_code == party)
                                 .order_by(actors.c.event_seq)).scalar()
            if actor is None and role != "party":
                raise NotFound(f"party {party} has no actor yet; run `parley keys init` first")
        else:
            actor_party = conn.execute(
                select(actors.c.party_code).where(actors.c.id == actor)).scalar()
            if actor_party != party:
                raise InputError(f"actor {actor} is not an actor of party {party}")
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise Conflict(f"user {username} already exists")
        user_id = str(uuid.uuid4())
        conn.execute(insert(users).values(
            id=user_id, username=username, role=role, party_code=party, actor_id=actor,
            display_name=display_name or username, password_hash=password_hash,
            created_at=timestamp(uow.now()), disabled_at=None))
        uow.commit()
    return User(id=user_id, username=username, role=Role(role), party=party, actor=actor,
                display_name=display_name or username)


def list_users(app: App) -> list[User]:
    with app.read() as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).all()
    return [_user(r) for r in rows]


def get_user(app: App, username: str) -> User:
    with app.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        raise NotFound(f"user {username} does not exist")
    return _user(row)


def disable_user(app: App, *, username: str) -> User:
    """Disable a user: its tokens and sessions stop working at once."""
    with app.uow() as uow:
        row = uow.conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFound(f"user {username} does not exist")
        uow.conn.execute(update(users).where(users.c.id == row.id)
                         .values(disabled_at=timestamp(uow.now())))
        uow.commit()
    return _user(row)


def set_password(app: App, *, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password must be at least {MIN_PASSWORD} characters")
    with app.uow() as uow:
        done = uow.conn.execute(update(users).where(users.c.username == username)
                                .values(password_hash=_hasher.hash(password))).rowcount
        if not done:
            raise NotFound(f"user {username} does not exist")
        uow.commit()


def new_password() -> str:
    """A random password of about 120 bits, easy to copy from a terminal."""
    return secrets.token_urlsafe(15)


def check_password(app: App, *, username: str, password: str) -> User | None:
    """The user if ``password`` is theirs and they are enabled; None otherwise."""
    with app.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    stored = row.password_hash if row is not None and row.password_hash else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.password_hash is None or row.disabled_at is not None:
        return None
    return _user(row)


# --- API tokens -----------------------------------------------------------------------


def create_token(app: App, *, username: str, label: str = "",
                 days: int | None = None) -> IssuedToken:
    """Issue an API token (256 random bits) for ``username``; only its keyed hash is kept."""
    if days is not None and days < 1:
        raise InputError(f"--days {days} must be at least 1")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = str(uuid.uuid4())
    with app.uow() as uow:
        row = uow.conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFound(f"user {username} does not exist")
        if row.disabled_at is not None:
            raise Conflict(f"user {username} is disabled")
        now = uow.now()
        expires = timestamp(now + timedelta(days=days)) if days else None
        uow.conn.execute(insert(api_tokens).values(
            id=token_id, user_id=row.id, token_hash=_secret_hash(app, "token", secret),
            label=label or f"token for {username}", created_at=timestamp(now),
            expires_at=expires, revoked_at=None))
        uow.commit()
    return IssuedToken(id=token_id, user=_user(row), secret=secret, expires_at=expires)


def revoke_token(app: App, *, token_id: str) -> None:
    with app.uow() as uow:
        done = uow.conn.execute(update(api_tokens).where(api_tokens.c.id == token_id)
                                .values(revoked_at=timestamp(uow.now()))).rowcount
        if not done:
            raise NotFound(f"token {token_id} does not exist")
        uow.commit()


def list_tokens(app: App, *, username: str | None = None) -> list[dict[str, str | None]]:
    stmt = (select(api_tokens.c.id, users.c.username, api_tokens.c.label,
                   api_tokens.c.created_at, api_tokens.c.expires_at, api_tokens.c.revoked_at)
            .join(users, users.c.id == api_tokens.c.user_id)
            .order_by(api_tokens.c.created_at))
    if username is not None:
        stmt = stmt.where(users.c.username == username)
    with app.read() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


# Built once: every API request runs it.
_TOKEN_LOOKUP = (select(users, api_tokens.c.expires_at, api_tokens.c.revoked_at)
                 .join(api_tokens, api_tokens.c.user_id == users.c.id)
                 .where(api_tokens.c.token_hash == bindparam("token_hash")))


def user_for_token(app: App, secret: str) -> User | None:
    """The enabled user holding this unexpired, unrevoked token; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = timestamp(app.clock())
    with app.read() as conn:
        row = conn.execute(_TOKEN_LOOKUP,
                           {"token_hash": _secret_hash(app, "token", secret)}).first()
    if row is None or row.revoked_at is not None or row.disabled_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    return _user(row)


# --- browser sessions -----------------------------------------------------------------


def start_session(app: App, *, user: User | None = None, inquiry_id: str | None = None,
                  hours: int = SESSION_HOURS) -> tuple[str, Session]:
    """A new session for a user or a family; returns (cookie value, session)."""
    if (user is None) == (inquiry_id is None):
        raise ValueError("a session belongs to a user or to an inquiry")
    secret = secrets.token_urlsafe(32)
    session_id = str(uuid.uuid4())
    with app.uow() as uow:
        now = uow.now()
        expires = timestamp(now + timedelta(hours=hours))
        uow.conn.execute(insert(web_sessions).values(
            id=session_id, token_hash=_secret_hash(app, "session", secret),
            user_id=user.id if user else None, inquiry_id=inquiry_id,
            created_at=timestamp(now), expires_at=expires, revoked_at=None))
        uow.commit()
    return secret, Session(id=session_id, user=user, inquiry_id=inquiry_id, expires_at=expires)


class SessionExpired(Exception):
    """The cookie names a session that existed but has expired or was closed."""


def session_for_cookie(app: App, secret: str) -> Session | None:
    """The live session for a cookie value; raises SessionExpired for a dead one."""
    if len(secret) > 200:
        return None
    with app.read() as conn:
        row = conn.execute(select(web_sessions).where(
            web_sessions.c.token_hash == _secret_hash(app, "session", secret))).first()
        if row is None:
            return None
        user_row = None
        if row.user_id is not None:
            user_row = conn.execute(select(users).where(users.c.id == row.user_id)).first()
    if row.revoked_at is not None or row.expires_at <= timestamp(app.clock()):
        raise SessionExpired(row.id)
    if user_row is not None and user_row.disabled_at is not None:
        raise SessionExpired(row.id)
    return Session(id=row.id, user=_user(user_row) if user_row is not None else None,
                   inquiry_id=row.inquiry_id, expires_at=row.expires_at)


def end_session(app: App, secret: str) -> None:
    with app.uow() as uow:
        uow.conn.execute(update(web_sessions)
                         .where(web_sessions.c.token_hash == _secret_hash(app, "session", secret))
                         .values(revoked_at=timestamp(uow.now())))
        uow.commit()


def csrf_token(app: App, session_secret: str) -> str:
    """The CSRF token bound to a session (recomputed, never stored)."""
    return _secret_hash(app, "csrf", session_secret)


def check_csrf(app: App, session_secret: str, presented: str) -> bool:
    return secrets.compare_digest(csrf_token(app, session_secret), presented)


def inquiry_for_tracking_code(app: App, code: str) -> str | None:
    """The inquiry id a tracking code opens, or None."""
    normalised = normalise_tracking_code(code)
    if normalised is None:
        return None
    with app.read() as conn:
        # A revoked inquiry's code opens nothing, like a code never issued.
        found = conn.execute(select(inquiries.c.id).where(
            inquiries.c.tracking_hash == _secret_hash(app, "tracking", normalised),
            inquiries.c.revoked_at.is_(None))).scalar()
    return str(found) if found is not None else None


def tracking_hash(app: App, code: str) -> str:
    return _secret_hash(app, "tracking", code)


TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
TRACKING_GROUPS = 5


def new_tracking_code() -> str:
    """Twenty characters from a 30-letter alphabet (~98 bits), in groups of four."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(4 * TRACKING_GROUPS))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalise_tracking_code(code: str) -> str | None:
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(letters) != 4 * TRACKING_GROUPS or any(c not in TRACKING_ALPHABET for c in letters):
        return None
    return "-".join(letters[i:i + 4] for i in range(0, len(letters), 4))
