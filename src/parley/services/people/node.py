"""A party's own Parley (a *node*): its keys stay here, its writes go to the hub signed.

``parley node init`` makes the actor's key on this machine, registers the actor at the
hub (the registration signed here by that key) and writes ``node.json`` beside the
node's database. Each party command then sends the write to the hub; the hub answers
428 with the exact statements to sign (docs/protocol.md); the node checks that each is
its own actor's, of the kind of event the command makes, and that the payload it shows
hashes to what it signs, then signs with its own key and sends the write again.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from parley.bootstrap import App
from parley.domain.stage_head import StageHead
from parley.errors import ConfigError, Conflict, InputError, NotFound, ParleyError
from parley.ledger.chain import Statement, is_timestamp, payload_hash, sign_statement
from parley.ledger.signing import public_key_hex, sign
from parley.services.exchange.cosigning import parse_head
from parley.services.people.signed import HEADER, SignedStatement, encode_header
from parley.store import timestamp, utc_now

CONFIG = "node.json"
TOKEN_FILE = "hub.token"  # noqa: S105 - a file name, not a secret
TIMEOUT = 60


@dataclass(frozen=True)
class NodeConfig:
    hub: str
    actor: str
    party: str

    def to_json(self) -> dict[str, str]:
        return {"hub": self.hub, "actor": self.actor, "party": self.party}


def config_dir(app: App) -> Path:
    """Where the node keeps ``node.json`` and the hub token: beside its key directory."""
    return app.keyring.key_dir.parent


def load_config(app: App) -> NodeConfig:
    path = config_dir(app) / CONFIG
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return NodeConfig(hub=str(data["hub"]), actor=str(data["actor"]),
                          party=str(data["party"]))
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist: this is not a party's node; run "
                          "`parley node init --hub URL --token-file F --actor A`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path} is not a node configuration: {exc}") from None


class HubClient:
    """JSON over HTTP(S) to the hub, with the party's API token; signs what it must."""

    def __init__(self, hub: str, token: str) -> None:
        if not hub.startswith(("http://", "https://")):
            raise InputError(f"--hub {hub!r} is not an http:// or https:// address")
        self.hub = hub.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(f"{self.hub}{path}", data=data,  # noqa: S310
                                     method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw or b"null")
            except ValueError:
                return exc.code, {"error": {"message": raw.decode("utf-8", "replace")[:300]}}
        except (urllib.error.URLError, OSError) as exc:
            raise ConfigError(f"the hub at {self.hub} cannot be reached: "
                              f"{getattr(exc, 'reason', exc)}") from None


def _raise_for(status: int, data: Any, what: str) -> None:
    message = data.get("error", {}).get("message") if isinstance(data, dict) else None
    text = f"{what}: the hub answered {status}: {message or data}"
    code = data.get("error", {}).get("code") if isinstance(data, dict) else None
    if status == 404:
        raise NotFound(text)
    if status == 409:
        raise Conflict(text + (" (a replay)" if code == "replayed" else ""))
    if status in (400, 422, 428):
        raise InputError(text)
    raise ParleyError(text)


