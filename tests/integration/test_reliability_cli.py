"""Every `parley` command given malformed arguments and files: no traceback, no
"internal error", a non-zero exit, and one clear line (or click's usage message).

The commands are found by walking the Typer app, so a new command is fuzzed without a
new line here. Each runs in process through :func:`parley.cli.main` (the console entry
point) against a small populated Parley, with values drawn from hostile strings, bad
files and a few real ids (so that some calls get past argument parsing into the
services).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.bootstrap import bootstrap
from parley.cli import app as cli_app
from parley.cli import main
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.settings import Settings
from tests.helpers import ACTORS, UA, register_three

OS_ERRORS = {"OSError", "FileNotFoundError", "IsADirectoryError", "NotADirectoryError",
             "PermissionError", "FileExistsError"}
# Commands whose valid calls run a server or a long computation: fuzzed with bad values
# only (see test_long_running_commands_refuse_bad_values).
LONG = {("serve",), ("demo",), ("resolve",), ("link",)}
HOSTILE = ["", " ", "does-not-exist", "00000000-0000-4000-8000-000000000000", "-1", "0",
           "99999999999999999999999", "1e309", "x" * 2000, "Ωмега\u202eevil", "' OR 1=1 --",
           "../../../../etc/passwd", "%s%n{0}", "2025-02-30", "UA", "int-tracing"]


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    params: tuple[click.Parameter, ...]

    def __str__(self) -> str:
        return " ".join(self.path)


def commands() -> list[Command]:
    root = typer.main.get_command(cli_app)
    ctx = click.Context(root)
    found: list[Command] = []

    def walk(cmd: click.Command, path: tuple[str, ...]) -> None:
        # Typer may carry its own copy of click: recognise groups and options by shape.
        if isinstance(cmd, click.Group) or hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    walk(sub, (*path, name))
        else:
            found.append(Command(path, tuple(p for p in cmd.params if p.name != "help")))

    walk(root, ())
    return found


@dataclass
class Place:
    """A populated Parley and the files the fuzzer hands out."""

    env: dict[str, str]
    files: list[str]
    real: list[str]


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Place:
    root = tmp_path_factory.mktemp("cli")
    data = root / "data"
    parley = bootstrap(Settings.for_directory(data))
    try:
        register_three(parley)
        recorded = record_list(parley, meta=ListMeta(
            source="ua-list", kind="origin_list", file_name="ua.csv", file_sha256="a" * 64,
            party=UA, rows=1), records=[RecordInput(row_number=2, fields={
                "record_id": "1", "surname": "Коваленко", "given_name": "Іван"})],
            actor=ACTORS[UA], one_person_per_record=True)
    finally:
        parley.close()
    junk = root / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    empty = root / "empty.csv"
    empty.write_bytes(b"")
    yaml = root / "bad.yaml"
    yaml.write_text("reference: [unclosed\n  - : :\n")
    yaml_list = root / "list.yaml"
    yaml_list.write_text("- 1\n- 2\n")
    header_only = root / "header.csv"
    header_only.write_text("record_id,surname\n")
    utf16 = root / "utf16.csv"
    utf16.write_bytes("прізвище\n\x00\x00".encode("utf-16"))
    fake_xlsx = root / "fake.xlsx"
    fake_xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    folder = root / "folder"
    folder.mkdir()
    (folder / "manifest.json").write_text("{not json")
    files = [str(p) for p in (junk, empty, yaml, yaml_list, header_only, utf16, fake_xlsx,
                              folder, root / "missing" / "out.csv", root / "new-out.csv")]
    env = {"PARLEY_DATA_DIR": str(data)}
    return Place(env=env, files=files, real=[recorded.list_id, "istanbul-2025",
                                             ACTORS[UA], "officer"])


@dataclass
class Outcome:
    code: int
    out: str
    err: str


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("PARLEY_")}
    for k in saved:
        del os.environ[k]
    os.environ.update(values)
    try:
        yield
    finally:
        for k in values:
            os.environ.pop(k, None)
        os.environ.update(saved)


def run(args: list[str], place: Place, capsys: pytest.CaptureFixture[str]) -> Outcome:
    capsys.readouterr()
    argv = sys.argv
    sys.argv = ["parley", *args]
    code: int | str | None = 0
    try:
        with environment(place.env):
            main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return Outcome(code if isinstance(code, int) else 1, captured.out, captured.err)


def problems(args: list[str], outcome: Outcome, *, must_fail: bool) -> list[str]:
    """What is wrong with how the command failed (empty when it failed well)."""
    said = outcome.out + outcome.err
    where = f"parley {' '.join(a[:40] for a in args)}"
    found = []
    internal = re.search(r"internal error \((\w+)\)", said)
    # The entry point reports an operating system's refusal (a name too long for the
    # file system, say) as one line naming the error and the path: that is allowed.
    unexpected = internal is not None and internal.group(1) not in OS_ERRORS
    if "Traceback" in said or unexpected:
        found.append(f"{where}: {said.strip()[-400:]}")
    if outcome.code == 0:
        if must_fail:
            found.append(f"{where}: exit 0 for a malformed call")
        return found
    if "Usage:" in said or "─ Error ─" in said:
        return found  # click's own message: the usage line and what was wrong
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    if len(lines) != 1 or not lines[0].startswith("error: "):
        found.append(f"{where}: exit {outcome.code} without one 'error:' line: "
                     f"{outcome.err.strip()[:300]!r}")
    return found


def values(place: Place) -> st.SearchStrategy[str]:
    return st.sampled_from(HOSTILE + place.files + place.real)


FUZZED = [c for c in commands() if c.path not in LONG]


@pytest.mark.parametrize("command", FUZZED, ids=str)
def test_malformed_calls_fail_with_one_clear_line(
        command: Command, place: Place, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # where outputs named by hostile values land
    failures: list[str] = []

    @settings(max_examples=6, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(data=st.data())
    def call(data: st.DataObject) -> None:
        args: list[str] = list(command.path)
        for param in command.params:
            option = param.param_type_name == "option"
            is_flag = option and bool(getattr(param, "is_flag", False))
            if is_flag:
                if param.name == "as_json" and data.draw(st.booleans()):
                    args.append("--json")
                continue
            if not param.required and not data.draw(st.booleans()):
                continue
            value = data.draw(values(place))
            if option:
                args += [param.opts[0], value]
            else:
                args.append(value)
        # A hostile value may still be a valid one (any string is a valid --source):
        # only an unknown option must make the call fail.
        unknown = data.draw(st.booleans())
        if unknown:
            args.append("--no-such-option")
        outcome = run(args, place, capsys)
        failures.extend(problems(args, outcome, must_fail=unknown))

    call()
    assert failures == []


@pytest.mark.parametrize("args", [
    ["serve", "--port", "abc"], ["serve", "--port", "-5"], ["serve", "--workers", "0"],
    ["demo", "--out", "/proc/version"], ["link", "/nonexistent.csv", "--out", "x.csv"],
    ["resolve", "--list", "not-a-list"], ["resolve", "--engine", "bogus", "--all"],
    ["link", "--out", "x.csv"], ["no-such-command"], ["import"],
], ids=lambda a: " ".join(a))
def test_long_running_commands_refuse_bad_values(
        args: list[str], place: Place, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = run(args, place, capsys)
    assert problems(args, outcome, must_fail=True) == []


def test_a_database_that_is_not_one_is_one_clear_line(
        place: Place, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fake = tmp_path / "parley.db"
    fake.write_bytes(b"this is not a database" * 100)
    broken = Place(env={"PARLEY_DATABASE_URL": f"sqlite:///{fake}",
                        "PARLEY_KEY_DIR": str(tmp_path / "keys")}, files=[], real=[])
    for args in (["ledger", "verify"], ["lists"], ["db", "status"]):
        outcome = run(args, broken, capsys)
        assert problems(args, outcome, must_fail=True) == []
