"""`parley remains`, `parley statement`, `parley person`: remains by case, public
statements beside confirmed figures, and a person's status with its source."""

from __future__ import annotations

from pathlib import Path

import typer

from parley.cli.common import open_app, out, print_json
from parley.errors import InputError

remains_app = typer.Typer(help="Remains exchanged by case number, and identified later.",
                          no_args_is_help=True)
statement_app = typer.Typer(help="Each party's public statements beside the confirmed "
                                 "figures.", no_args_is_help=True)
person_app = typer.Typer(help="A person's status and the event that established it.",
                         no_args_is_help=True)

ACTOR = typer.Option(..., "--actor", help="The actor who acts (its key signs the event).")


@remains_app.command("confirm")
def remains_confirm(
    stage: str = typer.Argument(..., help="Stage id."),
    cases: list[str] = typer.Argument(None, help="Case numbers."),
    direction: str = typer.Option(..., "--direction", help="SENDING->RECEIVING, e.g. RU->UA."),
    category: str = typer.Option("remains", "--category", help="The remains category."),
    file: Path | None = typer.Option(None, "--file", help="Case numbers, one a line."),
    actor: str = ACTOR,
) -> None:
    """Confirm remains of a stage by case number (the sending side creates the cases)."""
    from parley.services.exchange.remains import confirm_remains

    numbers = list(cases or [])
    if file is not None:
        try:
            numbers += [x.strip() for x in file.read_text(encoding="utf-8").splitlines()
                        if x.strip()]
        except OSError as exc:
            raise InputError(f"{file}: cannot be read: {exc.strerror}") from None
    with open_app() as parley:
        result = confirm_remains(parley, stage_id=stage, direction=direction,
                                 category=category, case_numbers=numbers, actor=actor)
    out.print(f"{result.added} cases confirmed as {result.role}"
              + ("" if result.added else " (nothing changed)"))


@remains_app.command("identify")
def remains_identify(
    case: str = typer.Argument(..., help="Case number."),
    person: str = typer.Argument(..., help="Person id."),
    agreement: str = typer.Option(..., "--agreement", help="Agreement id or reference."),
    actor: str = ACTOR,
) -> None:
    """Link a remains case to the person it was identified as."""
    from parley.services.exchange.remains import identify_remains

    with open_app() as parley:
        changed = identify_remains(parley, agreement_id=agreement, case_number=case,
                                   person_id=person, actor=actor)
    out.print(f"case {case} identified as {person}" + ("" if changed else " (already)"))


@remains_app.command("counts")
def remains_list(
    agreement: str = typer.Option(..., "--agreement", help="Agreement id or reference."),
) -> None:
    """Per stage and direction: cases sent, received, witnessed and identified."""
    from parley.services.exchange.remains import remains_counts

    with open_app() as parley:
        rows = remains_counts(parley, agreement)
    for r in rows:
        out.print(f"stage {r.stage} {r.direction} {r.category}: sent {r.sent}, received "
                  f"{r.received}, witnessed {r.witnessed}, identified {r.identified}")


@statement_app.command("add")
def statement_add(
    file: Path = typer.Argument(..., help="Statement (YAML: party, date, source, [stage], "
                                "claims)."),
    agreement: str = typer.Option(..., "--agreement", help="Agreement id or reference."),
    actor: str = ACTOR,
) -> None:
    """Record a party's public statement."""
    from parley.services.exchange.statements import load_statement

    with open_app() as parley:
        s = load_statement(parley, agreement_id=agreement, path=file, actor=actor)
    out.print(f"statement {s.id} by {s.party} of {s.stated_on} recorded")


@statement_app.command("compare")
def statement_compare(
    agreement: str = typer.Option(..., "--agreement", help="Agreement id or reference."),
) -> None:
    """Each claim beside the confirmed figure it speaks of."""
    from parley.services.exchange.statements import compare

    with open_app() as parley:
        rows = compare(parley, agreement)
    for r in rows:
        out.print(f"{r.stated_on} {r.party} ({r.source}): {r.direction} {r.category} "
                  f"claimed {r.claimed}, confirmed {r.confirmed} [{r.scope}]", soft_wrap=True,
                  markup=False)


@person_app.command("status")
def person_status_command(
    person: str = typer.Argument(..., help="Person id."),
    viewer: str | None = typer.Option(None, "--as", help="See it as this actor sees it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON with the history."),
) -> None:
    """A person's current status, with the event and source that established it."""
    from parley.services.registry.persons import person_status

    with open_app() as parley:
        status = person_status(parley, person, viewer=viewer)
    if as_json:
        print_json(status.to_json())
        return
    out.print(f"{status.person_id}: {status.status.replace('_', ' ')} (event "
              f"{status.event_seq} {status.event_type or ''}; {status.source})", soft_wrap=True,
              markup=False)
