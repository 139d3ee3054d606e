"""Helpers shared by the command modules: the app from the environment, output."""

from __future__ import annotations

import errno
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from parley.bootstrap import App

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def console_error(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)


def open_app(*, migrate: bool = True) -> App:
    """The application configured from the environment (PARLEY_DATABASE_URL, ...)."""
    # Imported here: the database layer is not needed for `--help` or a usage error.
    from parley.bootstrap import bootstrap

    return bootstrap(migrate=migrate)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


#: OS errors about a path the user gave (another path fixes them): exit code 2, as for
#: other bad input. Anything else (a full disk, an I/O error) exits with 1.
_PATH_ERRORS = frozenset({errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR,
                          errno.EEXIST, errno.EACCES, errno.EPERM, errno.EROFS, errno.ELOOP})
_LONGEST_SHOWN = 120


def describe_os_error(exc: OSError) -> tuple[str, int]:
    """One line naming the path and the operating system's reason, and the exit code.

    ``[Errno 36] File name too long: '/tmp/…'`` becomes ``/tmp/xxx…xxx/bundle (4,107
    characters): File name too long``. The system names no path for some errors (a
    full disk under a file being written): then the line names the error."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    paths = [_shown(p) for p in (exc.filename, exc.filename2) if p not in (None, "")]
    if paths:
        return f"{' → '.join(paths)}: {reason}", 2 if exc.errno in _PATH_ERRORS else 1
    name = errno.errorcode.get(exc.errno or 0, "")
    return f"operating system error: {reason}{f' ({name})' if name else ''}", 1


def _shown(path: object) -> str:
    if isinstance(path, int):
        return f"file descriptor {path}"
    text = os.fsdecode(path) if isinstance(path, bytes | os.PathLike) else str(path)
    if len(text) <= _LONGEST_SHOWN:
        return text
    half = _LONGEST_SHOWN // 2 - 1
    return f"{text[:half]}…{text[-half:]} ({len(text):,} characters)"
