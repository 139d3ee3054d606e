"""`parley verify BUNDLE`: check a published bundle with nothing but its files.

The checks, in the order their failures are reported:

1. ``manifest.json`` is a bundle manifest of a known format;
2. every event of ``events.jsonl``: hash, chain link and Ed25519 signature (keys from the
   chain's own ``actor.registered`` events), and that withheld events belong to stages
   held at publication time and no event of a held stage is published in full;
3. every derived file (keys, agreements, stages, statements, discrepancies, totals,
   erasures) equals what the events say: totals are recomputed from the handovers;
4. every stage head: its cosignatures by both parties and the intermediary, and its size
   and root against the commitments handed over in the events;
5. every checkpoint: the intermediary's signature, its root and head against the events,
   and the consistency proof from the checkpoint before it;
6. ``figures.csv`` equals the CSV rendered from the verified totals;
7. every file's SHA-256 as listed in the manifest, and the manifest's signature.

The result names the first failure: the file, the event where there is one, and what was
expected. :func:`verify_proof` checks a family proof against a verified bundle.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.ledger.chain import ChainState
from parley.ledger.merkle import verify_consistency
from parley.ledger.signing import verify_signature
from parley.reports import bundle as names
from parley.reports import exchange
from parley.reports.chain import (
    EventLineError,
    PublishedEvent,
    WithheldEvent,
    read_events,
    verify_published_chain,
)
from parley.reports.checkpoints import Checkpoint, checkpoint_signature_holds, roots_at
from parley.reports.derive import Derived, DeriveError, derive, stage_of
from parley.reports.hxl import figures_csv
from parley.reports.policy import Policy


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
    withheld: int = 0
    checkpoints: int = 0
    heads: int = 0
    cosignatures: int = 0
    totals: int = 0
    head: str = ""
    notes: list[str] = field(default_factory=list)
    #: seconds spent per phase (read, chain, derive, heads, checkpoints, files)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Fail(Exception):
    def __init__(self, file: str, event: int | None, message: str) -> None:
        super().__init__(message)
        self.failure = VerifyFailure(file, event, message)


@dataclass
class LoadedBundle:
    """A bundle whose chain and derived files have been verified (for proofs, reports)."""

    path: Path
    manifest: dict[str, Any]
    events: list[PublishedEvent]
    state: ChainState
    derived: Derived

    @property
    def keys(self) -> dict[str, Any]:
        value: dict[str, Any] = self.derived.files[names.KEYS]
        return value


def verify_bundle(path: Path | str, *, workers: int | None = None) -> VerifyResult:
    """Verify the bundle in directory ``path``; never raises for a bad bundle."""
    result = VerifyResult(path=str(path))
    try:
        _verify(Path(path), result, workers=workers)
    except _Fail as fail:
        result.failure = fail.failure
    return result


def _verify(path: Path, result: VerifyResult, *, workers: int | None) -> LoadedBundle:
    if not path.is_dir():
        raise _Fail(str(path), None, "not a directory holding a bundle")
    clock = _Clock(result.timings)
    manifest = _manifest(path)
    items = _events(path)
    clock("read")
    failure, state = verify_published_chain(items, workers=workers)
    clock("chain")
    if failure is not None:
        raise _Fail(names.EVENTS, failure.seq, failure.reason)
    result.events = state.count
    result.head = state.head
    result.withheld = sum(isinstance(e, WithheldEvent) for e in items)
    chain = manifest["chain"]
    if chain != {"size": state.count, "head": state.head}:
        raise _Fail(names.MANIFEST, None,
                    f"the manifest names a chain of {chain.get('size')} events ending "
                    f"{str(chain.get('head'))[:12]}…, the events file holds {state.count} "
                    f"ending {state.head[:12]}…")
    policy = Policy(published_at=manifest["published_at"], k=manifest["k"])
    try:
        derived = derive(items, policy)
    except DeriveError as exc:
        raise _Fail(names.EVENTS, exc.seq or None, exc.message) from None
    _check_withholding(items, derived)
    for name in names.DERIVED:
        published = _read_json(path, name)
        difference = first_difference(published, derived.files[name])
        if difference is not None:
            raise _Fail(name, None, f"{difference} (recomputed from {names.EVENTS})")
    clock("derive")
    bundle = LoadedBundle(path=path, manifest=manifest, events=items, state=state,
                          derived=derived)
    heads = exchange.check_heads(derived, _intermediary_and_party_keys(bundle))
    if heads.failure is not None:
        raise _Fail(names.STAGES, heads.failure[0], heads.failure[1])
    result.heads, result.cosignatures = heads.heads, heads.cosignatures
    result.totals = exchange.count_totals(derived)
    clock("heads")
    result.checkpoints = _check_checkpoints(path, bundle)
    clock("checkpoints")
    expected_csv = figures_csv(derived.files, policy)
    csv_file = path / names.FIGURES_CSV
    if not csv_file.is_file() or csv_file.read_bytes() != expected_csv.encode("utf-8"):
        raise _Fail(names.FIGURES_CSV, None,
                    f"differs from the CSV rendered from the verified {names.TOTALS}")
    _check_files_and_signature(path, bundle)
    clock("files")
    return bundle


class _Clock:
    """Adds the seconds since the last call to ``timings[phase]``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


