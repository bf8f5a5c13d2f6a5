"""A labeled set of enforcement reports for measuring grouping, generated with a fixed seed.

Events (enforcement scenes) are placed at real NYC street intersections; each draws several reports
written in the languages New Yorkers report in, with the noise real reports have: the place written
many ways (abbreviations, ordinals, street names in Cyrillic letters, digits in Bengali or Arabic
script, typos), vague reports that only carry a phone's point, GPS error and the occasional reporter
who is blocks away, timing spread over hours, and reports that give the place as text only.

Events are made to collide: a share of them get a "sibling" event in the same neighborhood within two
hours (a multi-site operation), and neighborhoods are weighted so that some are hot spots.

Data read at run time: the street corners and street list of the committed gazetteer
(`jurisdictions/nyc/places/`), else the OpenStreetMap intersections file, and the NTA 2020 polygons
(`jurisdictions/nyc/areas/nta.geojson`, else `nta2020.geojson`), looked up in `VIGIL_NYC_DATA`, then
`jurisdictions/nyc/` (the repository's own copy); nothing is copied. Areas of points come from
`vigil.geo.areas.resolve_point` when that module is importable, else from the polygons directly. A
text-only report's area is what `vigil.geo.places.resolve_place_text` makes of its text when that
module is importable (the figures say how often it resolved, and how often to the true NTA), else the
neighborhood the text names (as if the reporter had picked it in the form).

How hard the set is (`Noise`) is printed with the figures: by default about 100 scenes a day citywide,
15% of them with a second scene in the same neighborhood within two hours, hot-spot neighborhoods,
27% of reports with the place as text only, 40% of reports with a point but no place in the text, GPS
error of 25 m for most, 100 m for one in ten, a reporter 300-700 m away for three in a hundred, one
report in ten sent one to three hours late, and typos.

Usage: `generate(n_reports, seed)` returns `(items, stats)`, items being `(ReportFeatures, label)`.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import os
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from vigil.incidents.grouping import ReportFeatures  # noqa: E402

SEED = 20260501

# --------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------


def _data_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("VIGIL_NYC_DATA"):
        dirs.append(Path(os.environ["VIGIL_NYC_DATA"]))
    dirs.append(ROOT / "jurisdictions" / "nyc")
    return dirs


def _find(*relative: str) -> Path:
    for base in _data_dirs():
        for rel in relative:
            path = base / rel
            if path.exists():
                return path
    raise FileNotFoundError(f"none of {relative} found under {[str(d) for d in _data_dirs()]}; set VIGIL_NYC_DATA")


@dataclass
class Area:
    code: str
    name: str
    borough: str
    residential: bool


@dataclass
class Place:
    street1: str
    street2: str
    lat: float
    lon: float
    area: str


class AreaIndex:
    """NTA lookup for points, through vigil.geo.areas if present, else shapely over the polygons."""

    def __init__(self) -> None:
        import shapely
        from shapely.geometry import shape

        path = _find("areas/nta.geojson", "nta2020.geojson")
        data = json.loads(path.read_text(encoding="utf-8"))
        self.areas: dict[str, Area] = {}
        geoms = []
        codes = []
        for feat in data["features"]:
            p = feat["properties"]
            code = p["NTA2020"]
            self.areas[code] = Area(code, p["NTAName"], p["BoroName"], str(p.get("NTAType", "0")) == "0")
            geoms.append(shape(feat["geometry"]))
            codes.append(code)
        self._shapely = shapely
        self._geoms = geoms
        self._codes = codes
        self._tree = shapely.STRtree(geoms)
        self.source = "shapely over nta2020.geojson"
        self._resolve_point = None
        try:
            from vigil.geo import areas as geo_areas

            self._resolve_point = geo_areas.resolve_point
            self.source = "vigil.geo.areas.resolve_point"
        except Exception:  # noqa: BLE001 - the module may not exist yet, or fail on missing data
            self._resolve_point = None
        self._neighbor_cache: dict[str, set[str]] = {}

    def locate_many(self, lats: list[float], lons: list[float]) -> list[str | None]:
        """NTA codes for many points (None outside every NTA)."""
        if self._resolve_point is not None:
            out: list[str | None] = []
            for lat, lon in zip(lats, lons, strict=True):
                match = self._resolve_point(lat, lon)
                out.append(getattr(match, "nta", None) if match else None)
            return out
        pts = self._shapely.points(lons, lats)
        idx_in, idx_tree = self._tree.query(pts, predicate="within")
        result: list[str | None] = [None] * len(lats)
        for i, t in zip(idx_in.tolist(), idx_tree.tolist(), strict=True):
            if result[i] is None:
                result[i] = self._codes[t]
        return result

    def neighbors_function(self, meters: float = 250.0):
        """(callable, source) giving the neighborhoods within `meters` of an NTA."""
        try:
            from vigil.geo.areas import nearby_neighborhoods

            def via_geo(code: str) -> set[str]:
                return set(nearby_neighborhoods(code, meters)) - {code}

            via_geo("MN0501")  # fail here, not in the middle of the benchmark
            return via_geo, "vigil.geo.areas.nearby_neighborhoods"
        except Exception:  # noqa: BLE001
            pass
        degrees = meters / 111_000.0
        index_of = {c: i for i, c in enumerate(self._codes)}

        def via_shapely(code: str) -> set[str]:
            cached = self._neighbor_cache.get(code)
            if cached is None:
                i = index_of.get(code)
                if i is None:
                    return set()
                grown = self._geoms[i].buffer(degrees)
                cached = {self._codes[j] for j in self._tree.query(grown, predicate="intersects").tolist()} - {code}
                self._neighbor_cache[code] = cached
            return cached

        return via_shapely, "shapely over nta2020.geojson"


_SKIP_STREET = re.compile(
    r"expressway|ramp|exit|entrance|connector|bridge|tunnel|highway|freeway|service road|path|walk|"
    r"driveway|footbridge|greenway|cycleway|boardwalk|promenade|esplanade|transverse|approach|alley|"
    r"parking|[;/]",
    re.I,
)


_CSCL_DIRECTIONS = {"E": "East", "W": "West", "N": "North", "S": "South"}
_CSCL_KINDS = {
    "ST": "Street",
    "AVE": "Avenue",
    "RD": "Road",
    "PL": "Place",
    "BLVD": "Boulevard",
    "DR": "Drive",
    "LN": "Lane",
    "CT": "Court",
    "PKWY": "Parkway",
    "TER": "Terrace",
    "LOOP": "Loop",
    "WAY": "Way",
    "CIR": "Circle",
    "PLZ": "Plaza",
    "SQ": "Square",
    "CRES": "Crescent",
    "TPKE": "Turnpike",
    "CONC": "Concourse",
}


def _committed_street_name(direction: str, core: str, kind: str) -> str | None:
    """A committed street ("E", "149", "ST") written out as people see it ("East 149th Street")."""
    if kind and kind not in _CSCL_KINDS:
        return None  # walks, alleys, slips, expressways: nobody reports a raid there by name
    if kind == "AVE" and len(core) == 1:
        return f"Avenue {core}"
    name = " ".join(_ordinal(int(w)) if w.isdigit() else w.title() for w in core.split())
    if kind:
        name = f"{name} {_CSCL_KINDS[kind]}"
    if direction:
        name = f"{_CSCL_DIRECTIONS.get(direction, direction)} {name}"
    return name


def _committed_places(index: AreaIndex) -> list[Place] | None:
    """Corners from the committed gazetteer (jurisdictions/nyc/places), with their NTA; None if absent."""
    base = ROOT / "jurisdictions" / "nyc" / "places"
    if not (base / "streets.tsv").exists() or not (base / "intersections.tsv").exists():
        return None
    with (base / "streets.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh, delimiter="\t") if row and not row[0].startswith("#")]
    header = rows[0]
    at = {name: header.index(name) for name in ("id", "direction", "core", "kind")}
    names = {
        row[at["id"]]: _committed_street_name(row[at["direction"]], row[at["core"]], row[at["kind"]])
        for row in rows[1:]
    }
    places = []
    for file in ("intersections.tsv", "intersections_osm.tsv"):
        if not (base / file).exists():
            continue
        with (base / file).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                a, b, code = names.get(row["a"]), names.get(row["b"]), row["nta"]
                if not a or not b or code not in index.areas or not index.areas[code].residential:
                    continue
                if _SKIP_STREET.search(a) or _SKIP_STREET.search(b) or _core(a) == _core(b):
                    continue
                places.append(Place(a, b, float(row["lat"]), float(row["lon"]), code))
    return places


def load_places(index: AreaIndex) -> tuple[list[Place], str]:
    """Street corners that a reporter could plausibly name, each with the residential NTA it lies in,
    and where they came from: the committed gazetteer when present, else the OpenStreetMap file."""
    committed = _committed_places(index)
    if committed:
        return committed, "jurisdictions/nyc/places/intersections*.tsv"
    path = _find("places/intersections_osm.csv")
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            a, b = row["Street1"].strip(), row["Street2"].strip()
            if _SKIP_STREET.search(a) or _SKIP_STREET.search(b):
                continue
            # "East 130th Street" meets "West 130th Street": the same street, not a corner.
            if _core(a) == _core(b):
                continue
            rows.append((a, b, float(row["Lat"]), float(row["Lon"])))
    codes = index.locate_many([r[2] for r in rows], [r[3] for r in rows])
    places = []
    for (a, b, lat, lon), code in zip(rows, codes, strict=True):
        if code and index.areas[code].residential:
            places.append(Place(a, b, lat, lon, code))
    return places, str(path)


def street_names() -> tuple[list[str], str]:
    """The jurisdiction's street names (for the grouper's street-name rule) and where they came from.

    The committed street list (`jurisdictions/nyc/places/streets.tsv`, column `core`) is what the
    application uses; without it, the street names of the OpenStreetMap intersections file.
    """
    committed = ROOT / "jurisdictions" / "nyc" / "places" / "streets.tsv"
    if committed.exists():
        with committed.open(encoding="utf-8", newline="") as fh:
            rows = [row for row in csv.reader(fh, delimiter="\t") if row and not row[0].startswith("#")]
        if rows and "core" in rows[0]:
            col = rows[0].index("core")
            return [row[col] for row in rows[1:] if len(row) > col], "jurisdictions/nyc/places/streets.tsv"
    names: set[str] = set()
    with _find("places/intersections_osm.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names.add(row["Street1"])
            names.add(row["Street2"])
    return sorted(names), "intersections_osm.csv street names"


# --------------------------------------------------------------------------------------------------
# Street names as people write them
# --------------------------------------------------------------------------------------------------

_DIRS = {"East": "E", "West": "W", "North": "N", "South": "S"}
_TYPES = {
    "Street": "St",
    "Avenue": "Ave",
    "Road": "Rd",
    "Place": "Pl",
    "Boulevard": "Blvd",
    "Drive": "Dr",
    "Lane": "Ln",
    "Court": "Ct",
    "Parkway": "Pkwy",
    "Terrace": "Ter",
    "Turnpike": "Tpke",
    "Concourse": "Concourse",
    "Square": "Sq",
    "Crescent": "Cres",
    "Plaza": "Plz",
    "Loop": "Loop",
    "Circle": "Cir",
    "Way": "Way",
}


@dataclass
class Street:
    direction: str | None
    core: str
    number: int | None
    kind: str | None


def _core(name: str) -> str:
    s = parse_street(name)
    return f"{s.core}|{s.kind}"


def parse_street(name: str) -> Street:
    words = name.split()
    direction = None
    if len(words) > 2 and words[0] in _DIRS:
        direction, words = words[0], words[1:]
    kind = None
    if len(words) > 1 and words[-1] in _TYPES:
        kind, words = words[-1], words[:-1]
    elif len(words) > 1 and words[0] == "Avenue":  # Avenue C, Avenue of the Americas
        kind = "Avenue-prefix"
    core = " ".join(words)
    m = re.fullmatch(r"(\d+)(st|nd|rd|th)?", core)
    return Street(direction, core, int(m.group(1)) if m else None, kind)


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


_CYR = [
    ("shch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("th", "т"),
    ("ph", "ф"),
    ("oo", "у"),
    ("ee", "и"),
    ("ea", "и"),
    ("ou", "ау"),
    ("ck", "к"),
    ("qu", "кв"),
    ("a", "а"),
    ("b", "б"),
    ("c", "к"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "дж"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "а"),
    ("v", "в"),
    ("w", "у"),
    ("x", "кс"),
    ("y", "и"),
    ("z", "з"),
]


def cyrillicize(word: str) -> str:
    """Write an English street name the way a Russian speaker might spell it by ear (lossy on purpose)."""
    out, s, i = [], word.lower(), 0
    while i < len(s):
        for src, dst in _CYR:
            if s.startswith(src, i):
                out.append(dst)
                i += len(src)
                break
        else:
            out.append(s[i])
            i += 1
    text = "".join(out)
    return text[:1].upper() + text[1:]


def typo(rng: random.Random, word: str) -> str:
    """One slip of the thumb: a dropped, doubled or swapped letter."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    choice = rng.random()
    if choice < 0.4:
        return word[:i] + word[i + 1 :]
    if choice < 0.7:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


