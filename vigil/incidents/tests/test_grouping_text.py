"""What a report's words count for against a candidate: pieces of words only as a spelling of a word, a
detail's word as that detail rather than a street, the neighborhood's own name as place (the pure core,
no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from vigil.incidents.grouping import (
    DEFAULT_RULES,
    KIND_WORD,
    CandidateState,
    ReportFeatures,
    choose_candidate,
    conflict_word_features,
    features_signature,
    place_word_features,
)
from vigil.incidents.grouping.features import DETAIL_FEATURES, LINE_FEATURES
from vigil.incidents.grouping.scoring import Probe
from vigil.incidents.grouping.wordlists import read_table

T0 = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)


def features(rid, minutes, text, point=None, area=None, places=(), area_words=frozenset()):
    lat, lon = point if point else (None, None)
    return ReportFeatures(
        rid, T0 + timedelta(minutes=minutes), lat, lon, area, "BK", text, places=places, area_words=area_words
    )


def test_it_counts_no_shared_word_ending_as_matched_text():
    # "calling"/"parking" share "-ing", "lawyer"/"prayer" share "-yer": no word of one is in the other.
    candidate = CandidateState.start("c", features("a", 0, "agents in the parking lot, stay inside after prayer"))
    probe = Probe(features("b", 10, "the owner is calling a lawyer"), None, DEFAULT_RULES, None)
    assert probe.matched(candidate) == 0.0


def test_it_still_counts_a_misspelled_word_by_its_pieces():
    candidate = CandidateState.start("c", features("a", 0, "raid at the laundromat on fordham"))
    probe = Probe(features("b", 10, "raid at the laundromat on fordam"), None, DEFAULT_RULES, None)
    exact = Probe(features("b", 10, "raid at the laundromat"), None, DEFAULT_RULES, None)
    assert probe.matched(candidate) > exact.matched(candidate)


def test_it_reads_a_colour_named_like_a_street_as_the_colour():
    # "Orange" is a street in the street list; the report means the van's colour, which the candidate
    # named in Haitian Creole ("zoranj"): no street of the report's is missing from the candidate.
    streets = place_word_features(["Orange Street", "Nostrand Avenue", "Church Avenue"])
    candidate = CandidateState.start(
        "c", features("a", 0, "yon kamyonet zoranj ICE nan Nostrand ak Church"), place_words=streets
    )
    probe = Probe(features("b", 12, "orange van with ice still driving around"), None, DEFAULT_RULES, None, streets)
    assert probe.text_parts(candidate)[4] == 0.0


def test_it_reads_a_candidates_street_named_like_a_detail_as_the_detail():
    # The candidate's "Church" (a street in the list) is the church the report names in Spanish.
    streets = place_word_features(["Church Avenue", "Nostrand Avenue"])
    candidate = CandidateState.start("c", features("a", 0, "ICE outside the church"), place_words=streets)
    probe = Probe(features("b", 8, "migra afuera de la iglesia en nostrand"), None, DEFAULT_RULES, None, streets)
    assert probe.text_parts(candidate)[5] == 0.0


def test_it_counts_details_that_disagree_against_a_match_as_streets_do():
    # Neither "bakery", "car wash", "white" nor "black" is in a street name here: what counts against is
    # the detail itself, in any city.
    words = conflict_word_features(["Church Avenue"])
    assert DETAIL_FEATURES <= words
    candidate = CandidateState.start("c", features("a", 0, "ICE at the car wash, 2 black suvs"), place_words=words)
    probe = Probe(features("b", 10, "migra en la panaderia, una van blanca"), None, DEFAULT_RULES, None, words)
    _matched, _unmatched, _rn, _cn, report_streets, candidate_streets = probe.text_parts(candidate)
    assert report_streets > 0.0
    assert candidate_streets > 0.0
    alike = Probe(features("b", 10, "migra en el car wash, suv negras"), None, DEFAULT_RULES, None, words)
    assert alike.text_parts(candidate)[4:] == (0.0, 0.0)


def test_it_reads_a_letter_or_digit_beside_a_word_for_train_as_that_subway_line():
    named = {
        "agents at the A train last stop inwood 207": "a",
        "en el tren A de la 207 hay migra": "a",
        "ICE at 207 st 1 train": "1",
        "поезд F на станции": "f",
        "7호선 역에 이민국": "7",
        "في محطة قطار A شارع 207": "a",
        "১৬৯ স্ট্রিট F ট্রেন স্টেশনে": "f",
    }
    for text, line in named.items():
        lines = LINE_FEATURES & features_signature(text)
        assert len(lines) == 1, text
        assert lines == LINE_FEATURES & features_signature(f"the {line} train"), text
    assert not LINE_FEATURES & features_signature("ICE on the corner of F and 7th, a van")


@pytest.mark.parametrize(
    ("candidate_text", "other_line_text", "same_line_text"),
    [
        # Two bus routes.
        ("ICE on the S48 checking ids", "agents got on the Q53 checking ids", "en el S48 piden papeles"),
        # Inwood-207 St (the A) and 207 St (the 1) are two stations a few blocks apart.
        (
            "ICE at 207 st 1 train, 10th ave side",
            "agents at the A train last stop 207",
            "migra en el tren 1 de la 207",
        ),
    ],
    ids=["bus", "subway"],
)
def test_it_counts_a_different_line_against_a_match(candidate_text, other_line_text, same_line_text):
    words = conflict_word_features([])
    candidate = CandidateState.start("c", features("a", 0, candidate_text), place_words=words)
    other_line = Probe(features("b", 10, other_line_text), None, DEFAULT_RULES, None, words)
    same_line = Probe(features("b", 10, same_line_text), None, DEFAULT_RULES, None, words)
    assert other_line.text_parts(candidate)[4] > 0.0
    assert other_line.text_parts(candidate)[5] > 0.0
    assert same_line.text_parts(candidate)[4:] == (0.0, 0.0)
    assert other_line.score(candidate) < same_line.score(candidate)


def test_it_reads_a_common_word_that_names_a_street_somewhere_as_the_word():
    # Spanish "como" ("about five") and Polish "co" ("what") are street words too (Como Avenue, Co-op
    # City): read as streets, they set a report against the very scene it follows up on.
    words = conflict_word_features(["Como Avenue", "Co-op City Boulevard", "Cortelyou Road"])
    candidate = CandidateState.start("c", features("a", 0, "redada en la obra de Cortelyou"), place_words=words)
    spanish = Probe(
        features("b", 10, "de la obra de cortelyou se llevaron como 5 trabajadores"), None, DEFAULT_RULES, None, words
    )
    polish = Probe(features("b", 10, "co z budowa na cortelyou?"), None, DEFAULT_RULES, None, words)
    assert spanish.text_parts(candidate)[4] == 0.0
    assert polish.text_parts(candidate)[4] == 0.0


def test_it_does_not_count_the_neighborhoods_name_as_text_when_the_named_places_are_apart():
    fordham = place_word_features(["Fordham"])
    station, corner = (40.8613, -73.8906), (40.8625, -73.8971)
    candidate = CandidateState.start(
        "c",
        features("a", 0, "en fordham agarraron a un señor", corner, "BX0701", (corner,), fordham),
        place_words=fordham,
    )
    report = features("b", 10, "en la estacion de fordham pidiendo papeles", station, "BX0701", (station,), fordham)
    probe = Probe(report, None, DEFAULT_RULES, None, fordham)
    assert probe.places_apart(candidate)
    assert probe.text(candidate, apart=True) < probe.text(candidate, apart=False)


def test_it_reads_the_word_tables_from_data_files():
    assert "carwash" in read_table("details.txt")
    assert not any(line.startswith("#") for line in read_table("stop_words.txt").splitlines())


def test_it_joins_a_report_naming_no_place_to_the_event_it_names_by_a_detail():
    # Later reports of a raid at a mosque's parking lot name no place, only the mosque, in another
    # language; a raid at a hardware store runs at the same time.
    mosque = CandidateState.start("m", features("a", 0, "عملاء في موقف سيارات المسجد", (40.686, -73.824)))
    hardware = CandidateState.start("h", features("b", 5, "en la ferreteria entraron 3 agentes", (40.634, -73.992)))
    report = ReportFeatures(
        "c", T0 + timedelta(minutes=19), None, None, None, None, "agents at the mosque, stay inside"
    )
    chosen = choose_candidate(report, [mosque, hardware])
    assert chosen is mosque


def test_it_keeps_a_route_code_whole_whatever_the_language_around_it():
    # "Bx9" is cut into "bx" and a lone digit, which reads as a count: the route itself must be a word
    # that the Bx12 does not share.
    spanish = features_signature("subieron al Bx9 en broadway pidiendo papeles")
    english = features_signature("bx9 bus ice checking ids, black suv behind it")
    chinese = features_signature("Bx9公交车上有人查身份")
    other_route = features_signature("subieron al Bx12 pidiendo papeles")
    shared = {f for f in spanish & english & chinese if f & 3 == KIND_WORD}
    assert shared - other_route
    assert not {f for f in features_signature("HVW5120 black expedition") if f & 3 == KIND_WORD} & spanish
