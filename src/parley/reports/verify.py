"""`parley verify BUNDLE`: check every published figure with nothing but the bundle.

The checks, in the order their failures are reported:

1. ``manifest.json`` is a bundle manifest of this format;
2. ``checkpoint.json`` is signed by an actor of the intermediary (keys from the public
   events, step 3, which it anchors);
3. every public event: its hash, its actor's signature (keys from the self-signed
   ``actor.registered`` events before it), its inclusion in the checkpoint's tree;
4. ``keys.json``, ``agreements.json`` and ``statements.json`` equal what the public
   events say;
5. every closed stage of ``stages.json``: the public head cosigned by both parties and
   the intermediary; every shown figure's leaves, count and root against the head's
   commitment; every other figure listed as withheld, with a shown total never beside a
   single withheld category; held stages exactly those the publication events hold;
6. ``totals.json`` equals the totals recomputed from the verified figures;
7. ``figures.csv`` equals the CSV rendered from them;
8. every file's SHA-256 as listed in the manifest, no other file, and the manifest's
   signature.

The result names the first failure: the file and the first figure (or event) that no
longer holds. :func:`verify_proof` checks a family proof against a verified bundle.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.domain.vocabulary import PartyKind
from parley.ledger.chain import StoredEvent
from parley.ledger.signing import verify_signature
from parley.reports import bundle as names
from parley.reports.checkpoints import Checkpoint, checkpoint_signature_holds
from parley.reports.derive import DeriveError, from_events, totals
from parley.reports.hxl import figures_csv
from parley.reports.policy import held_stages
from parley.reports.public_events import (
    PublicEvent,
    PublicEventError,
    read_public_events,
    verify_public_events,
)
from parley.reports.stages import Figure, SectionError, Signers, check_section, signers_of


@dataclass(frozen=True)
class VerifyFailure:
    """The first thing that does not hold: which file, which event, what was expected."""

    file: str
    event: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, event {self.event}" if self.event is not None else self.file
        return f"{where}: {self.message}"


@dataclass
class VerifyResult:
    """What was checked, and the first failure (None when everything holds)."""

    path: str
    failure: VerifyFailure | None = None
    events: int = 0
    stages: int = 0
    figures: int = 0
    withheld: int = 0
    leaves: int = 0
    cosignatures: int = 0
    tree_size: int = 0
    notes: list[str] = field(default_factory=list)
    #: seconds spent per phase
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failure is None

    def summary(self) -> str:
        return (f"{self.stages} stages with {self.cosignatures} cosignatures, "
                f"{self.figures} figures shown ({self.leaves} leaves), {self.withheld} "
                f"withheld, {self.events} public events in a log of {self.tree_size}")


class _Fail(Exception):
    def __init__(self, file: str, event: int | None, message: str) -> None:
        super().__init__(message)
        self.failure = VerifyFailure(file, event, message)


@dataclass
class LoadedBundle:
    """A verified bundle (for proofs and the report)."""

    path: Path
    manifest: dict[str, Any]
    files: dict[str, Any]
    signers: Signers
    figures: dict[str, list[Figure]]


def verify_bundle(path: Path | str) -> VerifyResult:
    """Verify the bundle in directory ``path``; never raises for a bad bundle."""
    result = VerifyResult(path=str(path))
    try:
        _verify(Path(path), result)
    except _Fail as fail:
        result.failure = fail.failure
    return result


def _verify(path: Path, result: VerifyResult) -> LoadedBundle:
    if not path.is_dir():
        raise _Fail(str(path), None, "not a directory holding a bundle")
    clock = _Clock(result.timings)
    manifest = _manifest(path)
    k = manifest["k"]
    cp = _checkpoint(path, manifest)
    items = _events(path)
    clock("read")
    try:
        keys = verify_public_events(items, tree_size=cp.tree_size, root=cp.root)
    except PublicEventError as exc:
        raise _Fail(names.EVENTS, exc.seq, f"line {exc.line}: {exc.reason}") from None
    events = [i.event for i in items]
    result.events, result.tree_size = len(items), cp.tree_size
    try:
        files: dict[str, Any] = from_events(events)
    except DeriveError as exc:
        raise _Fail(names.EVENTS, exc.seq, exc.message) from None
    signers = signers_of(files[names.KEYS])
    _signed_by_intermediary(signers, keys, cp.signer, names.CHECKPOINT)
    if not checkpoint_signature_holds(cp, keys[cp.signer]):
        raise _Fail(names.CHECKPOINT, None, f"signature by {cp.signer} does not verify")
    for name in names.FROM_EVENTS:
        _compare(path, name, files[name], f"recomputed from {names.EVENTS}")
    clock("events")
    stages = _read_json(path, names.STAGES)
    figures = _check_stages(stages, signers, k, events, manifest["published_at"], result)
    files[names.STAGES] = stages
    clock("stages")
    expected = totals(stages, figures, k=k, statements=files[names.STATEMENTS],
                      agreements=files[names.AGREEMENTS])
    _compare(path, names.TOTALS, expected, f"recomputed from the figures of {names.STAGES}")
    files[names.TOTALS] = expected
    csv_file = path / names.FIGURES_CSV
    if not csv_file.is_file() or csv_file.read_bytes() != figures_csv(files).encode("utf-8"):
        raise _Fail(names.FIGURES_CSV, None,
                    f"differs from the CSV rendered from the verified {names.TOTALS}")
    _check_files_and_signature(path, manifest, signers, keys)
    clock("files")
    return LoadedBundle(path=path, manifest=manifest, files=files, signers=signers,
                        figures=figures)


def _check_stages(stages: Any, signers: Signers, k: int, events: list[StoredEvent],
                  published_at: str, result: VerifyResult) -> dict[str, list[Figure]]:
    if not isinstance(stages, list):
        raise _Fail(names.STAGES, None, "expected a list of stages")
    held = {s: h.to_json() for s, h in held_stages(events, published_at).items()}
    figures: dict[str, list[Figure]] = {}
    seen_held: dict[str, Any] = {}
    for section in stages:
        if isinstance(section, dict) and set(section) == {"id", "held"}:
            seen_held[str(section["id"])] = section["held"]
            continue
        if isinstance(section, dict) and section.get("head", 0) is None:
            if set(section) != {"id", "agreement", "number", "date", "head"}:
                raise _Fail(names.STAGES, None, f"stage {section.get('number')}: a stage "
                                                "without a public head carries no figures")
            continue
        try:
            found = check_section(section, signers, k)
        except SectionError as exc:
            raise _Fail(names.STAGES, None, str(exc)) from None
        if section["id"] in held or section["id"] in figures:
            raise _Fail(names.STAGES, None, f"stage {section['number']} is held at the "
                                            "bundle's publication time, or listed twice; "
                                            "expected no figures for it")
        figures[section["id"]] = found
        result.stages += 1
        result.cosignatures += len(section["head"]["cosignatures"])
        result.figures += sum(f.count is not None for f in found)
        result.withheld += sum(f.count is None for f in found)
        result.leaves += sum(len(f["leaves"]) for f in section["figures"])
    if seen_held != held:
        raise _Fail(names.STAGES, None, f"held stages {sorted(seen_held)}; the publication "
                                        f"events hold {sorted(held)}")
    return figures


class _Clock:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


MANIFEST_KEYS = frozenset({"format", "published_at", "k", "checkpoint", "files",
                           "publisher", "signature"})


def _manifest(path: Path) -> dict[str, Any]:
    data = _read_json(path, names.MANIFEST)
    if not isinstance(data, dict) or data.get("format") != names.FORMAT:
        raise _Fail(names.MANIFEST, None, f"not a bundle manifest of format {names.FORMAT}")
    if set(data) != MANIFEST_KEYS:
        raise _Fail(names.MANIFEST, None, f"fields {sorted(data)} where "
                                          f"{sorted(MANIFEST_KEYS)} were expected")
    if not isinstance(data["k"], int) or isinstance(data["k"], bool) or data["k"] < 1:
        raise _Fail(names.MANIFEST, None, "k must be a positive integer")
    if not isinstance(data["published_at"], str) or not isinstance(data["files"], dict) \
            or not isinstance(data["checkpoint"], dict):
        raise _Fail(names.MANIFEST, None, "published_at, checkpoint or files has the "
                                          "wrong type")
    return data


def _checkpoint(path: Path, manifest: dict[str, Any]) -> Checkpoint:
    raw = _read_json(path, names.CHECKPOINT)
    try:
        if set(raw) != {"tree_size", "root", "head", "at", "signer", "signature"}:
            raise ValueError("unexpected fields")
        cp = Checkpoint.from_json(raw)
        if not isinstance(cp.tree_size, int) or isinstance(cp.tree_size, bool) \
                or cp.tree_size < 1 or len(bytes.fromhex(cp.root)) != 32:
            raise ValueError("tree_size or root of the wrong form")
    except (KeyError, TypeError, ValueError) as exc:
        raise _Fail(names.CHECKPOINT, None, f"malformed checkpoint: {exc}") from None
    if manifest["checkpoint"] != {"tree_size": cp.tree_size, "root": cp.root}:
        raise _Fail(names.MANIFEST, None, "names another checkpoint than checkpoint.json")
    return cp


def _read_json(path: Path, name: str) -> Any:
    file = path / name
    if not file.is_file():
        raise _Fail(name, None, "missing from the bundle")
    try:
        return json.loads(file.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Fail(name, None, f"not valid JSON: {exc}") from None


def _events(path: Path) -> list[PublicEvent]:
    file = path / names.EVENTS
    if not file.is_file():
        raise _Fail(names.EVENTS, None, "missing from the bundle")
    try:
        return list(read_public_events(file))
    except PublicEventError as exc:
        raise _Fail(names.EVENTS, None, f"line {exc.line}: {exc.reason}") from None
    except UnicodeDecodeError as exc:
        raise _Fail(names.EVENTS, None, f"not UTF-8: {exc}") from None


def _compare(path: Path, name: str, expected: Any, source: str) -> None:
    difference = first_difference(_read_json(path, name), expected)
    if difference is not None:
        raise _Fail(name, None, f"{difference} ({source})")


def first_difference(published: Any, derived: Any, where: str = "") -> str | None:
    """Where two JSON values first differ, in words (None when equal)."""
    if isinstance(derived, dict) and isinstance(published, dict):
        for key in sorted(set(derived) | set(published)):
            at = f"{where}.{key}" if where else str(key)
            if key not in published:
                return f"{at} is missing; expected {_short(derived[key])}"
            if key not in derived:
                return f"{at} is not expected (published {_short(published[key])})"
            inner = first_difference(published[key], derived[key], at)
            if inner is not None:
                return inner
        return None
    if isinstance(derived, list) and isinstance(published, list):
        for i, (p, d) in enumerate(zip(published, derived, strict=False)):
            inner = first_difference(p, d, f"{where}[{i}]")
            if inner is not None:
                return inner
        if len(published) != len(derived):
            return (f"{where or 'the list'} has {len(published)} entries; "
                    f"expected {len(derived)}")
        return None
    if type(published) is not type(derived) or published != derived:
        return f"{where or 'the value'} is {_short(published)}; expected {_short(derived)}"
    return None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "…"


def _signed_by_intermediary(signers: Signers, keys: dict[str, str], actor: Any,
                            file: str) -> None:
    if not isinstance(actor, str) or actor not in keys:
        raise _Fail(file, None, f"signer {actor!r} is not an actor registered in the log")
    if signers.kind_of.get(signers.party_of.get(actor, "")) != PartyKind.INTERMEDIARY:
        raise _Fail(file, None, f"signer {actor!r} is not an actor of the intermediary")


def _check_files_and_signature(path: Path, manifest: dict[str, Any], signers: Signers,
                               keys: dict[str, str]) -> None:
    listed = manifest["files"]
    if set(listed) != set(names.FILES):
        raise _Fail(names.MANIFEST, None,
                    f"lists files {sorted(listed)}; expected {sorted(names.FILES)}")
    present = {p.name for p in path.iterdir()}
    extra = sorted(present - set(names.FILES) - {names.MANIFEST})
    if extra:
        raise _Fail(extra[0], None, "is not part of a bundle (not listed in the manifest)")
    for name in names.FILES:
        if not (path / name).is_file():
            raise _Fail(name, None, "missing from the bundle")
        digest = names.file_sha256(path / name)
        if digest != listed[name]:
            raise _Fail(name, None, f"SHA-256 {digest[:16]}…; the manifest says "
                                    f"{str(listed[name])[:16]}…")
    _signed_by_intermediary(signers, keys, manifest["publisher"], names.MANIFEST)
    signature = manifest["signature"]
    if not isinstance(signature, str) or not verify_signature(
            keys[manifest["publisher"]], names.manifest_message(manifest), signature):
        raise _Fail(names.MANIFEST, None,
                    f"signature by publisher {manifest['publisher']} does not verify")


def verify_proof(bundle_path: Path | str, proof_path: Path | str) -> VerifyResult:
    """Verify the bundle, then the family proof in ``proof_path`` against it."""
    from parley.reports.proofs import check_proof

    result = VerifyResult(path=str(bundle_path))
    try:
        bundle = _verify(Path(bundle_path), result)
        failure = check_proof(bundle, Path(proof_path), result.notes)
        if failure is not None:
            raise _Fail(str(proof_path), None, failure)
    except _Fail as fail:
        result.failure = fail.failure
    return result
