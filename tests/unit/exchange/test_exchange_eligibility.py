"""Eligibility with reasons; unknown facts make a person undetermined, never eligible."""

from __future__ import annotations

from pathlib import Path

from parley.domain.agreements import load_terms
from parley.domain.eligibility import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    UNDETERMINED,
    BirthDate,
    PersonFacts,
    eligibility,
)

ISTANBUL = load_terms((Path(__file__).resolve().parents[3] /
                       "src/parley/synth/istanbul_2025.yaml").read_text(), source="istanbul")


def facts(*births: str, **kw: object) -> PersonFacts:
    parsed = tuple(b for b in (BirthDate.parse(x, source="list") for x in births) if b)
    base: dict[str, object] = {"civilian": False, "deceased": False}
    base.update(kw)
    return PersonFacts(person_id="p", births=parsed, **base)  # type: ignore[arg-type]


def young(f: PersonFacts) -> tuple[str, tuple[str, ...]]:
    cats = [c for c in ISTANBUL.by_priority() if not c.remains]
    e = eligibility(ISTANBUL, f, categories=cats)
    v = next(v for v in e.verdicts if v.code == "young")
    return v.status, v.reasons


def test_reason_names_the_birth_date_and_age() -> None:
    status, reasons = young(facts("2002-03-05"))
    assert status == ELIGIBLE
    assert reasons[0] == "born 2002-03-05: 23 on 2025-06-02, within 18 to 25"


def test_too_old_and_too_young() -> None:
    assert young(facts("1990-01-02")) == (
        NOT_ELIGIBLE, ("born 1990-01-02: 35 on 2025-06-02, over 25",))
    assert young(facts("2008-01-01"))[0] == NOT_ELIGIBLE


def test_unknown_or_partial_birth_dates() -> None:
    status, reasons = young(facts())
    assert status == UNDETERMINED
    assert reasons == ("no birth date on record: age on 2025-06-02 unknown",)
    # Born in 2000: 24 or 25 on 2 June 2025; both within 18-25.
    assert young(facts("2000"))[0] == ELIGIBLE
    # Born in 1999: 25 or 26; cannot tell.
    status, reasons = young(facts("1999"))
    assert status == UNDETERMINED
    assert "25 or 26" in reasons[0]
    assert young(facts("1999-06"))[0] == UNDETERMINED
    assert young(facts("1999-05"))[0] == NOT_ELIGIBLE


def test_disagreeing_records_widen_the_range() -> None:
    status, reasons = young(facts("2002-03-05", "1995-03-05"))
    assert status == UNDETERMINED
    assert "records disagree" in reasons[0]


def test_unknown_civilian_status_is_undetermined() -> None:
    status, _ = young(facts("2002-03-05", civilian=None))
    assert status == UNDETERMINED


def test_wounded_needs_certification() -> None:
    e = eligibility(ISTANBUL, facts("1980-01-01", wounded_reported=True,
                                    sources={"wounded_reported": "ua-origin"}))
    assert e.category is None and e.status == UNDETERMINED
    assert "reported seriously wounded or sick (ua-origin) but not yet certified" in \
        e.verdicts[0].reasons
    e = eligibility(ISTANBUL, facts("1980-01-01", wounded_certified=True))
    assert e.category == "wounded_sick" and e.protected
    # Also young: the higher priority wins, one category per person.
    e = eligibility(ISTANBUL, facts("2002-03-05", wounded_certified=True))
    assert e.category == "wounded_sick"
    assert [v.status for v in e.verdicts[:2]] == [ELIGIBLE, ELIGIBLE]
    e = eligibility(ISTANBUL, facts("1980-01-01"))
    assert e.status == NOT_ELIGIBLE
