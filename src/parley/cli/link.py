"""`parley link` (files, no database), `parley resolve` and `parley review …` (the registry)."""

from __future__ import annotations

import csv
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parley.cli.common import err, open_app, out, print_json
from parley.domain.vocabulary import ReviewStatus, Verdict
from parley.errors import InputError

# The linkage package loads Splink and DuckDB (about a second): each command imports it
# when it runs, so that `parley --help` and every other command start without it.
if TYPE_CHECKING:
    from parley.linkage import Decisions, LinkageModel, LinkRecord, ReviewPair
    from parley.services.registry.identity import ResolutionSummary

#: parley.linkage.engines.ENGINES (a unit test keeps them equal), for the help texts.
ENGINES = ("duckdb", "spark")

review_app = typer.Typer(help="The review queue: uncertain pairs of records, and verdicts.",
                         no_args_is_help=True)

ACTOR = typer.Option(None, "--actor", envvar="PARLEY_ACTOR",
                     help="Actor id doing this (default: $PARLEY_ACTOR).")
# Fixed namespace so the same clusters get the same person ids run after run.
_PERSON_NAMESPACE = uuid.UUID("0f0b3c3e-5d55-4a53-9d0b-7f1f3cf0b2a1")


def _say(text: str) -> None:
    out.print(text, soft_wrap=True, markup=False, highlight=False)


def link_command(
    files: list[Path] = typer.Argument(..., help="Person lists: .csv, .tsv or .xlsx."),
    out_path: Path = typer.Option(..., "--out", help="Where to write the clusters (CSV)."),
    engine: str = typer.Option("duckdb", "--engine", help=f"Splink backend: {'|'.join(ENGINES)}."),
    model_path: Path = typer.Option(None, "--model",
                                    help="Use this saved model (JSON) instead of training."),
    save_model: Path = typer.Option(None, "--save-model",
                                    help="Save the model used to this file (JSON)."),
    review_path: Path = typer.Option(None, "--review",
                                     help="Also write the pairs needing review (CSV)."),
    decisions_path: Path = typer.Option(
        None, "--decisions", help="CSV of verdicts: source_a,record_id_a,source_b,"
                                  "record_id_b,decision (same|different)."),
    no_train: bool = typer.Option(False, "--no-train",
                                  help="Keep the packaged model's m and u (do not train)."),
) -> None:
    """Resolve persons across list files without a database; write one row per record.

    Output columns: source (file name without extension), record_id, person_id,
    match_probability (of the record's strongest link within its person; empty for a
    person with one record).
    """
    if engine not in ENGINES:
        raise InputError(f"--engine {engine!r} must be one of {', '.join(ENGINES)}")
    from parley.linkage import Decisions, link

    started = time.monotonic()
    records = list(_read_records(files))
    if not records:
        raise InputError("no records to link: every row of every file was quarantined")
    model = _load_model(model_path) if model_path else None
    decisions = _read_decisions(decisions_path, records) if decisions_path else Decisions()
    result = link(records, model=model, engine=engine, train=not no_train,
                  decisions=decisions, progress=lambda step: err.print(f"  {step}…"))
    ids = {}
    for group in result.partition.groups:
        person = str(uuid.uuid5(_PERSON_NAMESPACE, group[0]))
        for uid in group:
            ids[uid] = person
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "person_id", "match_probability"])
        for record in records:
            best = result.partition.best.get(record.uid)
            source, record_id = _split_uid(record.uid)
            writer.writerow([source, record_id, ids[record.uid],
                             "" if best is None else f"{best:.4f}"])
    if review_path:
        _write_review(review_path, result.partition.review)
    if save_model:
        save_model.write_text(result.model.to_json(), encoding="utf-8")
    persons = len(result.partition.groups)
    multi = sum(1 for g in result.partition.groups if len(g) > 1)
    _say(f"{len(records):,} records from {len(files)} file(s) → {persons:,} persons "
         f"({multi:,} with more than one record); {len(result.partition.review):,} pairs "
         f"for review; model: {result.model.method}; engine: {engine}; "
         f"{time.monotonic() - started:.1f} s")
    _say(f"wrote {out_path}")


def _read_records(files: list[Path]) -> Iterator[LinkRecord]:
    from parley.ingest import read_list
    from parley.linkage import LinkRecord

    sources: dict[str, Path] = {}
    for path in files:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        source = path.stem
        if source in sources:
            raise InputError(f"{path} and {sources[source]} have the same name ({source}); "
                             "the output's source column could not tell them apart")
        sources[source] = path
        result = read_list(path)
        if result.other_sheets:
            err.print(f"  {path.name}: read the first sheet holding a list; not linked: "
                      f"{', '.join(result.other_sheets)} (save each as its own file to link "
                      "it too)", soft_wrap=True)
        if result.quarantined:
            err.print(f"  {path.name}: {len(result.quarantined)} row(s) quarantined, not "
                      "linked (see `parley import` for the reasons)")
        seen: set[str] = set()
        for record in result.records:
            record_id = record.fields.get("record_id") or f"row-{record.row_number}"
            if record_id in seen:
                record_id = f"{record_id}@row-{record.row_number}"
            seen.add(record_id)
            yield LinkRecord(uid=f"{source}\x1f{record_id}", source=source,
                             fields={k: v for k, v in record.fields.items() if v})


def _split_uid(uid: str) -> tuple[str, str]:
    source, _, record_id = uid.partition("\x1f")
    return source, record_id


def _load_model(path: Path) -> LinkageModel:
    from parley.linkage import LinkageModel

    try:
        return LinkageModel.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a usable Parley linkage model ({exc})") from None


