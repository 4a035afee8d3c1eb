"""Goal attainment (måluppfyllelse): how far each indicator has come towards SON's target.

The value now stands for a range (:func:`sofstat.analysis.movement.value_range`):
a survey share's 95 % interval, an approximate value's band, or the value
itself for register totals. The planned path runs straight from the baseline
to the target over the half-years up to the target's period. Rule, for an
indicator with a target:

- **not assessable** (ej bedömbart) when the latest value is not comparable
  with the baseline (e.g. January–September against a full year), or missing;
- **achieved** (uppnått) when the whole range has reached the target (at
  least the target where up is better, at most where down is better);
- **not assessable** when the range straddles the target, when there is only
  the baseline, when an approximate value moved within its band, or when a
  survey change is within what chance gives;
- **behind** (efter plan) when the baseline had reached the target and the value no longer has;
- **on track** (i fas) when the whole range is at or past the planned path
  for the time passed;
- **behind** (efter plan) when the whole range is short of the path;
- **not assessable** when the range straddles the path.

``progress`` (share of the distance from baseline to target covered) is
given only where the verdict is a comparison (right way, wrong way,
unchanged). Without a target the status is "no target" (mål ej fastställt):
nothing is invented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..readers.catalog import Target
from ..vocabulary import Attainment, Direction, Verdict


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
    if r.verdict in (Verdict.NOT_COMPARABLE, Verdict.MISSING) or now != now:
        return Attainment.NOT_ASSESSABLE
    low, high = (r.now_low, r.now_high) if r.now_low == r.now_low else (now, now)
    worst, best = (low, high) if r.better == Direction.UP else (high, low)
    if _reached(worst, t.value, r.better):
        return Attainment.ACHIEVED
    unsure = (Verdict.BASELINE_ONLY, Verdict.NOT_ASSESSABLE, Verdict.NOT_SIGNIFICANT)
    if _reached(best, t.value, r.better) or r.verdict in unsure:
        return Attainment.NOT_ASSESSABLE
    distance = t.value - r.baseline
    if distance == 0 or _reached(r.baseline, t.value, r.better):
        return Attainment.BEHIND  # the baseline had reached the target; the value now has not
    path = r.baseline + passed * distance
    if _reached(worst, path, r.better):
        return Attainment.ON_TRACK
    if not _reached(best, path, r.better):
        return Attainment.BEHIND
    return Attainment.NOT_ASSESSABLE
