"""The published figures as CSV with HXL hashtags, for humanitarian data tools.

Row 1 holds plain-language headers, row 2 the HXL hashtags (https://hxlstandard.org):
``#date``, ``#meta+stage``, ``#org+sender``, ``#org+receiver``, ``#group+category``,
``#affected+returned``, ``#affected+claimed``, ``#org+name+confirmed``,
``#status+publication``. One row per stage, direction and category; a held stage has one
row saying so and no figures. Rendered from the verified totals, so the verifier can
re-render it and compare byte for byte.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from parley.reports import bundle as names
from parley.reports.policy import Policy

HEADERS = ("date", "stage", "from", "to", "category", "returned (confirmed)",
           "claimed by the sending party", "confirmed by", "publication")
HASHTAGS = ("#date", "#meta+stage", "#org+sender", "#org+receiver", "#group+category",
            "#affected+returned", "#affected+claimed", "#org+name+confirmed",
            "#status+publication")


def figures_csv(files: Mapping[str, Any], policy: Policy) -> str:
    """The CSV text for a bundle's derived files (``totals.json`` rows, in order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(HASHTAGS)
    for row in files[names.TOTALS].get("rows", []):
        writer.writerow([
            row.get("date") or "", row.get("stage_label") or row.get("stage") or "",
            row.get("from") or "", row.get("to") or "", row.get("category") or "",
            _cell(row.get("confirmed")), _cell(row.get("claimed")),
            " ".join(row.get("confirmed_by") or []), row.get("publication") or "published",
        ])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
