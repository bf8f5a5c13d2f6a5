"""Grouping reports into candidate incidents: the pure core (no database)."""

import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.incidents.grouping import (
    KIND_DIGIT,
    KIND_NUMBER,
    CandidateState,
    FeatureStats,
    Grouper,
    GroupingContext,
    ReportFeatures,
    choose_candidate,
    features_signature,
    normalize_text,
    place_word_features,
    score,
    text_evidence,
)

T0 = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
# Two corners in Jackson Heights (NTA QN0301), about 700 m apart.
ROOSEVELT_74 = (40.74685, -73.89143)
AVE37_82 = (40.74950, -73.88380)
AREA = "QN0301"
STREETS = place_word_features(["Roosevelt Avenue", "37th Avenue", "82nd Street", "74th Street", "Broadway"])


def report(rid, minutes, text, point=ROOSEVELT_74, area=AREA, meters_north=0.0):
    lat = lon = None
    if point is not None:
        lat, lon = point[0] + meters_north / 111_195.0, point[1]
    return ReportFeatures(rid, T0 + timedelta(minutes=minutes), lat, lon, area, "Queens", text)


def test_it_joins_the_same_scene_reported_in_spanish_and_english():
    grouper = Grouper()
    first = grouper.add(report("en", 0, "ICE agents at Roosevelt Ave and 74th St, 3 vans"))
    second = grouper.add(report("es", 9, "Hay agentes de ICE en la Roosevelt y la 74, 3 camionetas", meters_north=40))
    assert first == second


def test_it_joins_a_scene_reported_in_chinese_bengali_and_russian_too():
    grouper = Grouper(place_words=STREETS)
    texts = [
        "ICE agents at Roosevelt Ave and 74th St, 3 vans",
        "Roosevelt大道和74街有ICE移民局的人，3辆车。",
        "Roosevelt অ্যাভিনিউ আর ৭৪ স্ট্রিট এর মোড় এ ICE এজেন্ট, ৩টা ভ্যান।",
        "Агенты ICE на углу Рузвельт авеню и 74-я улица, 3 фургона.",
    ]
    ids = {grouper.add(report(f"r{i}", 4 * i, text, meters_north=15 * i)) for i, text in enumerate(texts)}
    assert len(ids) == 1


def test_it_keeps_two_events_in_the_same_neighborhood_an_hour_apart_at_different_corners_apart():
    grouper = Grouper(place_words=STREETS)
    a = [
        grouper.add(report("a1", 0, "ICE agents at Roosevelt Ave and 74th St, 3 vans")),
        grouper.add(report("a2", 6, "Migra en Roosevelt y la 74 ahora mismo", meters_north=30)),
        grouper.add(report("a3", 15, "ice here right now, 3 vans", meters_north=-20)),
    ]
    b = [
        grouper.add(report("b1", 60, "ICE stopping people at 37th Ave and 82nd St", point=AVE37_82)),
        grouper.add(report("b2", 66, "La migra está aquí ahorita, 2 camionetas", point=AVE37_82, meters_north=25)),
        # No point: the same neighborhood, and a text that names the other corner.
        grouper.add(report("b3", 70, "Agentes de ICE en la 37 avenida y calle 82", point=None)),
    ]
    assert len(set(a)) == 1
    assert len(set(b)) == 1
    assert set(a).isdisjoint(b)


def test_it_starts_a_new_incident_for_a_report_five_hours_later():
    grouper = Grouper()
    first = grouper.add(report("r1", 0, "ICE agents at Roosevelt Ave and 74th St, 3 vans"))
    later = grouper.add(report("r2", 5 * 60, "ICE agents at Roosevelt Ave and 74th St, 3 vans", meters_north=10))
    assert first != later


def test_it_joins_a_text_only_report_by_area_and_text():
    grouper = Grouper(place_words=STREETS)
    roosevelt = grouper.add(report("a1", 0, "ICE agents at Roosevelt Ave and 74th St, 3 vans"))
    other = grouper.add(report("b1", 5, "ICE stopping people at 37th Ave and 82nd St", point=AVE37_82))
    joined = grouper.add(report("t1", 20, "Migra en la esquina de Roosevelt con la 74, 3 camionetas", point=None))
    assert roosevelt != other
    assert joined == roosevelt


