"""Find the place named in free text and resolve it to an area and, where possible, a point.

"ICE agents at Roosevelt y la 74 now, 3 vans" -> the corner of Roosevelt Ave and 74 St, in the Jackson
Heights NTA. Places are street corners ("149th and 3rd", "缅街和罗斯福大道"), subway stations ("la
estación de la 74"), landmarks ("26 Federal Plaza", "la corte de inmigración"), schools ("PS 19"),
neighborhoods in any of the city's languages ("Alto Manhattan", "法拉盛", "Брайтон-Бич") and, as a last
resort, a street on its own.

Data is read only from the committed jurisdiction pack: ``<JURISDICTION_DIR>/places/`` (written by
``manage.py import_places``, NTA codes already attached) and ``<JURISDICTION_DIR>/aliases/`` (written by
hand), plus the borough and district of each NTA from ``areas/areas.csv``, loaded once per process by
``vigil.geo.gazetteer`` into dictionaries keyed by normalised words and street ids, so a lookup is a few
hundred dictionary probes (about 0.2 ms). No geometry is needed at run time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from vigil.geo import streets as st
from vigil.geo.gazetteer import MAX_SPAN, SCHOOL_PREFIXES, Gazetteer, Mention, gazetteer
from vigil.geo.place_words import SCHOOL_WORDS, STATION_WORDS, TRAIN_WORDS, routes_named
from vigil.geo.streets import BOUNDARY, CONNECTORS, KIND_OF, PREFIX_KIND_WORDS
from vigil.lib.distance import meters_between

KINDS = ("intersection", "station", "school", "landmark", "neighborhood", "street")
# When two readings are equally confident, the more precise kind wins.
_PRECISION = {"intersection": 6, "station": 5, "landmark": 4, "school": 3, "neighborhood": 2, "street": 1}
# Below this a reading is a guess we would rather not make (a "PS 19" in one of five boroughs).
MIN_CONFIDENCE = 0.3
# Readings of the same kind closer than this are one place for the ambiguity count.
SAME_PLACE_M = 300.0
# A station or school this close to a corner of another street the text names ("36 St station, 4th Ave
# exit") is the one meant, among same-named ones: that street is as telling as a named neighborhood.
NEAR_NAMED_STREET_M = 250.0
NEAR_NAMED_STREET_FACTOR = 6.0
# A station serving a route the text names ("the R train") among same-named ones.
NAMED_ROUTE_FACTOR = 10.0
# Another place the same words name ("5th Ave & 49th St": Midtown and Sunset Park) is kept as another
# reading when it is at least this likely against the best one: nothing in the text told them apart,
# and grouping may find the report's scene at it (`PlaceMatch.others`).
OTHER_READING_SHARE = 0.5
MAX_OTHER_READINGS = 3


@dataclass(frozen=True)
class PlaceMatch:
    kind: str  # "intersection" | "station" | "school" | "landmark" | "neighborhood" | "street"
    name: str
    lat: float | None
    lon: float | None
    area: str | None  # NTA code
    confidence: float
    # Other places the same words name, as likely or nearly, more than SAME_PLACE_M away: (lat, lon, NTA).
    others: tuple[tuple[float, float, str], ...] = ()

    def nearest_to(self, lat: float, lon: float) -> tuple[float, float] | None:
        """Of this place's point and its other readings, the one nearest (lat, lon): a reporter's phone
        tells which of the same-named corners the text meant."""
        if self.lat is None or self.lon is None:
            return None
        points = [(self.lat, self.lon), *((o[0], o[1]) for o in self.others)]
        return min(points, key=lambda p: meters_between(lat, lon, p[0], p[1]))


@dataclass
class _Candidate:
    kind: str
    name: str
    lat: float | None
    lon: float | None
    area: str | None
    score: float
    # The best reading's share among the distinct places the same words name (1.0: only one), and
    # whether those places all lie in one neighborhood (then the area is known, if not the point).
    dominance: float = 1.0
    one_area: bool = True
    others: tuple[tuple[float, float, str], ...] = ()


# ---------------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    boroughs: set[str]
    ntas: set[str]
    borough_spans: list[tuple[int, int, str]]
    parents: dict[str, tuple[str, str]]
    # Streets named anywhere in the text, by id, with their core words ("4", "ROOSEVELT").
    streets: dict[int, str] = field(default_factory=dict)

    def near_named_street(self, g: Gazetteer, lat: float, lon: float, own: frozenset[str] = frozenset()) -> float:
        """NEAR_NAMED_STREET_FACTOR when a street the text names, other than the place's own (the
        station's "86 St"), has a corner within NEAR_NAMED_STREET_M of the point; else 1.0."""
        for sid, core in self.streets.items():
            if core in own:
                continue
            for c_lat, c_lon in g.street_corners.get(sid, ()):
                if abs(c_lat - lat) < 0.003 and meters_between(lat, lon, c_lat, c_lon) <= NEAR_NAMED_STREET_M:
                    return NEAR_NAMED_STREET_FACTOR
        return 1.0

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


