"""The published figures as CSV with HXL hashtags, for humanitarian data tools.

Row 1 holds plain-language headers, row 2 the HXL hashtags (https://hxlstandard.org):
``#date``, ``#meta+stage+num``, ``#meta+stage+id``, ``#org+sender+code``,
``#org+receiver+code``, ``#group+category``, ``#affected+returned``,
``#affected+claimed+sender``, ``#affected+claimed+receiver``, ``#org+name+confirmed``,
``#status+publication``. One row per closed stage, direction and category, then one per
stage and direction for the direction's total (category ``*``); a withheld figure has an
empty count and the status ``withheld`` (a count from 1 to k−1, or withheld so that one
cannot be worked out); a held stage has one row saying so and no figures. Rendered from
the verified totals, so the verifier can re-render it and compare byte for byte.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from parley.domain.vocabulary import Direction
from parley.reports import bundle as names

HEADERS = ("date", "stage", "stage id", "from", "to", "category", "returned (confirmed)",
           "claimed by the sending party", "claimed by the receiving party", "confirmed by",
           "publication")
HASHTAGS = ("#date", "#meta+stage+num", "#meta+stage+id", "#org+sender+code",
            "#org+receiver+code", "#group+category", "#affected+returned",
            "#affected+claimed+sender", "#affected+claimed+receiver", "#org+name+confirmed",
            "#status+publication")


def figures_csv(files: Mapping[str, Any]) -> str:
    """The CSV text for a bundle's verified files (``totals.json`` rows, then each
    direction's total as category ``*``, then held stages)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(HASHTAGS)
    totals = files[names.TOTALS]
    signers = {r["stage"]: r["confirmed_by"] for r in totals["rows"]}
    for row in [*totals["rows"], *totals["by_direction"]]:
        sending, receiving = Direction.unchecked_parties(row["direction"])
        date = row.get("date") or next(
            (r["date"] for r in totals["rows"] if r["stage"] == row["stage"]), "")
        writer.writerow([
            date, row["stage_number"], row["stage"], sending, receiving,
            row.get("category", "*"), _cell(row["confirmed"]),
            _cell(row["claimed_by_sender"]), _cell(row["claimed_by_receiver"]),
            " ".join(signers.get(row["stage"], [])),
            "published" if row["withheld"] is None else "withheld",
        ])
    for stage in files[names.STAGES]:
        held = stage.get("held")
        if held:
            until = f"withheld until {held['until']}" if held.get("until") else "withheld"
            writer.writerow(["", "", stage["id"], "", "", "", "", "", "", "", until])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
