"""The gazetteer: find the place named in free text and resolve it to an area and, where possible, a point.

"ICE agents at Roosevelt y la 74 now, 3 vans" -> the corner of Roosevelt Ave and 74 St, in the Jackson
Heights NTA. Places are street corners ("149th and 3rd", "缅街和罗斯福大道"), subway stations ("la
estación de la 74"), landmarks ("26 Federal Plaza", "la corte de inmigración"), schools ("PS 19"),
neighborhoods in any of the city's languages ("Alto Manhattan", "法拉盛", "Брайтон-Бич") and, as a last
resort, a street on its own.

Data is read only from the committed jurisdiction pack: ``<JURISDICTION_DIR>/places/`` (written by
``manage.py import_places``, NTA codes already attached) and ``<JURISDICTION_DIR>/aliases/`` (written by
hand), plus the borough and district of each NTA from ``areas/areas.csv``. It is loaded once per
process, on first use (about a second), into dictionaries keyed by normalised words and street ids, so
a lookup is a few hundred dictionary probes (about 0.2 ms). No geometry is needed at run time.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from vigil.geo import streets as st
from vigil.geo.streets import BOUNDARY, CONNECTORS, KIND_OF, PREFIX_KIND_WORDS, Street
from vigil.lib.distance import meters_between
from vigil.lib.once import BuiltOnce

KINDS = ("intersection", "station", "school", "landmark", "neighborhood", "street")
# When two readings are equally confident, the more precise kind wins.
_PRECISION = {"intersection": 6, "station": 5, "landmark": 4, "school": 3, "neighborhood": 2, "street": 1}
# Below this a reading is a guess we would rather not make (a "PS 19" in one of five boroughs).
MIN_CONFIDENCE = 0.3
# Street spans are at most this many words ("Adam Clayton Powell Jr Blvd" is five).
MAX_SPAN = 6
SPAN_MEMO_LIMIT = 50_000  # runs of words remembered with the streets they may name
# Readings of the same kind closer than this are one place for the ambiguity count.
SAME_PLACE_M = 300.0


@dataclass(frozen=True)
class PlaceMatch:
    kind: str  # "intersection" | "station" | "school" | "landmark" | "neighborhood" | "street"
    name: str
    lat: float | None
    lon: float | None
    area: str | None  # NTA code
    confidence: float


# ---------------------------------------------------------------------------------------------------
# Where the data lives
# ---------------------------------------------------------------------------------------------------


def jurisdiction_dir() -> Path:
    """``settings.JURISDICTION_DIR`` when Django is configured, else the NYC pack beside this checkout
    (so the pure tests and the benchmark run without settings)."""
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "JURISDICTION_DIR", None):
            return Path(settings.JURISDICTION_DIR)
    except ImportError:
        pass
    return Path(__file__).resolve().parents[2] / "jurisdictions" / "nyc"


# ---------------------------------------------------------------------------------------------------
# Script helpers
# ---------------------------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Characters that join two streets in Chinese, and the station suffixes, each made a word of its own.
_HAN_CONNECTORS = frozenset("和与與跟及同")
_HAN_STATIONS = ("地铁站", "地鐵站", "车站", "車站", "站")
# A suffix cut off an inflected word that still means something: Korean "and" particles and "station".
_MEANINGFUL_SUFFIX = {"와": "and", "과": "and", "하고": "and", "랑": "and", "역": "역", "역에서": "역"}

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
SCHOOL_WORDS = frozenset(
    st.spellings(
        "school escuela école lekòl szkoła szkole",
        "школа школе 学校 學校 학교 مدرسة اسکول স্কুল স্কুলে",
    )
)
_SCHOOL_PREFIXES = {"ps": "PS", "is": "IS", "ms": "MS", "jhs": "IS", "hs": "HS", "pis": "PS"}
_SCHOOL_NAME = re.compile(
    r"^\s*((?:P\.?\s?S\.?|I\.?\s?S\.?|M\.?\s?S\.?|J\.?\s?H\.?\s?S\.?|H\.?\s?S\.?)(?:\s*/\s*(?:I\.?S\.?|M\.?S\.?))?)\s*(\d{1,3})\b",
    re.I,
)
_POLISH_ENDINGS = ("iem", "em", "ie", "a", "u", "y")
_SCHOOLISH = frozenset(("school", "academy", "high", "institute", "prep", "preparatory", "college", "collegiate"))


_NON_LATIN = re.compile(r"[^\x00-\u024f]")


def _is_latin(token: str) -> bool:
    return token.isascii() or not _NON_LATIN.search(token)


def _school_prefix(raw: str) -> set[str]:
    letters = re.sub(r"[^a-z/]", "", raw.lower())
    out = set()
    for part in letters.split("/"):
        if part in _SCHOOL_PREFIXES:
            out.add(_SCHOOL_PREFIXES[part])
    return out


# ---------------------------------------------------------------------------------------------------
# Loaded data
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Station:
    names: tuple[str, ...]
    lat: float
    lon: float
    nta: str
    parts: tuple[Street, ...]


@dataclass(frozen=True)
class _Point:
    name: str
    lat: float
    lon: float
    nta: str


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    kind: str  # "nbhd" | "borough" | "landmark" | "poi" | "school" | "station"
    refs: tuple
    words: int


@dataclass
class _Candidate:
    kind: str
    name: str
    lat: float | None
    lon: float | None
    area: str | None
    score: float


def _read_tsv(path: Path) -> list[list[str]]:
    """Rows of a TSV file without its header; lines starting with "#" are comments."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        lines = [line.rstrip("\n") for line in fh if line.strip() and not line.startswith("#")]
    return [line.split("\t") for line in lines[1:]]


