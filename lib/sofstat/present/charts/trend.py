"""The trend panel: every indicator over the periods, honestly scaled."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ...analysis.indicators import Kind, indicator
from ...analysis.survey import approximate_band, wilson_interval
from ..format import fmt_approx, fmt_number
from ..labels import BETTER, indicator_label
from . import _VERDICT_MARK, BLUE, GREEN, GREY, MIN_SPAN, Chart, _wrap, setup, swedish_axis

# --- the trend panel -------------------------------------------------------------


def _ylim(kind: Kind, values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    # at least the kind's span; counts and ratios also at least a tenth of their size,
    # so that 69 -> 70 managers does not look like a leap
    span = MIN_SPAN[kind] if kind not in (Kind.COUNT, Kind.RATIO) else max(MIN_SPAN[kind], 0.2 * abs(hi))
    if hi - lo < span:
        mid = (hi + lo) / 2
        lo, hi = mid - span / 2, mid + span / 2
    pad = (hi - lo) * 0.1
    lo, hi = lo - pad, hi + pad
    if lo < 0:
        lo, hi = 0.0, hi - lo
    if kind in (Kind.SHARE, Kind.SURVEY) and hi > 100:
        lo, hi = max(0.0, lo - (hi - 100)), 100.0
    return lo, hi


def _axis_periods(keys: list[str], until: str) -> list[str]:
    """Half-years from the first key to ``until`` (or the last key), all of them."""
    out = list(keys)
    year, half = int(out[-1][:4]), int(out[-1][-1])
    while out[-1] < until:
        year, half = (year, 2) if half == 1 else (year + 1, 1)
        out.append(f"{year}-H{half}")
    return out


def trend_chart(
    movement: pd.DataFrame, values: pd.DataFrame, keys: list[str], questions: pd.DataFrame
) -> Chart:
    """Small multiples: each indicator over the periods, with the baseline, the
    target where SON has set one, intervals and approximate bands.

    Lines join only comparable values (the same part of the year); an
    approximate value is a hollow point with its band; the latest value says
    whether it moved the right or the wrong way by shape and word.
    """
    setup()
    n = len(movement)
    cols = 3
    rows = max((n + cols - 1) // cols, 1)
    until = max([keys[-1], *[b for b in movement.get("target_by", pd.Series(dtype=str)) if b]])
    axis_keys = _axis_periods(keys, until)
    xs = {k: i for i, k in enumerate(axis_keys)}
    fig, axes = plt.subplots(rows, cols, figsize=(9, 2.45 * rows + 0.9), squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    used: set[str] = set()
    alt_parts = []
    for ax, (_, r) in zip(axes.flat, movement.iterrows(), strict=False):
        ind = indicator(r["id"])
        vals = values[values["id"] == r["id"]].set_index("period")
        pts = [(xs[k], vals.loc[k]) for k in keys if k in vals.index]
        all_y = [float(v["value"]) for _, v in pts]
        # lines only between neighbours covering the same part of the year
        for (x0, a), (x1, b) in zip(pts, pts[1:], strict=False):
            if (a["months"] if a["months"] == a["months"] else 12) == (
                b["months"] if b["months"] == b["months"] else 12
            ):
                ax.plot([x0, x1], [a["value"], b["value"]], color=BLUE, linewidth=1.2, zorder=2)
            else:
                used.add("break")
        for x, v in pts:
            if v["approximate"]:
                lo, hi = approximate_band(float(v["value"]))
                ax.vlines(x, lo, hi, color=BLUE, linewidth=5, alpha=0.25)
                ax.plot([x], [v["value"]], marker="o", color=BLUE, markerfacecolor="white", zorder=3)
                all_y += [lo, hi]
                used.add("approx")
            else:
                ax.plot([x], [v["value"]], marker="o", color=BLUE, zorder=3)
                used.add("value")
            if ind.kind == Kind.SURVEY and v["respondents"] == v["respondents"] and not v["approximate"]:
                lo, hi = wilson_interval(float(v["value"]), float(v["respondents"]))
                ax.errorbar(
                    [x],
                    [v["value"]],
                    yerr=[[v["value"] - lo], [hi - v["value"]]],
                    fmt="none",
                    ecolor="black",
                    capsize=3,
                    linewidth=0.8,
                )
                all_y += [lo, hi]
                used.add("ci")
        if r["baseline"] == r["baseline"]:
            ax.axhline(r["baseline"], color=GREY, linestyle="dashed", linewidth=0.8)
            used.add("baseline")
        target = r.get("target", float("nan"))
        if target == target:
            x0 = xs[keys[0]]
            ax.plot(
                [x0, xs[r["target_by"]]],
                [r["baseline"], target],
                color=GREEN,
                linestyle="dotted",
                linewidth=1.2,
            )
            ax.plot([xs[r["target_by"]]], [target], marker="*", color=GREEN, markersize=10, zorder=4)
            all_y.append(float(target))
            used.add("target")
        mark = _VERDICT_MARK.get(r["verdict"])
        if mark and pts:
            x, v = pts[-1]
            ax.plot(
                [x + 0.18],
                [v["value"]],
                marker=mark[0],
                color=mark[2],
                markersize=7,
                linestyle="none",
                zorder=4,
            )
            ax.annotate(
                mark[1],
                (x + 0.18, v["value"]),
                xytext=(5, 0),
                textcoords="offset points",
                fontsize=6.5,
                va="center",
                color="#333333",
            )
            used.add(r["verdict"])
        if all_y:
            ax.set_ylim(*_ylim(ind.kind, all_y))
        better = BETTER[ind.better]
        ax.set_title(
            _wrap(f"{indicator_label(ind, questions)} ({better})", 42),
            fontsize=7,
            loc="left",
            fontweight="normal",
        )
        ax.set_xticks(
            range(len(axis_keys)), axis_keys, fontsize=6.5, rotation=45 if len(axis_keys) > 4 else 0
        )
        ax.set_xlim(-0.5, max(len(axis_keys) - 0.5, 1.5) + 0.4)
        if ind.kind == Kind.COUNT:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        else:
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        swedish_axis(
            ax.yaxis, 0 if ind.kind in (Kind.COUNT, Kind.SHARE, Kind.SURVEY, Kind.RATIO) else 1, ind.percent
        )
        ax.tick_params(axis="y", labelsize=6.5)
        alt_parts.append(_trend_alt(r, ind, questions))
    handles = []
    legend = {
        "value": Line2D([0], [0], marker="o", color=BLUE, label="Värde"),
        "approx": Line2D(
            [0], [0], marker="o", color=BLUE, markerfacecolor="white", label="Ungefärligt värde, med marginal"
        ),
        "ci": Line2D(
            [0],
            [0],
            color="black",
            marker="|",
            linestyle="none",
            markersize=10,
            label="95 % konfidensintervall",
        ),
        "baseline": Line2D([0], [0], color=GREY, linestyle="dashed", label="Utgångsläge"),
        "target": Line2D([0], [0], color=GREEN, linestyle="dotted", marker="*", label="Mål och väg dit"),
        "break": Line2D([0], [0], color="none", label="Ingen linje: olika delar av året"),
    }
    for key, handle in legend.items():
        if key in used:
            handles.append(handle)
    for verdict, (marker, words, colour) in _VERDICT_MARK.items():
        if verdict in used:
            handles.append(
                Line2D(
                    [0], [0], marker=marker, color=colour, linestyle="none", label=f"Senaste värdet: {words}"
                )
            )
    fig.legend(
        handles=handles, loc="upper center", ncol=3, fontsize=7, frameon=False, bbox_to_anchor=(0.5, 1.0)
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.55 / (2.45 * rows + 0.9)))
    fig.subplots_adjust(hspace=0.95, wspace=0.35)
    alt = f"Småmultiplar: {n} indikatorer per period sedan utgångsläget. " + " ".join(alt_parts)
    return Chart("utveckling", fig, alt)


def _trend_alt(r: pd.Series, ind, questions: pd.DataFrame) -> str:
    unit = " %" if ind.percent else ""
    fmt = (
        (lambda v: fmt_approx(v))
        if r["baseline_approximate"]
        else (lambda v: fmt_number(v, ind.decimals) + unit)
    )
    text = f"{indicator_label(ind, questions)}: utgångsläge {fmt(r['baseline']) if r['baseline'] == r['baseline'] else 'saknas'}"
    if r["latest"] == r["latest"]:
        latest = (
            fmt_approx(r["latest"])
            if r["latest_approximate"]
            else fmt_number(r["latest"], ind.decimals) + unit
        )
        text += f", senast {latest} ({r['latest_period']})"
    return text + "."
