"""Pieces of the service that need no database: languages, rate limits, tracking codes."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from parley.api.ratelimit import RateLimiter, Rule
from parley.runtime.idempotency import fingerprint
from parley.services.people.users import (
    TRACKING_ALPHABET,
    new_tracking_code,
    normalise_tracking_code,
)
from parley.web.i18n import UK, choose
from parley.web.status import LABELS

WEB = Path(__file__).resolve().parents[3] / "src" / "parley" / "web"


def test_every_message_in_the_pages_has_a_ukrainian_translation() -> None:
    used = set(LABELS.values())
    for template in WEB.rglob("*.html"):
        used |= set(re.findall(r'_\("([^"]+)"\)', template.read_text(encoding="utf-8")))
    for module in WEB.rglob("*.py"):
        used |= set(re.findall(r'\b_\("([^"]+)"\)', module.read_text(encoding="utf-8")))
    assert sorted(m for m in used if m not in UK) == []


def test_language_choice() -> None:
    assert choose("uk", None, None) == "uk"
    assert choose(None, "uk", "en") == "uk"
    assert choose(None, None, "uk-UA,uk;q=0.9,en;q=0.8") == "uk"
    assert choose("xx", None, "de-DE") == "en"


def test_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter({"family": Rule(per_minute=60, burst=2)}, clock=lambda: now[0])
    assert limiter.check("family", "a") is None
    assert limiter.check("family", "a") is None
    wait = limiter.check("family", "a")
    assert wait is not None and 0 < wait <= 1
    assert limiter.check("family", "b") is None  # another client has its own bucket
    now[0] += 1.0
    assert limiter.check("family", "a") is None
    assert limiter.check("unknown", "a") is None


def test_tracking_codes_are_long_random_and_forgiving_to_type() -> None:
    codes = {new_tracking_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"([A-Z0-9]{4}-){4}[A-Z0-9]{4}", code)
        assert normalise_tracking_code(code.lower().replace("-", " ")) == code
    assert normalise_tracking_code("0000-0000-0000-0000-0000") is None  # 0 is not used
    assert normalise_tracking_code("ABCD") is None


@given(st.text(alphabet=TRACKING_ALPHABET + "-  abc", max_size=40))
def test_normalised_codes_are_canonical(text: str) -> None:
    code = normalise_tracking_code(text)
    if code is not None:
        assert normalise_tracking_code(code) == code


def test_fingerprints_separate_their_parts() -> None:
    assert fingerprint("POST", "/a", "b") != fingerprint("POST", "/ab", "")
    assert fingerprint("x", b"y") == fingerprint("x", "y")
