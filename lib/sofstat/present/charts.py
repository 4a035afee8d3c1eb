"""Every chart of the report: one style, Swedish labels, a text alternative each.

Each function returns a :class:`Chart`: the figure, a short file name and a
Swedish text alternative that says what the chart shows and its key numbers
(for screen readers and the page's ``alt``). Charts never suggest more than
the numbers say: axes start from a sensible range with a minimum span per
kind of indicator, no line joins values that are not comparable, an
approximate value is drawn as its band, and right and wrong direction are
told by shape and words as well as colour.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..analysis.indicators import Kind, indicator
from ..analysis.survey import approximate_band, wilson_interval
from ..vocabulary import Category, Status, Verdict, labels
from .format import fmt_approx, fmt_number, fmt_percent
from .labels import GROUPS, indicator_label, year_span

#: Colour-blind safe palette (Okabe–Ito, as seaborn's "colorblind").
PALETTE = sns.color_palette("colorblind")
BLUE, ORANGE, GREEN, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#777777"
STATUS_STYLE = {  # colour and hatch: status is told by pattern as well as colour
    Status.WITHIN_BASE.value: (BLUE, ""),
    Status.OVER_BASE.value: (ORANGE, "//"),
    Status.OVER_MAX.value: (RED, "xx"),
}
CATEGORY_COLOURS = {
    Category.POSITIVE.value: GREEN,
    Category.NEUTRAL.value: "#BBBBBB",
    Category.NEGATIVE.value: RED,
}
#: Smallest span of a y-axis per kind of indicator, so that small changes do not look large.
MIN_SPAN = {Kind.SHARE: 20.0, Kind.SURVEY: 20.0, Kind.RATE: 2.0, Kind.COUNT: 4.0, Kind.RATIO: 10.0}
#: savefig options: no software version or date inside (byte-identical files).
PNG_OPTIONS = {"metadata": {"Software": None}, "dpi": 100}
SVG_OPTIONS = {"metadata": {"Date": None, "Creator": None}}
_VERDICT_MARK = {  # marker, words: shape and text, not colour alone
    Verdict.RIGHT_WAY.value: ("^", "rätt håll", GREEN),
    Verdict.WRONG_WAY.value: ("v", "fel håll", RED),
    Verdict.UNCHANGED.value: ("s", "oförändrat", GREY),
}


@dataclass
class Chart:
    """A chart: the figure, its file name and its Swedish text alternative."""

    name: str
    figure: plt.Figure
    alt: str


def setup() -> None:
    """One style for every chart: fonts, sizes, no math parsing of input text, stable SVG ids."""
    sns.set_theme(style="white", palette=PALETTE, font="DejaVu Sans")
    mpl.rcParams.update(
        {
            "svg.hashsalt": "sofstat",
            "svg.fonttype": "none",  # text stays text: smaller, searchable, selectable in the PDF
            "text.parse_math": False,  # a "$" in a unit name is text, never math
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 9,
            "axes.titlesize": 9,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.facecolor": "white",
            "path.simplify": True,
        }
    )


def swedish_axis(axis, decimals: int = 0) -> None:
    """Label an axis with Swedish numbers (decimal comma, space separator)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, decimals)))


def png_bytes(chart: Chart) -> bytes:
    """The chart as PNG, without software version or date."""
    buf = io.BytesIO()
    chart.figure.savefig(buf, format="png", **PNG_OPTIONS)
    return buf.getvalue()


def save(chart: Chart, stem: Path) -> tuple[bytes, list[Path]]:
    """Write ``stem.png`` and ``stem.svg`` with no dates or versions inside.

    Returns:
        The PNG's bytes and the two paths.
    """
    stem.parent.mkdir(parents=True, exist_ok=True)
    png = png_bytes(chart)
    stem.with_suffix(".png").write_bytes(png)
    chart.figure.savefig(stem.with_suffix(".svg"), format="svg", **SVG_OPTIONS)
    return png, [stem.with_suffix(".png"), stem.with_suffix(".svg")]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


# --- staff per manager --------------------------------------------------------