_NATIVE_DIGITS = {"ar": "٠١٢٣٤٥٦٧٨٩", "ur": "۰۱۲۳۴۵۶۷۸۹", "bn": "০১২৩৪৫৬৭৮৯"}


def digits(rng: random.Random, lang: str, n: int) -> str:
    table = _NATIVE_DIGITS.get(lang)
    if table and rng.random() < 0.5:
        return "".join(table[int(c)] for c in str(n))
    return str(n)


def render_street(rng: random.Random, lang: str, name: str, typo_share: float = 0.08) -> str:
    """One way a reporter writing in `lang` could write this street."""
    s = parse_street(name)
    kind = s.kind
    if kind == "Avenue-prefix" or kind is None:
        return typo(rng, s.core) if rng.random() < typo_share else s.core
    abbrev = _TYPES.get(kind, kind)
    english_kind = rng.choice([kind, abbrev, abbrev, abbrev + "."])
    direction = ""
    if s.direction and rng.random() < 0.7:
        direction = rng.choice([s.direction, _DIRS[s.direction], _DIRS[s.direction] + "."]) + " "
    if s.number is not None:
        num = rng.choice([_ordinal(s.number), str(s.number)])
        english = f"{direction}{num} {english_kind}" if rng.random() < 0.9 else f"{direction}{num}"
    else:
        core = s.core
        if rng.random() < typo_share:
            core = typo(rng, core)
        english = f"{core} {english_kind}" if rng.random() < 0.8 else core
    if rng.random() < 0.45 or lang in ("en", "pl"):
        return english.strip()
    is_street = kind == "Street"
    is_avenue = kind == "Avenue"
    n = s.number
    core = s.core
    if lang == "es":
        if n is not None:
            return rng.choice([f"calle {n}" if is_street else f"avenida {n}", f"la {n}"])
        return rng.choice([f"avenida {core}" if is_avenue else f"{core} {english_kind}", f"la {core}"])
    if lang == "fr":
        if n is not None:
            return f"{n}e rue" if is_street else f"{n}e avenue"
        return f"avenue {core}" if is_avenue else f"rue {core}" if is_street else f"{core} {english_kind}"
    if lang == "ht":
        if n is not None:
            return f"ri {n}" if is_street else f"avni {n}"
        return f"avni {core}" if is_avenue else f"ri {core}" if is_street else english
    if lang == "ru":
        if n is not None:
            return f"{n}-я улица" if is_street else f"{n}-я авеню"
        return f"{cyrillicize(core)} {'авеню' if is_avenue else 'стрит' if is_street else english_kind}"
    if lang in ("zh-hans", "zh-hant"):
        if n is not None:
            return f"{n}街" if is_street else f"{n}大道"
        return f"{core}大道" if is_avenue else f"{core}街" if is_street else english
    if lang == "ko":
        if n is not None:
            return f"{n} 스트리트" if is_street else f"{n} 애비뉴"
        return f"{core} 애비뉴" if is_avenue else f"{core} 스트리트" if is_street else english
    if lang == "ar":
        return f"شارع {digits(rng, lang, n)}" if n is not None else f"شارع {core}"
    if lang == "ur":
        suffix = "اسٹریٹ" if is_street else "ایونیو"
        return f"{digits(rng, lang, n)} {suffix}" if n is not None else f"{core} {suffix}"
    if lang == "bn":
        suffix = "স্ট্রিট" if is_street else "অ্যাভিনিউ"
        return f"{digits(rng, lang, n)} {suffix}" if n is not None else f"{core} {suffix}"
    return english


