"""Operating-system failures through the real `parley` command: one line naming the path
and the reason, a non-zero exit, never a traceback or "internal error"."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.e2e.conftest import PARLEY

Run = Callable[..., CompletedProcess[str]]


def _one_line(result: CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    for noise in ("Traceback", "internal error", "Exception ignored", "Errno"):
        assert noise not in result.stderr
    return lines[0]


def test_an_over_long_path_is_named_with_its_length(parley: Run, tmp_path: Path) -> None:
    out = tmp_path / ("x" * 300) / "demo"
    result = parley(["demo", "--out", str(out)])
    assert result.returncode == 2
    line = _one_line(result)
    assert line.endswith("File name too long")
    assert str(tmp_path)[:40] in line and "/demo (" in line and "characters)" in line


def test_a_path_that_may_not_be_written_is_named(parley: Run, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes anywhere a mode allows; the kernel's own tree refuses it
        target = Path("/sys/parley-e2e-denied")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "demo"
    if not target.parent.exists():
        pytest.skip(f"{target.parent} does not exist here")
    result = parley(["demo", "--out", str(target)])
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith(f"error: {target}: ")
    assert line.endswith(("Permission denied", "Operation not permitted"))


def test_a_full_disk_under_the_output_is_named() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    with open("/dev/full", "w") as full:
        result = subprocess.run([str(PARLEY), "docs", "events"], stdout=full,
                                stderr=subprocess.PIPE, text=True, env=env, timeout=120,
                                check=False)
    assert result.returncode == 1
    assert _one_line(result) == "error: standard output: No space left on device"


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    with subprocess.Popen([str(PARLEY), "docs", "events"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # before the command writes: its first write meets a closed pipe
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=120) != 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