def _lengths_by_first_word(table: dict[str, object]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = defaultdict(set)
    for key in table:
        words = key.split()
        lengths[words[0]].add(len(words))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


def _area_parents(path: Path) -> dict[str, tuple[str, str]]:
    """NTA code -> (borough, community district) from the committed areas table, if there is one."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["code"]: (row["borough"], row["cd"]) for row in csv.DictReader(fh) if row.get("kind") == "nta"}


class _Gazetteer:
    """Everything the lookups need, built once from the committed files; read-only afterwards, but for
    a bounded memo of the streets that runs of words may name."""

    def __init__(self, root: Path):
        """Load the pack.

        1. Streets (id -> Street, core -> ids) and both intersection files (street-id pair -> corners).
        2. Stations (full names as phrases, each name part as a street), schools (by "PS 19" key and by
           full name), landmarks from the city's points of interest (by full name).
        3. Hand-written aliases: neighborhoods, boroughs, landmarks, streets in other scripts or names.
        4. The phrase table (words -> what they name), keyed through the same splitting as report text,
           after every Chinese phrase is known; a neighborhood or landmark phrase shadows a school or
           point of interest with the same words.
        5. Lengths of the longest phrases, and the vocabulary of non-Latin words used to undo
           inflection ("Бруклине" -> "бруклин").
        """
        self._span_memo: dict[tuple[str, ...], tuple] = {}
        places = root / "places"
        aliases = root / "aliases"
        self.phrases: dict[str, list[tuple[str, object]]] = defaultdict(list)
        self._pending: list[tuple[str, str, object, list[str] | None]] = []
        self.han: dict[str, str] = {}
        self.street_phrases: dict[str, list[str]] = {}
        self.equivalent: dict[str, set[str]] = defaultdict(set)
        self.nta_names: dict[str, str] = {}
        self.max_han = 1

        # 1. Streets and corners.
        self.streets: list[Street] = []
        self.by_core: dict[str, list[int]] = defaultdict(list)
        self.by_key: dict[str, list[int]] = defaultdict(list)
        for row in _read_tsv(places / "streets.tsv"):
            sid = len(self.streets)
            street = Street(core=row[2], kind=row[3] or None, direction=row[1] or None)
            self.streets.append(street)
            self.by_core[street.core].append(sid)
            self.by_key[street.key].append(sid)
        self.corners: dict[tuple[int, int], list[tuple[float, float, str, bool]]] = defaultdict(list)
        self.street_ntas: dict[int, Counter] = defaultdict(Counter)
        for fname in ("intersections.tsv", "intersections_osm.tsv"):
            for a, b, lat, lon, nta, flag in _read_tsv(places / fname):
                ia, ib = int(a), int(b)
                self.corners[(ia, ib)].append((float(lat), float(lon), nta, flag == "1"))
                self.street_ntas[ia][nta] += 1
                self.street_ntas[ib][nta] += 1

        # 2. Stations, schools, points of interest.
        self.stations: list[_Station] = []
        self.station_parts: dict[str, list[tuple[int, Street]]] = defaultdict(list)
        for _ident, names, lat, lon, nta, _routes in _read_tsv(places / "stations.tsv"):
            idx = len(self.stations)
            parts: list[Street] = []
            for name in names.split("|"):
                name_parts = name.split("-")
                for part in name_parts:
                    street = st.parse_street(part, edges=False)
                    if street and street not in parts:
                        parts.append(street)
                # A two-part name ("74 St-Broadway") is specific enough on its own; "14 St" is not.
                self._add_phrase(name, "station", (idx, len(name_parts) >= 2))
            self.stations.append(_Station(tuple(names.split("|")), float(lat), float(lon), nta, tuple(parts)))
            for street in parts:
                self.station_parts[street.core].append((idx, street))
        self.schools: list[_Point] = []
        self.school_numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
        for _code, name, lat, lon, nta in _read_tsv(places / "schools.tsv"):
            idx = len(self.schools)
            self.schools.append(_Point(name, float(lat), float(lon), nta))
            m = _SCHOOL_NAME.match(name)
            if m:
                for prefix in _school_prefix(m.group(1)):
                    self.school_numbers[(prefix, int(m.group(2)))].append(idx)
                # "P.S. 069 Jackson Heights": the name after the number is often just the place, so
                # it is a phrase only when it says it is a school ("Newcomers High School").
                rest = st.words(name[m.end() :])
                if len(rest) >= 2 and _SCHOOLISH.intersection(rest):
                    self._add_phrase(" ".join(rest), "school", idx, rest)
            elif len(st.words(name)) >= 2:
                self._add_phrase(name, "school", idx)
        self.pois: list[_Point] = []
        for name, _ftype, lat, lon, nta in _read_tsv(places / "landmarks.tsv"):
            words = st.words(name)
            if len(words) < 2 or BOUNDARY in words:
                continue
            # A point of interest named exactly like a street ("ROOSEVELT AVENUE") is the street.
            if words[-1] in KIND_OF and f"{' '.join(words[:-1]).upper()} {KIND_OF[words[-1]]}" in self.by_key:
                continue
            idx = len(self.pois)
            self.pois.append(_Point(name, float(lat), float(lon), nta))
            self._add_phrase(name, "poi", idx, words)

        # The borough and community district of each NTA, from the areas table (no geometry).
        self.parents = _area_parents(root / "areas" / "areas.csv")

        # 3. Hand-written aliases.
        for nta, lang, alias in _read_tsv(aliases / "neighborhoods.tsv"):
            if lang == "name":
                self.nta_names[nta] = alias
            else:
                self._add_phrase(alias, "nbhd", nta)
        for borough, _lang, alias in _read_tsv(aliases / "boroughs.tsv"):
            self._add_phrase(alias, "borough", borough)
        self.landmarks: list[_Point] = []
        lm_path = aliases / "landmarks.json"
        if lm_path.exists():
            for item in json.loads(lm_path.read_text(encoding="utf-8"))["landmarks"]:
                idx = len(self.landmarks)
                self.landmarks.append(_Point(item["name"], float(item["lat"]), float(item["lon"]), item["nta"]))
                for names in item["aliases"].values():
                    for alias in names:
                        self._add_phrase(alias, "landmark", idx)
        for canonical, _lang, alias in _read_tsv(aliases / "streets.tsv"):
            self._add_street_alias(canonical, alias)

        # 4. Phrase keys go through the same splitting as report text, so every Chinese run of a phrase
        #    must be known before any key is made.
        for text, _kind, _ref, _words in self._pending:
            if not text.isascii():
                for run in _HAN.findall(st.fold(text)):
                    if len(run) >= 2:
                        self.han.setdefault(run, run)
        self.max_han = max((len(k) for k in self.han), default=1)
        for text, kind, ref, words in self._pending:
            if words is None or not text.isascii():
                words = st.words(self._split_han(st.fold(text)))
            key = " ".join(w for w in words if w != BOUNDARY)
            if key and (kind, ref) not in self.phrases[key]:
                self.phrases[key].append((kind, ref))
        del self._pending
        # A phrase that names a neighborhood, borough or hand-listed landmark means that, not a school
        # or point of interest that happens to carry the same words.
        for entries in self.phrases.values():
            if any(kind in ("nbhd", "borough", "landmark") for kind, _ in entries):
                entries[:] = [(kind, ref) for kind, ref in entries if kind not in ("poi", "school")]

        # 5. Derived tables: for each first word, the lengths (in words) of the phrases it starts,
        #    longest first, so a scan probes only lengths that exist.
        self.phrase_lengths = _lengths_by_first_word(self.phrases)
        self.street_phrase_lengths = _lengths_by_first_word(self.street_phrases)
        self.vocab = {w for k in (*self.phrases, *self.street_phrases) for w in k.split() if not _is_latin(w)}
        self.latin_cores = {w.lower() for core in self.by_core for w in core.split() if w.isalpha()}
        # Any word that can end a street mention: a word of a name, a kind, a direction, an edge word.
        self.street_words = (
            {w.lower() for core in self.by_core for w in core.split()}
            | set(KIND_OF)
            | set(st.DIRECTION_OF)
            | set(st.EDGE_WORDS)
        )

    # -- building ---------------------------------------------------------------------------------

    def _add_phrase(self, text: str, kind: str, ref: object, words: list[str] | None = None) -> None:
        """Queue a phrase; ``words`` may be given when the text is plain ASCII and already split."""
        self._pending.append((text, kind, ref, words))

    def _add_street_alias(self, canonical: str, alias: str) -> None:
        target = st.parse_street(canonical, edges=False)
        if target is None:
            return
        folded = st.fold(alias)
        if _HAN.search(folded):
            self.han[folded.replace(" ", "")] = target.key.lower()
            self.max_han = max(self.max_han, len(folded))
            return
        words = [w for w in st.words(alias) if w != BOUNDARY]
        if all(_is_latin(w) for w in words):
            # Another name for a street the data also knows: look both up.
            other = st.parse_street(words)
            if other and other.key != target.key:
                self.equivalent[other.key].add(target.key)
                self.equivalent[target.key].add(other.key)
            return
        self.street_phrases[" ".join(words)] = target.key.lower().split()

    # -- text -------------------------------------------------------------------------------------

    def _split_han(self, folded: str) -> str:
        """Put spaces around known Chinese phrases, joining characters and station suffixes.

        Greedy longest match left to right; a street alias becomes its canonical Latin words
        ("缅街" -> "main st"), any other phrase stays as one word for the phrase table.
        """

        def run(m: re.Match) -> str:
            text = m.group(0)
            out: list[str] = []
            i = 0
            while i < len(text):
                for length in range(min(self.max_han, len(text) - i), 1, -1):
                    hit = self.han.get(text[i : i + length])
                    if hit is not None:
                        out.append(f" {hit} ")
                        i += length
                        break
                else:
                    for suffix in _HAN_STATIONS:
                        if text.startswith(suffix, i):
                            out.append(" station ")
                            i += len(suffix)
                            break
                    else:
                        ch = text[i]
                        out.append(f" {ch} " if ch in _HAN_CONNECTORS else ch)
                        i += 1
            return "".join(out)

        return _HAN.sub(run, folded)

    def _normalise_word(self, tok: str, language: str | None) -> list[str]:
        """Undo inflection and fused particles on one word so it meets the phrase tables."""
        if tok in self.vocab or tok == BOUNDARY or tok.isdigit():
            return [tok]
        if not _is_latin(tok):
            if tok.startswith("و") and len(tok) > 3 and tok[1:] in self.vocab:
                return ["و", tok[1:]]  # Arabic "and" written onto the next word
            for cut in (1, 2, 3):
                stem, suffix = tok[:-cut], tok[-cut:]
                if len(stem) >= 2 and stem in self.vocab:
                    extra = _MEANINGFUL_SUFFIX.get(suffix)
                    return [stem, extra] if extra else [stem]
            return [tok]
        if language in (None, "pl") and tok.isalpha() and tok not in self.latin_cores:
            # "Roosevelta", "Brooklynie": Polish cases on an English name.
            for ending in _POLISH_ENDINGS:
                stem = tok[: -len(ending)]
                if tok.endswith(ending) and len(stem) >= 4 and stem in self.latin_cores:
                    return [stem]
        return [tok]

    def tokens(self, text: str, language: str | None = None) -> list[str]:
        """Words of a report, ready for matching.

        1. Fold; split unspaced Chinese around known phrases and joining characters.
        2. :func:`streets.words` (numbers, kinds, breaks in every script).
        3. Undo inflection on non-Latin words; replace street names written in other scripts with
           their canonical words ("루스벨트 애비뉴" -> "roosevelt ave").
        """
        words = st.words(self._split_han(st.fold(text)))
        flat: list[str] = []
        for tok in words:
            flat.extend(self._normalise_word(tok, language))
        out: list[str] = []
        i = 0
        n = len(flat)
        while i < n:
            for length in self.street_phrase_lengths.get(flat[i], ()):
                if i + length > n:
                    continue
                repl = self.street_phrases.get(" ".join(flat[i : i + length]))
                if repl is not None:
                    out.extend(repl)
                    i += length
                    break
            else:
                out.append(flat[i])
                i += 1
        return out

    def mentions(self, toks: list[str]) -> list[_Mention]:
        """Every phrase-table hit, longest first at each start; a neighborhood or borough name used as
        part of a street name ("Flatbush Ave", "Avenida Queens") is not a mention of the place."""
        found = []
        n = len(toks)
        for i in range(n):
            if toks[i] == BOUNDARY:
                continue
            for length in self.phrase_lengths.get(toks[i], ()):
                span = toks[i : i + length]
                if length > n - i or BOUNDARY in span:
                    continue
                entries = self.phrases.get(" ".join(span))
                if not entries:
                    continue
                in_street = (i + length < n and toks[i + length] in KIND_OF) or (
                    i > 0 and toks[i - 1] in PREFIX_KIND_WORDS
                )
                by_kind: dict[str, list] = defaultdict(list)
                for kind, ref in entries:
                    if in_street and kind in ("nbhd", "borough"):
                        continue
                    by_kind[kind].append(ref)
                for kind, refs in by_kind.items():
                    found.append(_Mention(i, i + length, kind, tuple(refs), length))
                if by_kind:
                    break
        # "broadway" inside "74 st broadway" is part of the longer name, not a place of its own.
        return [m for m in found if not any(o.start <= m.start and m.end <= o.end and o.words > m.words for o in found)]

    # -- streets ----------------------------------------------------------------------------------

    def street_candidates(self, query: Street) -> dict[int, float]:
        """Street ids that ``query`` may mean, with how well each fits."""
        out: dict[int, float] = {}
        for sid in self.by_core.get(query.core, ()):
            out[sid] = st.street_score(query, self.streets[sid])
        for key in self.equivalent.get(query.key, ()):
            for sid in self.by_key.get(key, ()):
                out[sid] = max(out.get(sid, 0.0), 0.95)
        return out

    def span_queries(
        self, toks: list[str], connector: int, step: int
    ) -> list[tuple[Street, int, int, dict[int, float]]]:
        """Streets that the words on one side of a joining word may name: (query, start, end, ids)."""
        out: list[tuple[Street, int, int, dict[int, float]]] = []
        near = connector + step
        if not 0 <= near < len(toks) or not (toks[near].isdigit() or toks[near] in self.street_words):
            # The word next to "and" stays in any street read from this side ("my son and ..."), and
            # no street has it: nothing to parse.
            return out
        seen: set[Street] = set()
        for length in range(1, MAX_SPAN + 1):
            if step < 0:
                start, end = connector - length, connector
            else:
                start, end = connector + 1, connector + 1 + length
            if start < 0 or end > len(toks):
                break
            span = toks[start:end]
            edge = span[0] if step < 0 else span[-1]
            if edge == BOUNDARY or (edge in CONNECTORS and length > 1 and not edge.isdigit()):
                break
            for query, ids in self._span_streets(tuple(span)):
                if query in seen:
                    continue
                seen.add(query)
                if ids:
                    out.append((query, start, end, ids))
        return out

    def _span_streets(self, span: tuple[str, ...]) -> tuple[tuple[Street, dict[int, float]], ...]:
        """The streets a run of words may name, read as a person wrote it and as a data file would:
        remembered per run of words, since the reports of one scene name the same corners again and
        again (parsing was most of the cost of reading a place). The maps returned are shared: read only."""
        found = self._span_memo.get(span)
        if found is None:
            parsed = []
            for edges in (True, False):
                query = st.parse_street(list(span), edges=edges)
                if query is not None and all(query != q for q, _ids in parsed):
                    parsed.append((query, self.street_candidates(query)))
            if len(self._span_memo) >= SPAN_MEMO_LIMIT:
                self._span_memo.clear()
            found = self._span_memo[span] = tuple(parsed)
        return found


_loaded: BuiltOnce[_Gazetteer] = BuiltOnce(lambda: _Gazetteer(jurisdiction_dir()))


def _gazetteer() -> _Gazetteer:
    return _loaded.get()


def reset_cache() -> None:
    """Forget the loaded copy (after ``import_places`` rewrote it, or in tests)."""
    _loaded.reset()


# ---------------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    boroughs: set[str]
    ntas: set[str]
    borough_spans: list[tuple[int, int, str]]
    parents: dict[str, tuple[str, str]]

    def borough(self, nta: str) -> str:
        return self.parents.get(nta, (nta[:2], ""))[0]

    def district(self, nta: str) -> str:
        return self.parents.get(nta, ("", nta[:4]))[1]

    def factor(self, nta: str | None, span: tuple[int, int] | None = None) -> float:
        """How much the rest of the text supports a place in ``nta``: a borough or neighborhood named
        elsewhere in the report (not inside the street name itself, "Queens Blvd")."""
        if not nta:
            return 1.0
        boroughs = {b for s, e, b in self.borough_spans if span is None or e <= span[0] or s >= span[1]}
        value = 1.0
        if boroughs:
            value *= 1.3 if self.borough(nta) in boroughs else 0.4
        if self.ntas:
            if nta in self.ntas:
                value *= 1.3
            elif self.agrees(nta):
                value *= 1.15
            elif self.borough(nta) not in {self.borough(n) for n in self.ntas}:
                value *= 0.4
        return value

    def agrees(self, nta: str | None) -> bool:
        """True when ``nta`` is a named neighborhood or in the same community district as one."""
        return bool(nta) and any(self.district(nta) == self.district(n) for n in self.ntas)


def _dominance(scored: list[tuple[float, float, float]]) -> float:
    """Share of the best reading among distinct places: 1.0 when it is the only one.

    ``scored`` is [(score, lat, lon)], best first; readings within SAME_PLACE_M of a better one are
    the same place and do not count against it.
    """
    kept: list[tuple[float, float, float]] = []
    for score, lat, lon in scored:
        if all(meters_between(lat, lon, k[1], k[2]) > SAME_PLACE_M for k in kept):
            kept.append((score, lat, lon))
    total = sum(k[0] for k in kept)
    return kept[0][0] / total if total else 0.0


def _intersections(g: _Gazetteer, toks: list[str], ctx: _Context) -> list[_Candidate]:
    """Corners named as "A <joining word> B".

    1. At every joining word, read candidate streets from the words on each side (1-6 words, not
       across a comma or another joining word).
    2. Look up every pair of candidate street ids in the corner table.
    3. Score: fit of each street x near a station (where people say they are) x what the rest of the
       text says about borough or neighborhood.
    4. The best corner's confidence falls with the number of other places the words could mean.
    """
    scored: list[tuple[float, float, float, str, str]] = []
    for c, tok in enumerate(toks):
        if tok not in CONNECTORS:
            continue
        lefts = g.span_queries(toks, c, -1)
        if not lefts:
            continue
        rights = g.span_queries(toks, c, +1)
        for qa, sa, _ea, ids_a in lefts:
            for qb, _sb, eb, ids_b in rights:
                if qa.core == qb.core and qa.kind == qb.kind:
                    continue
                for ia, fa in ids_a.items():
                    for ib, fb in ids_b.items():
                        if ia == ib:
                            continue
                        for lat, lon, nta, near_station in g.corners.get((min(ia, ib), max(ia, ib)), ()):
                            score = fa * fb * (1.12 if near_station else 1.0)
                            score *= ctx.factor(nta, (sa, eb))
                            name = f"{g.streets[ia].display()} & {g.streets[ib].display()}"
                            scored.append((score, lat, lon, nta, name))
    if not scored:
        return []
    scored.sort(key=lambda r: (-r[0], r[1], r[2]))
    best = scored[0]
    dominance = _dominance([(s[0], s[1], s[2]) for s in scored])
    confidence = min(0.97, best[0]) * (0.4 + 0.6 * dominance)
    return [_Candidate("intersection", best[4], best[1], best[2], best[3], confidence)]


def _stations(g: _Gazetteer, toks: list[str], mentions: list[_Mention], ctx: _Context) -> list[_Candidate]:
    """Stations named in full ("74 St-Broadway") or by a street next to a word for station."""
    scored: dict[int, float] = {}
    marks = [i for i, t in enumerate(toks) if t in STATION_WORDS]
    for m in mentions:
        if m.kind != "station":
            continue
        for idx, specific in m.refs:
            near_word = any(m.start - 3 <= w <= m.end + 2 for w in marks)
            if near_word or specific:
                scored[idx] = max(scored.get(idx, 0.0), 1.0 if near_word else 0.85)
    if scored:
        # A station named in full needs no guessing from the streets around the word "station".
        marks = []
    for w in marks:
        for c, step in ((w, -1), (w, +1)):
            for query, _s, _e, _ids in g.span_queries(toks, c, step):
                for idx, part in g.station_parts.get(query.core, ()):
                    fit = st.street_score(query, part) * 0.95
                    scored[idx] = max(scored.get(idx, 0.0), fit)
    if not scored:
        return []
    ranked = sorted(
        ((score * ctx.factor(g.stations[idx].nta), idx) for idx, score in scored.items()), key=lambda r: (-r[0], r[1])
    )
    best_score, best = ranked[0]
    station = g.stations[best]
    dominance = _dominance([(s, g.stations[i].lat, g.stations[i].lon) for s, i in ranked])
    confidence = min(0.95, best_score * 0.95) * (0.4 + 0.6 * dominance)
    return [_Candidate("station", station.names[0], station.lat, station.lon, station.nta, confidence)]


def _named_points(g: _Gazetteer, mentions: list[_Mention], ctx: _Context) -> list[_Candidate]:
    """Landmarks (hand-written aliases first, then the city's points of interest) and schools by name."""
    out = []
    for m in mentions:
        if m.kind == "landmark":
            table, kind, base = g.landmarks, "landmark", 0.93 if m.words > 1 else 0.8
        elif m.kind == "poi":
            table, kind, base = g.pois, "landmark", 0.6 + 0.05 * min(m.words, 4)
        elif m.kind == "school":
            table, kind, base = g.schools, "school", 0.6 + 0.05 * min(m.words, 4)
        else:
            continue
        ranked = sorted(((ctx.factor(table[i].nta) * base, i) for i in m.refs), key=lambda r: (-r[0], r[1]))
        score, idx = ranked[0]
        point = table[idx]
        dominance = _dominance([(s, table[i].lat, table[i].lon) for s, i in ranked])
        # The city's point-of-interest names are upper case; hand-written and school names are not.
        name = point.name.title() if m.kind == "poi" else point.name
        out.append(_Candidate(kind, name, point.lat, point.lon, point.nta, min(0.96, score) * dominance))
    return out


def _school_numbers(g: _Gazetteer, toks: list[str], raw: str, ctx: _Context) -> list[_Candidate]:
    """Schools by number: "PS 19", "P.S. 19", "I.S. 61", "public school 19", "escuela PS 19".

    Numbers repeat in every borough, so without a borough or neighborhood in the text the reading
    stays unconfident (and falls under MIN_CONFIDENCE).
    """
    out = []
    has_school_word = any(t in SCHOOL_WORDS for t in toks)
    # "is" is an English word; only trust it when the writer wrote "I.S."/"IS" or named a school.
    upper_is = bool(re.search(r"\bI\.?\s?S\.?\s*#?\s*\d", raw))
    for i, tok in enumerate(toks[:-1]):
        prefix, number_at = None, i + 1
        if tok in _SCHOOL_PREFIXES:
            prefix = _SCHOOL_PREFIXES[tok]
        elif tok == "p" and toks[i + 1] == "s" and i + 2 < len(toks):
            prefix, number_at = "PS", i + 2
        elif tok == "public" and toks[i + 1] == "school" and i + 2 < len(toks):
            prefix, number_at = "PS", i + 2
        if prefix is None or not toks[number_at].isdigit():
            continue
        if tok == "is" and not (upper_is or has_school_word):
            continue
        number = int(toks[number_at])
        refs = list(g.school_numbers.get((prefix, number), ()))
        if prefix == "IS":
            refs += [r for r in g.school_numbers.get(("MS", number), ()) if r not in refs]
        if not refs:
            continue
        ranked = sorted(((ctx.factor(g.schools[r].nta), r) for r in refs), key=lambda x: (-x[0], x[1]))
        score, idx = ranked[0]
        school = g.schools[idx]
        dominance = _dominance([(s, g.schools[r].lat, g.schools[r].lon) for s, r in ranked])
        out.append(
            _Candidate("school", school.name, school.lat, school.lon, school.nta, min(0.9, 0.85 * score) * dominance)
        )
    return out


def _neighborhoods(g: _Gazetteer, toks: list[str], mentions: list[_Mention], ctx: _Context) -> list[_Candidate]:
    """A neighborhood by any of its names; with several NTAs for one name, the one in a borough the text
    names, else the first listed."""
    out = []
    for m in mentions:
        if m.kind != "nbhd":
            continue
        refs = list(m.refs)
        in_borough = [r for r in refs if ctx.borough(r) in ctx.boroughs]
        nta = (in_borough or refs)[0]
        # A two- or three-letter alias ("jh", "lic") is easier to hit by accident.
        written = "".join(toks[m.start : m.end])
        base = 0.65 if len(written) > 3 or not written.isascii() else 0.55
        out.append(_Candidate("neighborhood", g.nta_names.get(nta, nta), None, None, nta, base))
    return out


def _street_only(g: _Gazetteer, toks: list[str], ctx: _Context) -> list[_Candidate]:
    """A street named on its own ("on Roosevelt Ave", "123 Main St"): its neighborhood only when most
    of the street lies in one (restricted to a borough the text names)."""
    best: _Candidate | None = None
    n = len(toks)
    for i in range(n):
        for length in range(2, MAX_SPAN + 1):
            span = toks[i : i + length]
            if len(span) < length or BOUNDARY in span:
                break
            if span[-1] not in KIND_OF and span[0] not in PREFIX_KIND_WORDS:
                continue
            if any(t in CONNECTORS and not t.isdigit() for t in span):
                break
            query = st.parse_street(span)
            if query is None or query.kind is None:
                continue
            fits = g.street_candidates(query)
            ids = sorted((sid for sid, fit in fits.items() if fit >= 0.9), key=lambda sid: (-fits[sid], sid))
            if not ids:
                continue
            counts: Counter = Counter()
            for sid in ids:
                for nta, k in g.street_ntas.get(sid, Counter()).items():
                    if not ctx.boroughs or ctx.borough(nta) in ctx.boroughs:
                        counts[nta] += k
            total = sum(counts.values())
            area = None
            if total:
                nta, k = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                area = nta if k / total >= 0.6 else None
            score = 0.35 if area else 0.3
            if best is None or score > best.score:
                best = _Candidate("street", g.streets[ids[0]].display(), None, None, area, score)
    return [best] if best else []


def resolve_place_text(text: str, language: str | None = None) -> PlaceMatch | None:
    """The place a piece of text names, or None.

    ``text`` may be a whole report (only its first 2,000 characters are read); ``language`` (an ISO
    639-1 code, e.g. from language detection) is a hint: "pl" or None lets Polish case endings on
    English names be undone ("Roosevelta"). Every language's words are recognised either way, since
    reports mix them ("Roosevelt y la 74").

    1. Split the text into normalised words (every script; numbers as digits; other-script street
       names rewritten to canonical ones) and find every known phrase in it.
    2. Note boroughs and neighborhoods named anywhere: they decide between same-named places.
    3. Read intersections, stations, landmarks, schools and neighborhoods; a lone street only when
       nothing better was found.
    4. Return the most confident reading (the more precise kind on a tie) if it clears MIN_CONFIDENCE.
    """
    if not text or not text.strip():
        return None
    g = _gazetteer()
    toks = g.tokens(text[:2000], language)
    if not toks:
        return None
    mentions = g.mentions(toks)
    ctx = _Context(
        boroughs={b for m in mentions if m.kind == "borough" for b in m.refs[:1]},
        ntas={m.refs[0] for m in mentions if m.kind == "nbhd"},
        borough_spans=[(m.start, m.end, m.refs[0]) for m in mentions if m.kind == "borough"],
        parents=g.parents,
    )
    candidates = [
        *_intersections(g, toks, ctx),
        *_stations(g, toks, mentions, ctx),
        *_named_points(g, mentions, ctx),
        *_school_numbers(g, toks, text, ctx),
        *_neighborhoods(g, toks, mentions, ctx),
    ]
    if not candidates or max(c.score for c in candidates) < 0.4:
        candidates.extend(_street_only(g, toks, ctx))
    for c in candidates:
        # A corner, station, school or landmark inside the neighborhood the report also names is
        # corroborated by it, and is more precise than the neighborhood alone.
        if c.kind != "neighborhood" and ctx.agrees(c.area):
            c.score = min(0.97, c.score + 0.5 * (1.0 - c.score))
    candidates = [c for c in candidates if c.score >= MIN_CONFIDENCE]
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (round(c.score, 6), _PRECISION[c.kind]))
    return PlaceMatch(
        kind=best.kind,
        name=best.name,
        lat=best.lat,
        lon=best.lon,
        area=best.area,
        confidence=round(best.score, 3),
    )