def _read_decisions(path: Path, records: list[LinkRecord]) -> Decisions:
    from parley.linkage import Decisions

    known = {r.uid for r in records}
    same: list[tuple[str, str]] = []
    different: list[tuple[str, str]] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for line, row in enumerate(reader, start=2):
                try:
                    a = f"{row['source_a']}\x1f{row['record_id_a']}"
                    b = f"{row['source_b']}\x1f{row['record_id_b']}"
                    decision = row["decision"].strip().lower()
                except (KeyError, AttributeError):
                    raise InputError(
                        f"{path}: needs columns source_a, record_id_a, source_b, "
                        "record_id_b, decision") from None
                for uid in (a, b):
                    if uid not in known:
                        source, record_id = _split_uid(uid)
                        raise InputError(f"{path} row {line}: record {record_id!r} of "
                                         f"{source!r} is not in the files being linked")
                if decision not in Verdict.values():
                    raise InputError(f"{path} row {line}: decision {decision!r} must be "
                                     "'same' or 'different'")
                (same if decision == Verdict.SAME else different).append((a, b))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    return Decisions.of(same, different)


def _write_review(path: Path, pairs: list[ReviewPair]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_a", "record_id_a", "source_b", "record_id_b",
                         "match_probability", "reason"])
        for p in pairs:
            writer.writerow([*_split_uid(p.a), *_split_uid(p.b), f"{p.probability:.4f}",
                             p.reason])


# --- the registry -------------------------------------------------------------------------


def resolve_command(
    list_id: str = typer.Option(None, "--list", help="Resolve this list only."),
    everything: bool = typer.Option(False, "--all",
                                    help="Re-resolve every record at once (batch)."),
    retrain: bool = typer.Option(False, "--retrain",
                                 help="With --all: train and save a new model version first."),
    engine: str = typer.Option("duckdb", "--engine", help=f"Splink backend: {'|'.join(ENGINES)}."),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Resolve imported lists against the registry (by default every unresolved list)."""
    if not actor:
        raise InputError("name the actor doing this: --actor ID or $PARLEY_ACTOR")
    if retrain and not everything:
        raise InputError("--retrain goes with --all (a new model re-resolves everything)")
    from parley.services.registry.identity import resolve_all, resolve_list, resolve_pending

    with open_app() as parley:
        if everything:
            summaries = [resolve_all(parley, actor=actor, retrain=retrain, engine=engine)]
        elif list_id:
            summaries = [resolve_list(parley, list_id=list_id, actor=actor)]
        else:
            summaries = resolve_pending(parley, actor=actor)
    if as_json:
        print_json([s.__dict__ for s in summaries])
        return
    if not summaries:
        _say("nothing to resolve: every record is linked to a person")
    for s in summaries:
        _say(_describe(s))


def _describe(s: ResolutionSummary) -> str:
    scope = f"list {s.list_id}" if s.list_id else s.scope
    return (f"{scope}: {s.records:,} records; {s.linked:,} joined known persons, "
            f"{s.new_persons:,} new persons, {s.merged:,} merged, {s.split:,} split; "
            f"{s.queued:,} pairs queued for review (model v{s.model_version})")


@review_app.command("list")
def review_list(
    status: str = typer.Option(ReviewStatus.OPEN.value, "--status",
                               help=f"{ReviewStatus.listed()} or all."),
    limit: int = typer.Option(20, "--limit", help="At most this many pairs."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Pairs of records that may be one person, with the evidence for and against."""
    from parley.services.registry.identity import review_queue

    with open_app() as parley:
        items = review_queue(parley, status=status, limit=limit)
    if as_json:
        print_json([{
            "id": i.id, "status": i.status, "probability": round(i.probability, 4),
            "reason": i.reason, "decision": i.decision, "evidence": i.evidence,
            "records": [{"id": r.id, "source": r.source, "row": r.row_number,
                         "record_id": r.record_id, "fields": r.fields} for r in i.records],
        } for i in items])
        return
    if not items:
        _say(f"no {status} review pairs")
    for item in items:
        left, right = item.records
        _say(f"review {item.id}  p={item.probability:.3f}  {item.reason}  [{item.status}]")
        for r in (left, right):
            shown = ", ".join(f"{k}={v}" for k, v in r.fields.items() if k != "record_id")
            _say(f"  {r.source} row {r.row_number} ({r.record_id}): {shown}")
        evidence = "; ".join(f"{e['comparison']}: {e['level']} ({e['weight']:+.1f})"
                             for e in item.evidence)
        _say(f"  evidence: {evidence}")


@review_app.command("decide")
def review_decide(
    args: list[str] = typer.Argument(..., metavar="REVIEW_ID DECISION",
                                     help="The review pair and 'same' or 'different' "
                                          "(only the decision with --records)."),
    records: tuple[str, str] | None = typer.Option(
        None, "--records", help="Decide two record ids instead of a review."),
    actor: str = ACTOR,
) -> None:
    """Record that two records are the same person or different persons (binding)."""
    if not actor:
        raise InputError("name the actor doing this: --actor ID or $PARLEY_ACTOR")
    pair = records if records and all(records) else None
    if pair is not None and len(args) != 1:
        raise InputError("with --records give only the decision (same or different)")
    if pair is None and len(args) != 2:
        raise InputError("give a review id and a decision: parley review decide ID same")
    from parley.services.registry.identity import decide

    with open_app() as parley:
        summary = decide(parley, decision=args[-1], actor=actor,
                         review_id=None if pair else args[0], records=pair)
    _say(f"recorded: {args[-1]}; {_describe(summary.resolution)}")