_CORNER = {
    "en": ["{a} and {b}", "{a} & {b}", "the corner of {a} and {b}", "{a}/{b}"],
    "es": ["{a} y {b}", "la esquina de {a} y {b}", "{a} con {b}"],
    "fr": ["{a} et {b}", "l'angle de {a} et {b}", "{a} / {b}"],
    "ht": ["{a} ak {b}", "kwen {a} ak {b}"],
    "pl": ["{a} i {b}", "rogu {a} i {b}"],
    "ru": ["{a} и {b}", "углу {a} и {b}"],
    "zh-hans": ["{a}和{b}", "{a}与{b}交界"],
    "zh-hant": ["{a}和{b}", "{a}與{b}交界"],
    "ko": ["{a}와 {b}", "{a}과 {b} 교차로"],
    "ar": ["{a} و{b}", "تقاطع {a} و{b}"],
    "ur": ["{a} اور {b}", "{a} اور {b} کے کونے"],
    "bn": ["{a} ও {b}", "{a} আর {b} এর মোড়"],
}
_IN_AREA = {
    "en": "{s} in {n}",
    "es": "{s} en {n}",
    "fr": "{s} à {n}",
    "ht": "{s} nan {n}",
    "pl": "{s} w {n}",
    "ru": "{s} в {n}",
    "zh-hans": "{n}的{s}",
    "zh-hant": "{n}的{s}",
    "ko": "{n} {s}",
    "ar": "{s} في {n}",
    "ur": "{n} میں {s}",
    "bn": "{n} এর {s}",
}

