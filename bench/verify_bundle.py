"""Benchmark: `parley verify` of a public bundle covering 1,000 stages.

Generates a synthetic but fully signed exchange straight into a bundle (no database):
the three sides register, an agreement is recorded and signed, then ``--stages`` stages
of ``--persons`` people per direction (two categories, some of them small so that
figures are withheld), each closed with a public stage head cosigned by all three, and
one statement per party and stage. Then it times ``parley.reports.verify_bundle`` on it
and prints the figures: every cosignature, every shown figure's leaves, count and root,
every public event's signature and inclusion proof, the totals and the CSV.

    .venv/bin/python bench/verify_bundle.py                      # 1,000 stages
    .venv/bin/python bench/verify_bundle.py --stages 100 --persons 1000

The bundle is kept in --out and reused with --reuse.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.domain.public_head import build_public_head
from parley.domain.stage_head import Cosignature
from parley.ledger.canonical import canonical_json
from parley.ledger.chain import SIGNATURE_CONTEXT, StoredEvent, envelope_bytes
from parley.ledger.hashing import GENESIS_HASH, sha256_hex
from parley.ledger.merkle import tree_root
from parley.ledger.signing import generate_key, public_key_hex, sign
from parley.reports import verify_bundle
from parley.reports.checkpoints import roots_at, sign_checkpoint
from parley.reports.policy import Policy
from parley.reports.writer import ClosedStage, write_bundle

INT, UA, RU = "INT", "UA", "RU"
ACTORS = {INT: "int-tracing", UA: "ua-coordination", RU: "ru-coordination"}
CATEGORIES = ("wounded", "young")
TERMS: dict[str, Any] = {
    "reference": "bench", "title": "Benchmark exchange", "date": "2025-06-02",
    "place": "Istanbul", "parties": [UA, RU], "intermediary": INT,
    "signatories": {INT: ACTORS[INT], RU: ACTORS[RU], UA: ACTORS[UA]},
    "stages": {"from": "2025-06-09", "to": "2030-12-31"},
    "categories": [
        {"code": "wounded", "title": "Seriously wounded and sick",
         "rule": {"seriously_wounded_or_sick": True}, "ratio": "all for all", "priority": 1},
        {"code": "young", "title": "Aged 18 to 25",
         "rule": {"age": {"from": 18, "to": 25, "on": "2025-06-02"}},
         "ratio": "all for all", "priority": 2},
    ],
}


class Chain:
    """Appends signed events in order (the public ones are all the bundle needs)."""

    def __init__(self, keys: dict[str, Ed25519PrivateKey]) -> None:
        self.keys = keys
        self.events: list[StoredEvent] = []

    def append(self, type_: str, actor: str, payload: dict[str, Any]) -> None:
        seq = len(self.events) + 1
        prev = self.events[-1].hash if self.events else GENESIS_HASH
        event_id, at = str(uuid.uuid4()), "2025-06-09T10:00:00.000000Z"
        digest = sha256_hex(envelope_bytes(seq=seq, event_id=event_id, type=type_,
                                           actor=actor, recorded_at=at, payload=payload,
                                           prev_hash=prev))
        self.events.append(StoredEvent(
            seq=seq, event_id=event_id, type=type_, actor=actor, recorded_at=at,
            payload=canonical_json(payload).decode(), prev_hash=prev, hash=digest,
            signature=sign(self.keys[actor], SIGNATURE_CONTEXT + bytes.fromhex(digest))))


def generate(out: Path, *, stages: int, persons: int, seed: int) -> None:
    rng = random.Random(seed)
    keys = {a: generate_key() for a in ACTORS.values()}
    chain = Chain(keys)
    for party, kind in ((INT, "intermediary"), (UA, "party"), (RU, "party")):
        chain.append("actor.registered", ACTORS[party], {
            "actor": ACTORS[party], "party": party, "title": party, "role": "coordinator",
            "public_key": public_key_hex(keys[ACTORS[party]])})
        chain.append("party.registered", ACTORS[party],
                     {"code": party, "title": party, "kind": kind})
    agreement = str(uuid.uuid4())
    terms_hash = hashlib.sha256(canonical_json(TERMS)).hexdigest()
    chain.append("agreement.recorded", ACTORS[INT], {
        "agreement_id": agreement, "reference": "bench", "terms": TERMS,
        "terms_hash": terms_hash})
    for party in (UA, RU):
        chain.append("agreement.signed", ACTORS[party], {
            "agreement_id": agreement, "party": party, "terms_hash": terms_hash})
    closed: list[ClosedStage] = []
    directions = [f"{RU}->{UA}", f"{UA}->{RU}"]
    for number in range(1, stages + 1):
        stage = str(uuid.uuid4())
        leaves: dict[tuple[str, str], list[str]] = {}
        claims: dict[str, dict[str, int]] = {}
        for direction in directions:
            wounded = rng.randint(0, 12)  # often below k: withheld, with a complement
            counts = {"wounded": wounded, "young": persons - wounded}
            for category, n in counts.items():
                leaves[(direction, category)] = [rng.randbytes(32).hex() for _ in range(n)]
            claims[direction] = counts
        date = f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}"
        head, openings = build_public_head(
            agreement=agreement, stage=stage, number=number, date=date,
            time=f"{date}T17:00:00.000000Z", directions=directions,
            categories=list(CATEGORIES), leaves=leaves, tree_root=tree_root)
        message = head.to_bytes()
        cosigned = {"head": head.to_json(), "cosignatures": [
            Cosignature(actor=ACTORS[p], party=p, signature=sign(keys[ACTORS[p]],
                                                                  message)).to_json()
            for p in (INT, RU, UA)]}
        closed.append(ClosedStage(id=stage, agreement=agreement, number=number, date=date,
                                  cosigned=cosigned, openings=openings))
        for party in (UA, RU):
            chain.append("statement.recorded", ACTORS[party], {
                "statement_id": str(uuid.uuid4()), "agreement_id": agreement,
                "party": party, "stated_on": date, "source": "press release",
                "stage_id": stage, "claims": claims})
    hashes = [e.hash for e in chain.events]
    size = len(hashes)
    checkpoint = sign_checkpoint(tree_size=size, root=roots_at(hashes, [size])[size],
                                 head=hashes[-1], at="2026-01-01T00:00:00.000000Z",
                                 signer=ACTORS[INT], key=keys[ACTORS[INT]])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_bundle(out, stored=chain.events, checkpoint=checkpoint, closed=closed,
                 policy=Policy(published_at="2026-01-01T00:00:00.000000Z", k=5),
                 publisher=ACTORS[INT], key=keys[ACTORS[INT]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, default=1000)
    parser.add_argument("--persons", type=int, default=300,
                        help="persons handed over per stage and direction")
    parser.add_argument("--out", type=Path, default=Path("/tmp/parley-bench-bundle"))
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    if not (args.reuse and (args.out / "manifest.json").exists()):
        started = time.perf_counter()
        generate(args.out, stages=args.stages, persons=args.persons, seed=args.seed)
        print(f"generated {args.stages} stages x {args.persons} persons per direction in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = verify_bundle(args.out)
    wall = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if not result.ok:
        print(f"bundle does NOT verify: {result.failure}", file=sys.stderr)
        return 1
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    print(f"verified: {result.summary()}")
    print(f"bundle {size / 1e6:.1f} MB; verify wall {wall:.2f} s, CPU {cpu:.2f} s "
          f"({phases}); target <= 10 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
