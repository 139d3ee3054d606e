"""Rebuild ``data/given_names_index.json`` from ``data/given_names.csv``.

Run after editing the table: ``.venv/bin/python -m parley.names.build_index``. The index
is a build product kept in the package so that the first name lookup in a process
costs milliseconds rather than the seconds the ~60 transliteration systems take.
"""

from __future__ import annotations

import json
from pathlib import Path

from parley.names.given_index import build_index_data


def main() -> None:
    path = Path(__file__).parent / "data" / "given_names_index.json"
    data = build_index_data()
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                    encoding="utf-8")
    print(f"wrote {path} ({len(data['skeletons'])} skeletons, {len(data['light'])} forms)")


if __name__ == "__main__":
    main()
