"""Every chart of the report (this package is the one place that makes figures):
one style, Swedish labels, a text alternative each.

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
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from ...analysis.indicators import Kind
from ...vocabulary import Category, Status, Verdict
from ..format import fmt_number

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
#: Hatches as vector lines, not pattern fills (which Chromium's PDF printer turns into pictures).
SVG_BACKEND = "module://sofstat.present.charts.svg"
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
            # Titles just above the axes, where Matplotlib would put them anyway (no chart here has
            # tick labels on top): a fixed place spares it measuring every axis at every draw.
            "axes.titley": 1.0,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.facecolor": "white",
            "path.simplify": True,
        }
    )


def swedish_axis(axis, decimals: int = 0, percent: bool = False) -> None:
    """Label an axis with Swedish numbers (decimal comma, space separator), ``%`` after percentages."""
    unit = " %" if percent else ""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, decimals) + unit))


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
    chart.figure.savefig(stem.with_suffix(".svg"), format="svg", backend=SVG_BACKEND, **SVG_OPTIONS)
    return png, [stem.with_suffix(".png"), stem.with_suffix(".svg")]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


from .outcomes import sick_chart, survey_chart  # noqa: E402 - the charts use the style above
from .programme import needs_chart  # noqa: E402
from .size import mean_age_chart, staff_per_manager_chart  # noqa: E402
from .trend import trend_chart  # noqa: E402

__all__ = [
    "Chart",
    "mean_age_chart",
    "needs_chart",
    "png_bytes",
    "save",
    "setup",
    "sick_chart",
    "staff_per_manager_chart",
    "survey_chart",
    "trend_chart",
]
