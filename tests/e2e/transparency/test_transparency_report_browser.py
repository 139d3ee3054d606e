"""The public report in a real browser: renders offline, fits a phone, names nobody."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from parley.bootstrap import bootstrap
from parley.reports import bundle as names
from parley.services.publication.publish import publish_bundle
from parley.settings import Settings
from tests.e2e.transparency.conftest import CHROMIUM, CHROMIUM_ARGS, Exchange, need_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(exchange: Exchange, tmp_path_factory: pytest.TempPathFactory) -> Path:
    bundle = tmp_path_factory.mktemp("report") / "bundle"
    app = bootstrap(Settings.for_directory(exchange.directory))
    try:
        publish_bundle(app, bundle, k=3)
    finally:
        app.close()
    return bundle / names.REPORT


def test_report_names_nobody(report: Path, exchange: Exchange) -> None:
    html = report.read_text(encoding="utf-8")
    for fields in exchange.scenario.fields:
        for field in ("surname", "given_name", "patronymic", "birth_date", "service_number",
                      "record_id"):
            assert fields[field] not in html, (field, fields[field])
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(http" not in html and "<link" not in html


@pytest.mark.parametrize("width", [390, 1100])
def test_report_renders_offline_and_fits(report: Path, width: int, tmp_path: Path) -> None:
    need_chromium()
    from playwright.sync_api import sync_playwright

    shot = tmp_path / f"report-{width}.png"
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            assert page.title() == "Exchange of prisoners of war: verified figures"
            assert page.locator("svg.chart").count() >= 3
            assert page.get_by_text("What was agreed").is_visible()
            assert page.get_by_text("Open discrepancies").is_visible()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}px"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    assert requests == [report.as_uri()], requests
    keep = os.environ.get("PARLEY_SCREENSHOT_DIR")
    if keep:  # CI or a developer may keep the screenshots to look at
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
