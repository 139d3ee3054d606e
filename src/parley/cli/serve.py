"""`parley serve`: the API and the pages over HTTP (uvicorn)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from parley.cli.common import out
from parley.domain.vocabulary import PersonStatus, Role, Verdict
from parley.errors import NotFound


def run_server(*, host: str, port: int, workers: int, insecure_cookies: bool = False,
               env: dict[str, str] | None = None, all_keys_here: bool = False) -> None:
    """Migrate once here, refuse a key directory with another party's private key, then
    run uvicorn with the app factory in each worker."""
    import uvicorn

    from parley.bootstrap import bootstrap
    from parley.errors import ConfigError
    from parley.services.people.organisation import foreign_private_keys

    for name, value in (env or {}).items():
        os.environ[name] = value
    if insecure_cookies:
        os.environ["PARLEY_INSECURE_COOKIES"] = "1"
    with bootstrap() as parley:
        foreign = foreign_private_keys(parley)
        key_dir = parley.keyring.key_dir
    if foreign and not all_keys_here:
        raise ConfigError(
            f"the key directory {key_dir} holds the private key of {', '.join(foreign)}: "
            "a party's key never sits on the intermediary's machine; move it to the "
            "party's own Parley (`parley node init`) and start again")
    uvicorn.run("parley.api:create_from_env", factory=True, host=host, port=port,
                workers=workers if workers > 1 else None, log_level="warning",
                access_log=False, loop="auto", http="auto", timeout_graceful_shutdown=10)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Worker processes (each with its own thread pool)."),
    insecure_cookies: bool = typer.Option(
        False, "--insecure-cookies",
        help="Send session cookies without the Secure flag (only behind plain HTTP on a "
             "host name browsers do not treat as secure; never in production)."),
    all_keys_here: bool = typer.Option(
        False, "--all-keys-here",
        help="Start although parties' private keys are in the key directory (tests and "
             "benchmarks on one machine only: whoever runs it can sign for everyone)."),
) -> None:
    """Serve the API (/api/v1, OpenAPI at /openapi.json) and the pages on HOST:PORT."""
    from parley.bootstrap import safe_url
    from parley.settings import Settings

    settings = Settings.from_env()
    out.print(f"Parley on http://{host}:{port}/  (database {safe_url(settings.database_url)}; "
              f"API schema at /openapi.json)")
    run_server(host=host, port=port, workers=workers, insecure_cookies=insecure_cookies,
               all_keys_here=all_keys_here)


# --- `parley demo --serve` --------------------------------------------------------------

DEMO_USERS = (
    ("officer", Role.INTERMEDIARY, "INT", "Tracing officer of the intermediary"),
    ("ua-office", Role.PARTY, "UA", "Ukraine's coordination office"),
    ("ru-office", Role.PARTY, "RU", "Russian Federation's information bureau"),
)


def demo_accounts(out_dir: Path) -> list[str]:
    """Users, tokens, a family's inquiry and a publication in the demo's database; returns
    the lines that tell a new user how to sign in as each role."""
    from parley.bootstrap import bootstrap
    from parley.services.people.users import (
        add_user,
        create_token,
        get_user,
        new_password,
        set_password,
    )
    from parley.services.publication.publish import publish_bundle
    from parley.services.registry import identity, persons
    from parley.services.registry.inquiries import file_inquiry, intake_actor
    from parley.settings import Settings
    from parley.store import utc_now

    lines = []
    with bootstrap(Settings.for_directory(out_dir / "int")) as parley:
        for username, role, party, title in DEMO_USERS:
            try:
                get_user(parley, username)
                password = new_password()
                set_password(parley, username=username, password=password)
            except NotFound:
                password = new_password()
                add_user(parley, username=username, role=role, party=party,
                         display_name=title, password=password)
            token = create_token(parley, username=username, label="demo").secret
            lines.append(f"  {role:<12} {username:<10} password {password}   API token {token}")
        statuses = persons.statuses(parley)
        chosen = next((pid for pid, st in sorted(statuses.items())
                       if st.status in (PersonStatus.REPATRIATED, PersonStatus.HANDED_OVER)), None)
        if chosen is not None:
            records = identity.person_records(parley, chosen)
            fields = {k: v for k, v in records[0].fields.items()
                      if k in ("surname", "given_name", "patronymic", "birth_date")}
            filed = file_inquiry(parley, fields=fields or {"surname": "?", "given_name": "?"})
            if identity.person_of_record(parley, filed.record_id) != \
                    identity.current_person(parley, chosen):
                identity.decide(parley, decision=Verdict.SAME, actor=intake_actor(parley),
                                records=(records[0].id, filed.record_id))
            lines.append(f"  family       tracking code {filed.tracking_code} "
                         "(at /track; the relative's status)")
        published = out_dir / "int" / "published" / utc_now().strftime("%Y%m%dT%H%M%S%fZ")
        published.parent.mkdir(parents=True, exist_ok=True)
        publish_bundle(parley, published)
        lines.append("  public       no account: /public (the report and its bundle)")
    return lines


def serve_demo(out_dir: Path, *, host: str, port: int) -> None:
    """Open the demo's database over HTTP and print the address and credentials."""
    lines = demo_accounts(out_dir)
    out.print("")
    out.print(f"Serving the demo at http://{host}:{port}/  (Ctrl-C to stop)")
    out.print("Sign in at /login with:", soft_wrap=True)
    for line in lines:
        out.print(line, soft_wrap=True, markup=False)
    hub = out_dir.resolve() / "int"
    run_server(host=host, port=port, workers=1, env={
        "PARLEY_DATABASE_URL": f"sqlite:///{hub / 'parley.db'}",
        "PARLEY_KEY_DIR": str(hub / "keys"),
    })