def staff_per_manager_chart(spm: pd.DataFrame) -> Chart:
    """Horizontal bars of employees per manager per unit, grouped by department,
    each department's base (solid) and maximum (dashed) drawn across its bars."""
    setup()
    n = len(spm)
    fig, ax = plt.subplots(figsize=(8, 0.17 * n + 1.6))
    y = np.arange(n)[::-1]
    for status, (colour, hatch) in STATUS_STYLE.items():
        mask = (spm["status"] == status).to_numpy()
        ax.barh(
            y[mask],
            spm["employees_per_manager"].to_numpy()[mask],
            color=colour,
            hatch=hatch,
            height=0.7,
            edgecolor="white",
            linewidth=0,
        )
    names = [
        f"{u} ({m} chefer)" if m > 1 else str(u)
        for u, m in zip(spm["unit_name"], spm["managers"], strict=True)
    ]
    ax.set_yticks(y, names, fontsize=6.5)
    right = max(float(spm["employees_per_manager"].max()), float(spm["guideline_max"].max())) * 1.02
    pos = 0
    for _code, g in spm.groupby("department_code", sort=False):
        top, bottom = y[pos] + 0.45, y[pos + len(g) - 1] - 0.45
        ax.text(
            right,
            top - 0.1,
            str(g["department_name"].iloc[0]),
            ha="right",
            va="top",
            fontsize=6.5,
            style="italic",
        )
        ax.vlines(g["guideline_base"].iloc[0], bottom, top, colors="black", linewidth=1.2)
        ax.vlines(g["guideline_max"].iloc[0], bottom, top, colors="black", linewidth=1.2, linestyles="dashed")
        if pos:
            ax.axhline(top + 0.05, color="#999999", linewidth=0.5)
        pos += len(g)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xlim(0, right * 1.01)
    ax.set_xlabel("Tillsvidareanställda medarbetare per chef")
    swedish_axis(ax.xaxis)
    status_sv = labels(Status)
    handles = [
        Patch(facecolor=c, hatch=hch, edgecolor="white", label=status_sv[s].capitalize())
        for s, (c, hch) in STATUS_STYLE.items()
    ]
    handles += [
        Line2D([0], [0], color="black", label="Grundtal"),
        Line2D([0], [0], color="black", linestyle="dashed", label="Maxgräns (grundtal + 10)"),
    ]
    ax.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=7, frameon=False
    )
    fig.tight_layout()
    counts = spm["status"].value_counts()
    top_row = spm.sort_values(
        ["employees_per_manager", "unit_code"], ascending=[False, True], kind="stable"
    ).iloc[0]
    alt = (
        f"Liggande stapeldiagram: tillsvidareanställda per chef för {n} enheter, grupperade per avdelning, "
        f"med avdelningens grundtal (heldragen linje) och maxgräns (streckad). "
        f"{int(counts.get(Status.WITHIN_BASE, 0))} enheter är inom grundtal, {int(counts.get(Status.OVER_BASE, 0))} "
        f"över grundtal och {int(counts.get(Status.OVER_MAX, 0))} över maxgräns. Högst har {top_row['unit_name']} "
        f"med {fmt_number(top_row['employees_per_manager'], 1)} medarbetare per chef."
    )
    return Chart("medarbetare_per_chef", fig, alt)


# --- mean age -----------------------------------------------------------------


def mean_age_chart(units: pd.DataFrame, depts: pd.DataFrame) -> Chart:
    """Each unit's mean age per department (dots), with the department's weighted
    mean (a bar) where it is shown. Hidden units are left out."""
    setup()
    shown = units.dropna(subset=["mean_age"])
    names = list(dict.fromkeys(shown["department_name"]))
    weighted = dict(zip(depts["department_name"], depts["weighted_mean_age"], strict=True))
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(names) + 1.4))
    for i, d in enumerate(names):
        g = shown[shown["department_name"] == d]
        yi = len(names) - 1 - i
        ax.hlines(yi, g["mean_age"].min(), g["mean_age"].max(), color="#BBBBBB", linewidth=3)
        ax.scatter(g["mean_age"], [yi] * len(g), s=18, color=BLUE, zorder=3)
        w = weighted.get(d, float("nan"))
        if w == w:
            ax.scatter([w], [yi], marker="|", s=300, color="black", zorder=4)
    ax.set_yticks(range(len(names))[::-1], names)
    ax.set_xlabel("Medelålder, år")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    swedish_axis(ax.xaxis)
    handles = [
        Line2D([0], [0], marker="o", color="none", markerfacecolor=BLUE, label="Enhet"),
        Line2D(
            [0],
            [0],
            marker="|",
            color="black",
            linestyle="none",
            markersize=12,
            label="Avdelningens vägda medelålder",
        ),
        Line2D([0], [0], color="#BBBBBB", linewidth=3, label="Spännvidd mellan enheterna"),
    ]
    ax.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=7, frameon=False
    )
    fig.tight_layout()
    alt = f"Punktdiagram: medelålder per enhet för {len(shown)} enheter i {len(names)} avdelningar"
    if len(shown):
        lo, hi = shown.loc[shown["mean_age"].idxmin()], shown.loc[shown["mean_age"].idxmax()]
        alt += (
            f", från {fmt_number(lo['mean_age'], 1)} år ({lo['unit_name']}) till {fmt_number(hi['mean_age'], 1)} år "
            f"({hi['unit_name']}). Enheter med få anställda visas inte."
        )
    return Chart("medelalder", fig, alt + ("" if len(shown) else "."))


