"""The one folding module: each fold for its purpose, one simplified/traditional Chinese table."""

import pytest

from vigil.lib import folding
from vigil.lib.folding import fold_for_grouping, fold_keyword, fold_street, han_variants, strip_latin_accents

# The table grouping folded with before the two tables became one: every pair must still fold.
OLD_GROUPING_PAIRS = dict(
    zip(
        "車輛區華東門員執動醫學園廣國邊號線條個們這裡裏來發現場關圍離開帶將說見從對時間點鐘幾紅綠藍"
        "灣島橋頭觀樓廳莊鎮陽聖龍蘭爾羅約紐館廟會議院鐵貨輪嗎隊衛監獄護讓還鄰處後臺灣務執們蓋區",
        "车辆区华东门员执动医学园广国边号线条个们这里里来发现场关围离开带将说见从对时间点钟几红绿蓝"
        "湾岛桥头观楼厅庄镇阳圣龙兰尔罗约纽馆庙会议院铁货轮吗队卫监狱护让还邻处后台湾务执们盖区",
        strict=True,
    )
)


def test_it_folds_every_traditional_character_either_old_table_knew():
    for traditional, simplified in OLD_GROUPING_PAIRS.items():
        assert fold_for_grouping(traditional) == simplified, traditional
    # Pairs language detection had and grouping did not.
    assert fold_for_grouping("飛機場") == fold_for_grouping("飞机场")
    assert fold_for_grouping("華埠") == fold_for_grouping("华埠")


def test_it_does_not_count_a_simplified_form_that_is_also_traditional_as_evidence():
    simplified, traditional = han_variants()
    assert {"后", "台", "里"}.isdisjoint(simplified)
    assert {"後", "臺", "裏", "裡"}.isdisjoint(traditional)
    assert {"这", "处"} <= simplified and {"這", "處"} <= traditional


def test_it_romanizes_cyrillic_for_grouping_and_drops_apostrophes():
    assert fold_for_grouping("Брайтон-Бич") == "braiton-bich"
    assert fold_for_grouping("Съезд") == "sezd"
    assert fold_for_grouping("St. Ann’s") == fold_for_grouping("St. Ann's") == "st. anns"


def test_it_folds_digits_accents_and_arabic_letter_variants_the_same_for_grouping_and_streets():
    for fold in (fold_for_grouping, fold_street):
        assert fold("৭৪") == fold("٧٤") == fold("۷۴") == fold("７４") == "74"
        assert fold("Piąta Łódź") == "piata lodz"
        assert fold("اسٹریٹ") == fold("استريت")
        assert fold("জ্যাকসন") == "জ্যাকসন"  # Bengali vowel signs are vowels, not accents
        assert fold("플러싱") == "플러싱"


def test_it_keeps_the_script_and_the_short_i_of_a_street_mention():
    assert fold_street("74-й улица") == "74-й улица"
    assert fold_street("Четвёртая") == "четвертая"
    assert fold_street("74–я") == "74-я"


@pytest.mark.parametrize(
    "form",
    [
        "STOP",
        "stop",
        "ＳＴＯＰ",
        "ＳｔＯｐ",
        "S T O P",
        "s.t.o.p",
        "Stóp",
        "ST\u200bOP",
        "\u2067STOP\u2069",
        "🛑STOP🛑",
        "SТOP",
    ],
)
def test_it_folds_a_keyword_in_every_form_to_one(form):
    assert fold_keyword(form) == "stop"


def test_it_keeps_a_keyword_with_its_argument_and_a_sentence_as_they_are():
    assert fold_keyword("JOIN  Astoria ") == "join astoria"
    assert fold_keyword("ICE at the bus stop.") == "ice at the bus stop"
    assert fold_keyword("СТОП") == "стоп"  # Russian's own word, not a disguised Latin one


def test_it_strips_only_latin_accents_and_keeps_case_for_language_detection():
    assert strip_latin_accents("Créole ŁÓDŹ straße") == "Creole LODZ strasse"
    assert strip_latin_accents("জ্যাকসন হাইটস") == "জ্যাকসন হাইটস"


def test_it_reads_the_han_table_from_one_file():
    assert folding.HAN_VARIANTS_PATH.name == "han_variants.txt"
    assert folding.HAN_VARIANTS_PATH.parent.name == "data"
