"""The gazetteer's loaded data: the committed places pack read once per process into dictionaries keyed
by normalised words and street ids, and the tokenizer that reads report text into those words.

``vigil.geo.places`` resolves text with it; this module only loads, indexes and tokenizes. Loading takes
about half a second and is done on first use (``gazetteer()``), or again after ``reset_cache()``.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from vigil.geo import streets as st
from vigil.geo.place_words import SCHOOL_WORDS, STATION_WORDS, TRAIN_WORDS
from vigil.geo.sounds import SURE_KEY, SoundIndex, script_key, script_spelled
from vigil.geo.streets import BOUNDARY, CONNECTORS, KIND_OF, PREFIX_KIND_WORDS, Street
from vigil.lib.once import BuiltOnce

# Street spans are at most this many words ("Adam Clayton Powell Jr Blvd" is five).
MAX_SPAN = 6
SPAN_MEMO_LIMIT = 50_000  # runs of words remembered with the streets they may name

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

SCHOOL_PREFIXES = {"ps": "PS", "is": "IS", "ms": "MS", "jhs": "IS", "hs": "HS", "pis": "PS"}
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
        if part in SCHOOL_PREFIXES:
            out.add(SCHOOL_PREFIXES[part])
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
    routes: frozenset[str] = frozenset()  # folded: {"4", "5", "6"}, {"r"}


@dataclass(frozen=True)
class _Point:
    name: str
    lat: float
    lon: float
    nta: str


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # "nbhd" | "borough" | "landmark" | "poi" | "school" | "station"
    refs: tuple
    words: int


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


class Gazetteer:
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
        for _ident, names, lat, lon, nta, routes in _read_tsv(places / "stations.tsv"):
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
            served = frozenset(route.lower() for route in routes.split())
            self.stations.append(_Station(tuple(names.split("|")), float(lat), float(lon), nta, tuple(parts), served))
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
            # A point named only by a school's number ("PS 86") is that school: it joins the numbered
            # schools, whose number other boroughs may share, rather than being a unique name.
            m = _SCHOOL_NAME.match(name)
            if m and not name[m.end() :].strip():
                idx = len(self.schools)
                self.schools.append(_Point(name, float(lat), float(lon), nta))
                for prefix in _school_prefix(m.group(1)):
                    self.school_numbers[(prefix, int(m.group(2)))].append(idx)
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
        # Street names by sound, for names written in another script that no alias lists.
        corner_count: Counter = Counter()
        for ia, ib in self.corners:
            corner_count[self.streets[ia].core] += 1
            corner_count[self.streets[ib].core] += 1
        self.sounds = SoundIndex(corner_count.items())
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
        # Most reports are in Latin letters: one scan of the text spares them the word-by-word look.
        return self._streets_by_sound(out) if _NON_LATIN.search(text) else out

    def _sound_key(self, tok: str) -> str:
        """A word's sound key (see `sounds`) when it may be a street name in another script: not Latin,
        not a number, no street type, "and", direction or Chinese; else ""."""
        if _is_latin(tok) or tok.isdigit() or tok == BOUNDARY or tok in KIND_OF:
            return ""
        if tok in CONNECTORS or tok in st.DIRECTION_OF or tok in st.EDGE_WORDS or _HAN.search(tok):
            return ""
        if tok in STATION_WORDS or tok in TRAIN_WORDS or tok in SCHOOL_WORDS:
            return ""
        return script_key(tok)

    def _streets_by_sound(self, toks: list[str]) -> list[str]:
        """Replace street names written in another script by their sound ("ডিটমাস" -> "ditmas").

        1. Key every word that may be such a name (`_sound_key`).
        2. At each word, the longest run of keys that a street's name has (`SoundIndex.match`); a word
           with a case ending ("নিউকার্কের") is tried without its last letter or two when it names
           nothing whole.
        3. Keep the reading only where a street is likely named (`_named_by_sound`).
        """
        keys = [self._sound_key(tok) for tok in toks]
        if not any(keys):
            return toks
        spelled = [script_spelled(tok) if key else "" for tok, key in zip(toks, keys, strict=True)]
        out: list[str] = []
        i, n = 0, len(toks)
        while i < n:
            found = self.sounds.match(keys, spelled, i) if keys[i] else None
            if found is None and keys[i] and len(toks[i]) > 4:
                for cut in (1, 2):
                    stem = toks[i][:-cut]
                    found = self.sounds.match([script_key(stem)], [script_spelled(stem)], 0)
                    if found is not None:
                        break
            if found is not None and self._named_by_sound(toks, keys, i, found[0]):
                out.extend(found[1])
                i += found[0]
            else:
                out.append(toks[i])
                i += 1
        return out

    def _named_by_sound(self, toks: list[str], keys: list[str], start: int, length: int) -> bool:
        """Whether words that sound like a street's name name it here: a word another table knows (a
        neighborhood's "কোনি আইল্যান্ড") only right before a street-type word; a short name ("Whitney")
        only right before one; a name of two words or more anywhere; a one-word name only beside a
        street-type word, an "and" or a word for station ("Broadway и Стейнвей", "ডিটমাস স্টেশন"), so
        a word that merely sounds like some street ("dokane", a shop) is left alone."""
        end = start + length
        before = toks[start - 1] if start > 0 else ""
        after = toks[end] if end < len(toks) else ""
        kind_after = after in KIND_OF or (len(after) > 3 and after[:-1] in KIND_OF)
        consonants = sum(len(k) for k in keys[start:end])
        if any(tok in self.vocab for tok in toks[start:end]) or consonants < SURE_KEY:
            return kind_after
        if length >= 2:
            return True
        return (
            kind_after
            or before in PREFIX_KIND_WORDS
            or before in CONNECTORS
            or after in CONNECTORS
            or before in STATION_WORDS
            or after in STATION_WORDS
        )

    def mentions(self, toks: list[str]) -> list[Mention]:
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
                    found.append(Mention(i, i + length, kind, tuple(refs), length))
                if by_kind:
                    break
        # "broadway" inside "74 st broadway" is part of the longer name, not a place of its own.
        return [m for m in found if not any(o.start <= m.start and m.end <= o.end and o.words > m.words for o in found)]

    # -- streets ----------------------------------------------------------------------------------

    @functools.cached_property
    def street_corners(self) -> dict[int, list[tuple[float, float]]]:
        """Street id -> the points of its corners: where a street runs, without its geometry."""
        points: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for (ia, ib), found in self.corners.items():
            for lat, lon, _nta, _flag in found:
                points[ia].append((lat, lon))
                points[ib].append((lat, lon))
        return dict(points)

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


_loaded: BuiltOnce[Gazetteer] = BuiltOnce(lambda: Gazetteer(jurisdiction_dir()))


def gazetteer() -> Gazetteer:
    return _loaded.get()


def reset_cache() -> None:
    """Forget the loaded copy (after ``import_places`` rewrote it, or in tests)."""
    _loaded.reset()
