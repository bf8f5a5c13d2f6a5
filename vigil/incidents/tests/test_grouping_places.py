"""Grouping by what reports say besides the place: street names and numbers two scenes share, a
neighborhood's own name (the pure core, no database)."""

from datetime import UTC, datetime, timedelta

from vigil.incidents.grouping import (
    DEFAULT_RULES,
    CandidateState,
    FeatureStats,
    Grouper,
    ReportFeatures,
    place_word_features,
    score,
)
from vigil.incidents.grouping.scoring import Probe, choose_best, choose_reading

T0 = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
STREETS = place_word_features(["Church Avenue", "Flatbush Avenue", "Bedford Avenue", "Canarsie Road", "Mott Street"])


def features(rid, minutes, text, point=None, area=None, places=(), area_words=frozenset()):
    lat, lon = point if point else (None, None)
    return ReportFeatures(
        rid, T0 + timedelta(minutes=minutes), lat, lon, area, "BK", text, places=places, area_words=area_words
    )


def test_it_counts_a_number_a_report_repeats_once():
    stats = FeatureStats()
    candidate = CandidateState.start("c", features("a", 0, "5 Ave & 86 St\nagents at 5 ave and 86"))
    once = Probe(features("b", 10, "5大道81街"), None, DEFAULT_RULES, stats)
    twice = Probe(features("b", 10, "5大道81街\n5大道81街面包店"), None, DEFAULT_RULES, stats)
    assert once.text_parts(candidate)[2:4] == twice.text_parts(candidate)[2:4]
    assert twice.text_parts(candidate)[3] > 0.0  # the candidate's 86 still disagrees with the report's 81


def test_it_does_not_count_a_shared_street_when_the_named_places_are_apart():
    # Two corners of Church Ave about 500 m apart, both reports naming their corner.
    flatbush, bedford = (40.6506, -73.9590), (40.6510, -73.9534)
    candidate = CandidateState.start(
        "c",
        features("a", 0, "Church Ave & Flatbush Ave\nICE at church and flatbush", flatbush, places=(flatbush,)),
        place_words=STREETS,
    )
    near_text = "Church Ave & Bedford Ave\nICE at church and bedford"
    apart = features("b", 10, near_text, bedford, places=(bedford,))
    unnamed = features("b", 10, near_text, bedford)
    probe_apart = Probe(apart, None, DEFAULT_RULES, None, STREETS)
    probe_unnamed = Probe(unnamed, None, DEFAULT_RULES, None, STREETS)
    assert probe_apart.text(candidate, apart=True) < probe_unnamed.text(candidate)
    assert score(apart, candidate, place_words=STREETS) < score(unnamed, candidate, place_words=STREETS)


def test_it_reads_a_neighborhoods_own_name_as_no_street_there():
    canarsie = place_word_features(["Canarsie"])
    at_corner = CandidateState.start(
        "c",
        features("a", 0, "Flatlands Ave & Rockaway Pkwy\nICE at the supermarket", area="BK1803", area_words=canarsie),
        place_words=STREETS,
    )
    assert not at_corner.streets
    named = features("b", 20, "Canarsie\nICE still at the supermarket", area="BK1803", area_words=canarsie)
    plain = features("b", 20, "Canarsie\nICE still at the supermarket", area="BK1803")
    assert not Probe(named, None, DEFAULT_RULES, None, STREETS).streets
    assert Probe(plain, None, DEFAULT_RULES, None, STREETS).streets
    assert score(named, at_corner, place_words=STREETS) >= score(plain, at_corner, place_words=STREETS)


def test_it_counts_a_named_place_apart_from_a_candidates_point_when_the_report_has_no_point():
    # The candidate's reporters sent phone points and named no place; the report, without a point,
    # names a corner about 500 m away in the same neighborhood: another scene, not the same.
    flatbush, bedford = (40.6506, -73.9590), (40.6510, -73.9534)
    candidate = CandidateState.start("c", features("a", 0, "ICE outside the laundromat", flatbush, area="BK1401"))
    named = features("b", 10, "ICE at church and bedford", area="BK1401", places=(bedford,))
    unnamed = features("b", 10, "ICE at church and bedford", area="BK1401")
    assert Probe(named, None, DEFAULT_RULES, None).places_apart(candidate)
    assert score(named, candidate) < score(unnamed, candidate)
    with_point = features("b", 10, "ICE at church and bedford", bedford, area="BK1401", places=(bedford,))
    assert not Probe(with_point, None, DEFAULT_RULES, None).places_apart(candidate)  # its point decides


