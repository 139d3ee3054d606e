"""Benchmark: verify a published bundle of about a million events.

Generates a synthetic but fully signed exchange straight into a bundle (no database):
the three sides register, an agreement is recorded and signed, then stages of
``--persons`` people each: one ``stage.planned``, one ``handover.confirmed`` per person
and side, a ``stage.closed`` with four cosigned heads, and two statements. Then it times
``parley.reports.verify_bundle`` on it and prints the figures.

    .venv/bin/python bench/verify_bundle.py                  # 1,000,000 events
    .venv/bin/python bench/verify_bundle.py --events 100000 --workers 1 2

Generation signs every event (Ed25519) and takes a few minutes for a million; the
bundle is kept in --out and reused by --reuse.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import resource
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.domain.stage_head import Cosignature, StageHead, leaf_order, signed_head_json
from parley.ledger.canonical import canonical_json
from parley.ledger.chain import SIGNATURE_CONTEXT, StoredEvent, envelope_bytes
from parley.ledger.hashing import GENESIS_HASH, sha256_hex
from parley.ledger.merkle import leaf_hash, root_from_leaf_hashes
from parley.ledger.signing import generate_key, public_key_hex, sign
from parley.reports import verify_bundle
from parley.reports.checkpoints import roots_at, sign_checkpoint
from parley.reports.policy import Policy
from parley.reports.writer import write_bundle

INT, UA, RU = "INT", "UA", "RU"
ACTORS = {INT: "int-tracing", UA: "ua-coordination", RU: "ru-coordination"}
TERMS: dict[str, Any] = {
    "reference": "bench", "title": "Benchmark exchange", "date": "2025-06-02",
    "place": "Istanbul", "parties": [UA, RU], "intermediary": INT,
    "signatories": {INT: ACTORS[INT], RU: ACTORS[RU], UA: ACTORS[UA]},
    "stages": {"from": "2025-06-09", "to": "2026-12-31"},
    "categories": [
        {"code": "wounded", "title": "Seriously wounded and sick",
         "rule": {"seriously_wounded_or_sick": True}, "ratio": "all for all", "priority": 1},
        {"code": "young", "title": "Aged 18 to 25",
         "rule": {"age": {"from": 18, "to": 25, "on": "2025-06-02"}},
         "ratio": "all for all", "priority": 2},
    ],
}


class Chain:
    """Builds envelopes and hashes in order; signatures are added afterwards."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str, str, str, str, str, str]] = []
        self.prev = GENESIS_HASH
        self.clock = 0

    def add(self, type: str, actor: str, payload: dict[str, Any]) -> str:
        seq = len(self.rows) + 1
        self.clock += 1
        at = f"2025-06-09T{(self.clock // 3600) % 24:02d}:{(self.clock // 60) % 60:02d}:" \
             f"{self.clock % 60:02d}.{seq % 1_000_000:06d}Z"
        event_id = str(uuid.UUID(int=seq, version=4))
        digest = sha256_hex(envelope_bytes(seq=seq, event_id=event_id, type=type,
                                           actor=actor, recorded_at=at, payload=payload,
                                           prev_hash=self.prev))
        self.rows.append((seq, event_id, type, actor, at,
                          canonical_json(payload).decode("utf-8"), self.prev, digest))
        self.prev = digest
        return digest


_KEYS: dict[str, Ed25519PrivateKey] = {}
_ROWS: list[tuple[int, str, str, str, str, str, str, str]] = []


def _sign_range(bounds: tuple[int, int]) -> list[str]:
    return [sign(_KEYS[row[3]], SIGNATURE_CONTEXT + bytes.fromhex(row[7]))
            for row in _ROWS[bounds[0]:bounds[1]]]