# --- survey -------------------------------------------------------------------


def survey_chart(wide: pd.DataFrame, questions: pd.DataFrame) -> Chart:
    """Stacked bars of positive, neutral and negative answers per question, group
    and year; the 95 % interval of the positive share as an error bar; an
    approximate share ("ca 2/3") with the rest hatched where the source does not split it."""
    setup()
    shown = wide[~wide["hidden"]].reset_index(drop=True)
    n = max(len(shown), 1)
    fig, ax = plt.subplots(figsize=(8, 0.5 * n + 1.8))
    text = dict(zip(questions["question_id"], questions["text"], strict=True))
    used: set[str] = set()
    labels_y = []
    for i, r in shown.iterrows():
        y = n - 1 - i
        left = 0.0
        for cat in CATEGORY_COLOURS:
            v = r[cat]
            if v == v:
                ax.barh(y, v, left=left, color=CATEGORY_COLOURS[cat], height=0.6)
                label = fmt_approx(v) if r["approximate"] else fmt_percent(v, 0)
                ax.text(left + v / 2, y, label, ha="center", va="center", fontsize=7)
                used.add(cat)
                left += v
        if left < 99.5:
            ax.barh(y, 100 - left, left=left, color="white", edgecolor="#888888", hatch="///", height=0.6)
            used.add("rest")
        if r["low"] == r["low"]:
            ax.errorbar(
                [r[Category.POSITIVE.value]],
                [y],
                xerr=[[r[Category.POSITIVE.value] - r["low"]], [r["high"] - r[Category.POSITIVE.value]]],
                fmt="none",
                ecolor="black",
                capsize=3,
                linewidth=1,
            )
            used.add("ci")
        labels_y.append(
            _wrap(
                f"{text.get(r['question_id'], r['question_id'])} ({GROUPS.get(r['group'], r['group'])}, {r['year']})",
                48,
            )
        )
    ax.set_yticks([n - 1 - i for i in range(len(shown))], labels_y, fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Andel av de svarande, %")
    swedish_axis(ax.xaxis)
    cat_sv = labels(Category)
    handles = [
        Patch(color=CATEGORY_COLOURS[c], label=cat_sv[c].capitalize()) for c in CATEGORY_COLOURS if c in used
    ]
    if "rest" in used:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#888888",
                hatch="///",
                label="Neutral eller negativ, ej uppdelat i källan",
            )
        )
    if "ci" in used:
        handles.append(Line2D([0], [0], color="black", marker="|", label="95 % konfidensintervall, positiva"))
    ax.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=7, frameon=False
    )
    fig.tight_layout()
    parts = []
    for _, r in shown.iterrows():
        share = (
            fmt_approx(r[Category.POSITIVE.value])
            if r["approximate"]
            else fmt_percent(r[Category.POSITIVE.value], 0)
        )
        parts.append(
            f"{text.get(r['question_id'], r['question_id'])} ({GROUPS.get(r['group'], r['group'])}, {r['year']}): {share} positiva"
        )
    alt = "Liggande staplar: andel positiva, neutrala och negativa svar per fråga. " + "; ".join(parts) + "."
    if not len(shown):
        alt = "Inga enkätresultat att visa."
    return Chart("enkat", fig, alt)


# --- sick leave -----------------------------------------------------------------


