"""The condition language (vigil/rules/lang.py): `unknown_read_as`, by the interpreter and the compiled programs.

Expressions are also drawn by Hypothesis over a few facts of their own (two booleans, a choice, a date, a list
whose items have one field), each possibly unknown; the compiled programs must give exactly what the
interpreter gives, and the soundness docs/rules.md states must hold for every completion of the facts that
are not read through `unknown_read_as`.
"""

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.rules import lang
from vigil.rules.codegen import Compiler
from vigil.rules.interpret import walk
from vigil.rules.lang import UNKNOWN, E, ExprError, check
from vigil.rules.pack import PackError, load_pack
from vigil.rules.tests.cases import OFFENCES, PACK
from vigil.rules.tests.test_pack import broken

P = load_pack(PACK, offences=OFFENCES)
CTX = dataclasses.replace(P.rules[0].contexts[0], defs={})
COMPILER = Compiler({"": CTX}, {})
READ_AS = {"unknown_read_as": ["$honored", "not_honored"]}


def both(expr, facts):
    """(the interpreter's (value, known, unknown), the compiled tracked function's, the compiled value)."""
    a, ak, au, _ = COMPILER.tracked_function(expr, True, ("",))(facts)
    return walk(expr, facts, CTX), (a, ak, au), COMPILER.value_function(expr)(facts)


def test_it_reads_a_known_fact_as_itself_decided_by_it():
    walked, compiled, value = both(READ_AS, {"honored": "handed_over_at_release"})
    assert walked == compiled == ("handed_over_at_release", ("honored",), E)
    assert value == "handed_over_at_release"


def test_it_reads_an_unknown_fact_as_the_value_given_decided_by_no_fact_and_naming_none():
    walked, compiled, value = both(READ_AS, {})
    assert walked == compiled == ("not_honored", E, E)
    assert value == "not_honored"


def test_a_part_it_decides_false_names_no_fact_where_kleene_logic_would_ask():
    hand_over = {"in": [READ_AS, ["handed_over_at_release", "release_time_told"]]}
    custody = {"in": ["$custody", ["doc", "probation"]]}
    plain = {"in": ["$honored", ["handed_over_at_release", "release_time_told"]]}
    facts = {"info_shared": True}
    asked = {"any": [{"all": ["$info_shared", {"eq": ["$info_shared_by", "doc"]}]}, {"all": [custody, hand_over]}]}
    kleene = {"any": [{"all": ["$info_shared", {"eq": ["$info_shared_by", "doc"]}]}, {"all": [custody, plain]}]}
    walked, compiled, _ = both(asked, facts)
    assert walked == compiled == (UNKNOWN, ("info_shared",), ("info_shared_by",))
    assert both(kleene, facts)[0] == (UNKNOWN, ("info_shared",), ("info_shared_by", "custody", "honored"))


def test_it_reads_a_bound_items_field():
    expr = {"some": "$items", "as": "c", "where": {"eq": [{"unknown_read_as": ["$c.f", "x"]}, "x"]}}
    walked, compiled, value = both(expr, {"items": [{"f": "y"}, {}]})
    assert walked == compiled == (True, ("items",), E)
    assert value is True
    walked, compiled, _ = both(expr, {"items": [{"f": "y"}]})
    assert walked == compiled == (False, ("items", "items[0].f"), E)


@pytest.mark.parametrize(
    ("node", "where"),
    [
        ({"unknown_read_as": ["$honored"]}, "r.unknown_read_as"),
        ({"unknown_read_as": "$honored"}, "r.unknown_read_as"),
        ({"unknown_read_as": ["not_honored", "$honored"]}, "r.unknown_read_as[0]"),
        ({"unknown_read_as": [{"not": "$info_shared"}, True]}, "r.unknown_read_as[0]"),
        ({"unknown_read_as": ["$honored", "$custody"]}, "r.unknown_read_as[1]"),
        ({"unknown_read_as": ["$honored", ["not_honored"]]}, "r.unknown_read_as[1]"),
        ({"unknown_read_as": ["$c.offence", "X"]}, "r.unknown_read_as[0]"),
    ],
)
def test_it_refuses_a_malformed_read_naming_its_position(node, where):
    with pytest.raises(ExprError) as caught:
        check(node, "r", set())
    assert caught.value.where == where


def test_it_counts_the_fact_among_those_an_expression_reads():
    assert lang.facts_read({"in": [READ_AS, ["release_time_told"]]}) == {"honored"}
    assert lang.assumptions({"all": ["$info_shared", {"eq": [READ_AS, "x"]}]}) == [("$honored", "not_honored")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('["$honored", "not_honored"] }, ["handed_over', '["$honored", "maybe"] }, ["handed_over'),
        ('["$honored", "not_honored"] }, ["handed_over', '["$honored", true] }, ["handed_over'),
        ('["$custody", "federal"]', '["$custody", "ice"]'),
    ],
)
def test_a_pack_refuses_a_value_the_fact_cannot_take_naming_rule_and_field(tmp_path, old, new):
    with pytest.raises(PackError) as caught:
        load_pack(broken(tmp_path, old, new))
    assert (caught.value.rule, caught.value.field) == ("release-information-shared", "applicability"), caught.value