def _other_readings(scored: list[tuple[float, float, float, str]]) -> tuple[tuple[float, float, str], ...]:
    """The distinct places among ``scored`` [(score, lat, lon, nta)], best first, that are nearly as likely
    as the best (OTHER_READING_SHARE) and more than SAME_PLACE_M from it and from each other."""
    if not scored:
        return ()
    floor = scored[0][0] * OTHER_READING_SHARE
    kept = [scored[0][1:3]]
    out: list[tuple[float, float, str]] = []
    for score, lat, lon, nta in scored[1:]:
        if score < floor or len(out) >= MAX_OTHER_READINGS:
            break
        if nta and all(meters_between(lat, lon, k[0], k[1]) > SAME_PLACE_M for k in kept):
            kept.append((lat, lon))
            out.append((lat, lon, nta))
    return tuple(out)


def _intersections(g: Gazetteer, toks: list[str], ctx: _Context) -> list[_Candidate]:
    """Corners named as "A <joining word> B".

    1. At every joining word, read candidate streets from the words on each side (1-6 words, not
       across a comma or another joining word).
    2. Look up every pair of candidate street ids in the corner table.
    3. Score: fit of each street x near a station (where people say they are) x what the rest of the
       text says about borough or neighborhood.
    4. The best corner's confidence falls with the number of other places the words could mean; those
       nearly as likely are kept as its other readings.
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
    others = _other_readings([s[:4] for s in scored])
    return [_Candidate("intersection", best[4], best[1], best[2], best[3], confidence, others=others)]


def _stations(g: Gazetteer, toks: list[str], mentions: list[Mention], ctx: _Context) -> list[_Candidate]:
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
    routes = routes_named(toks)
    # "205 st D train", "111 st J train": a street just before a route and a word for train names the
    # station of that street on that line, read from the route back, as from a word for station.
    marks += [i for i, t in enumerate(toks[:-1]) if t in routes and toks[i + 1] in TRAIN_WORDS and i not in marks]
    if scored:
        # A station named in full needs no guessing from the streets around the word "station".
        marks = []
    for w in marks:
        for c, step in ((w, -1), (w, +1)):
            for query, start, end, _ids in g.span_queries(toks, c, step):
                if end - start == 1 and toks[start] in routes:
                    # "tren 6": the 6 train, not a station on a 6th street or avenue.
                    continue
                for idx, part in g.station_parts.get(query.core, ()):
                    fit = st.street_score(query, part) * 0.95
                    scored[idx] = max(scored.get(idx, 0.0), fit)
    if not scored:
        return []

    def weighed(idx: int, score: float) -> float:
        station = g.stations[idx]
        own = frozenset(part.core for part in station.parts)
        route = NAMED_ROUTE_FACTOR if routes & station.routes else 1.0
        return score * route * ctx.factor(station.nta) * ctx.near_named_street(g, station.lat, station.lon, own)

    ranked = sorted(((weighed(idx, score), idx) for idx, score in scored.items()), key=lambda r: (-r[0], r[1]))
    best_score, best = ranked[0]
    station = g.stations[best]
    dominance = _dominance([(s, g.stations[i].lat, g.stations[i].lon) for s, i in ranked])
    confidence = min(0.95, best_score * 0.95) * (0.4 + 0.6 * dominance)
    one_area = len({g.stations[i].nta for _s, i in ranked}) == 1
    return [
        _Candidate("station", station.names[0], station.lat, station.lon, station.nta, confidence, dominance, one_area)
    ]


def _named_points(g: Gazetteer, mentions: list[Mention], ctx: _Context) -> list[_Candidate]:
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
        one_area = len({table[i].nta for _s, i in ranked}) == 1
        confidence = min(0.96, score) * dominance
        out.append(_Candidate(kind, name, point.lat, point.lon, point.nta, confidence, dominance, one_area))
    return out


def _school_numbers(g: Gazetteer, toks: list[str], raw: str, ctx: _Context) -> list[_Candidate]:
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
        if tok in SCHOOL_PREFIXES:
            prefix = SCHOOL_PREFIXES[tok]
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
        ranked = sorted(
            (
                (ctx.factor(g.schools[r].nta) * ctx.near_named_street(g, g.schools[r].lat, g.schools[r].lon), r)
                for r in refs
            ),
            key=lambda x: (-x[0], x[1]),
        )
        score, idx = ranked[0]
        school = g.schools[idx]
        dominance = _dominance([(s, g.schools[r].lat, g.schools[r].lon) for s, r in ranked])
        one_area = len({g.schools[r].nta for _s, r in ranked}) == 1
        confidence = min(0.9, 0.85 * score) * dominance
        out.append(
            _Candidate("school", school.name, school.lat, school.lon, school.nta, confidence, dominance, one_area)
        )
    return out


def _neighborhoods(g: Gazetteer, toks: list[str], mentions: list[Mention], ctx: _Context) -> list[_Candidate]:
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


def _named_streets(g: Gazetteer, toks: list[str]) -> list[list[int]]:
    """Streets written with their kind ("Roosevelt Ave", "82nd st", "avenida Roosevelt"), each as the
    ids it may be (best fit first), in the order they appear."""
    found = []
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
            if span[0] in PREFIX_KIND_WORDS and span[-1] in STATION_WORDS:
                # "Grand Av station": the station of the street before, not an "Avenue Station".
                continue
            fits = g.street_candidates(query)
            ids = sorted((sid for sid, fit in fits.items() if fit >= 0.9), key=lambda sid: (-fits[sid], sid))
            if ids:
                found.append(ids)
    return found


def _street_only(g: Gazetteer, streets: list[list[int]], ctx: _Context) -> list[_Candidate]:
    """A street named on its own ("on Roosevelt Ave", "123 Main St"): its neighborhood only when most
    of the street lies in one (restricted to a borough the text names)."""
    best: _Candidate | None = None
    for ids in streets:
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


_QUALIFIER = re.compile(r"\(([^)]*)\)")


def _by_qualifier(g: Gazetteer, toks: list[str], mentions: list[Mention]) -> list[Mention]:
    """Mentions of a name several neighborhoods share, narrowed to those the word after it qualifies:
    "Harlem (North)" is the city's Harlem (North), not the Harlem (South) listed first for "Harlem"."""
    out = []
    for m in mentions:
        if m.kind == "nbhd" and len(m.refs) > 1:
            after = [t for t in toks[m.end : m.end + 2] if t != BOUNDARY][:1]
            if after:
                fitting = tuple(r for r in m.refs if after[0] in _QUALIFIER.findall(g.nta_names.get(r, "").lower()))
                if fitting:
                    m = replace(m, refs=fitting)
        out.append(m)
    return out


