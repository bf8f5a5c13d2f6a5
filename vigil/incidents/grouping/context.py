"""What the database layer keeps per process to group reports one at a time (`GroupingContext`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from vigil.incidents.grouping.candidates import CandidateState
from vigil.incidents.grouping.features import head_of
from vigil.incidents.grouping.reports import ReportFeatures
from vigil.incidents.grouping.rules import DEFAULT_RULES, DEFAULT_THRESHOLD, Rules
from vigil.incidents.grouping.scoring import Neighbors, Probe, choose_best, choose_reading
from vigil.incidents.grouping.statistics import FeatureStats


@dataclass
class GroupingContext:
    """What the database layer keeps per process to group reports as the benchmark does.

    neighbors: the jurisdiction's neighboring areas (e.g. `vigil.geo.areas.nearby_neighborhoods` with
        a distance bound in); place_words: `conflict_word_features` of the jurisdiction's street names;
    stats: feature statistics, warmed with `warm` (open candidates) or `warm_reports` (the reports of
    the last two days or so) and kept up to date by `start` and `absorb`.

    Both matter: on the benchmark set, precision falls from about 0.97 to about 0.91 without the street
    list, and to about 0.83 with neither the street list nor the statistics (every feature then weighs
    the same, and only the stop list keeps common words from counting).

    The statistics are per process: each process warms its own from the database and then counts only
    the reports it groups itself, so two processes weigh a word a little differently until they are
    restarted (the weights follow the vocabulary of the last days; a small difference moves no decision
    that matters). `defer_statistics` says when a report is counted: None counts it at once; the
    database layer passes `transaction.on_commit`, so a report whose transaction is rolled back (a
    repeated idempotency key, any later failure) is never counted.

    Usage: `chosen = ctx.choose(report, candidates)`; then `ctx.absorb(chosen, report)` or
    `ctx.start(new_id, report)`, and store the candidate's `as_dict()`. After a correction,
    `ctx.summarize(incident_id, reports)` makes the summary again from the incident's reports.
    """

    neighbors: Neighbors | None = None
    place_words: frozenset[int] | None = None
    stats: FeatureStats | None = field(default_factory=FeatureStats)
    rules: Rules = DEFAULT_RULES
    threshold: float = DEFAULT_THRESHOLD
    defer_statistics: Callable[[Callable[[], None]], None] | None = None

    def _count(self, update: Callable[[], None]) -> None:
        if self.defer_statistics is None:
            update()
        else:
            self.defer_statistics(update)

    def warm(self, candidates: Iterable[CandidateState]) -> None:
        """Count past incidents into the statistics, oldest first (each once: call on a fresh context)."""
        if self.stats is None:
            return
        for c in sorted(candidates, key=lambda c: (c.first_at, c.incident_id)):
            self.stats.observe_incident([f for f in c.signature if f & 3], c.first_at)

    def warm_reports(self, reports: Iterable[tuple[str, ReportFeatures]]) -> None:
        """Count past incidents from their reports, (incident id, report) pairs in any order: for when
        closed incidents no longer keep their summaries. Each incident counts once, at its first report.
        """
        if self.stats is None:
            return
        heads: dict[str, set[int]] = {}
        first: dict[str, datetime] = {}
        for incident_id, r in reports:
            heads.setdefault(incident_id, set()).update(map(head_of, r.units))
            if incident_id not in first or r.at < first[incident_id]:
                first[incident_id] = r.at
        for incident_id in sorted(first, key=lambda i: (first[i], i)):
            self.stats.observe_incident(heads[incident_id], first[incident_id])

    def probe(self, report: ReportFeatures) -> Probe:
        """The report's weighted features, ready to score candidates: the part of `choose` that does not
        depend on the candidates, so a caller can work it out before taking the grouping lock."""
        return Probe(report, self.neighbors, self.rules, self.stats, self.place_words)

    def choose(
        self, report: ReportFeatures, candidates: Iterable[CandidateState], probe: Probe | None = None
    ) -> CandidateState | None:
        """The candidate the report belongs to, or None (see `choose_candidate`)."""
        return choose_best(probe or self.probe(report), candidates, self.threshold)

    def choose_reading(
        self, candidates: Iterable[CandidateState], probes: Sequence[Probe]
    ) -> tuple[CandidateState | None, int]:
        """The candidate, and the index of the reading that chose it, for a report with other readings of
        its place: `probes` are `probe` of the report, then of each reading (see `choose_reading`)."""
        return choose_reading(probes, candidates, self.threshold)

    def start(self, incident_id: str, report: ReportFeatures) -> CandidateState:
        """A new candidate for this report, counted in the statistics (see `defer_statistics`)."""
        state = CandidateState.start(incident_id, report, self.stats, None, self.place_words)
        if self.stats is not None:
            self._count(
                functools.partial(
                    self.stats.observe_incident, list(dict.fromkeys(map(head_of, report.units))), report.at
                )
            )
        return state

    def absorb(self, candidate: CandidateState, report: ReportFeatures) -> frozenset[int]:
        """Add the report to the candidate; count what the candidate newly mentions (see `defer_statistics`)."""
        added = candidate.absorb(report, self.stats, None, self.place_words)
        if self.stats is not None and added:
            heads = [h for h, _parts in report.units if h in added]
            self._count(functools.partial(self.stats.observe_features, heads, report.at))
        return added

    def summarize(self, incident_id: str, reports: Iterable[ReportFeatures]) -> CandidateState | None:
        """The summary of an incident holding these reports, made as `start` and `absorb` make it live
        (same weights, same street list), oldest report first; None without reports. Nothing is counted
        in the statistics: the reports were counted when they arrived."""
        state: CandidateState | None = None
        for report in sorted(reports, key=lambda r: (r.at, r.report_id)):
            if state is None:
                state = CandidateState.start(incident_id, report, self.stats, None, self.place_words)
            else:
                state.absorb(report, self.stats, None, self.place_words)
        return state
