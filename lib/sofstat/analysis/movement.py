"""Movement towards the goal: each indicator's latest value against the baseline.

The baseline is the first period of the catalogue. For every period up to
the one reported, the indicators are computed from that period's own inputs
(:mod:`.indicators`), so adding a half-year means adding files and a
catalogue entry. Verdicts are :class:`~sofstat.vocabulary.Verdict` codes:

- values covering different parts of the year (e.g. January–September
  against a full year) are not comparable;
- an approximate value ("ungefär 2/3") stands for a band (see
  :func:`sofstat.analysis.survey.approximate_band`); a change that stays
  inside the band is not assessable;
- otherwise the change, rounded to the indicator's precision (the decimals
  the report prints it with, half away from zero as printed), is up, down or
  nothing, and up or down is the right or the wrong way;
- a survey change between exact shares is tested
  (:func:`sofstat.analysis.survey.two_proportion_p`): real ("säkerställd") only
  when p < 0,05, otherwise "not significant", which is not counted as a move
  either way; a survey share compared with an approximate one moved only when
  its whole 95 % interval lies outside the approximate value's band.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .. import config
from ..vocabulary import Direction, Level, Significance, UnitChange, Verdict
from .indicators import Indicator, Kind
from .survey import approximate_band, two_proportion_p, wilson_interval
from .values import Value


def rounded_change(change: float, decimals: int) -> float:
    """``change`` rounded to ``decimals`` half away from zero, as the report prints it
    (from the float's shortest repr, so that a change printed ``±0,0`` is 0 here too)."""
    if not math.isfinite(change):
        return float(change)
    exact = Decimal(repr(float(change))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(exact)


def verdict(ind: Indicator, base: Value | None, last: Value | None, only_baseline: bool) -> Verdict:
    """How ``ind`` moved from ``base`` to ``last`` (see the module docstring)."""
    if only_baseline and base is not None:
        return Verdict.BASELINE_ONLY
    if base is None or last is None:
        return Verdict.MISSING
    if (base.months or 12) != (last.months or 12):
        return Verdict.NOT_COMPARABLE
    if base.approximate or last.approximate:
        if base.approximate and last.approximate:
            if abs(base.value - last.value) < 0.05:
                return Verdict.NOT_ASSESSABLE
        else:
            rough, exact = (base, last) if base.approximate else (last, base)
            low, high = approximate_band(rough.value)
            e_low, e_high = value_range(ind, exact)  # a survey share's interval, or the value
            if e_high >= low and e_low <= high:  # overlaps the band: the change could be none
                return Verdict.NOT_ASSESSABLE
        diff = last.value - base.value
    else:
        diff = rounded_change(last.value - base.value, ind.decimals)
    if diff == 0:
        return Verdict.UNCHANGED
    if significance(ind, base, last)[0] == Significance.NOT_SIGNIFICANT:
        return Verdict.NOT_SIGNIFICANT
    return Verdict.RIGHT_WAY if (diff > 0) == (ind.better == Direction.UP) else Verdict.WRONG_WAY


def significance(ind: Indicator, base: Value | None, last: Value | None) -> tuple[Significance, float]:
    """Whether a survey change is real: the two-proportion test at the 5 % level.

    Returns:
        ``(code, p-value)``; ``NOT_TESTED`` and NaN for other indicators, an
        approximate value or a missing number of respondents.
    """
    if ind.kind != Kind.SURVEY or base is None or last is None or base.approximate or last.approximate:
        return Significance.NOT_TESTED, float("nan")
    p = two_proportion_p(base.value, base.respondents, last.value, last.respondents)
    if p != p:
        return Significance.NOT_TESTED, p
    alpha = 1 - config.CONFIDENCE
    return (Significance.SIGNIFICANT if p < alpha else Significance.NOT_SIGNIFICANT), p


def value_range(ind: Indicator, value: Value | None) -> tuple[float, float]:
    """The range a value stands for: an approximate value's band, a survey share's
    95 % Wilson interval, else the value itself (register totals are not samples)."""
    if value is None:
        return float("nan"), float("nan")
    if value.approximate:
        return approximate_band(value.value)
    if ind.kind == Kind.SURVEY and value.respondents:
        return wilson_interval(value.value, value.respondents)
    return value.value, value.value


def movement_table(indicators: list[Indicator], values: dict[str, dict[str, Value]]) -> pd.DataFrame:
    """One row per indicator: baseline, latest value, change and verdict.

    Args:
        indicators: in report order.
        values: ``{period key: {indicator id: Value}}`` for every period from
            the baseline on, in order.

    Returns:
        Columns ``id``, ``kind``, ``better``, ``decimals``, ``question_id``,
        ``group``, ``baseline`` and ``latest`` (NaN when missing),
        ``latest_period``, ``approximate`` (any value approximate),
        ``baseline_approximate``, ``latest_approximate``, ``now_low`` and
        ``now_high`` (the range the value now stands for: its band when
        approximate, its 95 % interval for a survey share with a known number
        of respondents, else the value itself; "now" is the baseline while it
        is the only value), ``change`` (NaN with only the baseline),
        ``verdict``, ``significance``, ``p_value``.
    """
    keys = list(values)
    rows = []
    for ind in indicators:
        base = values[keys[0]].get(ind.id)
        later = [(k, values[k][ind.id]) for k in keys[1:] if ind.id in values[k]]
        latest_key, last = later[-1] if later else ("", None)
        only_baseline = len(keys) == 1 or not later
        v = verdict(ind, base, last, only_baseline)
        sig, p = significance(ind, base, last)
        change = last.value - base.value if base is not None and last is not None else float("nan")
        low, high = value_range(ind, last if last is not None else base)
        rows.append(
            {
                "id": ind.id,
                "kind": str(ind.kind),
                "better": str(ind.better),
                "decimals": ind.decimals,
                "question_id": ind.question_id,
                "group": ind.group,
                "baseline": base.value if base is not None else float("nan"),
                "latest": last.value if last is not None else float("nan"),
                "latest_period": latest_key,
                "approximate": any(values[k][ind.id].approximate for k in keys if ind.id in values[k]),
                "baseline_approximate": bool(base is not None and base.approximate),
                "latest_approximate": bool(last is not None and last.approximate),
                "now_low": low,
                "now_high": high,
                "change": change,
                "verdict": str(v),
                "significance": str(sig),
                "p_value": p,
            }
        )
    return pd.DataFrame(rows)


def values_long(values: dict[str, dict[str, Value]]) -> pd.DataFrame:
    """Every indicator value of every period, one row each (``period``, ``id`` and the :class:`Value` fields)."""
    rows = [{"period": k, "id": i, **v.__dict__} for k, by_id in values.items() for i, v in by_id.items()]
    cols = [
        "period",
        "id",
        "value",
        "approximate",
        "reference",
        "through",
        "months",
        "respondents",
        "published",
    ]
    return pd.DataFrame(rows, columns=cols)


def unit_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Units matched by code between two staffing tables.

    Returns:
        One row per unit that is new, closed, renamed or has a changed number
        of managers, sorted by code: ``unit_code``, ``changes`` (a tuple of
        :class:`~sofstat.vocabulary.UnitChange` codes), ``name_before``,
        ``name_after``, ``managers_before``, ``managers_after``,
        ``employees_before``, ``employees_after``.
    """
    cols = ["unit_name", "managers", "employees"]
    b = before.loc[before["level"] == Level.UNIT, ["unit_code", *cols]]
    a = after.loc[after["level"] == Level.UNIT, ["unit_code", *cols]]
    m = b.merge(a, on="unit_code", how="outer", suffixes=("_before", "_after"), indicator=True)
    m = m.sort_values("unit_code", kind="stable").reset_index(drop=True)
    both = m["_merge"] == "both"
    flags = pd.DataFrame(
        {
            UnitChange.NEW: m["_merge"] == "right_only",
            UnitChange.CLOSED: m["_merge"] == "left_only",
            UnitChange.RENAMED: both & (m["unit_name_before"] != m["unit_name_after"]),
            UnitChange.MANAGERS_CHANGED: both & (m["managers_before"] != m["managers_after"]),
        }
    )
    columns = [(str(c), flags[c].to_numpy()) for c in flags.columns]
    changes = [tuple(c for c, on in columns if on[i]) for i in range(len(m))]
    out = pd.DataFrame(
        {
            "unit_code": m["unit_code"],
            "changes": changes,
            "name_before": m["unit_name_before"],
            "name_after": m["unit_name_after"],
            "managers_before": m["managers_before"].astype("Int64"),
            "managers_after": m["managers_after"].astype("Int64"),
            "employees_before": m["employees_before"].astype("Int64"),
            "employees_after": m["employees_after"].astype("Int64"),
        }
    )
    return out[out["changes"].map(len) > 0].reset_index(drop=True)
