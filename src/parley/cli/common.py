"""Helpers shared by the command modules: the app from the environment, output."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

from parley.bootstrap import App, bootstrap

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def console_error(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)


def open_app(*, migrate: bool = True) -> App:
    """The application configured from the environment (PARLEY_DATABASE_URL, ...)."""
    return bootstrap(migrate=migrate)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")
