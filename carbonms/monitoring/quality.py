"""Data-quality checks and the substitution rule, on one meter-day of readings. Pure Python.

Input: the day's readings as (ts, value) sorted by ts, the baseline reading before the day (cumulative
registers), the meter's settings. Output: per-interval consumption, flags and the day's figures.

Rules (configurable in ``settings.MONITORING``, see docs/monitoring.md):

* consumption of a cumulative register is the difference of consecutive readings; a drop is a
  rollover when the meter has a rollover value and the drop is more than half of it
  (``v + rollover − prev``), otherwise a reset or replacement: the new register is taken to start
  from zero (consumption ``v``), flagged ``negative_delta``. Consumption is never negative;
* gaps: expected intervals without a reading; completeness = intervals with a reading / expected;
  below ``COMPLETENESS_MIN`` (0.9) the day is flagged ``low_completeness``;
* spike: an interval consumption above ``SPIKE_FACTOR`` × the day's median (with at least 8 values);
* flatline: ``FLATLINE_INTERVALS`` or more consecutive identical non-zero interval values (or a
  cumulative register that stops moving while the day has consumption elsewhere);
* clock skew: a timestamp more than ``CLOCK_SKEW_SECONDS`` after it was received, or more than that
  off the meter's interval grid;
* substitution (interval meters): a gap of at most ``SUBSTITUTE_MAX_GAP`` intervals takes the mean of
  the valid interval just before and just after it; longer gaps stay missing. Cumulative registers need
  no substitution (the register spans a gap); their consumption across a gap is measured.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

DEFAULTS = {
    "COMPLETENESS_MIN": 0.9,
    "SPIKE_FACTOR": 5.0,
    "FLATLINE_INTERVALS": 8,
    "CLOCK_SKEW_SECONDS": 120,
    "SUBSTITUTE_MAX_GAP": 4,
}


@dataclass
class DayResult:
    measured: float = 0.0
    substituted: float = 0.0
    n_readings: int = 0
    n_expected: int = 0
    completeness: float = 0.0
    mean_value: float | None = None
    flags: list[dict] = field(default_factory=list)
    intervals: list[tuple[float, float, bool]] = field(default_factory=list)  # (ts, consumption, substituted)

    def flag(self, kind: str, **detail) -> None:
        self.flags.append({"kind": kind, **detail})


def _slots(start: float, step: float, n: int) -> list[float]:
    return [start + step * (i + 1) for i in range(n)]


def analyse_day(readings: list[tuple[float, float, float | None]], *, start: float, kind: str, interval_minutes: int,
                multiplier: float = 1.0, rollover: float | None = None, baseline: tuple[float, float] | None = None,
                conf: dict | None = None, now: float | None = None) -> DayResult:
    """``readings``: (ts, value, received ts or None) with start < ts <= start + 86400, sorted. For the day in
    progress (``now`` inside it) only the intervals that have ended are expected."""
    c = {**DEFAULTS, **(conf or {})}
    step = interval_minutes * 60.0
    n_expected = max(1, int(86400 // step))
    if now is not None and start < now < start + 86400:
        n_expected = max(1, int((now - start) // step))
    res = DayResult(n_expected=n_expected)
    slot_of = {}
    skewed = 0
    for ts, _v, rec in readings:
        idx = int(-(-(ts - start) // step)) - 1  # ceil: the interval the reading closes
        slot_of.setdefault(max(idx, 0), ts)
        off = abs((ts - start) - (idx + 1) * step)
        if off > c["CLOCK_SKEW_SECONDS"] or (rec is not None and ts - rec > c["CLOCK_SKEW_SECONDS"]):
            skewed += 1
    res.n_readings = len(readings)
    res.completeness = min(1.0, sum(1 for i in slot_of if i < n_expected) / n_expected)
    missing = [i for i in range(n_expected) if i not in slot_of]
    if missing:
        res.flag("gap", missing=len(missing), first=missing[0])
    if res.completeness < c["COMPLETENESS_MIN"]:
        res.flag("low_completeness", completeness=round(res.completeness, 4))
    if skewed:
        res.flag("clock_skew", readings=skewed)
    if kind == "instant":
        vals = [v for _t, v, _r in readings]
        res.mean_value = sum(vals) / len(vals) if vals else None
        _flatline(res, vals, c, allow_zero=False)
        return res
    deltas: list[tuple[float, float]] = []
    if kind == "cumulative":
        prev = baseline[1] if baseline else None
        negatives = rollovers = 0
        for ts, v, _r in readings:
            if prev is None:
                prev = v
                continue
            d = v - prev
            if d < 0:
                if rollover and prev - v > rollover / 2:
                    d = v + rollover - prev
                    rollovers += 1
                else:
                    d = v  # reset or replacement: the new register starts from zero
                    negatives += 1
            deltas.append((ts, d * multiplier))
            prev = v
        if negatives:
            res.flag("negative_delta", count=negatives)
        if rollovers:
            res.flag("rollover", count=rollovers)
    else:
        deltas = [(ts, v * multiplier) for ts, v, _r in readings]
    res.measured = sum(d for _t, d in deltas)
    res.intervals = [(t, d, False) for t, d in deltas]
    positive = [d for _t, d in deltas if d > 0]
    if len(positive) >= 8:
        med = statistics.median(positive)
        spikes = [t for t, d in deltas if med > 0 and d > c["SPIKE_FACTOR"] * med]
        if spikes:
            res.flag("spike", count=len(spikes), median=med)
    _flatline(res, [d for _t, d in deltas], c, allow_zero=kind == "cumulative" and res.measured > 0)
    if kind == "interval" and missing:
        _substitute(res, slot_of, readings, start, step, n_expected, multiplier, c)
    return res


def _flatline(res: DayResult, values: list[float], c: dict, *, allow_zero: bool) -> None:
    run, best = 1, 1
    for a, b in zip(values, values[1:], strict=False):
        run = run + 1 if a == b and (a != 0 or allow_zero) else 1
        best = max(best, run)
    if best >= c["FLATLINE_INTERVALS"]:
        res.flag("flatline", intervals=best)


def _substitute(res: DayResult, slot_of: dict, readings, start, step, n_expected, multiplier, c) -> None:
    value_at = {}
    for ts, v, _r in readings:
        idx = max(int(-(-(ts - start) // step)) - 1, 0)
        value_at.setdefault(idx, v * multiplier)
    i = 0
    while i < n_expected:
        if i in value_at:
            i += 1
            continue
        j = i
        while j < n_expected and j not in value_at:
            j += 1
        gap = j - i
        neighbours = [value_at[k] for k in (i - 1, j) if k in value_at]
        if gap <= c["SUBSTITUTE_MAX_GAP"] and neighbours:
            fill = sum(neighbours) / len(neighbours)
            for k in range(i, j):
                res.intervals.append((start + step * (k + 1), fill, True))
            res.substituted += fill * gap
        i = j
    res.intervals.sort()
