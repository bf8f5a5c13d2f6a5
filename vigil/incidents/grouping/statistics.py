"""Word statistics: how many recent incidents mention each feature, so that rare features weigh more.

They are kept per process (see `GroupingContext`)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta


class FeatureStats:
    """How many recent incidents mention each feature, so that rare features weigh more.

    A street name mentioned by one incident is strong evidence that a report belongs to it; a word
    that every report uses in some language ("building", "papeles", a vehicle count) is none, whatever
    the stop list missed. Weights follow inverse document frequency, where a document is an incident,
    not a report: thirty reports of one raid naming its corner must not make that corner look common.

    Counts decay exponentially with time (`tau`), so the statistics follow the current vocabulary and
    need no per-incident bookkeeping to forget old incidents. `prior` pretends that many incidents
    mentioning nothing were already seen, which keeps the first incidents of a new deployment from
    getting extreme weights; features found in more than `common_share` of incidents weigh nothing.

    The database layer can rebuild one from the incidents of the last few days (`GroupingContext.warm`)
    and keep it per process.
    """

    def __init__(
        self,
        tau: timedelta = timedelta(days=2),
        prior: float = 100.0,
        rare_share: float = 0.01,
        common_share: float = 0.1,
    ):
        self._tau = tau.total_seconds()
        self._prior = prior
        self._log_rare = math.log(1.0 / rare_share)
        self._log_common = math.log(1.0 / common_share)
        # Counts are kept scaled by exp((t - t0) / tau) at the time t of each observation, so that one
        # multiplication by exp(-(now - t0) / tau) decays all of them at once (no per-feature clock).
        self._t0: float | None = None
        self._df: dict[int, float] = {}
        self._n = 0.0
        self._rare_share = rare_share
        self._common_share = common_share
        self._last: tuple[float, float] = (math.nan, 1.0)  # (time, growth) of the last call

    def _growth(self, now: float) -> float:
        """exp((now - t0) / tau), re-basing t0 before the numbers get large."""
        last_now, last_growth = self._last
        if now == last_now:
            return last_growth
        if self._t0 is None:
            self._t0 = now
        x = (now - self._t0) / self._tau
        if x > 200.0:
            shrink = math.exp(-x)
            self._df = {f: v * shrink for f, v in self._df.items()}
            self._n *= shrink
            self._t0 = now
            x = 0.0
        growth = math.exp(x)
        self._last = (now, growth)
        return growth

    def observe_incident(self, features: Iterable[int], at: datetime) -> None:
        """Count a new incident and the features it starts with."""
        self._n += self._growth(at.timestamp())
        self.observe_features(features, at)

    def observe_features(self, features: Iterable[int], at: datetime) -> None:
        """Count features an existing incident gained (each incident counts a feature once). Only
        heads are counted (words, numbers, Chinese bigrams); parts take their head's weight."""
        g = self._growth(at.timestamp())
        df = self._df
        get = df.get
        for f in features:
            if f & 3:
                df[f] = get(f, 0.0) + g

    def weights(self, features: Iterable[int], at: datetime) -> dict[int, float]:
        """Rarity of each feature at time `at`, 0..1: 1 for a feature in fewer than `rare_share` of
        recent incidents, 0 in more than `common_share`, log-linear in between (a soft stop list).

        Steps:
        1. Decay factor for `at`; recent incidents (decayed) plus the prior.
        2. The two counts at which a feature stops being rare and becomes common.
        3. Per feature: 1 below the first, 0 above the second, else
           (log(1/share) - log(1/common_share)) / (log(1/rare_share) - log(1/common_share)).
        """
        params = self.weight_parameters(at)
        if params is None:
            return dict.fromkeys(features, 1.0)
        get, decay, log_total, none, span, rare_below, common_above = params
        out = {}
        for f in features:
            count = get(f, 0.0) * decay
            if count <= rare_below:
                out[f] = 1.0
            elif count >= common_above:
                out[f] = 0.0
            else:
                out[f] = (log_total - math.log(count + 1.0) - none) / span
        return out

    def weight_parameters(self, at: datetime):
        """What `weights` needs at time `at` (None before anything was observed); `scoring.Probe` inlines the
        per-feature arithmetic with these."""
        if self._t0 is None:
            return None
        decay = 1.0 / self._growth(at.timestamp())
        total = self._n * decay + self._prior
        none = self._log_common
        return (
            self._df.get,
            decay,
            math.log(total),
            none,
            self._log_rare - none,
            total * self._rare_share - 1.0,
            total * self._common_share - 1.0,
        )

    def __len__(self) -> int:
        return len(self._df)