def test_it_does_not_join_a_text_only_report_from_another_borough_without_strong_text():
    candidate = CandidateState.start("c1", report("a1", 0, "ICE agents at Roosevelt Ave and 74th St, 3 vans"))
    elsewhere = ReportFeatures("t1", T0 + timedelta(minutes=10), None, None, "BK0101", "Brooklyn", "ICE here now")
    assert choose_candidate(elsewhere, [candidate]) is None


def test_it_starts_a_new_incident_for_a_report_that_gives_no_place_and_shares_nothing():
    # An SMS without a position or a neighborhood, about another bus line: joining the one recent
    # incident because nothing else competes would put it in Flushing.
    flushing = ReportFeatures("a1", T0, 40.7597, -73.8303, "QN0707", "Queens", "ICE 在法拉盛缅街和罗斯福大道，有两辆车")
    candidate = CandidateState.start("c1", flushing)
    placeless = ReportFeatures(
        "t1", T0 + timedelta(minutes=1), None, None, None, None, "agents on the Q11 checking ids too"
    )
    assert choose_candidate(placeless, [candidate]) is None
    car_wash = CandidateState.start("c2", report("w1", 0, "migra en el car wash de Roosevelt y la 74"))
    follow_up = ReportFeatures("t2", T0 + timedelta(minutes=20), None, None, None, None, "still at the car wash?")
    assert choose_candidate(follow_up, [car_wash]) is car_wash


def test_it_gives_the_same_signature_with_or_without_accents_and_case():
    assert features_signature("Inmigración en la Avenida Ñandú, esquina Pérez") == features_signature(
        "INMIGRACION en la avenida nandu, esquina perez"
    )
    assert features_signature("Ajan imigrasyon nan kwen ri 74") == features_signature("ajàn imigrasyon nan kwen rì 74")


_ACCENTED = {"a": "áàâä", "e": "éèêë", "i": "íìîï", "o": "óòôö", "u": "úùûü", "n": "ñ", "c": "ç"}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12), max_size=8), st.data()
)
def test_it_keeps_the_signature_when_accents_or_capitals_are_added(words, data):
    plain = " ".join(words)
    decorated = []
    for ch in plain:
        if ch in _ACCENTED and data.draw(st.booleans()):
            ch = data.draw(st.sampled_from(_ACCENTED[ch]))
        if data.draw(st.booleans()):
            ch = ch.upper()
        decorated.append(ch)
    assert features_signature("".join(decorated)) == features_signature(plain)


def test_it_reads_street_numbers_written_in_any_script():
    latin = features_signature("74 Street")
    assert features_signature("৭৪ স্ট্রিট") & latin  # Bengali digits
    assert features_signature("شارع ٧٤") & latin  # Arabic-Indic digits
    assert features_signature("۷۴ اسٹریٹ") & latin  # Urdu digits
    assert features_signature("７４街") & latin  # full-width


def test_it_folds_traditional_chinese_cyrillic_and_arabic_variants():
    assert normalize_text("華埠") == normalize_text("华埠")
    assert normalize_text("Брайтон") == "braiton"
    assert normalize_text("إسطنبول") == normalize_text("اسطنبول")


def test_it_tells_a_street_number_from_a_count():
    def kinds(text):
        return sorted(f & 3 for f in features_signature(text) if f & 1)

    assert kinds("3 vans") == [KIND_DIGIT]
    assert kinds("on 3rd Ave") == [KIND_NUMBER]
    assert kinds("calle 3") == [KIND_NUMBER]
    assert kinds("3街") == [KIND_NUMBER]


def test_it_matches_a_street_name_written_in_cyrillic_letters():
    candidate = CandidateState.start("c1", report("a1", 0, "ICE at Brighton Beach Avenue"))
    cyrillic = report("r2", 5, "Облава на Брайтон Бич авеню")
    unrelated = report("r3", 5, "Облава на Кингс Хайвей")
    assert text_evidence(cyrillic, candidate) > text_evidence(unrelated, candidate)


def test_it_weighs_words_every_incident_uses_less_than_rare_ones():
    stats = FeatureStats()
    common = features_signature("bodega")
    for i in range(300):
        sig = set(features_signature(f"street{i} name{i}")) | (set(common) if i % 2 else set())
        stats.observe_incident([f for f in sig if f & 3], T0)
    rare = [f for f in features_signature("zzyzx") if f & 3]
    weights = stats.weights([f for f in common if f & 3] + rare, T0)
    assert weights[rare[0]] == 1.0
    assert max(weights[f] for f in common if f & 3) == 0.0


