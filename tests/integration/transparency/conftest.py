"""Bundles built once per module from the scenario (SQLite), for read-only tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from parley.bootstrap import App, bootstrap
from parley.services.publication.publish import publish_bundle
from parley.settings import Settings
from tests.integration.transparency.scenario import Scenario, build


@dataclass
class Published:
    app: App
    scenario: Scenario
    bundle: Path
    root: Path


def publish_scenario(root: Path, *, seed: int = 7, k: int = 3) -> Published:
    app = bootstrap(Settings.for_directory(root / "parley"))
    scenario = build(app, seed=seed)
    bundle = root / "bundle"
    publish_bundle(app, bundle, k=k)
    return Published(app=app, scenario=scenario, bundle=bundle, root=root)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    pub = publish_scenario(tmp_path_factory.mktemp("exchange-a"))
    yield pub
    pub.app.close()


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """A second, independent exchange (its own keys, persons and stages)."""
    pub = publish_scenario(tmp_path_factory.mktemp("exchange-b"), seed=11)
    yield pub
    pub.app.close()