def resolve_place_text(text: str, language: str | None = None) -> PlaceMatch | None:
    """The place a piece of text names, or None.

    ``text`` may be a whole report (only its first 2,000 characters are read); ``language`` (an ISO
    639-1 code, e.g. from language detection) is a hint: "pl" or None lets Polish case endings on
    English names be undone ("Roosevelta"). Every language's words are recognised either way, since
    reports mix them ("Roosevelt y la 74").

    1. Split the text into normalised words (every script; numbers as digits; other-script street
       names rewritten to canonical ones) and find every known phrase in it.
    2. Note boroughs and neighborhoods named anywhere: they decide between same-named places. A name
       several neighborhoods share means those its city qualifier, when written after it, names
       ("Harlem (North)").
    3. Read intersections, stations, landmarks, schools and neighborhoods; between same-named places,
       a named borough, neighborhood or nearby street decides.
    4. Drop readings that are still a toss-up between same-named places (keeping their neighborhood
       when they share one), unless a named neighborhood holds them; a lone street only when nothing
       better was found. Return the most confident reading (the more precise kind on a tie) if it
       clears MIN_CONFIDENCE.
    """
    if not text or not text.strip():
        return None
    g = gazetteer()
    toks = g.tokens(text[:2000], language)
    if not toks:
        return None
    mentions = _by_qualifier(g, toks, g.mentions(toks))
    ctx = _Context(
        boroughs={b for m in mentions if m.kind == "borough" for b in m.refs[:1]},
        ntas={m.refs[0] for m in mentions if m.kind == "nbhd"},
        borough_spans=[(m.start, m.end, m.refs[0]) for m in mentions if m.kind == "borough"],
        parents=g.parents,
    )
    streets = _named_streets(g, toks)
    ctx.streets = {sid: g.streets[sid].core for ids in streets for sid in ids}
    candidates = [
        *_intersections(g, toks, ctx),
        *_stations(g, toks, mentions, ctx),
        *_named_points(g, mentions, ctx),
        *_school_numbers(g, toks, text, ctx),
        *_neighborhoods(g, toks, mentions, ctx),
    ]
    for c in candidates:
        # A corner, station, school or landmark inside the neighborhood the report also names is
        # corroborated by it, and is more precise than the neighborhood alone.
        if c.kind != "neighborhood" and ctx.agrees(c.area):
            c.score = min(0.97, c.score + 0.5 * (1.0 - c.score))
        # Words that name several places ("86 St station", "PS 86") are a coin toss unless one of
        # them is likelier than all the others together: a wrong borough misleads grouping and
        # alerts more than no place does. Where they all lie in one neighborhood, that much is known.
        elif c.dominance <= 0.5:
            if c.one_area:
                c.kind, c.name, c.lat, c.lon = "neighborhood", g.nta_names.get(c.area, c.area), None, None
            else:
                c.score = 0.0
    if not candidates or max(c.score for c in candidates) < 0.4:
        candidates.extend(_street_only(g, streets, ctx))
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
        others=best.others if best.lat is not None else (),
    )