def generate(target: int, persons: int) -> tuple[list[StoredEvent], dict[str, Any]]:
    keys = {actor: generate_key() for actor in ACTORS.values()}
    chain = Chain()
    for code, kind, title in ((INT, "intermediary", "Neutral intermediary"),
                              (UA, "party", "Ukraine"), (RU, "party", "Russian Federation")):
        actor = ACTORS[code]
        chain.add("actor.registered", actor, {"actor": actor, "party": code, "title": title,
                                              "role": "coordinator",
                                              "public_key": public_key_hex(keys[actor])})
        chain.add("party.registered", actor, {"code": code, "title": title, "kind": kind})
    agreement = str(uuid.uuid4())
    terms_hash = hashlib.sha256(canonical_json(TERMS)).hexdigest()
    chain.add("agreement.recorded", ACTORS[INT], {"agreement_id": agreement,
                                                  "reference": "bench", "terms": TERMS,
                                                  "terms_hash": terms_hash})
    for party in (UA, RU):
        chain.add("agreement.signed", ACTORS[party], {"agreement_id": agreement,
                                                      "party": party,
                                                      "terms_hash": terms_hash})
    number = 0
    per_stage = 3 * persons + 4
    while len(chain.rows) + per_stage <= target:
        number += 1
        stage = str(uuid.uuid4())
        lists: dict[str, list[dict[str, str]]] = {f"{RU}->{UA}": [], f"{UA}->{RU}": []}
        for i in range(persons):
            direction = f"{RU}->{UA}" if i % 2 == 0 else f"{UA}->{RU}"
            lists[direction].append({
                "person_id": str(uuid.UUID(int=number * 1_000_003 + i, version=4)),
                "category": "wounded" if i % 3 == 0 else "young",
                "commitment": hashlib.sha256(f"{number}/{i}".encode()).hexdigest()})
        chain.add("stage.planned", ACTORS[INT], {
            "agreement_id": agreement, "stage_id": stage, "number": number,
            "date": "2025-06-09", "capacity": persons, "lists": lists, "left_out": {}})
        heads = []
        totals: dict[str, dict[str, int]] = {}
        for direction, entries in sorted(lists.items()):
            sending, receiving = direction.split("->")
            for entry in entries:
                for role, party in (("sending", sending), ("receiving", receiving),
                                    ("intermediary", INT)):
                    chain.add("handover.confirmed", ACTORS[party], {
                        "stage_id": stage, "role": role, "party": party,
                        "person_ids": [entry["person_id"]]})
            for category in ("wounded", "young"):
                leaves = leaf_order(e["commitment"] for e in entries
                                    if e["category"] == category)
                root = root_from_leaf_hashes([leaf_hash(bytes.fromhex(c))
                                              for c in leaves]).hex()
                head = StageHead(agreement=agreement, stage=stage, direction=direction,
                                 category=category, tree_size=len(leaves), root=root,
                                 time="2025-06-09T17:00:00.000000Z")
                heads.append(signed_head_json(head, [
                    Cosignature(actor=ACTORS[p], party=p,
                                signature=sign(keys[ACTORS[p]], head.to_bytes()))
                    for p in (INT, RU, UA)]))
                totals.setdefault(direction, {})[category] = len(leaves)
        chain.add("stage.closed", ACTORS[INT], {"agreement_id": agreement, "stage_id": stage,
                                                "totals": totals, "heads": heads,
                                                "carried": []})
        for party in (UA, RU):
            chain.add("statement.recorded", ACTORS[party], {
                "statement_id": str(uuid.uuid4()), "agreement_id": agreement,
                "party": party, "stated_on": "2025-06-10", "source": "press release",
                "stage_id": stage, "claims": totals})
    while len(chain.rows) < target:
        chain.add("party.registered", ACTORS[INT], {"code": "X", "title": "filler",
                                                    "kind": "observer"})
    global _ROWS
    _KEYS.update(keys)
    _ROWS = chain.rows
    workers = os.cpu_count() or 1
    step = 20_000
    bounds = [(i, min(i + step, len(_ROWS))) for i in range(0, len(_ROWS), step)]
    signatures: list[str] = []
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for part in pool.imap(_sign_range, bounds):
            signatures += part
    events = [StoredEvent(seq=r[0], event_id=r[1], type=r[2], actor=r[3], recorded_at=r[4],
                          payload=r[5], prev_hash=r[6], hash=r[7], signature=s)
              for r, s in zip(_ROWS, signatures, strict=True)]
    return events, {"keys": keys, "stages": number}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=1000, help="persons per stage")
    parser.add_argument("--workers", type=int, nargs="*", default=[os.cpu_count() or 1])
    parser.add_argument("--out", type=Path, default=Path("/tmp/parley-bench-bundle"))
    parser.add_argument("--reuse", action="store_true", help="verify an existing bundle")
    args = parser.parse_args()
    if not (args.reuse and (args.out / "manifest.json").exists()):
        started = time.perf_counter()
        events, info = generate(args.events, args.persons)
        generated = time.perf_counter() - started
        shutil.rmtree(args.out, ignore_errors=True)
        args.out.mkdir(parents=True)
        hashes = [e.hash for e in events]
        half = len(events) // 2
        roots = roots_at(hashes, [half, len(events)])
        key = info["keys"][ACTORS[INT]]
        cps = [sign_checkpoint(tree_size=n, root=roots[n], head=hashes[n - 1],
                               at="2025-07-01T00:00:00.000000Z", signer=ACTORS[INT], key=key)
               for n in (half, len(events))]
        started = time.perf_counter()
        write_bundle(args.out, stored=events, checkpoints=cps,
                     policy=Policy(published_at="2025-07-01T00:00:00.000000Z", k=5),
                     publisher=ACTORS[INT], key=key)
        written = time.perf_counter() - started
        size = sum(p.stat().st_size for p in args.out.iterdir())
        print(f"generated {len(events):,} signed events ({info['stages']} stages of "
              f"{args.persons} persons) in {generated:.1f} s; bundle written in "
              f"{written:.1f} s, {size / 1e6:.0f} MB")
        del events
    for workers in args.workers:
        cpu_before = _cpu()
        started = time.perf_counter()
        result = verify_bundle(args.out, workers=workers)
        elapsed = time.perf_counter() - started
        cpu = _cpu() - cpu_before
        if not result.ok:
            print(f"verification FAILED: {result.failure}", file=sys.stderr)
            sys.exit(1)
        print(f"verify_bundle: {result.events:,} events, {result.heads} heads, "
              f"{result.cosignatures} cosignatures, {result.totals} totals, "
              f"{result.checkpoints} checkpoints in {elapsed:.1f} s with {workers} "
              f"worker(s) ({elapsed / result.events * 1e6:.1f} µs per event) on "
              f"{os.cpu_count()} cores")
        print("  phases (wall): " + ", ".join(f"{k} {v:.1f} s"
                                             for k, v in result.timings.items()))
        print(f"  CPU time, this process and its workers: {cpu:.1f} s "
              f"({cpu / result.events * 1e6:.1f} µs per event); load average now "
              f"{os.getloadavg()[0]:.1f}")


def _cpu() -> float:
    """User and system seconds of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
