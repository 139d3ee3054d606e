"""Eligibility with reasons: which categories of an agreement a person falls in, and why.

Every rule evaluates to one of three answers: yes, no, or *undetermined* when a fact it
needs is unknown (no birth date, a wound reported but not yet certified). Unknown never
counts as yes: a person is eligible only when some category's rule is plainly true.
Reasons are sentences for the intermediary's screen ("born 2002-03-05: 23 on
2025-06-02, within 18-25"); they contain personal data and never go into events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from parley.domain.agreements import (
    Age,
    AgreementTerms,
    AllOf,
    AnyOf,
    Category,
    Fact,
    ListedIn,
    Named,
    Not,
    Rule,
)

ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = "eligible", "not_eligible", "undetermined"
Verdict = bool | None


@dataclass(frozen=True)
class BirthDate:
    """A birth date as a record gives it: a full date, a month or a year (``text``)."""

    text: str
    earliest: date
    latest: date
    source: str = ""

    @classmethod
    def parse(cls, text: str, *, source: str = "") -> BirthDate | None:
        """``yyyy-mm-dd``, ``yyyy-mm`` or ``yyyy``; None when it is none of these."""
        value = text.strip()
        try:
            if len(value) == 10:
                d = date.fromisoformat(value)
                return cls(value, d, d, source)
            if len(value) == 7 and value[4] == "-":
                y, m = int(value[:4]), int(value[5:])
                first = date(y, m, 1)
                last = date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1
                return cls(value, first, date.fromordinal(last), source)
            if len(value) == 4 and value.isdigit():
                y = int(value)
                return cls(value, date(y, 1, 1), date(y, 12, 31), source)
        except ValueError:
            return None
        return None


@dataclass(frozen=True)
class PersonFacts:
    """What is known about one person, each fact with where it came from.

    Tri-state facts are None when unknown. ``wounded_certified`` comes only from a
    medical certification (an event); ``wounded_reported`` from a list's status column.
    """

    person_id: str
    births: tuple[BirthDate, ...] = ()
    wounded_certified: bool | None = None
    wounded_reported: bool = False
    civilian: bool | None = None
    deceased: bool | None = None
    rank: str | None = None
    lists: frozenset[str] = frozenset()
    sources: dict[str, str] = field(default_factory=dict)

    def age_range(self, on: date) -> tuple[int, int] | None:
        """Youngest and oldest possible age on ``on`` over every birth date on record."""
        if not self.births:
            return None
        earliest = min(b.earliest for b in self.births)
        latest = max(b.latest for b in self.births)
        return age_on(latest, on), age_on(earliest, on)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class Outcome:
    """A rule's answer for one person and the reasons for it."""

    verdict: Verdict
    reasons: tuple[str, ...]


def evaluate(rule: Rule, facts: PersonFacts) -> Outcome:
    """Three-valued evaluation of ``rule`` (Kleene logic) with the reasons that decided it."""
    if isinstance(rule, Age):
        return _age(rule, facts)
    if isinstance(rule, Fact):
        return _fact(rule, facts)
    if isinstance(rule, Named):
        ok = facts.person_id in rule.persons
        return Outcome(ok, ("named in the agreement" if ok else "not among the named persons",))
    if isinstance(rule, ListedIn):
        ok = rule.list_id in facts.lists
        return Outcome(ok, (f"on list {rule.list_id}" if ok else
                            f"not on list {rule.list_id}",))
    if isinstance(rule, Not):
        inner = evaluate(rule.rule, facts)
        return Outcome(None if inner.verdict is None else not inner.verdict, inner.reasons)
    if isinstance(rule, (AllOf, AnyOf)):
        parts = [evaluate(r, facts) for r in rule.rules]
        decisive = not isinstance(rule, AllOf)
        hits = [p for p in parts if p.verdict is decisive]
        if hits:
            return Outcome(decisive, tuple(r for p in hits for r in p.reasons))
        unknown = [p for p in parts if p.verdict is None]
        if unknown:
            return Outcome(None, tuple(r for p in unknown for r in p.reasons))
        return Outcome(not decisive, tuple(r for p in parts for r in p.reasons))
    raise TypeError(f"unknown rule {rule!r}")


