"""Linkage at scale: a million records deduplicated, one record against a million persons.

    .venv/bin/python bench/linkage_scale.py [--records 1000000] [--registry 1000000]
                                            [--probes 1000] [--only dedup|match]

1. Deduplication: ``--records`` synthetic multi-source records (with a long tail of
   surnames, as a real registry has) through ``parley.linkage.link`` on DuckDB: features,
   training on a sample, Splink scoring of the blocked pairs, clustering. Prints the time
   of each step, the total, the pairwise quality, and the peak memory of the process
   (generating the records included).
2. Matching: a registry of ``--registry`` persons, one record each, held in memory as the
   registry service holds it; ``--probes`` new records of known persons written by other
   lists, each matched on its own (features, candidates, scores). Prints the median and
   95th percentile latency and how often the right person came first.

Each part runs in its own process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def dedup(records: int) -> dict[str, object]:
    from parley.linkage import LinkRecord, link, pairwise_scores
    from parley.synth.multisource import Mix, multisource

    started = time.perf_counter()
    scenario = multisource(records, seed=7, mix=Mix(wide_surnames=True))
    link_records = [LinkRecord(uid=f"{r.source}:{r.record_id}", source=r.source,
                               fields=r.fields) for r in scenario.records()]
    truth = {f"{r.source}:{r.record_id}": r.person_key for r in scenario.records()}
    generated = time.perf_counter() - started
    del scenario
    steps: list[tuple[str, float]] = []
    current = ["", time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        if current[0]:
            steps.append((str(current[0]), now - float(current[1])))
        current[:] = [name, now]
        print(f"    {name}", file=sys.stderr, flush=True)

    begun = time.perf_counter()
    cpu_before = cpu_s()
    result = link(link_records, progress=step)
    cpu = cpu_s() - cpu_before
    total = time.perf_counter() - begun
    steps.append((str(current[0]), time.perf_counter() - float(current[1])))
    clusters = {uid: group[0] for group in result.partition.groups for uid in group}
    scores = pairwise_scores(clusters, truth)
    return {"records": len(link_records), "generate_s": round(generated, 1),
            "steps": [(name, round(s, 1)) for name, s in steps], "link_s": round(total, 1),
            "candidate_pairs": result.candidate_pairs, "persons": len(result.partition.groups),
            "precision": round(scores.precision, 4), "recall": round(scores.recall, 4),
            "peak_gb": round(peak_gb(), 2), "cpu_s": round(cpu, 1),
            "load": round(os.getloadavg()[0], 1)}


def match(registry_size: int, probes: int) -> dict[str, object]:
    from parley.linkage import LinkRecord, Registry, default_model, feature_rows, features
    from parley.linkage.model import term_frequencies
    from parley.synth.multisource import Mix, multisource, rendering

    started = time.perf_counter()
    one_each = Mix(coverage_ua=(("ua-origin", 1.0),), coverage_ru=(("ru-origin", 1.0),),
                   duplicate_in_list=0.0, wide_surnames=True)
    scenario = multisource(registry_size, seed=8, mix=one_each)
    records = list(scenario.records())
    persons = {p.key: p for p in scenario.persons}
    rows = feature_rows(LinkRecord(uid=r.record_id, source=r.source, fields=r.fields)
                        for r in records)
    model = replace(default_model(), tf=term_frequencies(rows))
    registry = Registry(model, rows, {r.record_id: r.person_key for r in records})
    built = time.perf_counter() - started
    rng = random.Random(9)
    chosen = rng.sample(records, probes)
    latencies = []
    right = 0
    for i, record in enumerate(chosen):
        person = persons[record.person_key]
        source = rng.choice(["ru-capture", "int-visit", "inquiries"] if person.side == "ua"
                            else ["ua-capture", "int-visit", "inquiries"])
        fields = rendering(person, source, seed=i)
        t0 = time.perf_counter()
        candidates = registry.match(features(LinkRecord(uid=f"probe-{i}", source=source,
                                                        fields=fields)))
        latencies.append(time.perf_counter() - t0)
        right += bool(candidates) and candidates[0].person_id == record.person_key
    latencies.sort()
    return {"registry_persons": len(records), "build_s": round(built, 1), "probes": probes,
            "median_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(latencies[int(0.95 * len(latencies))] * 1000, 2),
            "right_first": round(right / probes, 4), "peak_gb": round(peak_gb(), 2),
            "load": round(os.getloadavg()[0], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=1_000)
    parser.add_argument("--only", choices=["dedup", "match"])
    parser.add_argument("--child", choices=["dedup", "match"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "dedup":
        print(json.dumps(dedup(args.records)))
        return
    if args.child == "match":
        print(json.dumps(match(args.registry, args.probes)))
        return
    for part in ("dedup", "match"):
        if args.only and part != args.only:
            continue
        child = subprocess.run(
            [sys.executable, __file__, "--child", part, "--records", str(args.records),
             "--registry", str(args.registry), "--probes", str(args.probes)],
            stdout=subprocess.PIPE, text=True, check=True)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        if part == "dedup":
            print(f"Deduplication of {figures['records']:,} records (DuckDB, 2 cores): "
                  f"{figures['link_s']:,} s ({figures['cpu_s']:,} s of CPU; load average "
                  f"{figures['load']} at the end), peak memory {figures['peak_gb']} GB "
                  f"(generating the records took {figures['generate_s']} s, included in "
                  "the memory)")
            for name, seconds in figures["steps"]:
                print(f"    {seconds:>8} s  {name}")
            print(f"    {figures['candidate_pairs']:,} candidate pairs above the review "
                  f"floor; {figures['persons']:,} persons; precision {figures['precision']}"
                  f", recall {figures['recall']}")
        else:
            print(f"One record against a registry of {figures['registry_persons']:,} "
                  f"persons: median {figures['median_ms']} ms, 95th percentile "
                  f"{figures['p95_ms']} ms over {figures['probes']:,} records; the right "
                  f"person first for {figures['right_first']:.1%}; registry built in "
                  f"{figures['build_s']} s; peak memory {figures['peak_gb']} GB; load "
                  f"average {figures['load']}")


if __name__ == "__main__":
    main()
