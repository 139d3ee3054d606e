"""The service in a real browser: Debian's Chromium driven by Playwright against a real
uvicorn server on loopback, as each role would use it. Screenshots go to
tests/e2e/screenshots/ (not kept in git)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from parley.bootstrap import App
from parley.services.exchange import handover
from parley.services.people.users import inquiry_for_tracking_code
from parley.services.registry import identity
from parley.store.tables import handover_confirmations, inquiries, record_links
from tests.api_server import ExchangeWorld, Served, build_exchange_world, serving

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("PARLEY_REQUIRE_BROWSER"):
            pytest.fail("PARLEY_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def site(app: App) -> Iterator[tuple[Served, ExchangeWorld]]:
    world = build_exchange_world(app)
    with serving(app) as srv:
        yield srv, world


def shot(page: Any, name: str, app: App) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{app.engine.dialect.name}.png"), full_page=True)


def sign_in(browser: Any, srv: Served, username: str, password: str) -> Any:
    page = browser.new_page(base_url=srv.base)
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_family_files_an_inquiry_and_later_sees_the_status(
        browser: Any, site: tuple[Served, ExchangeWorld], app: App) -> None:
    srv, world = site
    page = browser.new_page(base_url=srv.base)
    page.goto("/inquiry?lang=uk")
    assert "Запит про родича" in page.content()
    page.fill("#surname", "Surnameua0")
    page.fill("#given_name", "Ivan")
    page.fill("#birth_date", "05.03.2002")
    page.click("button[type=submit]")
    code = page.text_content("#tracking-code")
    assert code and re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){4}", code.strip())
    shot(page, "family-inquiry-filed", app)

    # Later: the intermediary has matched the inquiry to the person held by RU.
    inquiry_id = inquiry_for_tracking_code(app, code)
    with app.read() as conn:
        record = conn.execute(select(inquiries.c.record_id).where(
            inquiries.c.id == inquiry_id)).scalar_one()
        card = conn.execute(select(record_links.c.record_id).where(
            record_links.c.person_id == world.ua_people[0])).scalars().first()
    identity.decide(app, decision="same", actor="int-tracing", records=(card, record))

    family = browser.new_page(base_url=srv.base)
    family.goto("/track?lang=uk")
    family.fill("#tracking_code", code.lower())
    family.click("button[type=submit]")
    family.wait_for_url("**/family")
    # Matched, but nobody has checked who the family is: nothing is shown yet.
    assert family.get_attribute("#person-status", "data-status") == "unverified"
    from parley.services.people.access import Principal
    from parley.services.registry.inquiries import verify_inquirer
    verify_inquirer(app, Principal(role="intermediary", name="officer", actor="int-tracing"),
                    inquiry_id=str(inquiry_id), actor="int-tracing")
    family.reload()
    status = family.get_attribute("#person-status", "data-status")
    assert status == "verified", family.content()
    assert "Перевірено" in family.content() or "verified" in family.content().lower()
    shot(family, "family-status", app)
    family.close()
    page.close()


def test_an_officer_decides_a_match_in_the_review_queue(
        browser: Any, site: tuple[Served, ExchangeWorld], app: App) -> None:
    srv, world = site
    from parley.services.registry.inquiries import file_inquiry

    filed = file_inquiry(app, fields={"surname": "Surnameua0", "given_name": "Ivan",
                                      "birth_date": "05.03.2002"})
    if not identity.review_queue(app):
        queue_pair(app, filed.record_id, world.ua_people[0])
    page = sign_in(browser, srv, world.usernames["int"], world.passwords["int"])
    assert page.url.endswith("/int")
    page.goto("/int/review")
    first = page.locator(".review").first
    review_id = first.get_attribute("data-review")
    assert first.locator("text=Evidence for").count() == 1
    shot(page, "officer-review-queue", app)
    first.locator("button[value=same]").click()
    page.wait_for_load_state()
    assert "same: recorded" in page.content()
    decided = {r.id: r for r in identity.review_queue(app, status="all")}
    assert decided[review_id].decision == "same"
    shot(page, "officer-review-decided", app)
    page.close()


def queue_pair(app: App, inquiry_record: str, person_id: str) -> None:
    """Put a pair in the review queue as the match model would (for a model that happened
    to be sure either way on this input)."""
    import json
    import uuid

    from sqlalchemy import insert

    from parley.store import timestamp, utc_now
    from parley.store.tables import match_reviews

    with app.read() as conn:
        card = conn.execute(select(record_links.c.record_id).where(
            record_links.c.person_id == person_id)).scalars().first()
    a, b = sorted([inquiry_record, card])
    with app.uow() as uow:
        uow.conn.execute(insert(match_reviews).values(
            id=str(uuid.uuid4()), record_a=a, record_b=b, probability=0.6,
            reason="uncertain", status="open", model_version=1,
            evidence=json.dumps([{"comparison": "surname", "level": "surname keys equal",
                                  "weight": 1.4, "direction": "for"}]),
            queued_at=timestamp(utc_now()), event_seq=0))
        uow.commit()


def test_a_party_confirms_a_handover(browser: Any, site: tuple[Served, ExchangeWorld],
                                     app: App) -> None:
    srv, world = site
    page = sign_in(browser, srv, world.usernames["ua"], world.passwords["ua"])
    assert page.url.endswith("/party")
    page.click(f"a[href='/stages/{world.stage_id}']")
    page.wait_for_url(f"**/stages/{world.stage_id}")
    person = next(p for p in world.on_stage if p != world.disputed)
    page.check(f"input[value='{person}']")
    shot(page, "party-stage", app)
    page.click("#confirm-handover")
    page.wait_for_load_state()
    assert "1 confirmations recorded" in page.content(), page.content()
    with app.read() as conn:
        done = conn.execute(select(handover_confirmations).where(
            handover_confirmations.c.stage_id == world.stage_id,
            handover_confirmations.c.person_id == person)).all()
    assert [r.actor for r in done] == ["ua-coordination"]
    shot(page, "party-confirmed", app)
    page.close()


def test_the_public_page_shows_the_charts(browser: Any, site: tuple[Served, ExchangeWorld],
                                          app: App) -> None:
    srv, world = site
    # The dispute is settled, the stage handed over by all three sides and closed; then
    # the officer publishes from the dashboard.
    handover.resolve_discrepancy(app, discrepancy_id=world.discrepancy_id,
                                 resolution="identity_confirmed", actor="int-tracing")
    for actor in ("ua-coordination", "ru-coordination", "int-tracing"):
        handover.confirm_handover(app, stage_id=world.stage_id, person_ids=world.on_stage,
                                  actor=actor)
    handover.close_stage(app, stage_id=world.stage_id, actor="int-tracing")
    officer = sign_in(browser, srv, world.usernames["int"], world.passwords["int"])
    officer.click("form[action='/int/publish'] button")
    officer.wait_for_load_state()
    assert "published" in officer.content()
    officer.close()
    public = browser.new_page(base_url=srv.base)
    public.goto("/public")
    frame = public.frame_locator("#report")
    frame.locator("svg").first.wait_for()
    assert frame.locator("svg").count() >= 1
    frame.locator("svg").first.scroll_into_view_if_needed()
    shot(public, "public-transparency", app)
    public.close()
