"""`parley keys`: parties, actors and their Ed25519 signing keys."""

from __future__ import annotations

import typer

from parley.cli.common import open_app, out, print_json
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
def keys_list(
    as_json: bool = typer.Option(False, "--json", help="One JSON list: actor, party, kind, "
                                 "public_key, key_id, private, revoked_from."),
) -> None:
    """List every registered key; `private` where this machine holds the private key."""
    from parley.services.people.organisation import list_keys

    with open_app() as parley:
        keys = list_keys(parley)
    if as_json:
        print_json([k.to_json() for k in keys])
        return
    for k in keys:
        mark = "private here" if k.private else "public only"
        revoked = f"\trevoked from {k.revoked_from}" if k.revoked_from else ""
        out.print(f"{k.actor}\t{k.party}\t{k.kind}\t{k.key_id}\t{k.public_key}\t{mark}"
                  f"{revoked}", markup=False)


@app.command("rotate")
def keys_rotate(actor: str = typer.Argument(..., help="The actor whose key to replace.")) -> None:
    """Replace ACTOR's key on this machine with a new one (the old key signs the handover)."""
    from parley.services.people.organisation import rotate_key

    with open_app() as parley:
        info = rotate_key(parley, actor=actor)
    out.print(f"actor {info.actor}: new key {info.key_id} ({info.public_key})")


@app.command("add")
def keys_add(
    actor: str = typer.Argument(..., help="The actor who gets another key."),
    public_key: str = typer.Option(..., "--public-key", help="The new key (64 hex), made "
                                   "on the officer's own device."),
    by: str = typer.Option(..., "--by", help="An officer of the same party whose key is "
                           "on this machine; signs the addition."),
) -> None:
    """Register another key for ACTOR, signed by an officer of the same party."""
    from parley.services.people.organisation import add_key

    with open_app() as parley:
        info = add_key(parley, actor=actor, by=by, public_key=public_key)
    out.print(f"actor {info.actor}: key {info.key_id} added")


@app.command("revoke")
def keys_revoke(
    key_id: str = typer.Argument(..., help="The key id to revoke (see `parley keys list`)."),
    by: str = typer.Option(..., "--by", help="An officer of the same party (the key's own "
                           "actor or another) whose key is on this machine."),
    reason: str = typer.Option(..., "--reason", help="Why (lost, stolen, officer left)."),
) -> None:
    """Revoke a key from now on: nothing it signs from now is accepted; what it signed
    before stays valid."""
    from parley.services.people.organisation import revoke_key

    with open_app() as parley:
        info = revoke_key(parley, key=key_id, by=by, reason=reason)
    out.print(f"key {info.key_id} of {info.actor} revoked from {info.revoked_from}")


@app.command("party")
def keys_party(
    code: str = typer.Argument(..., help="Party code, e.g. UA."),
    title: str = typer.Option(..., "--title", help="The party's name."),
    by: str = typer.Option(..., "--by", help="The intermediary's actor that signs it."),
    kind: str = typer.Option("party", "--kind", help="party or intermediary."),
) -> None:
    """Register a party whose actors register from their own machines (`parley node init`)."""
    from parley.services.people.organisation import add_party

    with open_app() as parley:
        add_party(parley, code=code, title=title, kind=kind, by=by)
    out.print(f"party {code} registered; its office registers its actor with "
              "`parley node init` on its own machine")