def sick_chart(rates: pd.DataFrame, monthly: pd.DataFrame | None) -> Chart:
    """Bars of the accumulated rate per group and year (each labelled with the
    months it covers); with monthly hours, also the rate month by month."""
    setup()
    show = rates[~rates["hidden"]].reset_index(drop=True)
    acc = None if monthly is None else monthly[~monthly["ytd_hidden"]]
    has_monthly = acc is not None and len(acc) > 0
    fig, axes = plt.subplots(
        1, 2 if has_monthly else 1, figsize=(8 if has_monthly else 5, 3.4), squeeze=False
    )
    ax = axes[0][0]
    xlabels = [
        f"{g}\n{y} ({year_span(m)})"
        for g, y, m in zip(show["group"], show["year"], show["months_included"], strict=True)
    ]
    ax.bar(range(len(show)), show["rate"], color=BLUE, width=0.6)
    for i, (v, pub) in enumerate(zip(show["rate"], show["published"], strict=True)):
        ax.text(
            i, v, fmt_percent(v, 2) + ("\n(publicerat)" if pub else ""), ha="center", va="bottom", fontsize=7
        )
    ax.set_xticks(range(len(show)), xlabels, fontsize=7)
    ax.set_xlim(-0.8, max(len(show), 3) - 0.2)
    ax.set_ylabel("Ackumulerat sjuktal, %")
    ax.set_ylim(0, max([*show["rate"].tolist(), 1.0]) * 1.35)
    swedish_axis(ax.yaxis, 1)
    ax.set_title("Per år (olika delar av året jämförs inte)", loc="left", fontsize=8)
    if has_monthly:
        ax2 = axes[0][1]
        for k, ((group, year), g) in enumerate(acc.groupby(["group", "year"], sort=False)):
            ax2.plot(
                g["month"].str.slice(5, 7).astype(int),
                g["accumulated_rate"],
                marker="os^D"[k % 4],
                label=f"{group} {year}",
            )
        ax2.set_xticks(
            range(1, 13),
            [m[:3] for m in "jan feb mar apr maj jun jul aug sep okt nov dec".split()],
            fontsize=7,
        )
        ax2.set_ylabel("Ackumulerat sjuktal, %")
        ax2.set_ylim(0, max(float(acc["accumulated_rate"].max()) * 1.3, 1.0))
        swedish_axis(ax2.yaxis, 1)
        ax2.set_title("Månad för månad (från januari)", loc="left", fontsize=8)
        ax2.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    parts = [
        f"{g} {y} ({year_span(m)}): {fmt_percent(v, 2)}"
        for g, y, m, v in zip(show["group"], show["year"], show["months_included"], show["rate"], strict=True)
    ]
    alt = "Stapeldiagram: chefers ackumulerade sjuktal per år. " + (
        "; ".join(parts) + "." if parts else "Inga siffror att visa."
    )
    if has_monthly:
        alt += " Linjediagram bredvid: det ackumulerade sjuktalet månad för månad."
    hidden = int(rates["hidden"].sum())
    if hidden:
        alt += f" {hidden} grupp{'er' if hidden > 1 else ''} visas inte (små eller okända grupper)."
    return Chart("sjuktal", fig, alt)


# --- the trend panel -------------------------------------------------------------


def _ylim(kind: Kind, values: list[float]) -> tuple[float, float]:
    span = MIN_SPAN[kind]
    lo, hi = min(values), max(values)
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
        better = "högre är bättre" if ind.better == "up" else "lägre är bättre"
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
        swedish_axis(ax.yaxis, 0 if ind.kind in (Kind.COUNT, Kind.SHARE, Kind.SURVEY, Kind.RATIO) else 1)
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


# --- the programme -------------------------------------------------------------


def needs_chart(needs: pd.DataFrame, dialogues: pd.DataFrame) -> Chart:
    """Bars per dialogue (department): its needs with an activity and without one."""
    setup()
    n = needs[needs["kind"] == "need"]
    dept = dict(zip(dialogues["dialog_id"], dialogues["department"], strict=True))
    order = list(dialogues["dialog_id"])
    yes = n[n["answered"]].groupby("dialog_id").size().reindex(order, fill_value=0)
    no = n[~n["answered"]].groupby("dialog_id").size().reindex(order, fill_value=0)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(order) + 1.5))
    y = np.arange(len(order))[::-1]
    ax.barh(y, yes.to_numpy(), color=GREEN, height=0.6, label="Med aktivitet")
    ax.barh(
        y,
        no.to_numpy(),
        left=yes.to_numpy(),
        color="white",
        edgecolor=GREY,
        hatch="//",
        height=0.6,
        label="Utan aktivitet ännu",
    )
    for yi, a, b in zip(y, yes.to_numpy(), no.to_numpy(), strict=True):
        ax.text(a + b + 0.2, yi, f"{a + b} behov, {a} med aktivitet", va="center", fontsize=7)
    ax.set_yticks(y, [_wrap(dept.get(d, d), 30) for d in order], fontsize=7)
    ax.set_xlabel("Antal behov från dialogen")
    ax.set_xlim(0, max(int((yes + no).max()) if len(order) else 1, 1) * 1.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    swedish_axis(ax.xaxis)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=7, frameon=False)
    fig.tight_layout()
    parts = [f"{dept.get(d, d)}: {int(yes[d] + no[d])} behov, {int(yes[d])} med aktivitet" for d in order]
    alt = (
        "Liggande staplar: behov från dialogerna i avdelningarnas ledningsgrupper, med och utan kopplad aktivitet. "
        + "; ".join(parts)
        + "."
    )
    return Chart("behov", fig, alt)