# --------------------------------------------------------------------------------------------------
# Report templates (written for this benchmark)
# --------------------------------------------------------------------------------------------------

_WITH_PLACE = {
    "en": [
        "ICE agents at {place}, {n} vans. {detail}",
        "Immigration agents stopping people near {place} right now. {detail}",
        "{n} unmarked cars and agents in vests on {place}. {detail}",
        "Raid happening at {place}!! {detail}",
        "heads up ice at {place} {n} vans {detail}",
    ],
    "es": [
        "Hay agentes de ICE en {place}, {n} camionetas. {detail}",
        "Migra en {place} ahora mismo!! {detail}",
        "Cuidado, inmigración parando gente cerca de {place}. {detail}",
        "{n} carros sin placas y agentes en {place}. {detail}",
        "ICE en {place} {detail}",
    ],
    "fr": [
        "Agents de l'ICE à {place}, {n} fourgons. {detail}",
        "Attention, contrôles de l'immigration près de {place}. {detail}",
        "Descente en cours à {place} ! {detail}",
    ],
    "ht": [
        "Ajan ICE nan {place}, {n} kamyonet. {detail}",
        "Atansyon! Imigrasyon ap kanpe moun toupre {place}. {detail}",
        "Gen yon rafle kap fèt nan {place}. {detail}",
    ],
    "pl": [
        "Agenci ICE na {place}, {n} furgonetki. {detail}",
        "Uwaga, służby imigracyjne zatrzymują ludzi przy {place}. {detail}",
        "Nalot ICE na {place}! {detail}",
    ],
    "ru": [
        "Агенты ICE на {place}, {n} фургона. {detail}",
        "Осторожно, иммиграционная служба останавливает людей возле {place}. {detail}",
        "Облава сейчас на {place}! {detail}",
    ],
    "zh-hans": [
        "{place}有ICE移民局的人，{n}辆车。{detail}",
        "注意！移民局在{place}附近抓人。{detail}",
        "{place}现在有突袭，{detail}",
    ],
    "zh-hant": [
        "{place}有ICE移民局的人員，{n}輛車。{detail}",
        "小心！移民局探員在{place}附近盤查路人。{detail}",
        "{place}現在有突擊搜查，{detail}",
    ],
    "ko": [
        "{place}에 ICE 요원들이 있어요, 밴 {n}대. {detail}",
        "조심하세요! {place} 근처에서 이민국이 사람들을 검문하고 있어요. {detail}",
        "지금 {place}에서 단속 중입니다. {detail}",
    ],
    "ar": [
        "عملاء ICE عند {place}، {n} سيارات فان. {detail}",
        "انتبهوا! الهجرة توقف الناس قرب {place}. {detail}",
        "مداهمة الآن في {place}! {detail}",
    ],
    "ur": [
        "{place} پر ICE کے ایجنٹ، {n} وین۔ {detail}",
        "ہوشیار! امیگریشن والے {place} کے پاس لوگوں کو روک رہے ہیں۔ {detail}",
        "ابھی {place} پر چھاپہ ہو رہا ہے! {detail}",
    ],
    "bn": [
        "{place} এ ICE এজেন্ট, {n}টা ভ্যান। {detail}",
        "সাবধান! {place} এর কাছে অভিবাসন পুলিশ লোকজনকে থামাচ্ছে। {detail}",
        "এখন {place} এ রেইড হচ্ছে! {detail}",
    ],
}
_NO_PLACE = {
    "en": [
        "ICE here right now, {n} vans. {detail}",
        "Agents outside my building. {detail}",
        "ice on my block {detail}",
    ],
    "es": ["La migra está aquí ahorita, {n} camionetas. {detail}", "Agentes afuera de mi edificio. {detail}"],
    "fr": ["L'ICE est ici maintenant, {n} voitures. {detail}"],
    "ht": ["ICE la a kounye a, {n} machin. {detail}"],
    "pl": ["ICE jest tutaj teraz, {n} samochody. {detail}"],
    "ru": ["ICE здесь прямо сейчас, {n} машины. {detail}"],
    "zh-hans": ["移民局的人现在就在这里，{n}辆面包车。{detail}"],
    "zh-hant": ["移民局的人現在就在這裡，{n}輛麵包車。{detail}"],
    "ko": ["지금 여기 ICE 있어요, 차 {n}대. {detail}"],
    "ar": ["ICE هنا الآن، {n} سيارات. {detail}"],
    "ur": ["ICE ابھی یہاں ہے، {n} گاڑیاں۔ {detail}"],
    "bn": ["ICE এখন এখানে, {n}টা গাড়ি। {detail}"],
}
_DETAILS = {
    "en": [
        "They took a man into a van",
        "They are asking people for papers",
        "{color} SUVs with tinted windows",
        "{color} vans parked on the sidewalk",
        "Agents wearing vests that say POLICE",
        "They went into the {site}",
        "Please send someone",
        "",
    ],
    "es": [
        "Se llevaron a un señor",
        "Están pidiendo papeles",
        "Camionetas {color} con vidrios oscuros",
        "Entraron a la {site}",
        "Tienen chalecos que dicen POLICE",
        "Manden a alguien por favor",
        "",
    ],
    "fr": ["Ils ont emmené un homme", "Ils demandent les papiers", "Des fourgons {color} aux vitres teintées", ""],
    "ht": ["Yo pran yon nonm", "Yo mande moun papye", "Kamyonet {color} ak vit fonse", ""],
    "pl": ["Zabrali jakiegoś mężczyznę", "Sprawdzają dokumenty", "Furgonetki {color} z przyciemnianymi szybami", ""],
    "ru": ["Забрали мужчину", "Проверяют документы", "{color} фургоны с тонированными стёклами", ""],
    "zh-hans": ["带走了一个男的", "在查身份证件", "{color}色的车，车窗很黑", ""],
    "zh-hant": ["帶走了一個男人", "在查證件", "{color}色的車，車窗很黑", ""],
    "ko": ["남자 한 명을 데려갔어요", "신분증을 확인하고 있어요", "{color} 밴, 창문이 어두워요", ""],
    "ar": ["أخذوا رجلا", "يطلبون الأوراق", "سيارات {color} بزجاج داكن", ""],
    "ur": ["ایک آدمی کو لے گئے", "کاغذات مانگ رہے ہیں", "{color} وین، کالے شیشے", ""],
    "bn": ["একজন লোককে নিয়ে গেছে", "কাগজপত্র দেখতে চাইছে", "{color} ভ্যান, কালো কাচ", ""],
}
_COLORS = {
    "en": ["black", "white", "gray", "silver", "dark blue"],
    "es": ["negras", "blancas", "grises", "plateadas", "azul oscuro"],
    "fr": ["noirs", "blancs", "gris", "argentés", "bleu foncé"],
    "ht": ["nwa", "blan", "gri", "ajan", "ble fonse"],
    "pl": ["czarne", "białe", "szare", "srebrne", "granatowe"],
    "ru": ["чёрные", "белые", "серые", "серебристые", "тёмно-синие"],
    "zh-hans": ["黑", "白", "灰", "银", "深蓝"],
    "zh-hant": ["黑", "白", "灰", "銀", "深藍"],
    "ko": ["검은색", "흰색", "회색", "은색", "남색"],
    "ar": ["سوداء", "بيضاء", "رمادية", "فضية", "زرقاء"],
    "ur": ["کالی", "سفید", "سرمئی", "چاندی رنگ", "نیلی"],
    "bn": ["কালো", "সাদা", "ধূসর", "রুপালি", "নীল"],
}
_SITES = {"en": ["deli", "laundromat", "car wash", "building", "restaurant"], "es": ["bodega", "lavandería", "tienda"]}

