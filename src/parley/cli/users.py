"""`parley users` and `parley tokens`: who may sign in, and API tokens for their systems."""

from __future__ import annotations

import sys

import typer

from parley.cli.common import open_app, out
from parley.domain.vocabulary import USER_ROLES

app = typer.Typer(help="Users of the service (officers, parties' offices).",
                  no_args_is_help=True)
tokens = typer.Typer(help="API tokens: shown once, stored only as a keyed hash.",
                     no_args_is_help=True)


def _password(from_stdin: bool) -> tuple[str, bool]:
    from parley.services.people.users import new_password

    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return new_password(), True


@app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Sign-in name, e.g. ua-office."),
    role: str = typer.Option(..., "--role", help=f"{' or '.join(USER_ROLES)}."),
    party: str = typer.Option(..., "--party", help="Party code, e.g. INT, UA, RU."),
    actor: str = typer.Option("", "--actor", help="Actor whose key signs the user's writes "
                              "(default: the party's first actor)."),
    name: str = typer.Option("", "--name", help="Display name."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from standard input "
                                        "(otherwise one is generated and printed)."),
    no_password: bool = typer.Option(False, "--no-password",
                                     help="API tokens only; no browser sign-in."),
) -> None:
    """Add a user with a role and a party; prints a generated password once."""
    from parley.services.people.users import add_user

    password, generated = (None, False) if no_password else _password(password_stdin)
    with open_app() as parley:
        user = add_user(parley, username=username, role=role, party=party,
                        actor=actor or None, display_name=name, password=password)
    out.print(f"user {user.username}: {user.role} of {user.party}, signs as {user.actor}")
    if generated:
        out.print(f"password (shown once): {password}")


@app.command("list")
def users_list() -> None:
    """List users, their roles, parties and signing actors."""
    from parley.services.people.users import list_users

    with open_app() as parley:
        for u in list_users(parley):
            state = "disabled" if u.disabled else "active"
            out.print(f"{u.username}\t{u.role}\t{u.party}\t{u.actor}\t{state}")


@app.command("disable")
def users_disable(username: str = typer.Argument(..., help="The user to disable.")) -> None:
    """Disable a user: their sessions and tokens stop working at once."""
    from parley.services.people.users import disable_user

    with open_app() as parley:
        disable_user(parley, username=username)
    out.print(f"user {username} disabled")


@app.command("password")
def users_password(
    username: str = typer.Argument(..., help="The user."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the new password from standard input."),
) -> None:
    """Set a user's password (generated and printed unless read from standard input)."""
    from parley.services.people.users import set_password

    password, generated = _password(password_stdin)
    with open_app() as parley:
        set_password(parley, username=username, password=password)
    out.print(f"password of {username} changed" + (f": {password}" if generated else ""))


@tokens.command("create")
def tokens_create(
    username: str = typer.Argument(..., help="The user the token acts for."),
    label: str = typer.Option("", "--label", help="What the token is for."),
    days: int = typer.Option(0, "--days", help="Expire after this many days (0: never)."),
) -> None:
    """Create an API token (256 random bits); prints it once: store it safely."""
    from parley.services.people.users import create_token

    with open_app() as parley:
        issued = create_token(parley, username=username, label=label, days=days or None)
    out.print(f"token {issued.id} for {issued.user.username} "
              f"({issued.user.role} of {issued.user.party})"
              + (f", expires {issued.expires_at}" if issued.expires_at else ""))
    out.print(issued.secret)


@tokens.command("list")
def tokens_list(user: str = typer.Option("", "--user", help="Only this user's tokens.")
                ) -> None:
    """List tokens (ids, owners, expiry, revocation); never the secrets."""
    from parley.services.people.users import list_tokens

    with open_app() as parley:
        for t in list_tokens(parley, username=user or None):
            state = "revoked" if t["revoked_at"] else "active"
            out.print(f"{t['id']}\t{t['username']}\t{t['label']}\t"
                      f"expires {t['expires_at'] or 'never'}\t{state}")


@tokens.command("revoke")
def tokens_revoke(token_id: str = typer.Argument(..., help="The token's id.")) -> None:
    """Revoke a token: it stops working at once."""
    from parley.services.people.users import revoke_token

    with open_app() as parley:
        revoke_token(parley, token_id=token_id)
    out.print(f"token {token_id} revoked")
