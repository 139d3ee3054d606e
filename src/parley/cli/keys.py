"""`parley keys`: parties, actors and their Ed25519 signing keys."""

from __future__ import annotations

import typer

from parley.cli.common import open_app, out
from parley.domain.vocabulary import PartyKind

app = typer.Typer(help="Parties, actors and signing keys.", no_args_is_help=True)


@app.command("init")
def keys_init(
    actor: str = typer.Argument(..., help="Actor id, e.g. ua-coordination."),
    party: str = typer.Option(..., "--party", help="Party code, e.g. UA, RU, INT."),
    title: str = typer.Option("", "--title", help="Who the actor is (office or officer)."),
    role: str = typer.Option("coordinator", "--role", help="Role of the actor."),
    party_title: str = typer.Option("", "--party-title",
                                    help="Register the party too, with this name."),
    kind: str = typer.Option(PartyKind.PARTY.value, "--kind",
                             help=f"{PartyKind.listed('or')} (with --party-title)."),
) -> None:
    """Create an actor's Ed25519 key (file mode 0600) and register the actor in the ledger."""
    from parley.services.people.organisation import register_actor, register_party

    with open_app() as parley:
        if party_title:
            registered = register_party(parley, code=party, title=party_title, kind=kind,
                                        actor=actor, actor_title=title or party_title,
                                        role=role)
        else:
            registered = register_actor(parley, actor=actor, party=party,
                                        title=title or actor, role=role)
    out.print(f"actor {registered.id} of {registered.party}: public key {registered.public_key}")
    out.print(f"private key in {parley.keyring.path(registered.id)}")


@app.command("list")
def keys_list() -> None:
    """List the registered actors and their public keys."""
    from parley.services.people.organisation import list_actors

    with open_app() as parley:
        for actor in list_actors(parley):
            out.print(f"{actor.id}\t{actor.party}\t{actor.role}\t{actor.public_key}")