LANGUAGES = {
    "es": 0.33,
    "en": 0.2,
    "zh-hans": 0.08,
    "zh-hant": 0.04,
    "ru": 0.06,
    "bn": 0.05,
    "ht": 0.05,
    "ko": 0.03,
    "ar": 0.04,
    "ur": 0.03,
    "fr": 0.05,
    "pl": 0.04,
}

# How many reports an event draws (weights): most scenes get a few, a big workplace raid dozens.
_REPORT_COUNTS = {1: 16, 2: 15, 3: 14, 4: 12, 5: 10, 6: 8, 7: 6, 8: 5, 10: 4, 12: 3, 15: 3, 20: 2, 30: 1}

# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------


@dataclass
class Event:
    label: int
    place: Place
    start: datetime
    vehicles: int
    color: int
    reports: int
    sibling_of: int | None = None


@dataclass
class Stats:
    reports: int = 0
    events: int = 0
    share_events_sharing_neighborhood: float = 0.0
    share_text_only_place: float = 0.0
    text_only_reports: int = 0
    text_only_resolved_by_gazetteer: int = 0
    gazetteer_used: bool = False
    gazetteer_area_matches_truth: float = 0.0
    areas_source: str = ""
    places_source: str = ""


@dataclass(frozen=True)
class Noise:
    """How hard the set is. Every knob is printed with the benchmark's figures.

    events_per_day: citywide rate of enforcement scenes (a surge; ordinary days see far fewer).
    hot_spot_alpha: Pareto shape of neighborhood weights (smaller: activity more concentrated).
    sibling_share: share of events that get a second event in the same neighborhood, at a corner at
        least sibling_min_m away, starting within sibling_max_minutes of the first.
    text_only_share: share of reports without a point, giving the place in the text.
    vague_share: share of reports with a point whose text names no place at all ("ICE here now").
    gps_sigma_m: usual GPS error (per axis); gps_wide_share of reports get gps_wide_sigma_m instead;
        gps_far_share are from a reporter 300-700 m away (down the avenue, or a stale fix).
    late_share: share of reports sent 1-3 hours after the start (telling what they saw earlier).
    typo_share: share of street names with one typo.
    """

    events_per_day: float = 100.0
    hot_spot_alpha: float = 2.5
    sibling_share: float = 0.15
    sibling_min_m: float = 350.0
    sibling_max_minutes: float = 110.0
    text_only_share: float = 0.27
    vague_share: float = 0.4
    gps_sigma_m: float = 25.0
    gps_wide_share: float = 0.1
    gps_wide_sigma_m: float = 100.0
    gps_far_share: float = 0.03
    late_share: float = 0.1
    typo_share: float = 0.08


