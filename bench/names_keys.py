"""How fast the name keys are: given-name, patronymic, surname and phonetic keys for
1,000,000 person records on one core.

The records imitate a registry built from many lists: given names drawn with common
names more often, fathers' names likewise (as Ukrainian or Russian patronymics),
surnames from the ~118,000 of names-translator with a Zipf-like frequency, each
record written in Ukrainian or Russian Cyrillic or in Latin by one of the systems
lists use, in any case, 3% of the fields with a typing error.

    .venv/bin/python bench/names_keys.py [--records N] [--seed S]

Prints the time to load the package's tables, the time for the keys of all records
(caches cold at the start, as in a fresh process), and the rate.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections.abc import Callable

from names_translator.dicts import default_dicts

from parley.names import given_name_key, patronymic_key, surname_key, surname_phonetic_key
from parley.names.given_index import exact_keys
from parley.names.given_table import given_names_table
from parley.names.patronymic import patronymics_of
from parley.names.systems import latin_spellings
from parley.names.variants import typo

_TIER_WEIGHT = {1: 6.0, 2: 3.0, 3: 1.0}
_SYSTEMS = ("kmu2010", "icao9303")


def _records(n: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    rows = given_names_table()
    weights = [_TIER_WEIGHT[row.freq] for row in rows]
    fathers = [row for row in rows if row.sex == "m"]
    father_weights = [_TIER_WEIGHT[row.freq] for row in fathers]
    surnames = sorted(default_dicts().as_dict("last").items())
    rng.shuffle(surnames)
    surnames = surnames[:60_000]
    zipf = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(surnames))))

    spelt: dict[tuple[str, str, int], list[str]] = {}

    def spell(form: str, language: str) -> str:
        # A Cyrillic form as written, or one of its Latin spellings; spellings of each
        # form are computed once.
        choice = rng.random()
        if choice < 0.6:
            text = form
        else:
            key = (form, language, 0)
            if key not in spelt:
                spelt[key] = sorted(latin_spellings(form, language))
            text = rng.choice(spelt[key])
        if rng.random() < 0.3:
            text = text.upper()
        elif text[:1].islower():
            text = text[:1].upper() + text[1:]
        if rng.random() < 0.03:
            text = typo(text, rng)
        return text

    records = []
    for _ in range(n):
        row = rng.choices(rows, weights)[0]
        language = "uk" if rng.random() < 0.6 else "ru"
        forms = row.uk if language == "uk" else row.ru
        given = spell(forms[0] if rng.random() < 0.9 else rng.choice(row.diminutives or forms),
                      language)
        father = rng.choices(fathers, father_weights)[0]
        patronymics = patronymics_of(father, feminine=row.sex == "f")
        patronymic = spell(*rng.choice(patronymics)) if patronymics else ""
        uk_surname, ru_surnames = rng.choices(surnames, cum_weights=zipf)[0]
        surname = spell(uk_surname.title() if language == "uk" else ru_surnames[0], language)
        records.append((surname, given, patronymic))
    return records


def _time(label: str, action: Callable[[], object]) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    action()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label}: {cpu_seconds:.2f} s CPU ({seconds:.2f} s wall)")
    return cpu_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    print(f"generating {args.records:,} records...", file=sys.stderr)
    records = _records(args.records, args.seed)
    # The generator filled some caches; start the timed part as a fresh process would.
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("parley.names"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()

    distinct = [len({r[i] for r in records}) for i in range(3)]
    print(f"records: {len(records):,}; distinct surnames {distinct[0]:,}, "
          f"given names {distinct[1]:,}, patronymics {distinct[2]:,}")
    load = _time("load the given-name index", lambda: exact_keys("ivan"))

    def keys() -> None:
        for surname, given_name, patronymic in records:
            given_name_key(given_name)
            patronymic_key(patronymic)
            surname_key(surname)
            surname_phonetic_key(surname)

    seconds = _time("four keys for every record", keys)
    print(f"total {load + seconds:.2f} s CPU for {len(records):,} records "
          f"({len(records) / (load + seconds):,.0f} records/s, one core)")


if __name__ == "__main__":
    main()
