"""Charts of the survey and of managers' sick leave."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...vocabulary import Category, labels
from ..format import fmt_approx, fmt_percent
from ..labels import GROUPS, year_span
from . import (
    BLUE,
    CATEGORY_COLOURS,
    Chart,
    _wrap,
    setup,
    swedish_axis,
)

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
        f"{g}\n{y}\n({year_span(m)})"
        for g, y, m in zip(show["group"], show["year"], show["months_included"], strict=True)
    ]
    partial = (show["months_included"] < 12).to_numpy()
    x = np.arange(len(show))
    ax.bar(x[~partial], show["rate"].to_numpy()[~partial], color=BLUE, width=0.6, label="Helår")
    if partial.any():  # part of a year: drawn apart, so that it is not read as a year
        ax.bar(
            x[partial],
            show["rate"].to_numpy()[partial],
            color="white",
            edgecolor=BLUE,
            hatch="//",
            width=0.6,
            label="Del av året (jämförs inte med helår)",
        )
        ax.legend(fontsize=7, frameon=False, loc="upper right")
    for i, (v, pub) in enumerate(zip(show["rate"], show["published"], strict=True)):
        ax.text(
            i, v, fmt_percent(v, 2) + ("\n(publicerat)" if pub else ""), ha="center", va="bottom", fontsize=7
        )
    ax.set_xticks(range(len(show)), xlabels, fontsize=6.5)
    ax.set_xlim(-0.8, max(len(show), 3) - 0.2)
    ax.set_ylabel("Ackumulerat sjuktal, %")
    ax.set_ylim(0, max([*show["rate"].tolist(), 1.0]) * 1.6)
    swedish_axis(ax.yaxis, 1, percent=True)
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
        swedish_axis(ax2.yaxis, 1, percent=True)
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
