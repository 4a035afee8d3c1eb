"""Matplotlib set-up and the report's charts, Swedish labels, reproducible files."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from .numbers import fmt_number

#: Colours per guideline status (colour-blind safe, from the Okabe–Ito set).
STATUS_COLOURS = {
    "inom grundtal": "#0072B2",
    "över grundtal": "#E69F00",
    "över maxgräns": "#D55E00",
}
CATEGORY_COLOURS = {"positiv": "#009E73", "neutral": "#BBBBBB", "negativ": "#D55E00"}


def setup() -> None:
    """Fixed style for every chart: same fonts, sizes and SVG ids each run."""
    mpl.rcParams.update(
        {
            "svg.hashsalt": "sofstat",
            "svg.fonttype": "none",  # text stays text: smaller, faster, searchable
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "figure.facecolor": "white",
            "path.simplify": True,
        }
    )


def swedish_axis(axis, decimals: int = 0) -> None:
    """Label an axis with Swedish numbers (decimal comma, space separator)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, decimals)))


#: savefig options for PNG: no software version inside (charts call tight_layout themselves).
PNG_OPTIONS = {"metadata": {"Software": None}}


def save_figure(fig, stem: Path, png: bytes | None = None) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` with no dates or versions inside.

    Args:
        fig: the figure.
        stem: path without suffix.
        png: the PNG already drawn with :data:`PNG_OPTIONS`, if any.

    Returns:
        The two paths written.
    """
    stem.parent.mkdir(parents=True, exist_ok=True)
    png_path, svg_path = stem.with_suffix(".png"), stem.with_suffix(".svg")
    if png is None:
        fig.savefig(png_path, format="png", **PNG_OPTIONS)
    else:
        png_path.write_bytes(png)
    fig.savefig(svg_path, format="svg", metadata={"Date": None, "Creator": None})
    return [png_path, svg_path]


def staff_per_manager_chart(spm: pd.DataFrame, title: str = "") -> plt.Figure:
    """Horizontal bars of employees per manager per unit, grouped by department,
    with each department's base (solid) and maximum (dashed) drawn across its bars.

    Returns:
        The figure.
    """
    setup()
    n = len(spm)
    fig, ax = plt.subplots(figsize=(8, 0.22 * n + 1.6))
    y = list(range(n))[::-1]
    colours = [STATUS_COLOURS[s] for s in spm["status"]]
    ax.barh(y, spm["employees_per_manager"], color=colours, height=0.7)
    labels = [
        f"{name} ({m} chefer)" if m > 1 else name
        for name, m in zip(spm["unit_name"], spm["managers"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=7)
    pos = 0
    right = max(float(spm["employees_per_manager"].max()), float(spm["guideline_max"].max())) * 1.02
    for _code, g in spm.groupby("department_code", sort=False):
        top, bottom = y[pos] + 0.45, y[pos + len(g) - 1] - 0.45
        ax.text(
            right, top - 0.1, g["department_name"].iloc[0], ha="right", va="top", fontsize=7, style="italic"
        )
        base, mx = g["guideline_base"].iloc[0], g["guideline_max"].iloc[0]
        ax.vlines(base, bottom, top, colors="black", linewidth=1.2)
        ax.vlines(mx, bottom, top, colors="black", linewidth=1.2, linestyles="dashed")
        if pos:
            ax.axhline(top + 0.05, color="#999999", linewidth=0.5)
        pos += len(g)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xlabel("Tillsvidareanställda medarbetare per chef")
    swedish_axis(ax.xaxis)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=s.capitalize()) for s, c in STATUS_COLOURS.items()]
    handles += [
        Line2D([0], [0], color="black", label="Grundtal"),
        Line2D([0], [0], color="black", linestyle="dashed", label="Maxgräns (grundtal + 10)"),
    ]
    ax.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=7, frameon=False
    )
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


def mean_age_chart(units: pd.DataFrame, depts: pd.DataFrame | None = None, title: str = "") -> plt.Figure:
    """Dots of each unit's mean age per department, with the department's
    weighted mean as a bar. Hidden units (mean age missing) are left out, and
    so is the mark of a department whose mean age is hidden.

    Args:
        units: :func:`sofstat.age.age_by_unit`.
        depts: :func:`sofstat.age.age_by_department` (for the weighted marks).

    Returns:
        The figure.
    """
    from matplotlib.ticker import MaxNLocator

    setup()
    shown = units.dropna(subset=["mean_age"])
    names = list(dict.fromkeys(shown["department_name"]))
    weighted = {}
    if depts is not None:
        weighted = dict(zip(depts["department_name"], depts["weighted_mean_age"], strict=True))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.4))
    for i, d in enumerate(names):
        g = shown[shown["department_name"] == d]
        yi = len(names) - 1 - i
        ax.hlines(yi, g["mean_age"].min(), g["mean_age"].max(), color="#BBBBBB", linewidth=3)
        ax.scatter(g["mean_age"], [yi] * len(g), s=18, color="#0072B2", zorder=3)
        w = weighted.get(d, float("nan"))
        if w == w:
            ax.scatter([w], [yi], marker="|", s=300, color="black", zorder=4)
    ax.set_yticks(range(len(names))[::-1], names)
    ax.set_xlabel("Medelålder, år (punkt = enhet, streck = avdelningens vägda medelålder)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    swedish_axis(ax.xaxis)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig
