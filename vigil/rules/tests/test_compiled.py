"""The compiled programs (vigil/rules/codegen.py) and the precomputed calendar (calendar_math.Calendar)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.rules.calendar_math import Calendar, hours_skipping
from vigil.rules.pack import PackError, load_pack
from vigil.rules.tests.cases import OFFENCES, PACK
from vigil.rules.tests.test_pack import broken

P = load_pack(PACK, offences=OFFENCES)
CTX = P.rules[0].contexts[0]
ZONE = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("old", "new", "rule", "field"),
    [
        # A definition that refers to itself: the closures' evaluator accepted it and recursed without end on
        # the first detention record held past release.
        (
            'held = { eq = ["$honored", "held_past_release"] }',
            'held = { all = [{ eq = ["$honored", "held_past_release"] }, "@held"] }',
            "doc-detainer-hold",
            "defs.held",
        ),
        # A definition reading a conviction's field used where no `some` binds one.
        ('violation = "@detainer_unmet"', 'violation = "@counts"', "doc-detainer-hold", "defs.counts"),
    ],
)
def test_it_refuses_a_pack_whose_conditions_cannot_be_compiled_naming_rule_and_field(tmp_path, old, new, rule, field):
    with pytest.raises(PackError) as caught:
        load_pack(broken(tmp_path, old, new))
    assert caught.value.rule == rule and caught.value.field == field, str(caught.value)


def test_it_compiles_one_program_per_set_of_rules_in_force():
    court_from = next(rule.in_force_from for rule in P.rules if rule.id == "court-civil-arrest")
    before, after = P.program(court_from - dt.timedelta(days=1)), P.program(court_from)
    assert "court-civil-arrest" not in {rule.id for rule in before.rules}
    assert "court-civil-arrest" in {rule.id for rule in after.rules}
    days = [dt.date(2010, 1, 1) + dt.timedelta(days=n) for n in range(0, 8000, 3)]
    for day in days:
        assert P.program(day).rules == P.in_force(day), day
    assert len(P.programs) == len({tuple(rule.id for rule in P.in_force(day)) for day in days})


instants = st.datetimes(
    min_value=dt.datetime(2013, 12, 20), max_value=dt.datetime(2031, 1, 10), timezones=st.just(ZONE)
)


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(min_value=-3600, max_value=20 * 86400), st.booleans())
def test_it_counts_the_same_hours_with_the_precomputed_calendar_as_with_the_plain_one(start, seconds, utc):
    end = start + dt.timedelta(seconds=seconds, microseconds=start.microsecond // 7)
    if utc:
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    assert Calendar(CTX).hours(start, end) == hours_skipping(start, end, CTX)


def test_it_counts_the_same_hours_across_a_weekend_a_holiday_and_a_daylight_saving_change():
    calendar = Calendar(CTX)
    for start, end in [
        (dt.datetime(2025, 5, 23, 18, tzinfo=ZONE), dt.datetime(2025, 5, 28, 10, tzinfo=ZONE)),  # Memorial Day
        (dt.datetime(2025, 3, 7, 18, tzinfo=ZONE), dt.datetime(2025, 3, 11, 18, tzinfo=ZONE)),  # clocks forward
        (dt.datetime(2025, 10, 31, 18, tzinfo=ZONE), dt.datetime(2025, 11, 4, 18, tzinfo=ZONE)),  # clocks back
        (dt.datetime(2030, 12, 30, tzinfo=ZONE), dt.datetime(2031, 1, 2, tzinfo=ZONE)),  # past the list
    ]:
        assert calendar.hours(start, end) == hours_skipping(start, end, CTX), (start, end)
