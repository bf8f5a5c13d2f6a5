"""Words that mark what kind of place a text names, in the city's languages: a station ("estación",
"станция"), a train or line ("tren", "поезд", so "R" beside it is a route, not a street), a school;
and the subway routes a text names. Language data, read by the gazetteer and the place readers."""

from __future__ import annotations

from vigil.geo import streets as st
from vigil.geo.streets import CONNECTORS, KIND_OF

STATION_WORDS = frozenset(
    st.spellings(
        "station stations stn subway metro train",  # en
        "estación estacion tren parada",  # es
        "gare métro",  # fr
        "stasyon estasyon metwo",  # ht
        "stacja stacji stację metra",  # pl
        "станция станции станцию метро",  # ru
        "站 地铁 地鐵",  # zh
        "역 지하철 지하철역",  # ko
        "محطة مترو",  # ar
        "اسٹیشن",  # ur
        "স্টেশন স্টেশনে সাবওয়ে",  # bn
    )
)
# Words for a train or line, beside which a single letter or digit is a route ("R train", "tren 4",
# "خط R", "the 7 line").
TRAIN_WORDS = frozenset(
    st.spellings(
        "train trains line",  # en
        "tren línea linea",  # es
        "ligne",  # fr
        "liy",  # ht
        "pociąg linia linii",  # pl
        "поезд поезде линия линии ветка",  # ru
        "호선",  # ko
        "خط قطار",  # ar
        "ٹرین لائن",  # ur
        "ট্রেন লাইন",  # bn
    )
)
# Single letters and digits that name a subway route; those that are also everyday words ("a", "e"
# and "i" mean "to", "and", "and" in the city's languages) count only right beside a train word.
ROUTES = frozenset("1234567abcdefgjlmnqrswz")
ROUTES_ONLY_BESIDE_TRAIN_WORDS = frozenset("aei")


def routes_named(toks: list[str]) -> frozenset[str]:
    """Routes a text names: a route letter or digit beside a train word, or just before a station word
    or within three words after one ("86 st R station", "estación utica del 3 y 4"), with the routes
    joined to it by "and" words."""
    found: set[str] = set()
    for i, tok in enumerate(toks):
        if tok not in ROUTES or (i + 1 < len(toks) and toks[i + 1] in KIND_OF):
            # "4 ave" is a street, not the 4 train.
            continue
        beside_train = any(0 <= j < len(toks) and toks[j] in TRAIN_WORDS for j in (i - 1, i + 1))
        by_station = any(toks[j] in STATION_WORDS for j in range(max(0, i - 3), min(len(toks), i + 2)))
        if beside_train or (by_station and tok not in ROUTES_ONLY_BESIDE_TRAIN_WORDS):
            found.add(tok)
            j = i + 2
            while j < len(toks) and toks[j - 1] in CONNECTORS and toks[j] in ROUTES:
                found.add(toks[j])
                j += 2
    return frozenset(found)


SCHOOL_WORDS = frozenset(
    st.spellings(
        "school escuela école lekòl szkoła szkole",
        "школа школе 学校 學校 학교 مدرسة اسکول স্কুল স্কুলে",
    )
)
