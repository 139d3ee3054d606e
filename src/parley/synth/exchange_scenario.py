"""The people of the Istanbul 2025 demo: multi-source lists with an exchange's shape.

Built on :func:`parley.synth.multisource.multisource` (the linkage area's generator: the
same people on both parties' lists and the intermediary's, in Ukrainian, Russian and
Latin spellings, with their noise), then shaped for an exchange:

- a share of the people are made 18 to 25 on 2 June 2025 (the birth year is changed
  consistently in every record of that person, keeping each list's date format);
- some of the party of origin's records say the person is wounded (``status``),
  others that the person is missing or captured;
- the timetable of the stages (the historical dates) and the remains case numbers.

Deterministic for a seed. Nothing here is real data.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from pathlib import Path

from parley.domain.vocabulary import ListKind
from parley.synth.multisource import CSV_COLUMNS, Mix, Scenario, multisource

STAGE_DATES = ("2025-06-09", "2025-06-10", "2025-06-12", "2025-06-14", "2025-06-20",
               "2025-06-26", "2025-07-04")
COLUMNS = (*CSV_COLUMNS, "status")
_YEAR4 = re.compile(r"(19|20)\d\d")
_YEAR2 = re.compile(r"\.(\d\d)$")


@dataclass(frozen=True)
class ExchangeScenario:
    """The lists (as :class:`Scenario`) and which true persons were made young."""

    scenario: Scenario
    young: frozenset[str]

    def write_csv(self, directory: Path) -> list[tuple[Path, str, str, str | None]]:
        """One CSV per list with a ``status`` column; returns (path, source, kind, party)."""
        directory.mkdir(parents=True, exist_ok=True)
        out = []
        for lst in self.scenario.lists:
            path = directory / f"{lst.source}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
                writer.writeheader()
                for rec in lst.records:
                    writer.writerow(rec.fields)
            out.append((path, lst.source, lst.kind, lst.party))
        return out


def _with_year(text: str, true_year: int, new_year: int) -> str:
    m = _YEAR4.search(text)
    if m:
        shift = int(m.group(0)) - true_year
        return text[:m.start()] + str(new_year + shift) + text[m.end():]
    m2 = _YEAR2.search(text)
    if m2:
        shift = int(m2.group(1)) - true_year % 100
        return text[:m2.start(1)] + f"{(new_year + shift) % 100:02d}"
    return text


def exchange_scenario(records: int = 1_500, *, seed: int = 2025, young_share: float = 0.35,
                      wounded_reported: float = 0.05) -> ExchangeScenario:
    """About ``records`` list rows about the people of both sides, shaped for the demo."""
    scenario = multisource(records, seed=seed, mix=Mix(noise=0.6))
    rng = random.Random(seed * 7 + 1)
    births = {p.key: p.birth_date.year for p in scenario.persons}
    young = {p.key: rng.randint(2000, 2006) for p in scenario.persons
             if rng.random() < young_share}
    wounded = {p.key for p in scenario.persons if rng.random() < wounded_reported}
    detained = {rec.person_key for lst in scenario.lists
                if lst.kind in (ListKind.CAPTURE_CARD, ListKind.VISIT_LIST) for rec in lst.records}
    words = {"UA": ("поранений", "полонений", "зниклий безвісти"),
             "RU": ("ранен", "в плену", "пропал без вести")}
    for lst in scenario.lists:
        for rec in lst.records:
            key = rec.person_key
            if key in young and rec.fields.get("birth_date"):
                rec.fields["birth_date"] = _with_year(rec.fields["birth_date"], births[key],
                                                      young[key])
            if lst.kind == ListKind.ORIGIN_LIST and lst.party in words:
                wound, captured, missing = words[lst.party]
                # The party of origin knows of a capture once notified; the rest are missing.
                rec.fields["status"] = wound if key in wounded and key in detained else \
                    captured if key in detained else missing
    return ExchangeScenario(scenario=scenario, young=frozenset(young))
