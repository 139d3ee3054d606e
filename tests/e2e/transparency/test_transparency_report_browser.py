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
            assert page.get_by_text("Which figures are withheld, and why").is_visible()
            assert page.get_by_text("withheld", exact=True).first.is_visible()
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


def test_public_page_in_chromium_shows_the_report_and_names_nobody(
        exchange: Exchange, tmp_path: Path) -> None:
    """/public over HTTP in the real Chromium: the report in its frame, the bundle's
    files listed (no event chain among them), and no person anywhere on the page."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    from tests.api_server import serving

    app = bootstrap(Settings.for_directory(exchange.directory))
    try:
        publish_bundle(app, tmp_path / "published" / "20250701T000000Z", k=3)
        with serving(app, secure_cookies=False, publish_dir=tmp_path / "published") as srv, \
                sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.goto(f"{srv.base}/public")
                page.wait_for_load_state("load")
                assert page.get_by_text("Public transparency page").is_visible()
                frame = page.frame_locator("#report")
                frame.get_by_text("Which figures are withheld, and why").wait_for()
                listed = page.locator("ul li a").all_inner_texts()
                assert names.STAGES in listed and "events.jsonl" not in listed
                html = page.content() + frame.locator("body").inner_html()
            finally:
                browser.close()
    finally:
        app.close()
    for fields in exchange.scenario.fields:
        for field in ("surname", "given_name", "birth_date", "service_number", "record_id"):
            assert fields[field] not in html, (field, fields[field])
    for persons in exchange.scenario.persons.values():
        for person, commitment in persons:
            assert person not in html and commitment not in html
