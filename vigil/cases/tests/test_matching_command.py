"""`manage.py match_cases FILE.json`: the assignment as JSON, and bad input named by object and field."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

PROBLEM = {
    "cases": [
        {
            "id": "c1",
            "urgent_needs": ["child_without_care"],
            "language": "es",
            "borough": "Queens",
            "services": ["bond"],
            "court": "varick",
            "funding": {"residence": "nyc", "detention": "detained", "income_band": 2},
            "received_at": "2026-12-05T08:00:00-05:00",
        },
        {"id": "c2", "tier": 2, "language": "zh-yue", "services": ["bond"]},
        {"id": "c3", "services": ["habeas"], "conflict_declined_by": ["p1"]},
    ],
    "providers": [
        {
            "id": "p1",
            "services": ["bond", "habeas"],
            "languages": ["es"],
            "boroughs": ["queens"],
            "courts": ["varick"],
            "eligibility": {"residence": ["nyc"], "detention": ["detained"], "max_income_band": 3},
            "capacity": 1,
        },
        {"id": "p2", "services": ["bond"], "interpreter_languages": ["yue"], "capacity": 2},
    ],
}


def run(tmp_path, problem, *args):
    path = tmp_path / "problem.json"
    path.write_text(problem if isinstance(problem, str) else json.dumps(problem), encoding="utf-8")
    out = StringIO()
    call_command("match_cases", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_each_case_with_its_provider_or_null_and_the_reasons(tmp_path):
    output = run(tmp_path, PROBLEM)
    pairs = {row["case"]: row["provider"] for row in output["assignments"]}
    assert pairs == {"c1": "p1", "c2": "p2", "c3": None}
    c2 = next(row for row in output["assignments"] if row["case"] == "c2")
    assert "language_interpreter" in [reason["code"] for reason in c2["reasons"]]
    c3 = next(row for row in output["assignments"] if row["case"] == "c3")
    assert "1 provider: declined this case (conflict)" in c3["reasons"][-1]["text"]
    assert output["unassigned"] == 1
    assert output["objective"]["tier_weighted_assigned"] == 5
    assert output["objective"]["native_language"] == 1


def test_it_keeps_the_pins_and_drops_of_the_file(tmp_path):
    problem = dict(PROBLEM, pinned=[{"case": "c1", "provider": "p2"}], dropped=[{"case": "c2", "provider": "p2"}])
    problem["cases"][0]["court"] = None
    output = run(tmp_path, problem)
    pairs = {row["case"]: row["provider"] for row in output["assignments"]}
    assert pairs == {"c1": "p2", "c2": None, "c3": None}


def test_it_ranks_the_providers_for_one_case(tmp_path):
    problem = dict(PROBLEM, providers=[*PROBLEM["providers"], {"id": "p3", "services": ["bond"], "capacity": 5}])
    output = run(tmp_path, problem, "--rank", "c2")
    assert [row["provider"] for row in output["providers"]] == ["p2", "p3"]
    assert output["excluded"] == [
        {"provider": "p1", "reason": {"code": "funding", "text": output["excluded"][0]["reason"]["text"]}}
    ]
    assert "not known for this case" in output["excluded"][0]["reason"]["text"]


def bad(problem_changes):
    problem = json.loads(json.dumps(PROBLEM))
    problem_changes(problem)
    return problem


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p["cases"][1].pop("id"), "cases[1]: field 'id' is required"),
        (lambda p: p["cases"][0].update(langauge="es"), "cases[0] (id 'c1'): unknown field 'langauge'"),
        (
            lambda p: p["cases"][1].update(tier=4),
            "cases[1] (id 'c2'): field 'tier': must be a whole number from 1 to 3, got 4",
        ),
        (lambda p: p["cases"][1].update(tier="3"), "cases[1] (id 'c2'): field 'tier': must be a whole number"),
        (
            lambda p: p["cases"][0].update(urgent_needs=["alien"]),
            "cases[0] (id 'c1'): field 'urgent_needs': unknown need 'alien'",
        ),
        (
            lambda p: p["cases"][0].update(language="español"),
            "cases[0] (id 'c1'): field 'language': 'español' is not a BCP 47",
        ),
        (lambda p: p["cases"][0].update(services="bond"), "cases[0] (id 'c1'): field 'services': must be a list"),
        (
            lambda p: p["cases"][0].update(received_at="yesterday"),
            "cases[0] (id 'c1'): field 'received_at': must be an ISO 8601",
        ),
        (
            lambda p: p["cases"][0].update(received_at="2026-12-05T08:00:00"),
            "field 'received_at': must give its UTC offset",
        ),
        (lambda p: p["cases"][0]["funding"].update(income_band=-1), "cases[0] (id 'c1').funding: field 'income_band'"),
        (lambda p: p["cases"][0]["funding"].update(wage=3), "cases[0] (id 'c1').funding: unknown field 'wage'"),
        (lambda p: p["providers"][1].pop("capacity"), "providers[1] (id 'p2'): field 'capacity' is required"),
        (
            lambda p: p["providers"][1].update(capacity=-2),
            "providers[1] (id 'p2'): field 'capacity': must be a whole number 0 or more",
        ),
        (
            lambda p: p["providers"][0].update(languages=["zh"]),
            "providers[0] (id 'p1'): field 'languages': 'zh' does not say which",
        ),
        (
            lambda p: p["providers"][0].update(automatic="yes"),
            "providers[0] (id 'p1'): field 'automatic': must be true or false",
        ),
        (
            lambda p: p["providers"][0]["eligibility"].update(max_income_band="low"),
            "providers[0] (id 'p1').eligibility: field 'max_income_band'",
        ),
        (
            lambda p: p["providers"].append(p["providers"][0]),
            "providers[2] (id 'p1'): field 'id': the id is used twice",
        ),
        (
            lambda p: p.update(pinned=[{"case": "c9", "provider": "p1"}]),
            "pinned[0]: field 'case': no case has the id 'c9'",
        ),
        (lambda p: p.update(dropped=[{"case": "c1"}]), "dropped[0]: field 'provider' is required"),
        (lambda p: p.update(cases={}), "the document: field 'cases': must be a list"),
        (lambda p: p.pop("providers"), "the document: field 'providers' is required"),
    ],
)
def test_it_names_the_object_and_field_of_bad_input(tmp_path, change, message):
    with pytest.raises(CommandError) as raised:
        run(tmp_path, bad(change))
    assert message in str(raised.value)


def test_it_says_when_the_file_is_not_json(tmp_path):
    with pytest.raises(CommandError, match=r"problem.json is not JSON: Expecting value \(line 1, column 1\)"):
        run(tmp_path, "cases: []")


def test_it_says_when_the_file_cannot_be_read(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("match_cases", str(tmp_path / "missing.json"), stdout=StringIO())


def test_it_refuses_to_rank_an_unknown_case(tmp_path):
    with pytest.raises(CommandError, match="--rank: no case has the id 'c9'"):
        run(tmp_path, PROBLEM, "--rank", "c9")