def test_it_chooses_the_same_candidate_whatever_the_order_they_come_in():
    rng = random.Random(7)
    candidates = [
        CandidateState.start(
            f"c{i}", report(f"a{i}", rng.randint(0, 50), "ICE here now, 3 vans", meters_north=rng.uniform(-300, 300))
        )
        for i in range(8)
    ]
    new = report("n", 55, "ICE here now, 3 vans", meters_north=20)
    expected = choose_candidate(new, candidates)
    for _ in range(20):
        rng.shuffle(candidates)
        assert choose_candidate(new, candidates) is expected


def test_it_survives_a_trip_through_json():
    grouper = Grouper(place_words=STREETS)
    for i, text in enumerate(["ICE agents at Roosevelt Ave and 74th St, 3 vans", "Migra en Roosevelt y la 74"]):
        grouper.add(report(f"r{i}", 5 * i, text, meters_north=10 * i))
    (state,) = grouper.incidents.values()
    copy = CandidateState.from_dict(json.loads(json.dumps(state.as_dict())))
    new = report("n", 12, "ICE en la 74 con Roosevelt", point=None)
    assert score(new, copy, place_words=STREETS) == score(new, state, place_words=STREETS)


def _stream(seed=11, n=300):
    """Reports around three corners over a morning, in several languages, some without a point."""
    rng = random.Random(seed)
    corners = [
        (ROOSEVELT_74, "Roosevelt Ave and 74th St", "la Roosevelt y la 74"),
        (AVE37_82, "37th Ave and 82nd St", "la 37 avenida y calle 82"),
        ((40.7440, -73.8960), "Broadway and 72nd St", "Broadway y la 72"),
    ]
    out = []
    for i in range(n):
        point, en, es = corners[rng.randrange(3)]
        minutes = rng.uniform(0, 240)
        text = rng.choice([f"ICE agents at {en}, {rng.randint(2, 5)} vans", f"Migra en {es} ahora", "ICE here now"])
        if rng.random() < 0.25:
            out.append(report(f"r{i}", minutes, text, point=None))
        else:
            out.append(report(f"r{i}", minutes, text, point=point, meters_north=rng.gauss(0, 40)))
    return sorted(out, key=lambda r: (r.at, r.report_id))


def test_it_groups_the_same_stream_the_same_way_every_time():
    first = Grouper(place_words=STREETS).add_all(_stream())
    second = Grouper(place_words=STREETS).add_all(_stream())
    assert first == second
    assert 3 <= len(set(first)) < 60


def test_it_computes_the_same_signature_in_another_process():
    # Signatures are stored in the database: they must not depend on Python's per-process hash salt.
    text = "Agentes de ICE en la Roosevelt y la 74, 3 camionetas; 移民局在74街"
    code = (
        "import json, sys; from vigil.incidents.grouping import features_signature as f; "
        "print(json.dumps(sorted(f(sys.argv[1]))))"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout) == sorted(features_signature(text))


def test_it_groups_through_a_context_as_the_database_layer_does():
    ctx = GroupingContext(place_words=STREETS)
    open_states = []
    for i, text in enumerate(
        ["ICE agents at Roosevelt Ave and 74th St, 3 vans", "Migra en Roosevelt y la 74", "ICE at 37th Ave and 82nd St"]
    ):
        point = AVE37_82 if "82nd" in text else ROOSEVELT_74
        new = report(f"r{i}", 5 * i, text, point=point)
        chosen = ctx.choose(new, open_states)
        if chosen is None:
            open_states.append(ctx.start(f"c{i}", new))
        else:
            ctx.absorb(chosen, new)
    assert [s.report_count for s in open_states] == [2, 1]


def test_it_warms_its_statistics_from_past_reports():
    ctx = GroupingContext()
    past = [(f"i{i}", report(f"p{i}", -600 + i, f"agentes en la calle {100 + i} bodega")) for i in range(60)]
    ctx.warm_reports(past)
    common = [h for h in features_signature("bodega") if h & 3]
    rare = [h for h in features_signature("Roosevelt") if h & 3]
    weights = ctx.stats.weights(common + rare, T0)
    assert weights[rare[0]] == 1.0
    assert weights[common[0]] < 0.5


