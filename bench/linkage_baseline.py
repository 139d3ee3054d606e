"""A plain Splink model, the yardstick for Parley's linkage (used by linkage_quality.py).

What a careful analyst would do without Slavic name knowledge: names ASCII-folded
(Cyrillic written letter by letter in Latin, accents dropped, lower case), a full name
split at the first space (or at a comma), dates read in the common numeric formats,
Splink's standard comparisons (NameComparison, DateOfBirthComparison, exact and
Levenshtein matches) with term-frequency adjustment on names, EM training, and
connected components at a 0.95 match probability.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

_CYRILLIC = dict(zip(
    "абвгґдеєжзиіїйклмнопрстуфхцчшщъыьэюяё",
    ["a", "b", "v", "g", "g", "d", "e", "ie", "zh", "z", "i", "i", "i", "i", "k", "l", "m",
     "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "",
     "e", "iu", "ia", "e"], strict=True))
_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def fold(text: str | None) -> str | None:
    """ASCII folding: Cyrillic letter by letter, accents off, lower case, letters only."""
    if not text:
        return None
    lowered = text.lower()
    spelt = "".join(_CYRILLIC.get(ch, ch) for ch in lowered)
    plain = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode()
    letters = re.sub(r"[^a-z ]+", "", plain).strip()
    return letters or None


def fold_id(text: str | None) -> str | None:
    """An identifier ASCII-folded like a name, digits kept, separators dropped."""
    if not text:
        return None
    spelt = "".join(_CYRILLIC.get(ch, ch) for ch in text.lower())
    plain = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "", plain) or None


def parse_date(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    try:
        m = _ISO.match(text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        m = _DATE.match(text)
        if m:
            year = int(m[3])
            if year < 100:
                year += 1900 if year > 25 else 2000
            return date(year, int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return None
    return None


def row(uid: str, fields: Mapping[str, str]) -> dict[str, str | None]:
    surname, given = fields.get("surname"), fields.get("given_name")
    full = fields.get("full_name")
    if full and not (surname and given):
        if "," in full:
            surname, _, rest = full.partition(",")
            given = rest.split()[0] if rest.split() else None
        else:
            words = full.split()
            surname = words[0] if words else None
            given = words[1] if len(words) > 1 else None
    service = fold_id(fields.get("service_number"))
    return {
        "unique_id": uid,
        "first_name": fold(given),
        "surname": fold(surname),
        "dob": parse_date(fields.get("birth_date")),
        "birth_place": fold(fields.get("birth_place")),
        "service_number": service,
        "unit": re.sub(r"\D", "", fields.get("unit") or "") or None,
    }


def baseline_link(records: Iterable[tuple[str, Mapping[str, str]]]) -> dict[str, int]:
    """Cluster ids for ``records`` ((uid, fields) pairs) by the plain Splink model."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.DataFrame([row(uid, fields) for uid, fields in records])
    api = DuckDBAPI()
    table = api.register(frame, dataset_display_name="baseline")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("birth_place"),
            cl.LevenshteinAtThresholds("service_number", 1),
            cl.ExactMatch("unit"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("service_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5,
                                           warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95)
    out = clusters.as_pandas_dataframe()
    return dict(zip(out["unique_id"].astype(str), out["cluster_id"].astype(str), strict=True))
