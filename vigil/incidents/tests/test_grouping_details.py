"""Details in any language (a car wash, a checkpoint, a colour) that let a report naming no place find its
event (the pure core, no database)."""

from datetime import UTC, datetime, timedelta

from vigil.incidents.grouping import (
    KIND_NUMBER,
    CandidateState,
    FeatureStats,
    ReportFeatures,
    choose_candidate,
    conflict_word_features,
    features_signature,
    score,
)
from vigil.incidents.grouping.details import _TOKEN as DETAILS_TOKEN
from vigil.incidents.grouping.details import detail_names
from vigil.incidents.grouping.features import _TOKEN as FEATURES_TOKEN
from vigil.incidents.grouping.features import CODE_FEATURES
from vigil.incidents.grouping.folding import normalize_text

T0 = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)


def details(text: str) -> list[str]:
    return detail_names(FEATURES_TOKEN.findall(normalize_text(text)))


def features(rid, minutes, text):
    return ReportFeatures(rid, T0 + timedelta(minutes=minutes), None, None, None, "BK", text)


def follow_up_joins(street_names, first, later, minutes):
    """Whether `later`, sent `minutes` after `first` with no place, joins the incident `first` started."""
    words, stats = conflict_word_features(street_names), FeatureStats()
    incident = CandidateState.start("first", features("a", 0, first), stats=stats, place_words=words)
    return choose_candidate(features("b", minutes, later), [incident], stats=stats, place_words=words) is incident


def test_it_cuts_detail_forms_as_it_cuts_reports():
    assert DETAILS_TOKEN.pattern == FEATURES_TOKEN.pattern


def test_it_finds_the_same_detail_in_many_languages():
    for text in ("car wash raid", "redada en el lavado de carros", "洗车场那边还在抓吗", "세차장에서", "автомойка"):
        assert "carwash" in details(text), text
    for text in ("e-bike checkpoint", "reten de las e-bikes", "ই-বাইক চেকপয়েন্টে", "查电动车的检查站"):
        assert {"bike", "checkpoint"} <= set(details(text)), text


def test_it_finds_the_places_people_point_at_without_a_street():
    # A hearing is at a court, in every language; a pharmacy, a gas station, a fish market, a halal shop.
    for text in ("agentes en la audiencia", "nan odyans lan", "после заседаний", "the hearings on the 3rd floor"):
        assert "court" in details(text), text
    assert details("ICE nan famasi Caribe Care") == ["pharmacy"]
    assert "gasstation" in details("bomba de gasolina") and "gasstation" in details("petrol pump pe koi nahi")
    assert details("ya se fueron de la pescaderia?") == ["fishmarket"]
    assert "halal" in details("madina halal e ekhono ICE ache?")
    assert "hotel" in details("في فندق المهاجرين")


def test_it_does_not_read_a_detail_into_an_ordinary_word():
    # "unas" is an article, "retenido" is detained, "argentino" is no silver car.
    assert details("unas camionetas blancas") == ["white"]
    assert details("lo dejaron retenido") == []
    assert details("un chico argentino") == []


def test_it_reads_the_longest_chinese_form_and_not_one_overlapping_it():
    # 美甲店里面: "inside the nail salon". 店里 ("in the shop") overlaps 美甲店: one place, not two.
    assert details("玫瑰美甲店里面移民局的人还没走") == ["nails"]
    assert details("商店里面 美甲店门口") == ["shop", "nails"]


def test_it_reads_case_endings_but_not_a_shorter_word():
    assert details("на рыбном рынке") == ["market"]
    assert "red" not in details("redada en la fabrica")
    assert details("redada en la fabrica") == ["factory"]


def test_it_adds_a_detail_as_a_feature_two_languages_share():
    spanish = features_signature("siguen en el lavado de carros?")
    chinese = features_signature("洗车场那边还在抓吗")
    assert spanish & chinese
    assert not features_signature("the bakery on 5th") & chinese


def test_it_joins_a_report_naming_no_place_to_the_event_with_its_detail():
    stats = FeatureStats()
    carwash = CandidateState.start("carwash", features("a", 0, "redada en el car wash de la 4 av, 3 vans blancas"))
    bakery = CandidateState.start("bakery", features("b", 5, "agents at the bakery on church ave, black suv"))
    later = features("c", 40, "洗车场那边还在抓吗 白色面包车")
    assert choose_candidate(later, [carwash, bakery], stats=stats) is carwash


