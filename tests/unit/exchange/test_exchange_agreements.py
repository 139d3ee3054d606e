"""Agreement terms: the Istanbul file parses; bad files fail with one exact message."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.domain.agreements import AgreementError, load_terms, parse_terms

ISTANBUL = Path(__file__).resolve().parents[3] / "src/parley/synth/istanbul_2025.yaml"

BASE = """\
reference: test-1
date: 2025-06-02
parties: [UA, RU]
intermediary: INT
signatories: {UA: ua-coordination, RU: ru-coordination, INT: int-tracing}
stages: {from: 2025-06-09, to: 2025-07-31}
categories:
  - code: young
    rule: {age: {from: 18, to: 25, on: 2025-06-02}}
    ratio: all for all
    priority: 1
"""


def test_istanbul_terms() -> None:
    terms = load_terms(ISTANBUL.read_text(), source="istanbul_2025.yaml")
    assert terms.reference == "istanbul-2025"
    assert [c.code for c in terms.by_priority()] == ["wounded_sick", "young", "remains"]
    wounded, young, remains = terms.by_priority()
    assert wounded.protected and not young.protected
    assert remains.remains and remains.limit == 6000
    assert young.ratio.kind == "all_for_all"
    again = parse_terms(terms.to_json(), source="json")
    assert again == terms


def test_on_and_no_stay_words() -> None:
    # YAML 1.1 would read `on:` as True; the loader keeps it a key.
    terms = load_terms(BASE, source="a.yaml")
    assert terms.categories[0].rule.to_json() == {
        "age": {"from": 18, "to": 25, "on": "2025-06-02"}}


@pytest.mark.parametrize(("change", "message"), [
    (("ratio: all for all", "ratio: two for one"),
     "a.yaml: categories[0] (young): ratio: 'two for one' is not 'all for all', 'N for N' "
     "or {scale: {rank: value, ...}}"),
    (("ratio: all for all", "ratio: 6000 for 5000"),
     "a.yaml: categories[0] (young): ratio: '6000 for 5000' cannot be met: each side gives "
     "the same number (N for N) or use a rank scale"),
    (("rule: {age: {from: 18, to: 25, on: 2025-06-02}}", "rule: {officer: true}"),
     "a.yaml: categories[0] (young): rule: unknown rule 'officer' (known: age, "
     "seriously_wounded_or_sick, civilian, deceased, named, listed_in, all, any, not)"),
    (("rule: {age: {from: 18, to: 25, on: 2025-06-02}}",
      "rule: {age: {from: 25, to: 18, on: 2025-06-02}}"),
     "a.yaml: categories[0] (young): rule.age: from 25 to 18: the ages are in the wrong order"),
    (("rule: {age: {from: 18, to: 25, on: 2025-06-02}}",
      "rule: {all: [{age: {below: 18, on: 2025-06-02}}, "
      "{age: {from: 18, to: 25, on: 2025-06-02}}]}"),
     "a.yaml: categories[0] (young): rule: contradictory: nobody can be under 18 on "
     "2025-06-02 and aged 18 to 25 on 2025-06-02"),
    (("rule: {age: {from: 18, to: 25, on: 2025-06-02}}",
      "rule: {all: [{civilian: true}, {civilian: false}]}"),
     "a.yaml: categories[0] (young): rule: contradictory: civilian is required to be both "
     "true and false"),
    (("stages: {from: 2025-06-09, to: 2025-07-31}", "stages: {from: 2025-06-09, to: 2025-06-01}"),
     "a.yaml: stages.to: 2025-06-01 is before stages.from 2025-06-09"),
    (("stages: {from: 2025-06-09, to: 2025-07-31}", "stages: {from: 2025-05-09, to: 2025-07-31}"),
     "a.yaml: stages.from: 2025-05-09 is before the agreement date 2025-06-02"),
    (("signatories: {UA: ua-coordination, RU: ru-coordination, INT: int-tracing}\n", ""),
     "a.yaml: field 'signatories' is missing"),
    (("signatories: {UA: ua-coordination, RU: ru-coordination, INT: int-tracing}",
      "signatories: {UA: ua-coordination, INT: int-tracing}"),
     "a.yaml: signatories: the agreement is unsigned by RU: name its signing actor"),
    (("signatories: {UA: ua-coordination, RU: ru-coordination, INT: int-tracing}",
      "signatories: {}"),
     "a.yaml: signatories: the agreement is unsigned: name the signing actor of each of "
     "UA, RU, INT"),
    (("date: 2025-06-02", "date: 2025-13-02"),
     "a.yaml: date: '2025-13-02' is not a date (YYYY-MM-DD)"),
    (("    priority: 1", "    priority: 1\n    rules: x"),
     "a.yaml: categories[0] (young): unknown field 'rules' (known: code, title, rule, ratio, "
     "priority, cap)"),
    (("parties: [UA, RU]", "parties: [UA, UA]"),
     "a.yaml: parties: expected two different party codes such as [UA, RU], got ['UA', 'UA']"),
    (("intermediary: INT", "intermediary: UA"),
     "a.yaml: intermediary: UA is also a party; the intermediary must be neutral"),
])
def test_bad_terms_have_exact_messages(change: tuple[str, str], message: str) -> None:
    text = BASE.replace(*change)
    assert text != BASE
    with pytest.raises(AgreementError) as err:
        load_terms(text, source="a.yaml")
    assert str(err.value) == message


def test_cap_below_n_for_n_cannot_be_met() -> None:
    text = BASE.replace("ratio: all for all", "ratio: 6000 for 6000\n    cap: 5000")
    with pytest.raises(AgreementError, match=r"cap: 5000 is below the 6000 the ratio"):
        load_terms(text, source="a.yaml")


def test_duplicate_codes_keys_and_priorities() -> None:
    two = BASE + """\
  - code: young
    rule: {civilian: true}
    ratio: all for all
    priority: 2
"""
    with pytest.raises(AgreementError, match="category code 'young' is used twice"):
        load_terms(two, source="a.yaml")
    same_priority = two.replace("- code: young\n    rule: {civilian", "- code: civ\n    rule: "
                                "{civilian").replace("priority: 2", "priority: 1")
    with pytest.raises(AgreementError, match="1 is also the priority of young"):
        load_terms(same_priority, source="a.yaml")
    with pytest.raises(AgreementError, match="key 'date' appears twice"):
        load_terms(BASE + "date: 2025-06-03\n", source="a.yaml")


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(AgreementError, match=r"^a.yaml: not valid YAML: line 2 column 1: "):
        load_terms("reference: [unclosed\n", source="a.yaml")
    with pytest.raises(AgreementError, match=r"^a\.yaml: the file is empty$"):
        load_terms("", source="a.yaml")
    with pytest.raises(AgreementError, match="expected a mapping"):
        load_terms("- a\n- b\n", source="a.yaml")


def test_rank_scale() -> None:
    text = BASE.replace("ratio: all for all",
                        "ratio: {scale: {Private: 1, colonel: 15}, default: 1}")
    ratio = load_terms(text, source="a.yaml").categories[0].ratio
    assert ratio.value_of("  COLONEL ") == 15
    assert ratio.value_of("private") == 1
    assert ratio.value_of("major") == 1
    bad = BASE.replace("ratio: all for all", "ratio: {scale: {private: 0}}")
    with pytest.raises(AgreementError, match=r"scale.private: 0 is not a whole number"):
        load_terms(bad, source="a.yaml")
