"""The chart of the programme register: needs with and without an activity."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from . import (
    GREEN,
    GREY,
    Chart,
    _wrap,
    setup,
    swedish_axis,
)

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
