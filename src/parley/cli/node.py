"""`parley node`: a party's own Parley. Its key stays here; its writes reach the hub signed."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from parley.cli.common import open_app, out
from parley.errors import InputError

app = typer.Typer(help="A party's own Parley: set up, then sign and send the party's "
                       "writes to the hub (docs/protocol.md).", no_args_is_help=True)

OCCURRED = typer.Option(None, "--occurred-at", help="When it happened "
                        "(YYYY-MM-DDTHH:MM:SS.ffffffZ, UTC); default now.")


def _send(method: str, path: str, body: object, *, types: set[str],
          occurred_at: str | None = None) -> object:
    from parley.services.people.node import Node

    with open_app() as parley:
        node = Node.open(parley)
        answer, signed = node.signed_call(method, path, body, types=types,
                                          occurred_at=occurred_at)
    for line in signed:
        out.print(line, markup=False)
    return answer


@app.command("init")
def node_init(
    hub: str = typer.Option(..., "--hub", help="The hub's address, e.g. https://hub:8000."),
    token_file: Path = typer.Option(..., "--token-file", help="The party office's API token "
                                    "(from `parley tokens create` on the hub)."),
    actor: str = typer.Option(..., "--actor", help="This office's actor id, e.g. "
                              "ua-coordination."),
    title: str = typer.Option("", "--title", help="Who the actor is."),
    role: str = typer.Option("coordinator", "--role", help="The actor's role."),
) -> None:
    """Make this office's key here, register it at the hub (signed here), keep the token."""
    from parley.services.people.node import init_node

    with open_app() as parley:
        config, key_id, public = init_node(parley, hub=hub, token_file=token_file,
                                           actor=actor, title=title or actor, role=role)
    out.print(f"node of {config.party}: actor {config.actor}, key {key_id} ({public}); "
              f"hub {config.hub}", markup=False)


@app.command("status")
def node_status() -> None:
    """This node's actor, key and hub, and the hub's chain head."""
    from parley.services.people.node import Node

    with open_app() as parley:
        node = Node.open(parley)
        status, head = node.client.call("GET", "/api/v1/ledger/head")
        out.print(f"node of {node.config.party}: actor {node.config.actor}, key "
                  f"{node.key_id}; hub {node.config.hub}", markup=False)
    if status == 200 and isinstance(head, dict):
        out.print(f"hub chain: {head.get('events')} events, head {head.get('head')}",
                  markup=False)


@app.command("sign-agreement")
def node_sign_agreement(agreement: str = typer.Argument(..., help="Agreement id.")) -> None:
    """Sign an agreement's terms as this party."""
    _send("POST", f"/api/v1/agreements/{agreement}/signatures", None,
          types={"agreement.signed"})
    out.print(f"agreement {agreement} signed")


@app.command("nominate")
def node_nominate(agreement: str = typer.Argument(..., help="Agreement id."),
                  persons: list[str] = typer.Argument(..., help="Person ids.")) -> None:
    """Nominate persons this party sends under the agreement."""
    done = _send("POST", f"/api/v1/agreements/{agreement}/nominations",
                 {"person_ids": persons}, types={"person.nominated"})
    out.print(f"nominated: {done.get('count') if isinstance(done, dict) else done}")


@app.command("verify-identity")
def node_verify_identity(agreement: str = typer.Argument(..., help="Agreement id."),
                         persons: list[str] = typer.Argument(..., help="Person ids.")) -> None:
    """Confirm that nominated persons are this party's own people (receiving party)."""
    done = _send("POST", f"/api/v1/agreements/{agreement}/identity-confirmations",
                 {"person_ids": persons}, types={"verification.recorded"})
    out.print(f"identities confirmed: {done.get('count') if isinstance(done, dict) else done}")


@app.command("confirm")
def node_confirm(stage: str = typer.Argument(..., help="Stage id."),
                 persons: list[str] = typer.Argument(..., help="Person ids."),
                 occurred_at: str | None = OCCURRED) -> None:
    """Confirm persons as handed over in a stage, as this party's side."""
    done = _send("POST", f"/api/v1/stages/{stage}/handover", {"person_ids": persons},
                 types={"handover.confirmed", "discrepancy.opened"}, occurred_at=occurred_at)
    n = done.get("new_confirmations") if isinstance(done, dict) else done
    out.print(f"new confirmations: {n}")


@app.command("dispute")
def node_dispute(stage: str = typer.Argument(..., help="Stage id."),
                 person: str = typer.Argument(..., help="Person id."),
                 occurred_at: str | None = OCCURRED) -> None:
    """Dispute the identity of a person on a stage's list (receiving party)."""
    _send("POST", f"/api/v1/stages/{stage}/disputes", {"person_id": person},
          types={"identity.disputed", "discrepancy.opened"}, occurred_at=occurred_at)
    out.print(f"identity of {person} disputed")


@app.command("statement")
def node_statement(
    agreement: str = typer.Argument(..., help="Agreement id."),
    stated_on: str = typer.Option(..., "--date", help="When it was said (YYYY-MM-DD)."),
    source: str = typer.Option(..., "--source", help="Where it was said."),
    claims: str = typer.Option(..., "--claims", help='JSON: {"RU->UA": {"young": 3}}'),
    stage_number: int | None = typer.Option(None, "--stage", help="Stage number."),
) -> None:
    """Record this party's public statement and the figures it claims."""
    from parley.services.people.node import Node

    try:
        parsed = json.loads(claims)
    except ValueError as exc:
        raise InputError(f"--claims is not JSON: {exc}") from None
    with open_app() as parley:
        party = Node.open(parley).config.party
    body = {"party": party, "stated_on": stated_on, "source": source, "claims": parsed,
            "stage_number": stage_number}
    _send("POST", f"/api/v1/agreements/{agreement}/statements", body,
          types={"statement.recorded"})
    out.print("statement recorded")


@app.command("cosign")
def node_cosign(stage: str = typer.Argument(..., help="Stage id.")) -> None:
    """Cosign the stage heads the hub proposes for a stage (each head's bytes, signed here)."""
    from parley.services.people.node import Node, cosign_stage

    with open_app() as parley:
        signed = cosign_stage(Node.open(parley), stage)
    for item in signed:
        head = item["head"]
        what = f"{head['direction']} {head['category']}: {head['tree_size']}" \
            if "direction" in head else "the public head"
        out.print(f"cosigned {what}", markup=False)
