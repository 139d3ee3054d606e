"""End-to-end fixtures: run the installed `parley` command as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PARLEY = Path(sys.executable).with_name("parley")


def run_parley(args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    full_env.update(env or {})
    return subprocess.run([str(PARLEY), *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd, timeout=timeout, check=False)


@pytest.fixture
def parley() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_parley
