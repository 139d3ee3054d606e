"""`parley agreement`: record terms from YAML, sign them, nominate and verify persons."""

from __future__ import annotations

from pathlib import Path

import typer

from parley.cli.common import open_app, out, print_json
from parley.domain.vocabulary import Check
from parley.errors import InputError

app = typer.Typer(help="Agreements: terms as rules, signatures, nominations, verification.",
                  no_args_is_help=True)

ACTOR = typer.Option(..., "--actor", help="The actor who acts (its key signs the event).")


@app.command("load")
def agreement_load(
    file: Path = typer.Argument(..., help="The agreement's terms (YAML; see docs/exchange.md)."),
    actor: str | None = typer.Option(None, "--actor", help="The intermediary's signatory "
                                     "(default: the one the file names)."),
) -> None:
    """Validate an agreement file and record it; the intermediary's signatory signs it."""
    from parley.domain.agreements import AgreementError, load_terms
    from parley.services.exchange.agreements import load_agreement

    if actor is None:
        try:
            terms = load_terms(file.read_text(encoding="utf-8"), source=str(file))
        except FileNotFoundError:
            raise InputError(f"{file}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot be read: {exc}") from None
        except AgreementError as exc:
            raise InputError(str(exc)) from None
        actor = terms.signatories[terms.intermediary]
    with open_app() as parley:
        agreement = load_agreement(parley, path=file, actor=actor)
    out.print(f"agreement {agreement.terms.reference} recorded as {agreement.id}", soft_wrap=True)
    out.print(f"  terms hash {agreement.terms_hash}")
    out.print(f"  signed by {', '.join(sorted(agreement.signed_by))}; awaiting "
              f"{', '.join(agreement.awaiting) or 'nobody (active)'}", soft_wrap=True)


@app.command("sign")
def agreement_sign(
    agreement: str = typer.Argument(..., help="Agreement id or reference."),
    actor: str = ACTOR,
    terms_hash: str | None = typer.Option(None, "--hash", help="Sign only if the terms "
                                          "hash is this."),
) -> None:
    """A party's signatory signs the agreement's terms (by their hash)."""
    from parley.services.exchange.agreements import sign_agreement

    with open_app() as parley:
        signed = sign_agreement(parley, agreement_id=agreement, actor=actor,
                                expected_hash=terms_hash)
    state = "active" if signed.active else f"awaiting {', '.join(signed.awaiting)}"
    out.print(f"agreement {signed.terms.reference}: signed by "
              f"{', '.join(sorted(signed.signed_by))}; {state}", soft_wrap=True)


@app.command("show")
def agreement_show(
    agreement: str = typer.Argument(..., help="Agreement id or reference."),
) -> None:
    """Print an agreement's terms, hash and signatures as JSON."""
    from parley.services.exchange.agreements import get_agreement

    with open_app() as parley:
        print_json(get_agreement(parley, agreement).to_json())


@app.command("list")
def agreement_list() -> None:
    """List the recorded agreements."""
    from parley.services.exchange.agreements import list_agreements

    with open_app() as parley:
        for a in list_agreements(parley):
            state = "active" if a.active else f"awaiting {', '.join(a.awaiting)}"
            out.print(f"{a.id}\t{a.terms.reference}\t{a.terms.agreed_on.isoformat()}\t{state}",
                      soft_wrap=True)


@app.command("eligibility")
def agreement_eligibility(
    agreement: str = typer.Argument(..., help="Agreement id or reference."),
    person: list[str] = typer.Option([], "--person", help="Only these persons (repeat)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Each person's categories under the agreement, and why (intermediary's view)."""
    from parley.services.exchange.agreements import eligibility_report

    with open_app() as parley:
        rows = eligibility_report(parley, agreement_id=agreement, person_ids=person or None)
    if as_json:
        print_json([{"person_id": r.person_id, "direction": r.direction,
                     "status": r.eligibility.status, "category": r.eligibility.category,
                     "protected": r.eligibility.protected,
                     "reasons": r.eligibility.reasons()} for r in rows])
        return
    for r in rows:
        e = r.eligibility
        out.print(f"{r.person_id} {r.direction or '(direction unknown)'}: "
                  f"{e.status.replace('_', ' ')}"
                  f"{' (' + e.category + ')' if e.category else ''}", soft_wrap=True)
        for reason in e.reasons():
            out.print(f"    {reason}", soft_wrap=True)


@app.command("nominate")
def agreement_nominate(
    agreement: str = typer.Argument(..., help="Agreement id or reference."),
    persons: list[str] = typer.Argument(..., help="Person ids."),
    actor: str = ACTOR,
) -> None:
    """A party nominates persons under the agreement."""
    from parley.services.exchange.verification import nominate

    with open_app() as parley:
        noms = nominate(parley, agreement_id=agreement, person_ids=persons, actor=actor)
    for n in noms:
        out.print(f"{n.person_id} nominated {n.direction} (record {n.record_id})")


@app.command("verify")
def agreement_verify(
    agreement: str = typer.Argument(..., help="Agreement id or reference."),
    persons: list[str] = typer.Argument(..., help="Person ids."),
    check: str = typer.Option(..., "--check", help="identity (by the receiving party) or "
                              "eligibility (by the intermediary)."),
    refuse: bool = typer.Option(False, "--refuse", help="Refuse the identity instead."),
    actor: str = ACTOR,
) -> None:
    """Record a verification check on nominated persons."""
    from parley.services.exchange.verification import confirm_eligibility, confirm_identity

    with open_app() as parley:
        if check == Check.IDENTITY:
            n = confirm_identity(parley, agreement_id=agreement, person_ids=persons,
                                 actor=actor, confirmed=not refuse)
            out.print(f"identity {'refused' if refuse else 'confirmed'}: {n} recorded")
        elif check == Check.ELIGIBILITY:
            result = confirm_eligibility(parley, agreement_id=agreement, person_ids=persons,
                                         actor=actor)
            out.print(f"eligibility confirmed for {len(result.confirmed)}, refused for "
                      f"{len(result.refused)}")
        else:
            raise InputError(f"--check {check!r} must be {Check.listed('or')}")


@app.command("medical")
def agreement_medical(
    persons: list[str] = typer.Argument(..., help="Person ids."),
    finding: str = typer.Option(..., "--finding", help="yes (seriously wounded or sick) "
                                "or no."),
    actor: str = ACTOR,
) -> None:
    """Record a medical certification (the intermediary)."""
    from parley.services.exchange.verification import certify_medical

    if finding not in ("yes", "no"):
        raise InputError(f"--finding {finding!r} must be yes or no")
    with open_app() as parley:
        n = certify_medical(parley, person_ids=persons, seriously_wounded_or_sick=finding == "yes",
                            actor=actor)
    out.print(f"medical finding {finding}: {n} recorded")


@app.command("interview")
def agreement_interview(
    agreement: str = typer.Argument(..., help="Agreement id or reference."),
    person: str = typer.Argument(..., help="Person id."),
    outcome: str = typer.Option(..., "--outcome", help="wishes, declines or undecided."),
    actor: str = ACTOR,
) -> None:
    """Record the intermediary's private interview (the outcome stays confidential)."""
    from parley.services.exchange.verification import record_interview

    with open_app() as parley:
        interview_id = record_interview(parley, agreement_id=agreement, person_id=person,
                                        outcome=outcome, actor=actor)
    out.print(f"interview {interview_id} recorded (outcome sealed)")