def test_it_packs_a_candidate_state_and_reads_it_back_unchanged():
    at = datetime(2026, 11, 28, 9, 15, 30, 123456, tzinfo=UTC)
    state = CandidateState(
        incident_id="0b9c7f3e-3f4a-4f7e-9d0a-1c2b3d4e5f60",
        first_at=at,
        last_at=at + timedelta(minutes=42),
        lat=40.7469,
        lon=-73.8914,
        areas={"QN0301", "QN0302"},
        signature={4, 4_294_967_295, 12345},
        report_count=7,
        point_count=3,
        boroughs={"QN"},
        text_weight=3.25,
        numbers={1_000_001: 2.5},
        streets={2_000_002: 1.0, 3_000_002: 0.5},
        places=[(40.7469, -73.8914), (40.7495, -73.8838)],
    )
    back = CandidateState.from_bytes(state.to_bytes())
    assert back == state and back.as_dict() == state.as_dict()
    empty = CandidateState(incident_id="e1", first_at=at, last_at=at)
    assert CandidateState.from_bytes(empty.to_bytes()) == empty
    with pytest.raises(ValueError):
        CandidateState.from_bytes(b"{not packed}")


def test_it_lets_go_of_rules_nobody_uses_any_more():
    import dataclasses
    import gc
    import weakref

    from vigil.incidents.grouping import DEFAULT_RULES

    for i in range(3):
        rules = dataclasses.replace(DEFAULT_RULES, bias=DEFAULT_RULES.bias + i)
        Grouper(rules=rules).add(report(f"r{i}", 0, "ICE agents at Roosevelt Ave and 74th St"))
        gone = weakref.ref(rules)
        del rules
        gc.collect()
        assert gone() is None


def test_it_keeps_the_grouping_package_free_of_import_cycles_and_of_django():
    import ast
    import graphlib

    package = Path(__file__).resolve().parent.parent / "grouping"
    imports = {}
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m.split(".")[0] == "django" or m.startswith("vigil.intake") for m in modules), path.name
        inside = "vigil.incidents.grouping."
        imports[path.stem] = {m.removeprefix(inside) for m in modules if m.startswith(inside)}
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
    imports.pop("__init__")
    list(graphlib.TopologicalSorter(imports).static_order())  # raises CycleError on a cycle


def named(rid, minutes, text, places):
    """A text-only report in Jackson Heights naming places the gazetteer put at these points."""
    return ReportFeatures(rid, T0 + timedelta(minutes=minutes), None, None, AREA, "Queens", text, places=places)


def test_it_keeps_apart_reports_naming_places_more_than_a_few_blocks_apart():
    import dataclasses

    from vigil.incidents.grouping import DEFAULT_RULES

    first = named("n1", 0, "ICE agents here right now", (ROOSEVELT_74,))
    second = named("n2", 30, "Migra aquí ahora mismo", (AVE37_82,))
    assert len(set(Grouper().add_all([first, second]))) == 2
    # The rule is what tells them apart: without it, one neighborhood and the same half hour join them.
    without = dataclasses.replace(DEFAULT_RULES, named_place_conflict=0.0)
    assert (
        len(
            set(
                Grouper(rules=without).add_all(
                    [named("n1", 0, first.text, first.places), named("n2", 30, second.text, second.places)]
                )
            )
        )
        == 1
    )


def test_it_joins_reports_naming_nearby_places_or_places_a_report_linked():
    near_74 = (ROOSEVELT_74[0] + 150 / 111_195.0, ROOSEVELT_74[1])
    grouper = Grouper()
    first = grouper.add(named("n1", 0, "ICE agents here right now", (ROOSEVELT_74,)))
    assert grouper.add(named("n2", 20, "Migra aquí ahora mismo", (near_74,))) == first
    # One reporter saw them move from one corner to the other: both places belong to the scene now.
    assert grouper.add(named("n3", 25, "They drove off toward the other corner", (ROOSEVELT_74, AVE37_82))) == first
    assert grouper.add(named("n4", 30, "Migra aquí ahora mismo", (AVE37_82,))) == first


def test_it_reads_summaries_written_before_named_places_were_kept():
    from vigil.incidents.grouping import candidates

    state = CandidateState(incident_id="e1", first_at=T0, last_at=T0, signature={4, 8}, report_count=2)
    packed = state.to_bytes()
    old = b"\x01" + packed[1 : candidates._SUMMARY_HEAD_1.size] + packed[candidates._SUMMARY_HEAD.size :]
    assert CandidateState.from_bytes(old) == state
