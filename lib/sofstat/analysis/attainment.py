"""Goal attainment (måluppfyllelse): how far each indicator has come towards SON's target.

Rule, for an indicator with a target (value, due period):

- **achieved** (uppnått): the latest value has reached the target (at least
  the target where up is better, at most where down is better); for an
  approximate value, its whole band must have;
- **not assessable** (ej bedömbart): otherwise, when there is only the
  baseline, the values are not comparable, or an approximate value moved
  within its band;
- **on track** (i fas): the share of the distance from baseline to target
  covered is at least the share of the time from the baseline period to the
  target's period that has passed, and (for survey shares) the change is
  real by the test of :mod:`.movement` (``significant``; a change that could
  not be tested, e.g. from an approximate baseline, is not shown to be real);
- **behind** (efter plan): otherwise.

``progress`` is given only where the verdict is a comparison (right way,
wrong way, unchanged): a distance covered between values that cannot be
compared would be a number without meaning.

Without a target the status is "no target" (mål ej fastställt): nothing is invented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..readers.catalog import Target
from ..vocabulary import Attainment, Direction, Significance, Verdict
from .indicators import Kind
from .survey import approximate_band


def period_index(key: str) -> int:
    """``"2024-H1"`` -> 4048, ``"2024-H2"`` -> 4049: half-years counted from year 0."""
    year, half = key.split("-H")
    return int(year) * 2 + int(half) - 1


def _reached(value: float, target: float, better: str) -> bool:
    return value >= target if better == Direction.UP else value <= target


def attainment_table(
    movement: pd.DataFrame, targets: dict[str, Target], baseline_period: str, current_period: str
) -> pd.DataFrame:
    """Attainment of every indicator of ``movement`` (see the module docstring).

    Returns:
        ``movement`` with ``target``, ``target_by``, ``target_source``,
        ``progress`` (share of the distance covered, 0–1 or beyond; NaN
        without a target or a comparison), ``time_share`` (share of the time
        passed) and ``attainment`` (an :class:`~sofstat.vocabulary.Attainment` code).
    """
    out = movement.copy()
    target, by, source, progress, time_share, status = [], [], [], [], [], []
    for r in movement.itertuples(index=False):
        t = targets.get(r.id)
        if t is None:
            target.append(np.nan), by.append(""), source.append("")
            progress.append(np.nan), time_share.append(np.nan), status.append(str(Attainment.NO_TARGET))
            continue
        target.append(t.value), by.append(t.by), source.append(t.source)
        span = period_index(t.by) - period_index(baseline_period)
        latest_key = r.latest_period or baseline_period
        passed = min(max((period_index(latest_key) - period_index(baseline_period)) / span, 0.0), 1.0)
        time_share.append(passed)
        now = r.latest if r.latest == r.latest else r.baseline
        distance = t.value - r.baseline
        compared = Verdict(r.verdict).counted
        p = (now - r.baseline) / distance if compared and distance and now == now else np.nan
        progress.append(p)
        status.append(str(_status(r, t, now, p, passed)))
    out["target"], out["target_by"], out["target_source"] = target, by, source
    out["progress"], out["time_share"], out["attainment"] = progress, time_share, status
    return out


def _status(r, t: Target, now: float, progress: float, passed: float) -> Attainment:
    now_approximate = r.latest_approximate if r.latest == r.latest else r.baseline_approximate
    if now == now:
        if now_approximate:
            low, high = approximate_band(now)
            edge = low if r.better == Direction.UP else high
            if _reached(edge, t.value, r.better):
                return Attainment.ACHIEVED
        elif _reached(now, t.value, r.better):
            return Attainment.ACHIEVED
    if r.verdict in (Verdict.BASELINE_ONLY, Verdict.MISSING, Verdict.NOT_COMPARABLE, Verdict.NOT_ASSESSABLE):
        return Attainment.NOT_ASSESSABLE
    if progress != progress:
        return Attainment.NOT_ASSESSABLE
    real = r.kind != Kind.SURVEY or r.significance == Significance.SIGNIFICANT
    return Attainment.ON_TRACK if progress >= passed and real else Attainment.BEHIND