def _manifest(path: Path) -> dict[str, Any]:
    data = _read_json(path, names.MANIFEST)
    if not isinstance(data, dict) or data.get("format") != names.FORMAT:
        raise _Fail(names.MANIFEST, None, f"not a bundle manifest of format {names.FORMAT}")
    expected = {"format", "published_at", "k", "chain", "files", "publisher", "signature"}
    if set(data) != expected:
        raise _Fail(names.MANIFEST, None, f"fields {sorted(data)} where {sorted(expected)} "
                                          "were expected")
    if not isinstance(data["k"], int) or isinstance(data["k"], bool) or data["k"] < 1:
        raise _Fail(names.MANIFEST, None, "k must be a positive integer")
    if not isinstance(data["published_at"], str) or not isinstance(data["chain"], dict) \
            or not isinstance(data["files"], dict):
        raise _Fail(names.MANIFEST, None, "published_at, chain or files has the wrong type")
    return data


def _read_json(path: Path, name: str) -> Any:
    file = path / name
    if not file.is_file():
        raise _Fail(name, None, "missing from the bundle")
    try:
        return json.loads(file.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Fail(name, None, f"not valid JSON: {exc}") from None


def _events(path: Path) -> list[PublishedEvent]:
    file = path / names.EVENTS
    if not file.is_file():
        raise _Fail(names.EVENTS, None, "missing from the bundle")
    try:
        return list(read_events(file))
    except EventLineError as exc:
        raise _Fail(names.EVENTS, None, f"line {exc.line}: {exc.reason}") from None
    except UnicodeDecodeError as exc:
        raise _Fail(names.EVENTS, None, f"not UTF-8: {exc}") from None


def _check_withholding(items: list[PublishedEvent], derived: Derived) -> None:
    for ev in items:
        if isinstance(ev, WithheldEvent):
            if ev.stage_id not in derived.held:
                raise _Fail(names.EVENTS, ev.seq,
                            f"withheld for stage {ev.stage_id}, which is not held at the "
                            "bundle's publication time; expected the event in full")
        elif derived.held:
            stage = stage_of(ev)
            if stage in derived.held:
                raise _Fail(names.EVENTS, ev.seq,
                            f"belongs to stage {stage}, which is held, yet is published "
                            "in full; expected it withheld")


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


def _intermediary_and_party_keys(bundle: LoadedBundle) -> exchange.Signers:
    return exchange.signers_of(bundle.keys)


def _intermediary_key(bundle: LoadedBundle, actor: Any, file: str) -> str:
    signers = _intermediary_and_party_keys(bundle)
    if not isinstance(actor, str) or actor not in signers.keys:
        raise _Fail(file, None, f"signer {actor!r} is not an actor registered in the chain")
    if signers.kind_of.get(signers.party_of[actor]) != "intermediary":
        raise _Fail(file, None, f"signer {actor!r} is not an actor of the intermediary")
    return signers.keys[actor]


def _check_checkpoints(path: Path, bundle: LoadedBundle) -> int:
    raw = _read_json(path, names.CHECKPOINTS)
    if not isinstance(raw, list) or not raw:
        raise _Fail(names.CHECKPOINTS, None, "expected a non-empty list of checkpoints")
    hashes = [e.hash for e in bundle.events]
    try:
        cps = [Checkpoint.from_json(c) for c in raw]
        proofs = [[bytes.fromhex(p) for p in c["consistency"]] for c in raw]
        if any(set(c) != {"tree_size", "root", "head", "at", "signer", "signature",
                          "consistency"} for c in raw):
            raise ValueError("unexpected fields")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _Fail(names.CHECKPOINTS, None, f"malformed checkpoint: {exc}") from None
    sizes = [c.tree_size for c in cps]
    if any(not isinstance(s, int) or isinstance(s, bool) for s in sizes) or \
            sizes != sorted(set(sizes)) or sizes[0] < 1 or sizes[-1] != len(hashes):
        raise _Fail(names.CHECKPOINTS, None,
                    f"checkpoint sizes {sizes} must increase and end at the chain's "
                    f"{len(hashes)} events")
    roots = roots_at(hashes, sizes)
    previous: Checkpoint | None = None
    for cp, proof in zip(cps, proofs, strict=True):
        key = _intermediary_key(bundle, cp.signer, names.CHECKPOINTS)
        if not checkpoint_signature_holds(cp, key):
            raise _Fail(names.CHECKPOINTS, cp.tree_size,
                        f"checkpoint at {cp.tree_size} events: signature by {cp.signer} "
                        "does not verify")
        if cp.root != roots[cp.tree_size] or cp.head != hashes[cp.tree_size - 1]:
            raise _Fail(names.CHECKPOINTS, cp.tree_size,
                        f"checkpoint at {cp.tree_size} events: root {cp.root[:12]}… / head "
                        f"{cp.head[:12]}…; expected {roots[cp.tree_size][:12]}… / "
                        f"{hashes[cp.tree_size - 1][:12]}… from the events")
        if previous is None:
            if proof:
                raise _Fail(names.CHECKPOINTS, cp.tree_size,
                            "the first checkpoint must have an empty consistency proof")
        elif not verify_consistency(previous.tree_size, cp.tree_size,
                                    bytes.fromhex(previous.root), bytes.fromhex(cp.root),
                                    proof):
            raise _Fail(names.CHECKPOINTS, cp.tree_size,
                        f"consistency proof from {previous.tree_size} to {cp.tree_size} "
                        "events does not verify")
        previous = cp
    return len(cps)


def _check_files_and_signature(path: Path, bundle: LoadedBundle) -> None:
    manifest = bundle.manifest
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
    key = _intermediary_key(bundle, manifest["publisher"], names.MANIFEST)
    signature = manifest["signature"]
    if not isinstance(signature, str) or not verify_signature(
            key, names.manifest_message(manifest), signature):
        raise _Fail(names.MANIFEST, None,
                    f"signature by publisher {manifest['publisher']} does not verify")


def verify_proof(bundle_path: Path | str, proof_path: Path | str, *,
                 workers: int | None = None) -> VerifyResult:
    """Verify the bundle, then the family proof in ``proof_path`` against it."""
    from parley.reports.proofs import check_proof

    result = VerifyResult(path=str(bundle_path))
    try:
        bundle = _verify(Path(bundle_path), result, workers=workers)
        failure = check_proof(bundle, Path(proof_path), result.notes)
        if failure is not None:
            raise _Fail(str(proof_path), None, failure)
    except _Fail as fail:
        result.failure = fail.failure
    return result
