"""Agreement terms as data: parsed from YAML, validated with clear errors, evaluated by rules.

An agreement names the two parties and the intermediary, the date and place, who signs
for each side, the window in which stages may take place, and its categories. Each
category has an eligibility rule (see :mod:`parley.domain.eligibility` for how rules are
evaluated), a ratio, a priority and optionally a cap. ``docs/exchange.md`` shows a file.

Rules (a mapping with exactly one key)::

    age: {below: 18, on: 2025-06-02}            # younger than 18 on that date
    age: {from: 18, to: 25, on: 2025-06-02}     # 18 to 25 inclusive on that date
    seriously_wounded_or_sick: true             # as certified (Art. 109-110 GC III)
    civilian: true | false
    deceased: true | false                      # remains, counted by case
    named: [person-id, ...]                     # a list of named persons (Parley ids)
    listed_in: list-id                          # persons on one imported list
    all: [rule, ...] / any: [rule, ...] / not: rule

Ratios: ``all for all``; ``N for N`` (one for one, at most N each way); or a rank
equivalence scale ``{scale: {rank: value, ...}, default: value}`` (the 1862 Dix-Hill
cartel valued a colonel at 15 privates). Pure: parsing takes text, nothing is read here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from parley.domain.vocabulary import Direction

RULE_NAMES = ("age", "seriously_wounded_or_sick", "civilian", "deceased", "named",
              "listed_in", "all", "any", "not")
FACTS = ("seriously_wounded_or_sick", "civilian", "deceased")
TOP_FIELDS = ("reference", "title", "date", "place", "parties", "intermediary",
              "signatories", "stages", "categories")
OPTIONAL_TOP = ("title", "place")
CATEGORY_FIELDS = ("code", "title", "rule", "ratio", "priority", "cap")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_PARTY = re.compile(r"[A-Z0-9]{1,16}")
_ACTOR = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_REFERENCE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_N_FOR_M = re.compile(r"\s*(\d+)\s+for\s+(\d+)\s*")


class AgreementError(ValueError):
    """The agreement file is wrong; the message names the file, the field and the value."""


# --- rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Base of the rule tree; :meth:`to_json` is the normalised form that is signed."""

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Age(Rule):
    """Age in whole years on ``on`` lies in ``[low, high]`` (``high`` None: no limit)."""

    low: int
    high: int | None
    on: date
    below: bool = False  # written as "below N" (high = N - 1)

    def to_json(self) -> dict[str, Any]:
        if self.below:
            assert self.high is not None
            return {"age": {"below": self.high + 1, "on": self.on.isoformat()}}
        body: dict[str, Any] = {"from": self.low, "on": self.on.isoformat()}
        if self.high is not None:
            body["to"] = self.high
        return {"age": body}

    def describe(self) -> str:
        if self.below:
            assert self.high is not None
            return f"under {self.high + 1} on {self.on.isoformat()}"
        if self.high is None:
            return f"{self.low} or older on {self.on.isoformat()}"
        return f"aged {self.low} to {self.high} on {self.on.isoformat()}"


@dataclass(frozen=True)
class Fact(Rule):
    """A fact about the person must be ``value`` (seriously wounded or sick, civilian, ...)."""

    fact: str
    value: bool

    def to_json(self) -> dict[str, Any]:
        return {self.fact: self.value}


@dataclass(frozen=True)
class Named(Rule):
    """The person is one of the named persons (Parley person ids)."""

    persons: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        return {"named": sorted(self.persons)}


@dataclass(frozen=True)
class ListedIn(Rule):
    """The person has a record on the given imported list."""

    list_id: str

    def to_json(self) -> dict[str, Any]:
        return {"listed_in": self.list_id}


@dataclass(frozen=True)
class AllOf(Rule):
    rules: tuple[Rule, ...]

    def to_json(self) -> dict[str, Any]:
        return {"all": [r.to_json() for r in self.rules]}


@dataclass(frozen=True)
class AnyOf(Rule):
    rules: tuple[Rule, ...]

    def to_json(self) -> dict[str, Any]:
        return {"any": [r.to_json() for r in self.rules]}


@dataclass(frozen=True)
class Not(Rule):
    rule: Rule

    def to_json(self) -> dict[str, Any]:
        return {"not": self.rule.to_json()}


