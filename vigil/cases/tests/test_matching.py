"""The matcher's rules case by case: tiers, hard constraints, pins and drops, languages, the objective's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from vigil.cases.matching import Case, MatchingInputError, Provider, Weights, assign, greedy, rank_providers, tier_of
from vigil.cases.matching.eligibility import Language

T0 = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def case(id, **fields):
    fields.setdefault("services", frozenset({"bond"}))
    return Case(id=id, **fields)


def provider(id, capacity=1, **fields):
    fields.setdefault("services", frozenset({"bond", "habeas"}))
    return Provider(id=id, capacity=capacity, **fields)


def codes(result, case_id):
    return [reason.code for reason in next(r for r in result.results if r.case_id == case_id).reasons]


def test_it_puts_cases_in_the_tiers_of_the_issue():
    assert tier_of(frozenset({"hearing_or_removal_within_72h", "pregnant"})) == 3
    assert tier_of(frozenset({"expedited_removal_risk"})) == 3
    assert tier_of(frozenset({"previous_removal_order"})) == 3
    assert tier_of(frozenset({"child_without_care"})) == 3
    assert tier_of(frozenset({"medical_need"})) == 3
    assert tier_of(frozenset({"transfer_feared"})) == 2
    assert tier_of(frozenset({"hearing_within_14_days", "fear_of_return"})) == 2
    assert tier_of(frozenset({"pregnant", "claims_us_citizenship"})) == 1
    assert tier_of(frozenset()) == 1


def test_its_weights_dominate_every_level_below():
    m = 50
    weights = Weights.for_cases(m)
    most_below_native = m * weights.interpreter + m * weights.borough
    most_below_tier = m * weights.native + m * weights.borough  # native and interpreter exclude each other
    assert weights.interpreter > m * weights.borough
    assert weights.native > most_below_native
    assert weights.tier > most_below_tier


def test_it_serves_the_higher_tier_when_one_slot_is_left():
    cases = [case("low", tier=1, received_at=T0), case("urgent", tier=3, received_at=T0 + timedelta(hours=5))]
    result = assign(cases, [provider("p")])
    assert result.pairs == {"low": None, "urgent": "p"}
    assert "capacity" in codes(result, "low")


def test_it_leaves_no_urgent_case_unassigned_where_greedy_does():
    # u1 waits longest and prefers p1 (its language), but u2 needs habeas, which only p1 offers.
    providers = [
        provider("p1", services=frozenset({"bond", "habeas"}), languages=frozenset({"es"})),
        provider("p2", services=frozenset({"bond"})),
    ]
    cases = [
        case("u1", tier=3, language="es", received_at=T0),
        case("u2", tier=3, services=frozenset({"habeas"}), received_at=T0 + timedelta(minutes=5)),
    ]
    assert greedy(cases, providers) == {"u1": "p1", "u2": None}
    assert assign(cases, providers).pairs == {"u1": "p2", "u2": "p1"}


@pytest.mark.parametrize(
    ("case_fields", "provider_fields", "reason"),
    [
        ({"services": frozenset({"habeas", "bond"})}, {"services": frozenset({"bond"})}, "service"),
        ({"court": "varick"}, {"courts": frozenset({"broadway"})}, "court"),
        ({"residence": "nj"}, {"residence": frozenset({"nyc"})}, "funding"),
        ({}, {"residence": frozenset({"nyc"})}, "funding"),  # not known: the caseworker asks first
        ({"detention": "released"}, {"detention": frozenset({"detained"})}, "funding"),
        ({"income_band": 4}, {"max_income_band": 3}, "funding"),
        ({"conflict_declined_by": frozenset({"p"})}, {}, "conflict"),
        ({}, {"automatic": False}, "not_automatic"),
    ],
)
def test_it_never_proposes_a_provider_a_hard_constraint_excludes(case_fields, provider_fields, reason):
    cases = [case("c", **case_fields)]
    providers = [provider("p", **provider_fields)]
    assert assign(cases, providers).pairs == {"c": None}
    ranked, excluded = rank_providers(cases[0], providers)
    assert ranked == []
    assert [(provider_id, why.code) for provider_id, why in excluded] == [("p", reason)]


def test_it_proposes_a_provider_whose_funding_rules_the_case_meets():
    cases = [case("c", court="varick", residence="nyc", detention="detained", income_band=2)]
    providers = [
        provider(
            "p",
            courts=frozenset({"varick"}),
            residence=frozenset({"nyc"}),
            detention=frozenset({"detained"}),
            max_income_band=3,
        )
    ]
    result = assign(cases, providers)
    assert result.pairs == {"c": "p"}
    assert {"court", "funding", "service"} <= set(codes(result, "c"))


def test_it_keeps_a_pinned_pair_and_avoids_a_dropped_one():
    cases = [case("a", language="es"), case("b", language="es")]
    providers = [provider("native", languages=frozenset({"es"})), provider("other")]
    assert assign(cases, providers).pairs["a"] == "native" or assign(cases, providers).pairs["b"] == "native"
    result = assign(cases, providers, pinned=[("a", "other")], dropped=[("b", "native")])
    assert result.pairs == {"a": "other", "b": None}
    assert codes(result, "a")[0] == "pinned"


def test_a_caseworker_may_pin_a_provider_left_out_of_automatic_proposals():
    result = assign([case("c")], [provider("rotation", automatic=False)], pinned=[("c", "rotation")])
    assert result.pairs == {"c": "rotation"}


def test_it_refuses_a_pin_that_breaks_a_hard_constraint():
    with pytest.raises(MatchingInputError, match=r"pinned\[0\] \(case 'c', provider 'p'\): does not offer habeas"):
        assign(
            [case("c", services=frozenset({"habeas"}))],
            [provider("p", services=frozenset({"bond"}))],
            pinned=[("c", "p")],
        )


def test_it_refuses_more_pins_than_capacity():
    with pytest.raises(MatchingInputError, match=r"pinned\[1\]: field 'provider': provider 'p' has capacity 1 left"):
        assign([case("a"), case("b")], [provider("p")], pinned=[("a", "p"), ("b", "p")])


def test_it_refuses_pins_and_drops_naming_unknown_ids():
    with pytest.raises(MatchingInputError, match=r"pinned\[0\]: field 'case': no case has the id 'x'"):
        assign([case("a")], [provider("p")], pinned=[("x", "p")])
    with pytest.raises(MatchingInputError, match=r"dropped\[0\]: field 'provider': no provider has the id 'q'"):
        assign([case("a")], [provider("p")], dropped=[("a", "q")])


def test_it_refuses_an_id_used_twice():
    with pytest.raises(MatchingInputError, match=r"providers\[1\] \(id 'p'\): field 'id': the id is used twice"):
        assign([case("a")], [provider("p"), provider("p")])


def test_it_spreads_cases_to_lower_the_largest_share_of_capacity():
    cases = [case(f"c{i}") for i in range(4)]
    result = assign(cases, [provider("big", capacity=6), provider("small", capacity=2)])
    loads = list(result.pairs.values())
    assert (loads.count("big"), loads.count("small")) == (3, 1)
    assert result.objective.max_share == Fraction(1, 2)


def test_it_prefers_native_language_then_interpreter_then_borough():
    c = case("c", language="ht", borough="queens")
    providers = [
        provider("borough", boroughs=frozenset({"queens"}), capacity=9),
        provider("interpreter", interpreter_languages=frozenset({"ht"})),
        provider("native", languages=frozenset({"ht"})),
    ]
    ranked, _ = rank_providers(c, providers)
    assert [r.provider_id for r in ranked] == ["native", "interpreter", "borough"]
    assert assign([c], providers).pairs == {"c": "native"}
    assert "language_native" in [reason.code for reason in ranked[0].reasons]
    assert "language_interpreter" in [reason.code for reason in ranked[1].reasons]


def test_a_native_match_outweighs_any_number_of_borough_matches():
    # Two cases, two providers; one way gives one native match, the other gives two borough matches.
    cases = [case("a", language="es", borough="bronx"), case("b", borough="bronx")]
    providers = [provider("es", languages=frozenset({"es"})), provider("bronx", boroughs=frozenset({"bronx"}))]
    result = assign(cases, providers)
    assert result.pairs == {"a": "es", "b": "bronx"}
    assert (result.objective.native, result.objective.borough) == (1, 1)


def test_it_serves_more_weighted_cases_before_any_language_match():
    cases = [case("a", tier=1, language="es"), case("b", tier=2, services=frozenset({"habeas"}))]
    providers = [provider("only", languages=frozenset({"es"}))]
    assert assign(cases, providers).pairs == {"a": None, "b": "only"}


def test_it_says_why_a_case_has_no_provider():
    result = assign([case("c", services=frozenset({"sijs"}))], [provider("p"), provider("q")])
    reason = next(r for r in result.results[0].reasons if r.code == "no_eligible_provider")
    assert "2 providers: does not offer sijs" in reason.text


# Languages (docs/cases.md, "Matching": BCP 47, macrolanguages)


def level(case_language, **provider_fields):
    from vigil.cases.matching.eligibility import language_level

    return language_level(case("c", language=case_language), provider("p", **provider_fields))


def test_a_regional_or_script_subtag_does_not_change_the_spoken_language():
    assert level("es-mx", languages=frozenset({"es"})) is Language.NATIVE
    assert level("es", languages=frozenset({"es-us"})) is Language.NATIVE


def test_an_individual_language_never_matches_a_sibling():
    assert level("yue", languages=frozenset({"cmn"})) is Language.NONE
    assert level("cmn", languages=frozenset({"yue", "cdo"})) is Language.NONE
    assert level("cdo", interpreter_languages=frozenset({"cmn"})) is Language.NONE


def test_a_request_for_chinese_asks_which_and_matches_nothing_until_answered():
    for tag in ("zh", "zh-hant", "zh-hans"):
        assert level(tag, languages=frozenset({"cmn", "yue", "zh"})) is Language.NONE
    result = assign([case("c", language="zh")], [provider("p", languages=frozenset({"cmn"}))])
    reason = next(r for r in result.results[0].reasons if r.code.startswith("language"))
    assert reason.code == "language_ask_which"
    assert "Mandarin Chinese (cmn)" in reason.text and "Cantonese (yue)" in reason.text and "(cdo)" in reason.text


def test_it_reads_the_legacy_chinese_tags_as_their_individual_languages():
    assert level("zh-yue", languages=frozenset({"yue"})) is Language.NATIVE
    assert level("zh-min-nan", interpreter_languages=frozenset({"nan"})) is Language.INTERPRETER


def test_three_letter_codes_stand_where_no_two_letter_code_exists():
    assert level("mam", languages=frozenset({"mam"})) is Language.NATIVE
    assert level("quc", interpreter_languages=frozenset({"quc"})) is Language.INTERPRETER
    assert level("mam", languages=frozenset({"quc"})) is Language.NONE


def test_the_matching_package_imports_nothing_from_django():
    import subprocess
    import sys

    code = "import sys, vigil.cases.matching; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_it_refuses_a_pair_both_pinned_and_dropped_and_a_case_pinned_twice():
    with pytest.raises(MatchingInputError, match=r"pinned\[0\] \(case 'a', provider 'p'\): the pair is also dropped"):
        assign([case("a")], [provider("p")], pinned=[("a", "p")], dropped=[("a", "p")])
    with pytest.raises(MatchingInputError, match=r"pinned\[1\]: field 'case': case 'a' is pinned twice"):
        assign([case("a")], [provider("p"), provider("q")], pinned=[("a", "p"), ("a", "q")])


def test_of_two_cases_alike_the_one_waiting_longest_gets_the_slot():
    cases = [case("recent", received_at=T0 + timedelta(hours=1)), case("longest", received_at=T0), case("unknown")]
    assert assign(cases, [provider("p")]).pairs == {"recent": None, "longest": "p", "unknown": None}
    assert assign(cases, [provider("p", capacity=2)]).pairs == {"recent": "p", "longest": "p", "unknown": None}