def _age(rule: Age, facts: PersonFacts) -> Outcome:
    span = facts.age_range(rule.on)
    on = rule.on.isoformat()
    if span is None:
        return Outcome(None, (f"no birth date on record: age on {on} unknown",))
    youngest, oldest = span
    births = sorted({b.text for b in facts.births})
    born = "born " + " or ".join(births) if len(births) > 1 else f"born {births[0]}"
    if len(births) > 1:
        born += " (records disagree)"
    age = str(youngest) if youngest == oldest else f"{youngest} or {oldest}" \
        if oldest == youngest + 1 else f"{youngest} to {oldest}"
    if rule.below:
        bounds = f"under {rule.low if rule.high is None else rule.high + 1}"
    elif rule.high is None:
        bounds = f"{rule.low} or older"
    else:
        bounds = f"within {rule.low} to {rule.high}"
    inside_low = youngest >= rule.low
    inside_high = rule.high is None or oldest <= rule.high
    outside = oldest < rule.low or (rule.high is not None and youngest > rule.high)
    if inside_low and inside_high:
        return Outcome(True, (f"{born}: {age} on {on}, {bounds}",))
    if outside:
        side = (f"under {rule.low}" if oldest < rule.low else
                f"not {bounds}" if rule.below else f"over {rule.high}")
        return Outcome(False, (f"{born}: {age} on {on}, {side}",))
    return Outcome(None, (f"{born}: {age} on {on}; cannot tell whether {bounds}",))


_FACT_WORDS = {
    "seriously_wounded_or_sick": "seriously wounded or sick",
    "civilian": "a civilian",
    "deceased": "deceased",
}


def _fact(rule: Fact, facts: PersonFacts) -> Outcome:
    word = _FACT_WORDS[rule.fact]
    source = facts.sources.get(rule.fact)
    known: bool | None
    if rule.fact == "seriously_wounded_or_sick":
        known = facts.wounded_certified
        if known is None:
            if facts.wounded_reported:
                where = facts.sources.get("wounded_reported", "a list")
                return Outcome(None, (f"reported {word} ({where}) but not yet certified",))
            known = False
            reason = f"not certified or reported {word}"
        else:
            reason = f"certified {word}" if known else f"certified not {word}"
    else:
        known = facts.civilian if rule.fact == "civilian" else facts.deceased
        if known is None:
            return Outcome(None, (f"not known whether {word}",))
        reason = word if known else f"not {word}"
    if source:
        reason += f" ({source})"
    return Outcome(known == rule.value, (reason,))


@dataclass(frozen=True)
class CategoryVerdict:
    code: str
    status: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Eligibility:
    """A person's standing under an agreement: every category's answer, in priority order.

    ``category`` is the highest-priority category the person plainly falls in (a person
    counts in one category only); ``protected`` marks the certified seriously wounded or
    sick, who are never held back for parity, caps or rank (GC III Art. 109-110).
    """

    person_id: str
    verdicts: tuple[CategoryVerdict, ...]
    category: str | None
    status: str
    protected: bool

    def reasons(self) -> list[str]:
        return [f"{v.code}: {v.status.replace('_', ' ')}: {'; '.join(v.reasons)}"
                for v in self.verdicts]


def eligibility(terms: AgreementTerms, facts: PersonFacts, *,
                categories: Iterable[Category] | None = None) -> Eligibility:
    """Evaluate every (living-person) category of ``terms`` for one person."""
    verdicts = []
    chosen: str | None = None
    any_unknown = False
    for cat in (categories if categories is not None else terms.by_priority()):
        out = evaluate(cat.rule, facts)
        status = ELIGIBLE if out.verdict else UNDETERMINED if out.verdict is None \
            else NOT_ELIGIBLE
        if status == ELIGIBLE and cat.ratio.kind == "scale" \
                and cat.ratio.value_of(facts.rank) is None:
            status = UNDETERMINED
            out = Outcome(None, (*out.reasons, f"rank {facts.rank or 'unknown'} is not on "
                                               "the equivalence scale"))
        verdicts.append(CategoryVerdict(cat.code, status, out.reasons))
        if status == ELIGIBLE and chosen is None:
            chosen = cat.code
        any_unknown = any_unknown or status == UNDETERMINED
    overall = ELIGIBLE if chosen else UNDETERMINED if any_unknown else NOT_ELIGIBLE
    return Eligibility(person_id=facts.person_id, verdicts=tuple(verdicts), category=chosen,
                       status=overall, protected=facts.wounded_certified is True)