def requires_fact(rule: Rule, fact: str) -> bool:
    """True when every person the rule admits must have ``fact`` true."""
    if isinstance(rule, Fact):
        return rule.fact == fact and rule.value
    if isinstance(rule, AllOf):
        return any(requires_fact(r, fact) for r in rule.rules)
    if isinstance(rule, AnyOf):
        return bool(rule.rules) and all(requires_fact(r, fact) for r in rule.rules)
    return False


# --- ratios ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """How the two directions of a category balance within a stage."""

    kind: str  # all_for_all | n_for_n | scale
    n: int | None = None
    scale: Mapping[str, int] = field(default_factory=dict)
    default: int | None = None

    def to_json(self) -> Any:
        if self.kind == "all_for_all":
            return "all for all"
        if self.kind == "n_for_n":
            return f"{self.n} for {self.n}"
        body: dict[str, Any] = {"scale": dict(sorted(self.scale.items()))}
        if self.default is not None:
            body["default"] = self.default
        return body

    def describe(self) -> str:
        if self.kind == "scale":
            return "rank equivalence: " + ", ".join(
                f"{rank} = {value}" for rank, value in sorted(self.scale.items(),
                                                              key=lambda kv: (kv[1], kv[0])))
        return str(self.to_json())

    def value_of(self, rank: str | None) -> int | None:
        """A rank's value on the scale (None: not on it and no default)."""
        if rank is not None:
            found = self.scale.get(normalise_rank(rank))
            if found is not None:
                return found
        return self.default


def normalise_rank(rank: str) -> str:
    return " ".join(rank.casefold().split())


# --- the agreement --------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    code: str
    title: str
    rule: Rule
    ratio: Ratio
    priority: int
    cap: int | None = None

    @property
    def protected(self) -> bool:
        """Admits only the certified seriously wounded or sick (never held for parity)."""
        return requires_fact(self.rule, "seriously_wounded_or_sick")

    @property
    def remains(self) -> bool:
        """Counts the dead: exchanged as remains by case number, not as persons."""
        return requires_fact(self.rule, "deceased")

    @property
    def limit(self) -> int | None:
        """The most this category may move in one direction over the whole agreement."""
        limits = [x for x in (self.cap, self.ratio.n) if x is not None]
        return min(limits) if limits else None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "title": self.title,
                                "rule": self.rule.to_json(), "ratio": self.ratio.to_json(),
                                "priority": self.priority}
        if self.cap is not None:
            body["cap"] = self.cap
        return body


@dataclass(frozen=True)
class AgreementTerms:
    """The validated terms; :meth:`to_json` is the normalised form whose hash is signed."""

    reference: str
    title: str
    agreed_on: date
    place: str
    parties: tuple[str, str]
    intermediary: str
    signatories: Mapping[str, str]
    stages_from: date
    stages_to: date
    categories: tuple[Category, ...]

    def category(self, code: str) -> Category:
        for cat in self.categories:
            if cat.code == code:
                return cat
        known = ", ".join(c.code for c in self.categories)
        raise AgreementError(f"agreement {self.reference} has no category {code!r} "
                             f"(categories: {known})")

    def by_priority(self) -> list[Category]:
        return sorted(self.categories, key=lambda c: c.priority)

    def directions(self) -> tuple[Direction, Direction]:
        """The two directions of the exchange: from the first party, then to it."""
        a, b = self.parties
        return Direction.of(a, b), Direction.of(b, a)

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference, "title": self.title, "date": self.agreed_on.isoformat(),
            "place": self.place, "parties": list(self.parties),
            "intermediary": self.intermediary,
            "signatories": dict(sorted(self.signatories.items())),
            "stages": {"from": self.stages_from.isoformat(), "to": self.stages_to.isoformat()},
            "categories": [c.to_json() for c in self.categories],
        }


