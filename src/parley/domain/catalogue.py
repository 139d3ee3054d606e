"""The events catalogue rendered as Markdown (docs/events.md is generated from this)."""

from __future__ import annotations

import dataclasses
import inspect

from parley.domain.events import CATALOGUE


def events_markdown() -> str:
    """Every registered event: its name, its docstring and its payload fields."""
    lines = [
        "# Events",
        "",
        "Every change of state in Parley is one of these events, appended to the signed",
        "hash chain in the same transaction as the change. Generated from",
        "`src/parley/domain/events.py` by `parley docs events`; do not edit by hand.",
        "",
    ]
    for name in sorted(CATALOGUE):
        cls = CATALOGUE[name]
        lines += [f"## `{name}`", "", inspect.cleandoc(cls.__doc__ or ""), ""]
        fields = dataclasses.fields(cls)
        if fields:
            lines += ["| field | type |", "| --- | --- |"]
            lines += [f"| `{f.name}` | `{f.type}` |" for f in fields]
            lines.append("")
    return "\n".join(lines)
