"""Labelled synthetic lists shared by the linkage tests (built once per session)."""

from __future__ import annotations

import pytest

from parley.linkage import Features, LinkRecord, feature_rows
from parley.synth.multisource import Scenario, multisource


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return multisource(2_500, seed=41)


@pytest.fixture(scope="session")
def records(scenario: Scenario) -> list[LinkRecord]:
    return [LinkRecord(uid=f"{r.source}:{r.record_id}", source=r.source, fields=r.fields)
            for r in scenario.records()]


@pytest.fixture(scope="session")
def truth(scenario: Scenario) -> dict[str, str]:
    return {f"{r.source}:{r.record_id}": r.person_key for r in scenario.records()}


@pytest.fixture(scope="session")
def rows(records: list[LinkRecord]) -> list[Features]:
    return feature_rows(records)