# --- parsing --------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML where only true/false are booleans (``on:``, ``no``, ``yes`` stay words),
    dates stay text until checked here (so a bad one gets our message), and a repeated
    key is an error rather than silently overwriting the first."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers
          if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    # PyYAML's stubs leave construct_object unannotated; it returns the node's value.
    construct: Callable[[yaml.Node], Any] = loader.construct_object
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = construct(key_node)
        if key in seen:
            raise AgreementError(
                f"line {key_node.start_mark.line + 1}: key {key!r} appears twice")
        seen[key] = construct(value_node)
    return seen


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_terms(text: str, *, source: str) -> AgreementTerms:
    """Parse and validate agreement YAML; every error names ``source`` and the field."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except AgreementError as exc:
        raise AgreementError(f"{source}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        raise AgreementError(f"{source}: not valid YAML: {where}{exc.problem}") from None
    except yaml.YAMLError as exc:
        raise AgreementError(f"{source}: not valid YAML: {exc}") from None
    return parse_terms(data, source=source)


def parse_terms(data: Any, *, source: str) -> AgreementTerms:
    """Validate already-decoded terms (a mapping as YAML or JSON gives it)."""
    p = _Parser(source)
    return p.agreement(data)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> AgreementError:
        prefix = f"{self.source}: {where}: " if where else f"{self.source}: "
        return AgreementError(prefix + message)

    def mapping(self, value: Any, where: str, fields: tuple[str, ...],
                required: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping with {', '.join(required)}, "
                                   f"got {_show(value)}")
        for key in value:
            if key not in fields:
                raise self.fail(where, f"unknown field {key!r} (known: {', '.join(fields)})")
        for key in required:
            if key not in value or value[key] is None:
                raise self.fail(where, f"field {key!r} is missing")
        return value

    def date(self, value: Any, where: str) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(where, f"{_show(value)} is not a date (YYYY-MM-DD)")

    def text(self, value: Any, where: str, pattern: re.Pattern[str] | None = None,
             what: str = "text") -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected {what}, got {_show(value)}")
        text = value.strip()
        if pattern is not None and not pattern.fullmatch(text):
            raise self.fail(where, f"{text!r} is not {what}")
        return text

    def count(self, value: Any, where: str, *, minimum: int = 1) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(where, f"{_show(value)} is not a whole number of at least "
                                   f"{minimum}")
        return value

    def agreement(self, data: Any) -> AgreementTerms:
        if data is None:
            raise self.fail("", "the file is empty")
        top = self.mapping(data, "", TOP_FIELDS,
                           tuple(f for f in TOP_FIELDS if f not in OPTIONAL_TOP))
        reference = self.text(top["reference"], "reference", _REFERENCE,
                              "a reference of a-z, 0-9, '.', '_' or '-'")
        agreed = self.date(top["date"], "date")
        parties = top["parties"]
        if (not isinstance(parties, list) or len(parties) != 2
                or not all(isinstance(p, str) and _PARTY.fullmatch(p) for p in parties)
                or parties[0] == parties[1]):
            raise self.fail("parties", f"expected two different party codes such as "
                                       f"[UA, RU], got {_show(parties)}")
        intermediary = self.text(top["intermediary"], "intermediary", _PARTY, "a party code")
        if intermediary in parties:
            raise self.fail("intermediary", f"{intermediary} is also a party; the "
                                             "intermediary must be neutral")
        signatories = self.signatories(top["signatories"], (*parties, intermediary))
        stages = self.mapping(top["stages"], "stages", ("from", "to"), ("from", "to"))
        stages_from = self.date(stages["from"], "stages.from")
        stages_to = self.date(stages["to"], "stages.to")
        if stages_from < agreed:
            raise self.fail("stages.from", f"{stages_from.isoformat()} is before the "
                                           f"agreement date {agreed.isoformat()}")
        if stages_to < stages_from:
            raise self.fail("stages.to", f"{stages_to.isoformat()} is before stages.from "
                                         f"{stages_from.isoformat()}")
        categories = self.categories(top["categories"])
        return AgreementTerms(
            reference=reference,
            title=self.text(top.get("title") or reference, "title"),
            agreed_on=agreed, place=self.text(top.get("place") or "unstated", "place"),
            parties=(parties[0], parties[1]), intermediary=intermediary,
            signatories=signatories, stages_from=stages_from, stages_to=stages_to,
            categories=categories,
        )

    def signatories(self, value: Any, sides: tuple[str, ...]) -> dict[str, str]:
        if not value:
            raise self.fail("signatories", "the agreement is unsigned: name the signing "
                                           f"actor of each of {', '.join(sides)}")
        if not isinstance(value, Mapping):
            raise self.fail("signatories", f"expected a mapping of party code to actor, "
                                           f"got {_show(value)}")
        for key in value:
            if key not in sides:
                raise self.fail("signatories", f"{key!r} is not a party or the intermediary "
                                               f"of this agreement ({', '.join(sides)})")
        result = {}
        for side in sides:
            if not value.get(side):
                raise self.fail("signatories", f"the agreement is unsigned by {side}: "
                                               f"name its signing actor")
            result[side] = self.text(value[side], f"signatories.{side}", _ACTOR, "an actor id")
        return result

    def categories(self, value: Any) -> tuple[Category, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("categories", "expected a non-empty list of categories")
        cats: list[Category] = []
        for i, item in enumerate(value):
            where = f"categories[{i}]"
            if isinstance(item, Mapping) and isinstance(item.get("code"), str):
                where += f" ({item['code']})"
            body = self.mapping(item, where, CATEGORY_FIELDS,
                                ("code", "rule", "ratio", "priority"))
            code = self.text(body["code"], f"{where}: code", _CODE,
                             "a code of a-z, 0-9 and '_' starting with a letter")
            if any(c.code == code for c in cats):
                raise self.fail(where, f"category code {code!r} is used twice")
            rule = self.rule(body["rule"], f"{where}: rule")
            self.check_satisfiable(rule, f"{where}: rule")
            ratio = self.ratio(body["ratio"], f"{where}: ratio")
            priority = self.count(body["priority"], f"{where}: priority")
            for other in cats:
                if other.priority == priority:
                    raise self.fail(f"{where}: priority",
                                    f"{priority} is also the priority of {other.code}; "
                                    "priorities must differ so the order is clear")
            cap = None
            if body.get("cap") is not None:
                cap = self.count(body["cap"], f"{where}: cap")
                if ratio.n is not None and cap < ratio.n:
                    raise self.fail(f"{where}: cap", f"{cap} is below the {ratio.n} the "
                                                     f"ratio {ratio.n} for {ratio.n} "
                                                     "promises, so the ratio cannot be met")
            cat = Category(code=code, title=str(body.get("title") or code), rule=rule,
                           ratio=ratio, priority=priority, cap=cap)
            if cat.remains and ratio.kind == "scale":
                raise self.fail(f"{where}: ratio", "remains are counted by case and cannot "
                                                   "be weighed by rank")
            cats.append(cat)
        return tuple(cats)

    def rule(self, value: Any, where: str) -> Rule:
        if not isinstance(value, Mapping) or len(value) != 1:
            raise self.fail(where, f"a rule is a mapping with one key "
                                   f"({', '.join(RULE_NAMES)}), got {_show(value)}")
        ((name, arg),) = value.items()
        if name not in RULE_NAMES:
            raise self.fail(where, f"unknown rule {name!r} (known: {', '.join(RULE_NAMES)})")
        if name == "age":
            return self.age(arg, f"{where}.age")
        if name in FACTS:
            if not isinstance(arg, bool):
                raise self.fail(f"{where}.{name}", f"expected true or false, got {_show(arg)}")
            return Fact(name, arg)
        if name == "named":
            if not isinstance(arg, list) or not arg or not all(
                    isinstance(x, str) and x.strip() for x in arg):
                raise self.fail(f"{where}.named", "expected a non-empty list of person ids")
            persons = [x.strip() for x in arg]
            if len(set(persons)) != len(persons):
                dup = next(p for p in persons if persons.count(p) > 1)
                raise self.fail(f"{where}.named", f"person {dup} is named twice")
            return Named(frozenset(persons))
        if name == "listed_in":
            return ListedIn(self.text(arg, f"{where}.listed_in", what="a list id"))
        if name == "not":
            return Not(self.rule(arg, f"{where}.not"))
        if not isinstance(arg, list) or not arg:
            raise self.fail(f"{where}.{name}", f"expected a non-empty list of rules, "
                                               f"got {_show(arg)}")
        parts = tuple(self.rule(r, f"{where}.{name}[{i}]") for i, r in enumerate(arg))
        return AllOf(parts) if name == "all" else AnyOf(parts)

    def age(self, arg: Any, where: str) -> Age:
        if not isinstance(arg, Mapping):
            raise self.fail(where, f"expected {{below: N, on: DATE}} or "
                                   f"{{from: M, to: N, on: DATE}}, got {_show(arg)}")
        body = self.mapping(arg, where, ("below", "from", "to", "on"), ("on",))
        on = self.date(body["on"], f"{where}.on")
        if "below" in body:
            if "from" in body or "to" in body:
                raise self.fail(where, "use either 'below' or 'from'/'to', not both")
            below = self.count(body["below"], f"{where}.below")
            return Age(low=0, high=below - 1, on=on, below=True)
        if "from" not in body and "to" not in body:
            raise self.fail(where, "give 'below' or 'from'/'to'")
        low = self.count(body.get("from", 0), f"{where}.from", minimum=0)
        high = None
        if body.get("to") is not None:
            high = self.count(body["to"], f"{where}.to", minimum=0)
            if high < low:
                raise self.fail(where, f"from {low} to {high}: the ages are in the wrong "
                                       "order")
        return Age(low=low, high=high, on=on)

    def ratio(self, value: Any, where: str) -> Ratio:
        if isinstance(value, str):
            text = " ".join(value.replace("-", " ").replace("_", " ").lower().split())
            if text == "all for all":
                return Ratio("all_for_all")
            m = _N_FOR_M.fullmatch(text)
            if m:
                n, other = int(m.group(1)), int(m.group(2))
                if n != other:
                    raise self.fail(where, f"{value!r} cannot be met: each side gives the "
                                           "same number (N for N) or use a rank scale")
                if n < 1:
                    raise self.fail(where, f"{value!r} cannot be met: N must be at least 1")
                return Ratio("n_for_n", n=n)
        if isinstance(value, Mapping) and "scale" in value:
            body = self.mapping(value, where, ("scale", "default"), ("scale",))
            scale = body["scale"]
            if not isinstance(scale, Mapping) or not scale:
                raise self.fail(f"{where}.scale", "expected a mapping of rank to value")
            values: dict[str, int] = {}
            for rank, v in scale.items():
                if not isinstance(rank, str) or not rank.strip():
                    raise self.fail(f"{where}.scale", f"rank {_show(rank)} is not a name")
                key = normalise_rank(rank)
                if key in values:
                    raise self.fail(f"{where}.scale", f"rank {rank!r} appears twice")
                values[key] = self.count(v, f"{where}.scale.{rank}")
            default = None
            if body.get("default") is not None:
                default = self.count(body["default"], f"{where}.default")
            return Ratio("scale", scale=values, default=default)
        raise self.fail(where, f"{_show(value)} is not 'all for all', 'N for N' or "
                               "{scale: {rank: value, ...}}")

    def check_satisfiable(self, rule: Rule, where: str) -> None:
        """Refuse a conjunction whose parts exclude each other (no person could qualify)."""
        if isinstance(rule, (AnyOf, Not)):
            for part in (rule.rules if isinstance(rule, AnyOf) else (rule.rule,)):
                self.check_satisfiable(part, where)
            return
        if not isinstance(rule, AllOf):
            return
        atoms = list(_conjuncts(rule))
        facts: dict[str, bool] = {}
        ages: dict[date, tuple[int, int | None, list[Age]]] = {}
        for atom in atoms:
            if isinstance(atom, Fact):
                if facts.get(atom.fact, atom.value) != atom.value:
                    raise self.fail(where, f"contradictory: {atom.fact} is required to be "
                                           "both true and false")
                facts[atom.fact] = atom.value
            elif isinstance(atom, Age):
                low, high, seen = ages.get(atom.on, (0, None, []))
                low = max(low, atom.low)
                if atom.high is not None:
                    high = atom.high if high is None else min(high, atom.high)
                seen = [*seen, atom]
                if high is not None and high < low:
                    parts = " and ".join(a.describe() for a in seen)
                    raise self.fail(where, f"contradictory: nobody can be {parts}")
                ages[atom.on] = (low, high, seen)
            elif isinstance(atom, (AnyOf, Not)):
                self.check_satisfiable(atom, where)
        if facts.get("deceased") and facts.get("seriously_wounded_or_sick"):
            raise self.fail(where, "contradictory: the deceased cannot also be certified "
                                   "seriously wounded or sick")


def _conjuncts(rule: AllOf) -> list[Rule]:
    out: list[Rule] = []
    for part in rule.rules:
        if isinstance(part, AllOf):
            out += _conjuncts(part)
        else:
            out.append(part)
    return out


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
