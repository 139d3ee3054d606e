"""`App` as a context manager: the CLI's commands rely on it to close the engine."""

from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any, cast

import pytest

from parley.bootstrap import App
from parley.errors import NotFound
from parley.settings import Settings


class _Engine:
    disposed = 0

    def dispose(self) -> None:
        self.disposed += 1


def _app(tmp_path: Path) -> tuple[App, _Engine]:
    """An App whose engine only counts its disposals; its other parts are never used."""
    engine = _Engine()
    unused: dict[str, Any] = {f.name: None for f in fields(App)
                              if f.default is MISSING and f.default_factory is MISSING}
    app = App(**{**unused, "settings": Settings.for_directory(tmp_path),
                 "engine": cast(Any, engine)})
    return app, engine


def test_the_block_gets_the_app_and_its_end_closes_the_engine(tmp_path: Path) -> None:
    app, engine = _app(tmp_path)
    with app as entered:
        assert entered is app
        assert engine.disposed == 0
    assert engine.disposed == 1


def test_an_error_in_the_block_closes_the_engine_and_goes_on_unchanged(tmp_path: Path) -> None:
    app, engine = _app(tmp_path)
    with pytest.raises(NotFound, match="no such stage"), app:
        raise NotFound("no such stage")
    assert engine.disposed == 1