def _pick_weighted(rng: random.Random, weights: dict) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _meters(a: Place, b: Place) -> float:
    from vigil.lib.distance import meters_between

    return meters_between(a.lat, a.lon, b.lat, b.lon)


def _gazetteer():
    try:
        from vigil.geo.places import resolve_place_text

        return resolve_place_text
    except Exception:  # noqa: BLE001 - not written yet, or its data is missing
        return None


def _event_time(rng: random.Random, day0: datetime, days: float) -> datetime:
    """A start time: any day of the span, with most operations in the early morning."""
    day = rng.randrange(max(1, int(days)))
    hour = rng.gauss(8.0, 2.5) if rng.random() < 0.7 else rng.uniform(0, 24)
    hour = min(max(hour, 0.0), 23.99)
    return day0 + timedelta(days=day, hours=hour)


def _place_text(
    rng: random.Random, lang: str, event: Event, areas: dict[str, Area], mode: str, typo_share: float
) -> str:
    a, b = event.place.street1, event.place.street2
    if rng.random() < 0.5:
        a, b = b, a
    if mode == "corner":
        return rng.choice(_CORNER[lang]).format(
            a=render_street(rng, lang, a, typo_share), b=render_street(rng, lang, b, typo_share)
        )
    if mode == "street+area":
        return _IN_AREA[lang].format(
            s=render_street(rng, lang, a, typo_share), n=areas[event.place.area].name.split("-")[0]
        )
    return render_street(rng, lang, a, typo_share)


