"""Calendar arithmetic of the condition language. No Django here.

The plain functions (`years_before`, `overlap_days`, `hours_skipping`, `listed`) are what the baseline
interpreter runs. `Calendar` is the same calendar precomputed once per pack for the compiled programs: the
bounds of each counted local day as UTC instants (computed on first use of a day, then kept), so that an hour
count does no time-zone arithmetic per day; its results are the plain function's, to the last bit (the same
operations on the same instants, in the same order), and are cached per pair of instants.
"""

from __future__ import annotations

import datetime as dt
import functools

from vigil.rules.lang import UNKNOWN, Context

_ONE_DAY = dt.timedelta(days=1)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` calendar years earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@functools.lru_cache(maxsize=1 << 16)
def years_before_cached(day: dt.date, years: int) -> dt.date:
    return years_before(day, years)


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def overlap_days(start: dt.date, end: dt.date, lo: dt.date, hi: dt.date) -> int:
    """Days of the period [start, end] (both days counted) that fall inside [lo, hi)."""
    first, last = max(_as_date(start), lo), min(_as_date(end) + _ONE_DAY, hi)
    return max(0, (last - first).days)


def hours_skipping(start: dt.datetime, end: dt.datetime, ctx: Context):
    """Hours from `start` to `end`, leaving out whole local days that are skipped (weekends, listed holidays),
    measured in real elapsed time (a day of a daylight-saving change lasts 23 or 25 hours). UNKNOWN when a day
    falls outside the holiday list's dates."""
    if end <= start:
        return 0.0
    utc = dt.UTC
    start_l, end_l = start.astimezone(ctx.zone), end.astimezone(ctx.zone)
    day, last = start_l.date(), end_l.date()
    if day < ctx.holidays_from or last > ctx.holidays_through:
        return UNKNOWN
    seconds = 0.0
    while day <= last:
        nxt = day + dt.timedelta(days=1)
        if day.weekday() not in ctx.skip_weekdays and day not in ctx.holidays:
            lo = dt.datetime(day.year, day.month, day.day, tzinfo=ctx.zone).astimezone(utc)
            hi = dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=ctx.zone).astimezone(utc)
            a, b = max(lo, start.astimezone(utc)), min(hi, end.astimezone(utc))
            if b > a:
                seconds += (b - a).total_seconds()
        day = nxt
    return seconds / 3600


def listed(offence, on: dt.date, ctx: Context):
    since = ctx.offences.get(offence)
    if since is not None:
        return since <= on
    return False if ctx.offences_complete else UNKNOWN


class Calendar:
    """One pack's calendar, precomputed: `hours(start, end)` and `listed(offence, on)` as above."""

    def __init__(self, ctx: Context):
        self.zone = ctx.zone
        self.first, self.last = ctx.holidays_from, ctx.holidays_through
        self.skip_weekdays, self.holidays = ctx.skip_weekdays, ctx.holidays
        self.offences, self.offences_complete = ctx.offences, ctx.offences_complete
        self._bounds: dict = {}  # ordinal of a counted local day -> its (start, end) in UTC; None: skipped
        self.hours = functools.lru_cache(maxsize=1 << 16)(self._hours)

    def _day(self, ordinal: int):
        day = dt.date.fromordinal(ordinal)
        if day.weekday() in self.skip_weekdays or day in self.holidays:
            bounds = None
        else:
            nxt = day + _ONE_DAY
            bounds = (
                dt.datetime(day.year, day.month, day.day, tzinfo=self.zone).astimezone(dt.UTC),
                dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=self.zone).astimezone(dt.UTC),
            )
        self._bounds[ordinal] = bounds
        return bounds

    def _hours(self, start: dt.datetime, end: dt.datetime):
        if end <= start:
            return 0.0
        first, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        if first < self.first or last > self.last:
            return UNKNOWN
        start_u, end_u = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        seconds, bounds = 0.0, self._bounds
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = bounds[ordinal] if ordinal in bounds else self._day(ordinal)
            if day is not None:
                lo, hi = day
                a, b = (lo if lo > start_u else start_u), (hi if hi < end_u else end_u)
                if b > a:
                    seconds += (b - a).total_seconds()
        return seconds / 3600

    def listed(self, offence, on: dt.date):
        since = self.offences.get(offence)
        if since is not None:
            return since <= on
        return False if self.offences_complete else UNKNOWN