@dataclass
class Node:
    """The node's actor, its key and its hub."""

    app: App
    config: NodeConfig
    client: HubClient

    @classmethod
    def open(cls, app: App) -> Node:
        config = load_config(app)
        token_path = config_dir(app) / TOKEN_FILE
        try:
            token = token_path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"the hub token {token_path}: {exc.strerror}") from None
        return cls(app=app, config=config, client=HubClient(config.hub, token))

    @property
    def key_id(self) -> str:
        return self.app.keyring.key_id(self.config.actor)

    def signed_call(self, method: str, path: str, body: Any, *, types: Collection[str],
                    occurred_at: str | None = None, what: str = "") -> tuple[Any, list[str]]:
        """Send a write; sign the statements the hub asks for (only this actor's, only
        of ``types``) and send it again. Returns the answer and what was signed."""
        what = what or f"{method} {path}"
        status, data = self.client.call(method, path, body)
        signed_lines: list[str] = []
        if status == 428 and isinstance(data, dict) and isinstance(data.get("sign"), dict):
            signed = self.sign_wanted(data["sign"], types=types, occurred_at=occurred_at)
            signed_lines = [f"signed {s.statement.type} {s.statement.event_id} with key "
                            f"{s.statement.key_id}" for s in signed]
            status, data = self.client.call(
                method, path, body,
                headers={HEADER: encode_header(str(data["sign"].get("nonce", "")), signed)})
        if status >= 400:
            _raise_for(status, data, what)
        return data, signed_lines

    def sign_wanted(self, sign_request: dict[str, Any], *, types: Collection[str],
                    occurred_at: str | None) -> list[SignedStatement]:
        when = occurred_at or timestamp(utc_now())
        if not is_timestamp(when):
            raise InputError(f"--occurred-at {when!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        key = self.app.keyring.private(self.config.actor)
        out = []
        for item in sign_request.get("statements", []):
            try:
                st = Statement.from_json(item.get("statement"))
            except (ValueError, AttributeError) as exc:
                raise InputError(f"the hub asks to sign a malformed statement: {exc}") from None
            payload = item.get("payload")
            if st.actor != self.config.actor:
                raise InputError(f"the hub asks this node to sign for {st.actor}; it signs "
                                 f"only for {self.config.actor}")
            if st.type not in types:
                raise InputError(f"the hub asks to sign a {st.type} event; this command "
                                 f"signs only {', '.join(sorted(types))}")
            if payload_hash(payload) != st.payload_hash:
                raise InputError("the payload the hub shows does not hash to the statement "
                                 "it asks to sign")
            mine = replace(st, event_id=str(uuid.uuid4()), key_id=self.key_id,
                           occurred_at=when)
            out.append(SignedStatement(mine, sign_statement(mine, key)))
        if not out:
            raise InputError("the hub asked for signatures but listed no statement")
        return out


def init_node(app: App, *, hub: str, token_file: Path, actor: str, title: str,
              role: str) -> tuple[NodeConfig, str, str]:
    """Make the actor's key here, register it at the hub (signed here) and write the
    node's configuration; returns it, the key id and the public key."""
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputError(f"--token-file {token_file}: {exc.strerror}") from None
    if not token:
        raise InputError(f"--token-file {token_file} is empty")
    client = HubClient(hub, token)
    status, me = client.call("GET", "/api/v1/me")
    if status != 200 or not isinstance(me, dict):
        _raise_for(status, me, "signing in to the hub")
    if me.get("role") != "party" or not me.get("party"):
        raise InputError(f"the token signs in as {me.get('name')} ({me.get('role')}), not as "
                         "a party's office")
    party = str(me["party"])
    key = app.keyring.private(actor) if app.keyring.has(actor) else app.keyring.create(actor)
    public = public_key_hex(key)
    config = NodeConfig(hub=hub.rstrip("/"), actor=actor, party=party)
    where = config_dir(app)
    where.mkdir(parents=True, exist_ok=True)
    token_path = where / TOKEN_FILE
    fd = os.open(token_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    (where / CONFIG).write_text(json.dumps(config.to_json(), indent=1) + "\n",
                                encoding="utf-8")
    node = Node(app=app, config=config, client=client)
    status, actors = client.call("GET", f"/api/v1/actors?party={party}")
    known = {a["id"]: a for a in actors} if status == 200 and isinstance(actors, list) else {}
    if actor in known:
        if known[actor]["public_key"] != public:
            raise Conflict(f"actor {actor} is registered at the hub with another key; "
                           "rotate or revoke it from a node that holds it")
    else:
        node.signed_call("POST", "/api/v1/actors",
                         {"actor": actor, "title": title, "role": role, "public_key": public},
                         types={"actor.registered"}, what=f"registering {actor}")
    return config, node.key_id, public


def cosign_stage(node: Node, stage_id: str) -> list[dict[str, Any]]:
    """Cosign the heads the hub proposes for ``stage_id``: each head's bytes, unchanged,
    signed with this node's key (only heads of a direction this party takes part in)."""
    status, data = node.client.call("GET", f"/api/v1/stages/{stage_id}/heads")
    if status != 200 or not isinstance(data, dict):
        _raise_for(status, data, f"stage {stage_id}'s proposed heads")
    if not data.get("heads"):
        raise Conflict(f"stage {stage_id} has no heads to cosign yet: the intermediary "
                       "proposes them by closing the stage")
    key = node.app.keyring.private(node.config.actor)
    signatures = []
    for item in data.get("heads", []):
        try:
            head = parse_head(item)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"the hub proposes a malformed stage head: {exc}") from None
        if head.stage != stage_id:
            raise InputError(f"the hub proposes a head of stage {head.stage} for {stage_id}")
        if isinstance(head, StageHead) and node.config.party not in head.direction.split("->"):
            raise InputError(f"the hub asks {node.config.party} to cosign a head of "
                             f"{head.direction}")
        signatures.append({"head": head.to_json(),
                           "signature": sign(key, head.to_bytes())})
    body = {"key": node.key_id, "time": data.get("time"), "signatures": signatures}
    status, answer = node.client.call("POST", f"/api/v1/stages/{stage_id}/cosignatures", body)
    if status >= 400:
        _raise_for(status, answer, f"cosigning stage {stage_id}")
    return signatures
