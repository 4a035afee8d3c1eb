"""Charts of the size of managers' areas and of mean age."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ...vocabulary import Status, labels
from ..format import fmt_number
from . import (
    BLUE,
    STATUS_STYLE,
    Chart,
    setup,
    swedish_axis,
)

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
