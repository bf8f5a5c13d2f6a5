"""Scoring a report against candidates: log-odds contributions of time, place and text (see `Rules`),
and the choice of the candidate a report joins."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from vigil.incidents.grouping.candidates import CandidateState
from vigil.incidents.grouping.distance import meters_between
from vigil.incidents.grouping.features import (
    CODE_FEATURES,
    DETAIL_FEATURES,
    DETAIL_OF_WORD,
    KIND_DIGIT,
    KIND_MULTIPLIER,
    KIND_NUMBER,
    KIND_WORD,
)
from vigil.incidents.grouping.reports import ReportFeatures
from vigil.incidents.grouping.rules import DEFAULT_RULES, DEFAULT_THRESHOLD, Rules
from vigil.incidents.grouping.statistics import FeatureStats

Neighbors = Callable[[str], "set[str] | frozenset[str]"]
EXCLUDED = float("-inf")
# A number weighing less than this is one many incidents mention: a count, not a street.
COMMON_NUMBER_WEIGHT = 1.0


class Probe:
    """One report prepared for scoring against many candidates (weights and neighbors looked up once)."""

    __slots__ = (
        "report",
        "ts",
        "sig",
        "weights",
        "total",
        "numbers",
        "streets",
        "place_feats",
        "place_words",
        "units",
        "details",
        "detail_set",
        "counts_given",
        "near_areas",
        "rules",
        "window",
        "max_span",
        "bounded",
        "placeless",
    )

    def __init__(
        self,
        report: ReportFeatures,
        neighbors: Neighbors | None,
        rules: Rules,
        stats: FeatureStats | None,
        place_words: frozenset[int] | None = None,
    ) -> None:
        self.report = report
        self.rules = rules
        self.ts = report.at.timestamp()
        self.sig = report.sig
        units = self.units = report.units
        # One pass over the units: weights (parts take their head's rarity), street numbers, counts,
        # and street names (see report_weights, which this inlines for speed).
        params = stats.weight_parameters(report.at) if stats is not None else None
        if params is not None:
            get, decay, log_total, none, span, rare_below, common_above = params
        # Without statistics every feature weighs `uniform_weight`; before anything was observed,
        # every feature is rare.
        fixed = rules.uniform_weight if stats is None else 1.0
        log = math.log
        w: dict[int, float] = {}
        heads: list[tuple[int, float]] = []
        # By feature: a report that repeats a number or a street ("5大道81街 ... 5大道81街") says it once,
        # and must not cancel a candidate's other numbers twice over (see text_parts).
        numbers: dict[int, float] = {}
        counts: list[int] = []
        streets: dict[int, float] = {}
        area_words = report.area_words
        place_feats: list[int] = []
        for head, parts in units:
            if params is None:
                b = fixed
            else:
                count = get(head, 0.0) * decay
                if count <= rare_below:
                    b = 1.0
                elif count >= common_above:
                    b = 0.0
                else:
                    b = (log_total - log(count + 1.0) - none) / span
            # A plain loop: cheaper than building a dict of a word's few pieces to update from.
            for part in parts:
                w[part] = b
            kind = head & 3
            if kind == KIND_WORD:  # the most frequent kind first
                # A route code counts as a street name does: the Q53 and the S48 are two scenes.
                if place_words and (head in place_words or head in CODE_FEATURES) and head not in area_words:
                    streets[head] = b * 2.0
                    place_feats.append(head)
                    place_feats.extend(parts)
                elif head in area_words:
                    # The neighborhood's own name: place, not text (see `text`).
                    place_feats.append(head)
                    place_feats.extend(parts)
                heads.append((head, b * 2.0))
            elif kind == KIND_NUMBER:
                numbers[head] = b * 3.0
                place_feats.append(head)
                if b * 3.0 < COMMON_NUMBER_WEIGHT:
                    counts.append(head)
                heads.append((head, b * 3.0))
            else:
                if kind == KIND_DIGIT:
                    counts.append(head)
                heads.append((head, b * KIND_MULTIPLIER[kind]))
        # Heads last: a head that is also another unit's part keeps its own weight.
        w.update(heads)
        self.weights = w
        self.total = sum(w.values())
        self.numbers = list(numbers.items())
        self.counts_given = counts
        self.streets = list(streets.items())
        self.place_feats = frozenset(place_feats)
        self.place_words = place_words
        codes = CODE_FEATURES.intersection(self.sig) if CODE_FEATURES else ()
        self.detail_set = DETAIL_FEATURES.union(codes) if codes else DETAIL_FEATURES
        self.details = bool(codes) or not self.sig.isdisjoint(DETAIL_FEATURES)
        self.near_areas = frozenset(neighbors(report.area)) if (neighbors is not None and report.area) else frozenset()
        self.window, self.max_span = rules.window_seconds, rules.max_span_seconds
        # A report without a point is compared with every candidate of its neighborhood and the next ones,
        # hundreds in a surge: most are weeded out by `score_if_above` at a fraction of a full score. The
        # bound it uses holds while every "against" term of the rules is negative or zero.
        self.placeless = (report.lat is None or report.lon is None) and not report.area and not report.places
        self.bounded = (
            (report.lat is None or report.lon is None)
            and rules.text_match >= 0.0
            and (max(rules.mismatch, rules.number_conflict, rules.street_conflict, rules.named_place_conflict) <= 0.0)
        )

    def place(self, c: CandidateState, apart: bool = False) -> float:
        """Place contribution, or EXCLUDED.

        Steps:
        1. Both have points: `point`, less the distance penalty (steeper up to bend_m); excluded
           beyond max_distance_m. When `apart` (both name places, and not the same ones), at most
           `same_area`: the points are then where those places are, not phones' fixes around one scene,
           and two named places a block or two apart are no nearer than one neighborhood. When `apart`,
           a report without a point that names one place is where that place is (as `places_apart`
           reads a candidate's point as its place): a corner 500 m off is not the neighborhood's.
        2. Otherwise by area: the same neighborhood gives `same_area`, a neighboring one
           `neighbor_area`, any other `other_area` (or excludes, when that is None).
        3. Otherwise (no area on one side): a different borough excludes; else `unknown_place`.
        """
        r, rules = self.report, self.rules
        lat, lon = r.lat, r.lon
        if lat is None and len(r.places) == 1 and apart:
            lat, lon = r.places[0]
        if lat is not None and lon is not None and c.lat is not None and c.lon is not None:
            d = meters_between(lat, lon, c.lat, c.lon)
            if d > rules.max_distance_m:
                return EXCLUDED
            near = min(d, rules.bend_m)
            by_distance = rules.point + rules.per_100m * near / 100.0 + rules.per_100m_far * (d - near) / 100.0
            return min(by_distance, rules.same_area) if apart else by_distance
        if r.area and c.areas:
            if r.area in c.areas:
                return rules.same_area
            near = self.near_areas
            if near and not near.isdisjoint(c.areas):
                return rules.neighbor_area
            return EXCLUDED if rules.other_area is None else rules.other_area
        if r.borough and c.boroughs and r.borough not in c.boroughs:
            return EXCLUDED
        return rules.unknown_place

    def matched(self, c: CandidateState) -> float:
        """Weight of the report's text features that the candidate has already seen."""
        common = self.sig & c.signature
        return self._matched(common) if common else 0.0

    def _matched(self, common: frozenset[int]) -> float:
        """The weight of the shared features, pieces of words counted only for a word the candidate has
        in some spelling: its whole word, or at least `Rules.part_share` of its pieces (two at least).
        Stray pieces ("-ing" of "calling" and of "parking", "-yer" of "lawyer" and "prayer") are
        endings many words share and say nothing of the scene."""
        w = self.weights
        pieces = False
        total = 0.0
        for f in common:
            if f & 3:
                total += w[f]
            else:
                pieces = True
        if not pieces:
            return total
        counted: set[int] = set()
        share = self.rules.part_share
        for head, parts in self.units:
            if not parts or common.isdisjoint(parts):
                # Most words share no piece with the candidate: one test in C instead of a loop.
                continue
            hits = [p for p in parts if p in common]
            if head in common or len(hits) >= max(2.0, share * len(parts)):
                counted.update(hits)
        return total + sum(map(w.__getitem__, counted))

    def text_parts(self, c: CandidateState) -> tuple[float, float, float, float, float, float]:
        """(matched, unmatched, then street numbers and street names: the report's the candidate lacks,
        and the candidate's the report lacks)."""
        common = self.sig & c.signature
        matched = self._matched(common) if common else 0.0
        report_numbers = candidate_numbers = 0.0
        if self.numbers:
            theirs = c.numbers
            candidate_numbers = c._number_total
            for f, v in self.numbers:
                if f in theirs:
                    candidate_numbers -= theirs[f]
                elif f not in common:
                    report_numbers += v
        report_streets = candidate_streets = 0.0
        if self.streets:
            theirs = c.streets
            candidate_streets = c._street_total
            for f, v in self.streets:
                if f in theirs:
                    candidate_streets -= theirs[f]
                elif f not in common and DETAIL_OF_WORD.get(f) not in common:
                    report_streets += v
        if candidate_streets > 0.0 and self.details:
            # A street of the candidate's that is also a detail the report names in other words
            # ("Church" and "iglesia"): the detail is matched, no street is missing.
            for f, v in c.streets.items():
                detail = DETAIL_OF_WORD.get(f)
                if detail is not None and detail in common and f not in self.sig:
                    candidate_streets -= v
        if candidate_numbers < 1e-9:
            candidate_numbers = 0.0
        if candidate_streets < 1e-9:
            candidate_streets = 0.0
        return matched, self.total - matched, report_numbers, candidate_numbers, report_streets, candidate_streets

    def counts(self, c: CandidateState) -> float:
        """Contribution of counts (one-digit numbers not marked as streets, and numbers too common to be
        a street): some agree for; both give some and none agree, against."""
        mine = self.counts_given
        theirs = c.numbers
        if not mine or not theirs:
            return 0.0
        for f in mine:
            if f in theirs:
                return self.rules.count_match
        for f, v in theirs.items():
            if f & 3 == KIND_DIGIT or v < COMMON_NUMBER_WEIGHT:
                return self.rules.count_mismatch
        return 0.0

    def text(self, c: CandidateState, apart: bool = False) -> float:
        """Text contribution: matched weight for; against, the report's unmatched weight in proportion
        to how much the candidate says itself, and street numbers that disagree; counts either way.

        `apart`: the two name places more than `Rules.named_place_m` apart (`places_apart`). Then the
        street names and numbers they share count for nothing: two corners of one avenue both name it,
        two exits of one station both give its number, and that says they are on one street, not at
        one scene."""
        rules = self.rules
        matched, unmatched, report_numbers, candidate_numbers, report_streets, candidate_streets = self.text_parts(c)
        if apart and self.place_feats:
            shared = self.place_feats.intersection(c.signature)
            if shared:
                w = self.weights
                matched = max(0.0, matched - sum(w[f] for f in shared))
        own = min(c.text_weight, rules.candidate_text_cap)
        out = rules.text_match * min(matched, rules.text_cap)
        if unmatched > 0.0 and own > 0.0:
            out += rules.mismatch * min(unmatched, rules.mismatch_cap) * own / rules.candidate_text_cap
        if candidate_numbers:
            cap = rules.number_cap
            out += rules.number_conflict * min(report_numbers, cap) * min(candidate_numbers, cap) / cap
        if candidate_streets:
            cap = rules.street_cap
            out += rules.street_conflict * min(report_streets, cap) * min(candidate_streets, cap) / cap
        if self.counts_given and c.numbers:
            out += self.counts(c)
        if self.details and rules.detail_match:
            shared = self.detail_set.intersection(self.sig, c.signature)
            if shared:
                w = self.weights
                out += rules.detail_match * sum(w[f] for f in shared)
        return out

    def places_apart(self, c: CandidateState) -> bool:
        """Both name places with a point, and none of the report's is within `Rules.named_place_m` of any
        of the candidate's (a report that named places on both sides put both in the candidate).

        A report without a point of its own, whose text names a place, against a candidate that names
        none but has a point (its reporters' phones): the candidate's point stands for its place. Such
        a report is otherwise compared by neighborhood only, and a scene four blocks away in the same
        neighborhood would look the same as the scene it names."""
        r = self.report
        mine, theirs = r.places, c.places
        if not mine:
            return False
        if not theirs:
            if r.lat is not None or c.lat is None or c.lon is None:
                return False
            theirs = [(c.lat, c.lon)]
        limit = self.rules.named_place_m
        if len(mine) == 1 and len(theirs) == 1:
            # The usual case (one place each), without a generator.
            (a, b), (x, y) = mine[0], theirs[0]
            return meters_between(a, b, x, y) > limit
        return all(meters_between(a, b, x, y) > limit for a, b in mine for x, y in theirs)

    def gap(self, c: CandidateState) -> float | None:
        """Seconds between the report and the candidate's span, or None when out of the window or
        when the candidate would grow past its maximum span."""
        first, last = c._first_ts, c._last_ts
        ts = self.ts
        gap = first - ts if ts < first else ts - last if ts > last else 0.0
        if gap > self.window or max(last, ts) - min(first, ts) > self.max_span:
            return None
        return gap

    def score(self, c: CandidateState) -> float:
        """See `score`."""
        gap = self.gap(c)
        if gap is None:
            return EXCLUDED
        if self.placeless and self.sig.isdisjoint(c.signature):
            # Joined, it would go to whichever incident is newest, anywhere.
            return EXCLUDED
        apart = self.places_apart(c)
        place = self.place(c, apart)
        if place == EXCLUDED:
            return EXCLUDED
        rules = self.rules
        minutes = gap / 60.0
        return (
            rules.bias
            + place
            + rules.per_log_minute * math.log1p(minutes)
            + rules.per_half_hour * minutes / 30.0
            + self.text(c, apart)
            + (rules.named_place_conflict if apart else 0.0)
        )

    def score_if_above(self, c: CandidateState, floor: float) -> float:
        """`score`, or EXCLUDED when even the most it could be is below `floor` (used when `bounded`).

        The most: time and place as `score` has them, the text's "for" terms with every shared feature at
        its full weight (more than `matched` counts), the count's match, and none of the "against" terms.
        """
        gap = self.gap(c)
        if gap is None:
            return EXCLUDED
        # A report that names a place is scored from it when it is apart from the candidate's (`place`):
        # the bound must take the place the score takes.
        place = self.place(c, self.places_apart(c)) if self.report.places else self.place(c)
        if place == EXCLUDED:
            return EXCLUDED
        rules = self.rules
        minutes = gap / 60.0
        most = rules.bias + place + rules.per_log_minute * math.log1p(minutes) + rules.per_half_hour * minutes / 30.0
        common = self.sig & c.signature
        if common:
            w = self.weights
            shared = sum(w[f] for f in common)
            most += rules.text_match * min(shared, rules.text_cap)
            if self.details and rules.detail_match > 0.0:
                most += rules.detail_match * sum(w[f] for f in self.detail_set.intersection(common))
        if self.counts_given and c.numbers:
            most += max(rules.count_match, 0.0)
        if most < floor:
            return EXCLUDED
        return self.score(c)


def score(
    report: ReportFeatures,
    candidate: CandidateState,
    neighbors: Neighbors | None = None,
    rules: Rules = DEFAULT_RULES,
    stats: FeatureStats | None = None,
    place_words: frozenset[int] | None = None,
) -> float:
    """Log-odds that the report belongs to the candidate (`EXCLUDED`, minus infinity, if it cannot).

    Steps:
    1. Time: outside the window, or past the candidate's maximum span, excludes; otherwise the gap
       counts against, more for the first minutes than for later ones. A report that gives no place
       at all (no point, no neighborhood, no named place) and shares no feature with the candidate is
       excluded: nothing ties it to that scene more than to any other in the city.
    2. Place: distance between points, else area (neighbors count when the callable is given), else
       borough; see `Rules`.
    3. Text: weight of the report's features the candidate has (weights from `stats`, uniform
       without), less what the report says that the candidate does not, in proportion to how much the
       candidate says; street numbers and conflict words (`place_words`: street names, details, route
       codes) that disagree; counts.
    4. Named places: both name places more than `Rules.named_place_m` apart, against; and then the
       street names and numbers both give do not count as matched text (see `Probe.text`).
    5. The sum, with the bias (a report is more often not about a given nearby candidate).
    """
    return Probe(report, neighbors, rules, stats, place_words).score(candidate)


def text_evidence(report: ReportFeatures, candidate: CandidateState, stats: FeatureStats | None = None) -> float:
    """The matched text weight on its own (how much of what the report says the candidate has said)."""
    return Probe(report, None, DEFAULT_RULES, stats).matched(candidate)


def _best_of(
    probe: Probe, candidates: Iterable[CandidateState], threshold: float
) -> tuple[CandidateState | None, float, int]:
    """The best-scoring candidate (ties: most recent report, then smaller id), its score, and how many
    scored within `Rules.plausible_band` of the lowered threshold (see `choose_best`)."""
    rules = probe.rules
    best: CandidateState | None = None
    best_score = EXCLUDED
    plausible = 0
    floor = threshold - rules.uncontested - rules.plausible_band
    # Below the floor a candidate is neither plausible nor chosen: skipping it changes nothing.
    bounded = probe.bounded
    for candidate in candidates:
        s = probe.score_if_above(candidate, floor) if bounded else probe.score(candidate)
        if s == EXCLUDED:
            continue
        if s >= floor:
            plausible += 1
        if (
            best is None
            or s > best_score
            or (s == best_score and candidate.last_at > best.last_at)
            or (s == best_score and candidate.last_at == best.last_at and candidate.incident_id < best.incident_id)
        ):
            best, best_score = candidate, s
    return best, best_score, plausible


def choose_best(probe: Probe, candidates: Iterable[CandidateState], threshold: float) -> CandidateState | None:
    """Steps:
    1. Score every candidate; keep the best (ties: most recent report, then smaller id).
    2. Count the plausible ones (within `Rules.plausible_band` of the threshold).
    3. The best joins if it reaches the threshold, or the threshold less `Rules.uncontested` when it
       is the only plausible candidate (nothing else nearby could claim the report).
    """
    best, best_score, plausible = _best_of(probe, candidates, threshold)
    if best is None:
        return None
    limit = threshold - probe.rules.uncontested if plausible == 1 else threshold
    return best if best_score >= limit else None


def choose_reading(
    probes: Sequence[Probe], candidates: Iterable[CandidateState], threshold: float
) -> tuple[CandidateState | None, int]:
    """The candidate a report joins when its place has several readings (`ReportFeatures.readings`): one
    probe per reading, the first the report's own. Returns the candidate (None: start a new incident at
    the first reading) and the index of the reading that chose it.

    Steps:
    1. The report's own reading chooses as `choose_best` does.
    2. Every other reading scores the same candidates (scoring excludes those too far from it); its
       best counts only if it reaches the full threshold, with no allowance for being uncontested: the
       text named that place less surely than the one it was put at.
    3. The highest-scoring choice wins; on a tie, the earlier reading.
    """
    candidates = list(candidates)
    chosen, index, chosen_score = None, 0, EXCLUDED
    for i, probe in enumerate(probes):
        best, best_score, plausible = _best_of(probe, candidates, threshold)
        if best is None:
            continue
        limit = threshold - probe.rules.uncontested if i == 0 and plausible == 1 else threshold
        if best_score >= limit and best_score > chosen_score:
            chosen, index, chosen_score = best, i, best_score
    return chosen, index


def choose_candidate(
    report: ReportFeatures,
    candidates: Iterable[CandidateState],
    threshold: float = DEFAULT_THRESHOLD,
    neighbors: Neighbors | None = None,
    rules: Rules = DEFAULT_RULES,
    stats: FeatureStats | None = None,
    place_words: frozenset[int] | None = None,
) -> CandidateState | None:
    """The candidate the report belongs to, or None to start a new incident.

    `candidates` are the open candidates that could match: those near the report's point, those in
    its area or a neighboring one, and, for a report without a point, those elsewhere that share one
    of its `key_features` (a gazetteer may have put the place it names in the wrong neighborhood);
    passing more is harmless, scoring excludes what cannot match. Ties go to the candidate with the
    most recent report, then the smaller incident id, so the choice does not depend on the order the
    database returned them in.
    """
    return choose_best(Probe(report, neighbors, rules, stats, place_words), candidates, threshold)