def _compose(rng: random.Random, lang: str, event: Event, place_text: str | None) -> str:
    detail = rng.choice(_DETAILS[lang])
    if "{color}" in detail:
        # Most reporters agree on the vehicles' color; some do not.
        color = event.color if rng.random() < 0.8 else rng.randrange(len(_COLORS[lang]))
        detail = detail.replace("{color}", _COLORS[lang][color])
    if "{site}" in detail:
        detail = detail.replace("{site}", rng.choice(_SITES.get(lang, _SITES["en"])))
    n = max(1, event.vehicles + (rng.choice([-1, 1]) if rng.random() < 0.3 else 0))
    template = rng.choice(_WITH_PLACE[lang] if place_text else _NO_PLACE[lang])
    text = template.format(place=place_text or "", n=digits(rng, lang, n), detail=detail).strip()
    if lang in ("en", "es") and rng.random() < 0.3:
        text = text.lower()
    return text


def generate(
    n_reports: int = 5000,
    seed: int = SEED,
    *,
    noise: Noise = Noise(),
    use_gazetteer: bool = True,
    index: AreaIndex | None = None,
) -> tuple[list[tuple[ReportFeatures, int]], Stats]:
    """Generate about `n_reports` labeled reports, sorted by time; deterministic for a seed.

    Steps:
    1. Load the corners and give each NTA a hot-spot weight (a few neighborhoods draw most activity).
    2. Draw events until the reports they draw reach `n_reports`; some events get a sibling in the same
       neighborhood, at least 350 m away, starting within two hours of it.
    3. For each event draw its reports: language, time after the start, point with GPS noise (or no point
       and the place in the text), the text from the templates.
    4. Resolve areas: the noisy point's NTA, or for text-only reports the gazetteer's answer; and for
       every report the point of the named place its text gives (a corner, a station, a landmark).
    5. Sort by time, number the reports, measure the two shares the benchmark relies on.
    """
    rng = random.Random(seed)
    index = index or AreaIndex()
    places, places_source = load_places(index)
    by_area: dict[str, list[Place]] = defaultdict(list)
    for p in places:
        by_area[p.area].append(p)
    area_codes = sorted(a for a, ps in by_area.items() if len(ps) >= 8)
    hot = {a: rng.paretovariate(noise.hot_spot_alpha) for a in area_codes}

    mean_reports = sum(k * w for k, w in _REPORT_COUNTS.items()) / sum(_REPORT_COUNTS.values())
    n_events_target = max(1, round(n_reports / mean_reports))
    days = max(1.0, n_events_target / noise.events_per_day)
    day0 = datetime(2026, 3, 2, tzinfo=UTC)

    events: list[Event] = []
    planned = 0
    while planned < n_reports:
        area = _pick_weighted(rng, hot)
        place = rng.choice(by_area[area])
        count = _pick_weighted(rng, _REPORT_COUNTS)
        ev = Event(len(events), place, _event_time(rng, day0, days), rng.randint(2, 6), rng.randrange(5), count)
        events.append(ev)
        planned += count
        if rng.random() < noise.sibling_share:
            # A second team in the same neighborhood: a different corner, within two hours.
            far_enough = [p for p in by_area[area] if _meters(p, place) >= noise.sibling_min_m]
            if far_enough:
                other = rng.choice(far_enough)
                offset = rng.uniform(-noise.sibling_max_minutes, noise.sibling_max_minutes)
                start = ev.start + timedelta(minutes=offset)
                count = _pick_weighted(rng, _REPORT_COUNTS)
                events.append(Event(len(events), other, start, rng.randint(2, 6), rng.randrange(5), count, ev.label))
                planned += count

    gazetteer = _gazetteer() if use_gazetteer else None
    drafts = []  # (at, lat, lon, text, lang, label, true_area, text_only)
    for ev in events:
        for k in range(ev.reports):
            lang = _pick_weighted(rng, LANGUAGES)
            if k == 0:
                delay = rng.expovariate(1 / 6)
            elif rng.random() < noise.late_share:
                delay = rng.uniform(60, 170)  # someone reporting what they saw a while ago
            else:
                delay = min(rng.expovariate(1 / 30), 150)
            at = ev.start + timedelta(minutes=delay)
            text_only = rng.random() < noise.text_only_share
            if text_only:
                mode = "corner" if rng.random() < 0.75 else "street+area"
                text = _compose(rng, lang, ev, _place_text(rng, lang, ev, index.areas, mode, noise.typo_share))
                drafts.append((at, None, None, text, lang, ev.label, ev.place.area, True))
                continue
            # GPS: mostly tens of meters, sometimes a block or two, rarely a reporter far down the street.
            u = rng.random()
            if u < noise.gps_far_share:
                sigma = None
            elif u < noise.gps_far_share + noise.gps_wide_share:
                sigma = noise.gps_wide_sigma_m
            else:
                sigma = noise.gps_sigma_m
            if sigma is None:
                dist, bearing = rng.uniform(300, 700), rng.uniform(0, 2 * math.pi)
                dy, dx = dist * math.cos(bearing), dist * math.sin(bearing)
            else:
                dy, dx = rng.gauss(0, sigma), rng.gauss(0, sigma)
            lat = ev.place.lat + dy / 111_195.0
            lon = ev.place.lon + dx / (111_195.0 * math.cos(math.radians(ev.place.lat)))
            r = rng.random()
            named = 1.0 - noise.vague_share
            mode = "corner" if r < named * 0.73 else "street" if r < named else None
            place_text = _place_text(rng, lang, ev, index.areas, mode, noise.typo_share) if mode else None
            drafts.append((at, lat, lon, _compose(rng, lang, ev, place_text), lang, ev.label, ev.place.area, False))

    point_idx = [i for i, d in enumerate(drafts) if d[1] is not None]
    located = index.locate_many([drafts[i][1] for i in point_idx], [drafts[i][2] for i in point_idx])
    area_of: dict[int, str | None] = dict(zip(point_idx, located, strict=True))
    resolved = 0
    agree = 0
    places_of: dict[int, tuple[tuple[float, float], ...]] = {}
    for i, d in enumerate(drafts):
        match = None
        if gazetteer is not None:
            try:
                match = gazetteer(d[3], d[4])
            except Exception:  # noqa: BLE001 - a gazetteer bug must not stop the benchmark
                match = None
        # The named place the text resolves to, when it has a point (a corner, a station, a landmark), as
        # the database layer gives it to grouping for the named-place rule.
        if match is not None and match.lat is not None and match.kind != "neighborhood":
            places_of[i] = ((match.lat, match.lon),)
        if d[1] is None:
            area = None
            if gazetteer is not None:
                area = getattr(match, "area", None) if match else None
                if area:
                    resolved += 1
                    agree += area == d[6]
            area_of[i] = area or d[6]

    drafts_sorted = sorted(range(len(drafts)), key=lambda i: (drafts[i][0], i))
    items: list[tuple[ReportFeatures, int]] = []
    for n, i in enumerate(drafts_sorted):
        at, lat, lon, text, _lang, label, _true, _text_only = drafts[i]
        area = area_of[i]
        borough = index.areas[area].borough if area in index.areas else None
        report = ReportFeatures(f"r{n:07d}", at, lat, lon, area, borough, text, places=places_of.get(i, ()))
        items.append((report, label))

    stats = Stats(reports=len(items), events=len(events), areas_source=index.source, places_source=places_source)
    stats.share_events_sharing_neighborhood = share_sharing_neighborhood(events)
    text_only = sum(1 for d in drafts if d[7])
    stats.text_only_reports = text_only
    stats.share_text_only_place = text_only / len(drafts) if drafts else 0.0
    stats.gazetteer_used = gazetteer is not None
    stats.text_only_resolved_by_gazetteer = resolved
    stats.gazetteer_area_matches_truth = agree / resolved if resolved else 0.0
    return items, stats


def share_sharing_neighborhood(events: list[Event], within: timedelta = timedelta(hours=2)) -> float:
    """Share of events with another event in the same NTA starting within `within` of theirs."""
    starts: dict[str, list[datetime]] = defaultdict(list)
    for ev in events:
        starts[ev.place.area].append(ev.start)
    for values in starts.values():
        values.sort()
    sharing = 0
    for ev in events:
        values = starts[ev.place.area]
        lo = bisect.bisect_left(values, ev.start - within)
        hi = bisect.bisect_right(values, ev.start + within)
        sharing += (hi - lo) > 1  # itself is always there
    return sharing / len(events) if events else 0.0


if __name__ == "__main__":
    items, stats = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    for report, label in items[:25]:
        where = f"{report.lat:.5f},{report.lon:.5f}" if report.lat is not None else "text only"
        print(f"{label:5d} {report.at:%m-%d %H:%M} {report.area} {where:22s} {report.text}")
    print(stats)
