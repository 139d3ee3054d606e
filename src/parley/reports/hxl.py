"""The published figures as CSV with HXL hashtags, for humanitarian data tools.

Row 1 holds plain-language headers, row 2 the HXL hashtags (https://hxlstandard.org):
``#date``, ``#meta+stage+num``, ``#meta+stage+id``, ``#org+sender+code``,
``#org+receiver+code``, ``#group+category``, ``#affected+returned``,
``#affected+claimed+sender``, ``#affected+claimed+receiver``, ``#org+name+confirmed``,
``#status+publication``. One row per closed stage, direction and category; a held stage
has one row saying so and no figures. Rendered from the verified totals, so the verifier can
re-render it and compare byte for byte.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from parley.reports import bundle as names
from parley.reports.policy import Policy

HEADERS = ("date", "stage", "stage id", "from", "to", "category", "returned (confirmed)",
           "claimed by the sending party", "claimed by the receiving party", "confirmed by",
           "publication")
HASHTAGS = ("#date", "#meta+stage+num", "#meta+stage+id", "#org+sender+code",
            "#org+receiver+code", "#group+category", "#affected+returned",
            "#affected+claimed+sender", "#affected+claimed+receiver", "#org+name+confirmed",
            "#status+publication")


def figures_csv(files: Mapping[str, Any], policy: Policy) -> str:
    """The CSV text for a bundle's derived files (``totals.json`` rows, in order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(HASHTAGS)
    for row in files[names.TOTALS]["rows"]:
        writer.writerow([
            row["date"], row["stage_number"], row["stage"], row["from"], row["to"],
            row["category"], _cell(row["confirmed"]), _cell(row["claimed_by_sender"]),
            _cell(row["claimed_by_receiver"]), " ".join(row["confirmed_by"]), "published",
        ])
    for stage in files[names.STAGES]:
        held = stage.get("held")
        if held:
            until = f"withheld until {held['until']}" if held.get("until") else "withheld"
            writer.writerow(["", "", stage["id"], "", "", "", "", "", "", "", until])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
