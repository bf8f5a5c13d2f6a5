"""The NYC pack, case by case (vigil/rules/tests/cases.py)."""

import pytest

from vigil.rules.engine import evaluate_rules
from vigil.rules.pack import load_pack
from vigil.rules.tests.cases import CASES, OFFENCES, PACK

PACKS = {"tests": load_pack(PACK, offences=OFFENCES), "shipped": load_pack(PACK)}


def test_it_has_at_least_fifty_cases_each_naming_its_clause_and_why_a_rule_stays_silent():
    assert len(CASES) >= 50
    ids = {rule.id for rule in PACKS["tests"].rules}
    for case in CASES:
        assert case["clause"].strip(), case["name"]
        assert case.get("expect") or case.get("silent"), case["name"]
        for rule, why in case.get("silent", {}).items():
            assert rule in ids and why.strip(), (case["name"], rule)
        assert set(case.get("expect", {})) <= ids, case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_it_finds_what_each_case_expects(case):
    pack = PACKS[case.get("pack", "tests")]
    findings = evaluate_rules(pack, [case["facts"]])[0]["findings"]
    by_rule = {}
    for finding in findings:
        by_rule.setdefault(finding["rule"], finding)
    for rule, level in case.get("expect", {}).items():
        assert rule in by_rule, f"{case['clause']}: {rule} expected {level}, got {findings}"
        assert by_rule[rule]["level"] == level, (case["clause"], by_rule[rule])
        assert by_rule[rule]["pack"] == pack.hash
    for rule, why in case.get("silent", {}).items():
        assert rule not in by_rule, f"{case['clause']}: {rule} should be silent ({why}), got {by_rule[rule]}"
    for rule, names in case.get("unknown", {}).items():
        assert by_rule[rule]["unknown"] == sorted(names), (case["clause"], by_rule[rule])
    for rule, note in case.get("note", {}).items():
        assert by_rule[rule]["note"] == note
    for rule, flag in case.get("unverified", {}).items():
        assert by_rule[rule]["unverified"] is flag
        assert ("UNVERIFIED" in by_rule[rule]["title"]) is flag
    for rule, facts in case.get("facts_of", {}).items():
        assert facts.items() <= by_rule[rule]["facts"].items(), by_rule[rule]["facts"]
    if "order" in case:
        listed = [f["rule"] for f in findings if f["rule"] in case["order"]]
        assert listed == case["order"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_it_gives_the_same_findings_as_the_plain_interpreter(case):
    pack = PACKS[case.get("pack", "tests")]
    assert evaluate_rules(pack, [case["facts"]]) == evaluate_rules(pack, [case["facts"]], baseline=True)
