"""Docs that drift from the code fail here (events catalogue, commands in the README)."""

from __future__ import annotations

from pathlib import Path

import typer.main

from parley.cli import app
from parley.domain.catalogue import events_markdown
from parley.domain.events import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]


def test_events_doc_is_generated_from_the_catalogue() -> None:
    assert (ROOT / "docs" / "events.md").read_text() == events_markdown(), (
        "docs/events.md is stale: run `make docs`"
    )


def test_every_event_has_a_dotted_name_and_a_docstring() -> None:
    for name, cls in CATALOGUE.items():
        assert "." in name and name == name.lower(), name
        assert (cls.__doc__ or "").strip(), name


def _commands(group: typer.Typer, prefix: str = "") -> list[str]:
    click_group = typer.main.get_command(group)
    names: list[str] = []
    for name, cmd in getattr(click_group, "commands", {}).items():
        full = f"{prefix}{name}"
        sub = getattr(cmd, "commands", None)
        if sub:
            names += [f"{full} {s}" for s in sub]
        else:
            names.append(full)
    return names


def test_every_command_is_in_the_readme_tour_and_has_help() -> None:
    readme = (ROOT / "README.md").read_text()
    click_group = typer.main.get_command(app)
    for command in _commands(app):
        if command.startswith("docs"):
            continue
        assert f"parley {command}" in readme, f"`parley {command}` is missing from README.md"
    for name, cmd in click_group.commands.items():  # type: ignore[attr-defined]
        assert (cmd.help or "").strip(), f"parley {name} has no help"
