"""A Parley database with a small exchange in it, for the CLI and browser tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from parley.bootstrap import bootstrap
from parley.settings import Settings
from tests.integration.transparency.scenario import Scenario, build

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@dataclass
class Exchange:
    directory: Path
    scenario: Scenario

    @property
    def env(self) -> dict[str, str]:
        return {"PARLEY_DATABASE_URL": f"sqlite:///{self.directory / 'parley.db'}",
                "PARLEY_KEY_DIR": str(self.directory / "keys")}


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> Exchange:
    directory = tmp_path_factory.mktemp("exchange")
    app = bootstrap(Settings.for_directory(directory))
    try:
        scenario = build(app)
    finally:
        app.close()
    return Exchange(directory=directory, scenario=scenario)


def need_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("PARLEY_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and PARLEY_REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} is not installed")