def test_it_weighs_a_shared_route_code_as_a_detail():
    # "Q44 toujou?" names no place and no detail but the bus line, which only the first event's reports
    # give: that line points at the event as a detail would, in any language.
    stats = FeatureStats()
    bus = CandidateState.start("bus", features("a", 0, "ICE got on the Q44 checking ids, white van behind it"))
    salon = CandidateState.start("salon", features("b", 20, "agents at the nail salon, white van outside"))
    later = features("c", 50, "Q44 toujou ap kontwole?")
    assert choose_candidate(later, [bus, salon], stats=stats) is bus


def test_it_reads_a_plate_written_with_or_without_a_space_as_one_code():
    assert features_signature("JRM 2290 white explorer") & features_signature("白色福特 JRM2290 在拦人")
    assert features_signature("explorer blanca JRM-2290") & features_signature("jrm2290") == features_signature(
        "jrm2290"
    )
    # A street word, or a word in small letters before a house number, is no plate: "nan 4170" is
    # Haitian for "at 4170", "pod 4170" Polish.
    assert features_signature("ave 1250") == features_signature("1250")
    assert features_signature("nan 4170") == features_signature("4170") | features_signature("nan")
    assert any(f & 3 == KIND_NUMBER for f in features_signature("nadal pod 4170 Main St"))


def test_it_reads_a_plates_digits_as_the_plate_and_not_as_a_street_number():
    # "KLD 7045" against a scene at 3rd Av and 9th St: no street number disagrees.
    assert not any(f & 3 == KIND_NUMBER for f in features_signature("黑色SUV车牌KLD 7045, 6个人"))
    assert any(f & 3 == KIND_NUMBER for f in features_signature("agents at 7045 Broadway"))


def test_it_joins_a_follow_up_to_the_event_whose_plate_it_gives_and_not_to_another_plate():
    # The follow-up shares "white" with the lumber yard and only the plate with the first event.
    stats, words = FeatureStats(), conflict_word_features([])
    plate = CandidateState.start(
        "plate", features("a", 0, "белый форд эксплорер JRM 2290 останавливает людей"), place_words=words
    )
    yard = CandidateState.start(
        "yard",
        features("b", 30, "agents grabbing day laborers outside the lumber yard, 2 white vans"),
        place_words=words,
    )
    later = features("c", 55, "JRM 2290 white explorer still around")
    assert choose_candidate(later, [plate, yard], stats=stats, place_words=words) is plate
    # Another plate counts against: lower than the same words with no plate at all.
    other = features("d", 40, "white explorer KTR 6628 stopping cars")
    none = features("e", 40, "white explorer stopping cars")
    assert score(other, plate, stats=stats, place_words=words) < score(none, plate, stats=stats, place_words=words)


def test_it_joins_a_follow_up_an_hour_later_that_names_only_the_business():
    # "Still at the pharmacy?" seventy minutes after the raid, with no place and in another language:
    # the pharmacy is all it gives, and it is enough.
    raid = "ICE went into the pharmacy at church & utica, grey car outside"
    assert follow_up_joins(["Church Avenue", "Utica Avenue"], raid, "siguen en la farmacia?", minutes=70)


def test_it_does_not_count_an_ordinary_word_that_names_a_street_against_a_match():
    # "On the wall" is not Wall Street; "Jerome" still names Jerome Avenue.
    words = conflict_word_features(["Wall Street", "Jerome Avenue", "Burnside Avenue", "Clear Lake Court"])
    assert not features_signature("lined the workers up on the wall, S48 clear now?") & words - CODE_FEATURES
    assert features_signature("on jerome") & words
    raid = "migra en el car wash d jerome y burnside, 2 explorer azul oscuro"
    later = "at the car wash raid they lined the workers up on the wall, 5 agents"
    assert follow_up_joins(["Wall Street", "Jerome Avenue", "Burnside Avenue"], raid, later, minutes=25)


def test_it_reads_a_number_beside_a_count_word_as_a_count_not_a_street():
    # "Se llevaron como 12" is how many were taken, not 12th Street: no street number to disagree with.
    for text in ("se llevaron como 12, las 3 vans", "like 10 agents", "大约12个人", "약 12명", "12 personas"):
        assert not any(f & 3 == KIND_NUMBER for f in features_signature(text)), text
    for text in ("agents at 86 st", "大约12个人在86街", "at 145 and amsterdam"):
        assert any(f & 3 == KIND_NUMBER for f in features_signature(text)), text
