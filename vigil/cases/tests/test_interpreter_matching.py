"""The interpreter matcher (vigil/cases/matching/interpreters.py): the hard rules, each on its own, then
property tests that no proposed interpreter ever breaks one, that none who keeps them all is left out,
and that the least-loaded comes first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.cases.matching.interpreters import Booking, Interpreter, Request, Window, rank_interpreters, refusal

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ALL = frozenset({"phone", "video", "in_person"})


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _interpreter(id="i1", **fields) -> Interpreter:
    fields.setdefault("languages", frozenset({"es"}))
    fields.setdefault("modes", ALL)
    fields.setdefault("boroughs", frozenset({"QN"}))
    fields.setdefault("windows", (Window(_at(0), _at(8), ALL),))
    return Interpreter(id=id, name=id, **fields)


def _request(**fields) -> Request:
    fields.setdefault("language", "es")
    fields.setdefault("mode", "phone")
    fields.setdefault("starts_at", _at(1))
    fields.setdefault("ends_at", _at(2))
    return Request(**fields)


def test_it_proposes_an_interpreter_who_keeps_every_rule():
    assert refusal(_request(), _interpreter()) is None


def test_it_never_matches_a_sibling_in_a_macrolanguage():
    cantonese = _interpreter(languages=frozenset({"yue"}))
    assert refusal(_request(language="cmn"), cantonese) == "language"
    assert refusal(_request(language="zh-yue"), cantonese) is None
    assert refusal(_request(language="yue-HK"), cantonese) is None


def test_it_asks_which_language_for_zh_and_its_script_tags():
    mandarin = _interpreter(languages=frozenset({"cmn"}))
    for tag in ("zh", "zh-Hant", "zh_Hans", "ZH-CN"):
        assert refusal(_request(language=tag), mandarin) == "language_ask_which", tag


def test_it_reads_a_region_as_the_same_spoken_language():
    assert refusal(_request(language="es-MX"), _interpreter(languages=frozenset({"es-US"}))) is None


def test_it_matches_mam_and_kiche_only_to_themselves():
    mam = _interpreter(languages=frozenset({"mam"}))
    assert refusal(_request(language="mam"), mam) is None
    assert refusal(_request(language="quc"), mam) == "language"


def test_it_refuses_the_wrong_mode_and_a_window_without_it():
    assert refusal(_request(mode="video"), _interpreter(modes=frozenset({"phone"}))) == "mode"
    phone_only_window = _interpreter(windows=(Window(_at(0), _at(8), frozenset({"phone"})),))
    assert refusal(_request(mode="video"), phone_only_window) == "availability"


def test_it_needs_the_borough_in_person_only():
    bronx = _request(mode="in_person", borough="BX")
    assert refusal(bronx, _interpreter()) == "borough"
    assert refusal(_request(mode="phone", borough="BX"), _interpreter()) is None


def test_it_needs_one_window_covering_the_whole_time():
    morning = _interpreter(windows=(Window(_at(0), _at(1.5), ALL), Window(_at(1.5), _at(3), ALL)))
    assert refusal(_request(), morning) == "availability"
    assert refusal(_request(starts_at=_at(0), ends_at=_at(1.5)), morning) is None


def test_it_refuses_an_overlapping_booking_but_not_one_that_ends_at_the_start():
    assert refusal(_request(), _interpreter(bookings=(Booking(_at(1.5), _at(3)),))) == "booked"
    assert refusal(_request(), _interpreter(bookings=(Booking(_at(0), _at(1)),))) is None


def test_it_ranks_the_least_loaded_first():
    ranking = rank_interpreters(
        _request(),
        [
            _interpreter("busy", minutes_this_month=600),
            _interpreter("idle", minutes_this_month=0),
            _interpreter("off", active=False),
        ],
    )
    assert [i.id for i in ranking.proposed] == ["idle", "busy"]
    assert ranking.left_out == {"off": "active"}


# --- Properties ------------------------------------------------------------------------------------

REQUEST_TAGS = ["es", "es-MX", "cmn", "yue", "zh-yue", "zh", "zh-Hant", "cdo", "mam", "quc", "ht"]
INTERPRETER_TAGS = ["es", "es-US", "cmn", "yue", "cdo", "mam", "quc", "ht", "fr"]
# The spoken language each tag names (docs/cases.md); None: it asks which, and matches nobody.
SPOKEN = {
    "es": "es",
    "es-MX": "es",
    "es-US": "es",
    "cmn": "cmn",
    "yue": "yue",
    "zh-yue": "yue",
    "zh": None,
    "zh-Hant": None,
    "cdo": "cdo",
    "mam": "mam",
    "quc": "quc",
    "ht": "ht",
    "fr": "fr",
}
MODES = ["phone", "video", "in_person"]
BOROUGHS = ["BX", "BK", "MN", "QN", "SI"]
hours = st.integers(0, 16).map(lambda h: _at(h / 2))


@st.composite
def spans(draw):
    start, end = sorted(draw(st.lists(hours, min_size=2, max_size=2, unique=True)))
    return start, end


@st.composite
def interpreters(draw, index):
    windows = tuple(
        Window(*draw(spans()), frozenset(draw(st.sets(st.sampled_from(MODES), min_size=1))))
        for _ in range(draw(st.integers(0, 3)))
    )
    return Interpreter(
        id=f"i{index}",
        name=f"Interpreter {index}",
        languages=frozenset(draw(st.sets(st.sampled_from(INTERPRETER_TAGS), min_size=1, max_size=3))),
        modes=frozenset(draw(st.sets(st.sampled_from(MODES), min_size=1))),
        boroughs=frozenset(draw(st.sets(st.sampled_from(BOROUGHS), max_size=3))),
        windows=windows,
        bookings=tuple(Booking(*draw(spans())) for _ in range(draw(st.integers(0, 2)))),
        minutes_this_month=draw(st.integers(0, 3000)),
        active=draw(st.booleans()),
    )


@st.composite
def requests(draw):
    start, end = draw(spans())
    mode = draw(st.sampled_from(MODES))
    return Request(
        language=draw(st.sampled_from(REQUEST_TAGS)),
        mode=mode,
        starts_at=start,
        ends_at=end,
        borough=draw(st.sampled_from(["", *BOROUGHS])) if mode == "in_person" else "",
    )


def _keeps_every_rule(request: Request, interpreter: Interpreter) -> bool:
    """The hard rules of docs/cases.md, written here apart from the module."""
    wanted = SPOKEN[request.language]
    return (
        interpreter.active
        and wanted is not None
        and wanted in {SPOKEN[tag] for tag in interpreter.languages}
        and request.mode in interpreter.modes
        and (request.mode != "in_person" or request.borough in interpreter.boroughs)
        and any(
            w.starts_at <= request.starts_at and w.ends_at >= request.ends_at and request.mode in w.modes
            for w in interpreter.windows
        )
        and not any(b.starts_at < request.ends_at and request.starts_at < b.ends_at for b in interpreter.bookings)
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=requests(), roster=st.integers(0, 6).flatmap(lambda n: st.tuples(*(interpreters(i) for i in range(n)))))
def test_it_never_proposes_an_interpreter_who_breaks_a_hard_rule(request, roster):
    ranking = rank_interpreters(request, roster)
    proposed = {i.id for i in ranking.proposed}
    for interpreter in roster:
        assert (interpreter.id in proposed) == _keeps_every_rule(request, interpreter), interpreter
    assert set(ranking.left_out) == {i.id for i in roster} - proposed
    loads = [i.minutes_this_month for i in ranking.proposed]
    assert loads == sorted(loads)


@settings(max_examples=200, deadline=None)
@given(request=requests(), roster=st.lists(st.integers(0, 5), max_size=5).map(lambda ns: ns))
def test_it_ranks_the_same_whatever_the_input_order(request, roster):
    people = [
        _interpreter(f"i{n}-{k}", minutes_this_month=n * 60, windows=(Window(_at(0), _at(8), ALL),))
        for k, n in enumerate(roster)
    ]
    forward = [i.id for i in rank_interpreters(request, people).proposed]
    backward = [i.id for i in rank_interpreters(request, list(reversed(people))).proposed]
    assert forward == backward
