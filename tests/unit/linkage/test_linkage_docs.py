"""docs/linkage.md names every comparison level the code has (drift fails here)."""

from __future__ import annotations

from pathlib import Path

from parley.linkage.comparisons import COMPARISONS

DOC = Path(__file__).resolve().parents[3] / "docs" / "linkage.md"


def test_every_level_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for comparison in COMPARISONS:
        for level in comparison.levels:
            if not level.null:
                assert f"| {comparison.name} | {level.label} |" in text, (
                    f"docs/linkage.md lacks {comparison.name}: {level.label}")