# Drawn expressions ------------------------------------------------------------------------------------------

CHOICES = ["x", "y", "z"]
DATES = [dt.date(2024, 1, 1), dt.date(2025, 1, 1), dt.date(2026, 1, 1)]
DOMAIN = {"b1": [True, False], "b2": [True, False], "k": CHOICES, "d": DATES}


def read(name, values):
    """`$name`, or the same read through `unknown_read_as` with a value of its domain."""
    return st.one_of(st.just(f"${name}"), st.sampled_from(values).map(lambda v: {"unknown_read_as": [f"${name}", v]}))


field_tests = st.builds(
    lambda left, op, right: {op: [left, right]},
    read("c.f", CHOICES),
    st.sampled_from(["eq", "ne"]),
    st.sampled_from(CHOICES),
)
leaves = st.one_of(
    read("b1", [True, False]),
    read("b2", [True, False]),
    st.builds(
        lambda left, op, right: {op: [left, right]},
        read("k", CHOICES),
        st.sampled_from(["eq", "ne"]),
        st.sampled_from(CHOICES),
    ),
    st.builds(
        lambda left, values: {"in": [left, values]},
        read("k", CHOICES),
        st.lists(st.sampled_from(CHOICES), min_size=1, max_size=2),
    ),
    st.builds(
        lambda left, op, right: {op: [left, right]},
        read("d", DATES),
        st.sampled_from(["lt", "ge"]),
        st.one_of(st.sampled_from(DATES), st.just("$d")),
    ),
    st.builds(
        lambda where: {"some": "$items", "as": "c", "where": where},
        st.one_of(field_tests, st.builds(lambda a, b: {"any": [a, b]}, field_tests, field_tests)),
    ),
)
expressions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda x: {"not": x}, inner),
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
    ),
    max_leaves=8,
)
items = st.lists(st.one_of(st.just({}), st.sampled_from(CHOICES).map(lambda v: {"f": v})), max_size=3)
facts = st.fixed_dictionaries(
    {},
    optional={
        "b1": st.booleans(),
        "b2": st.booleans(),
        "k": st.sampled_from(CHOICES),
        "d": st.sampled_from(DATES),
        "items": items,
    },
)


def substituted(node, facts):
    """`node` with the literal written in place of each `unknown_read_as` of an unknown (unbound) fact."""
    if isinstance(node, dict):
        if "unknown_read_as" in node:
            fact, value = node["unknown_read_as"]
            return value if "." not in fact and fact[1:] not in facts else node
        return {key: substituted(value, facts) for key, value in node.items()}
    if isinstance(node, list):
        return [substituted(value, facts) for value in node]
    return node


def assumed(node):
    """The facts read through `unknown_read_as` ("items" for an item's field)."""
    return {"items" if "." in fact else fact[1:] for fact, _ in lang.assumptions(node)}


def completion(facts, keep, rnd):
    """The facts with every unknown one outside `keep` given a value of its domain (an item's field too)."""
    done = dict(facts)
    for name, values in DOMAIN.items():
        if name not in done and name not in keep:
            done[name] = rnd.choice(values)
    if "items" not in keep:
        given = done.get("items")
        if given is None:
            given = [{} for _ in range(rnd.randint(0, 2))]
        done["items"] = [item if "f" in item else {"f": rnd.choice(CHOICES)} for item in given]
    return done


def named(name, unknown):
    return any(n == name or n.startswith(name + "[") for n in unknown)


@settings(max_examples=400, deadline=None)
@given(expressions, facts)
def test_the_compiled_programs_give_what_the_interpreter_gives(expr, facts):
    walked, compiled, value = both(expr, facts)
    assert compiled == walked
    assert value == walked[0] or (value is UNKNOWN and walked[0] is UNKNOWN)


@settings(max_examples=400, deadline=None)
@given(expressions, facts)
def test_it_evaluates_exactly_as_the_literal_written_in_place_of_an_unknown_read(expr, facts):
    assert walk(expr, facts, CTX) == walk(substituted(expr, facts), facts, CTX)


@settings(max_examples=300, deadline=None)
@given(expressions, facts, st.randoms(use_true_random=False))
def test_it_is_sound_for_every_completion_of_the_facts_not_read_through_it(expr, facts, rnd: random.Random):
    """A known value holds for every completion of the unknown facts not read through `unknown_read_as`; an
    unknown one naming S stays unknown naming S for every completion of the others."""
    value, _, unknown = walk(expr, facts, CTX)
    keep = assumed(expr)
    if value is UNKNOWN:
        keep |= {name for name in [*DOMAIN, "items"] if named(name, unknown)}
    for _ in range(6):
        again, _, again_unknown = walk(expr, completion(facts, keep, rnd), CTX)
        if value is UNKNOWN:
            assert again is UNKNOWN and set(again_unknown) == set(unknown), (expr, facts)
        else:
            assert again == value, (expr, facts)