def test_it_scores_a_report_without_a_point_from_the_place_it_names_when_the_places_are_apart():
    # The report names a corner 500 m from the candidate's scene and has no point of its own (its place
    # field named only the street): that corner stands for where it is, as a point would, rather than
    # the neighborhood both are in.
    flatbush, bedford = (40.6506, -73.9590), (40.6510, -73.9534)
    candidate = CandidateState.start("c", features("a", 0, "ICE outside the laundromat", flatbush, area="BK1401"))
    named = features("b", 10, "ICE at church and bedford", area="BK1401", places=(bedford,))
    probe = Probe(named, None, DEFAULT_RULES, None)
    assert probe.places_apart(candidate)
    assert probe.place(candidate, apart=True) < DEFAULT_RULES.same_area
    assert probe.place(candidate, apart=True) < 0.0  # 500 m from the scene: against


def test_it_counts_two_named_places_two_hundred_metres_apart_as_no_nearer_than_one_neighborhood():
    # A laundromat's corner and a station about 200 m apart on one surge morning: both reports name their
    # place, and their points are those places. The distance rule, fitted on phones' fixes around one
    # scene, would count 200 m as near; named places that far apart are two scenes that share a
    # neighborhood, at most.
    station, corner = (40.74239, -73.88209), (40.74399, -73.88101)
    candidate = CandidateState.start(
        "c", features("a", 0, "Elmhurst Av station\nICE at the station", station, area="QN0401", places=(station,))
    )
    report = features(
        "b", 10, "Broadway & Whitney\nagents went in the laundromat", corner, area="QN0401", places=(corner,)
    )
    probe = Probe(report, None, DEFAULT_RULES, None)
    assert probe.places_apart(candidate)
    assert probe.place(candidate, apart=False) > DEFAULT_RULES.same_area
    assert probe.place(candidate, apart=True) == DEFAULT_RULES.same_area
    assert score(report, candidate) < 0.0  # the odds are against one scene


# "5th Ave & 49th St" names a corner in Sunset Park and one in Midtown.
SUNSET_PARK, MIDTOWN = (40.64568, -74.00974, "BK0702", "BK"), (40.75791, -73.97766, "MN0502", "MN")


def at(rid, minutes, text, place):
    lat, lon, area, borough = place
    return ReportFeatures(rid, T0 + timedelta(minutes=minutes), lat, lon, area, borough, text, places=((lat, lon),))


def test_it_joins_a_report_at_the_other_corner_its_words_name():
    grouper = Grouper()
    scene = [
        at("a", 0, "5 Ave & 49 St\nICE agents at 5th ave and 49th st, 3 vans, took a man", SUNSET_PARK),
        at("b", 6, "5 Ave & 49 St\nagentes de ICE en la 5 avenida y calle 49, tres camionetas", SUNSET_PARK),
    ]
    incident = {grouper.add(r) for r in scene}
    # Placed in Midtown by its text, which names no borough.
    report = at("c", 12, "5 Ave & 49 St\nmigra en la avenida 5 con la 49, 3 camionetas", MIDTOWN)
    alone = Grouper()
    for r in scene:
        alone.add(r)
    assert alone.add(report) not in incident  # without the other reading it starts its own incident
    report.readings = (report.placed_at(*SUNSET_PARK),)
    assert grouper.add(report) in incident
    assert grouper.incidents[grouper.assignments["c"]].lat < 40.7  # the incident stays in Sunset Park


def test_it_asks_another_reading_for_the_full_threshold():
    candidate = CandidateState.start("c", at("a", 0, "5 Ave & 49 St\nICE at 5th ave and 49th st", SUNSET_PARK))
    report = at("b", 20, "ICE", MIDTOWN)
    other = report.placed_at(*SUNSET_PARK)
    probes = [Probe(report, None, DEFAULT_RULES, None), Probe(other, None, DEFAULT_RULES, None)]
    s = probes[1].score(candidate)
    threshold = s + DEFAULT_RULES.uncontested / 2
    # Uncontested, the report's own reading would join at this score ...
    assert choose_best(probes[1], [candidate], threshold) is candidate
    # ... another reading must reach the threshold itself.
    assert choose_reading(probes, [candidate], threshold) == (None, 0)
    assert choose_reading(probes, [candidate], s) == (candidate, 1)


def test_it_bounds_a_report_scored_from_the_place_it_names_by_that_place():
    # The report (no point) is placed in the next neighborhood but names a corner 200 m from the
    # candidate's scene: its score takes the corner's distance, and so must the bound that lets a
    # candidate be skipped without a full score.
    scene, corner = (40.6506, -73.9590), (40.6524, -73.9590)
    candidate = CandidateState.start("c", features("a", 0, "ICE at the laundromat", scene, area="BK1401"))
    report = features("b", 10, "ICE at the laundromat on church", area="BK1402", places=(corner,))
    probe = Probe(report, lambda area: frozenset({"BK1401", "BK1402"}), DEFAULT_RULES, None)
    assert probe.bounded and probe.places_apart(candidate)
    full = probe.score(candidate)
    assert probe.score_if_above(candidate, full - 0.01) == full
