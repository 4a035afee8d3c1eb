"""Survey shares per question and group, with 95 % intervals and a test for real change.

A share of respondents is an estimate: with ``n`` respondents, the Wilson
score interval gives the range that covers the true share 95 times in 100.
A change between two years is called real ("säkerställd") when a
two-proportion z-test rejects "no change" at the 5 % level; the test needs
the number of respondents of both years and exact shares. An approximate
share ("ungefär 2/3") has no ``n``: it is compared through its band instead
(:func:`approximate_band`).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from .. import config, disclosure
from ..vocabulary import Category

_Z = NormalDist().inv_cdf(0.5 + config.CONFIDENCE / 2)
#: Category columns of :func:`survey_wide`, in order.
CATEGORIES = [c.value for c in Category]


def wilson_interval(share: float, n: float, z: float = _Z) -> tuple[float, float]:
    """The Wilson score interval of a share (percent) among ``n`` respondents.

    Returns:
        ``(low, high)`` in percent; ``(nan, nan)`` when ``n`` is missing or 0.
    """
    if n is None or n != n or n <= 0 or share != share:
        return float("nan"), float("nan")
    p = share / 100
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def two_proportion_p(share1: float, n1: float, share2: float, n2: float) -> float:
    """Two-sided p-value of the pooled two-proportion z-test (shares in percent).

    Returns:
        The p-value, or NaN when a count is missing or the pooled share is 0 or 100 %.
    """
    if any(v is None or v != v for v in (share1, n1, share2, n2)) or n1 <= 0 or n2 <= 0:
        return float("nan")
    p1, p2 = share1 / 100, share2 / 100
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return float("nan")
    return 2 * (1 - NormalDist().cdf(abs(p1 - p2) / se))


def approximate_band(share: float) -> tuple[float, float]:
    """The range a share said as a simple fraction ("ungefär 2/3") stands for.

    The source would have said the neighbouring fraction (of 1/4, 1/3, 1/2,
    2/3, 3/4) had the share been nearer to it, so the share lies between the
    midpoints to its neighbours: "ca 2/3" is 58,3–70,8 %. A share that is not
    one of the fractions gets ± ``config.APPROXIMATE_FALLBACK_BAND`` percentage points.

    Returns:
        ``(low, high)`` in percent.
    """
    fractions = config.APPROXIMATE_FRACTIONS
    for k, f in enumerate(fractions):
        if abs(share - f) < config.FRACTION_TOLERANCE:
            low = (fractions[k - 1] + f) / 2 if k > 0 else f - (fractions[k + 1] - f) / 2
            high = (fractions[k + 1] + f) / 2 if k + 1 < len(fractions) else f + (f - fractions[k - 1]) / 2
            return low, high
    return share - config.APPROXIMATE_FALLBACK_BAND, share + config.APPROXIMATE_FALLBACK_BAND


def survey_wide(
    survey: pd.DataFrame, questions: pd.DataFrame, min_respondents: int = config.MIN_RESPONDENTS
) -> pd.DataFrame:
    """One row per year, question, group and unit with the three categories.

    Returns:
        Columns ``year``, ``question_id``, ``group``, ``unit_code``,
        ``positive``/``neutral``/``negative`` (percent or NaN),
        ``respondents``, ``approximate``, ``published``, ``hidden`` (see
        :func:`sofstat.disclosure.survey_hidden`; shares set to NaN),
        ``low``/``high`` (95 % Wilson interval of the positive share, where
        the number of respondents is known and the share exact) and
        ``source``; ordered as the question catalogue, then group, unit, year.
    """
    keys = ["year", "question_id", "group", "unit_code"]
    if survey.empty:
        wide = pd.DataFrame(columns=[*keys, *CATEGORIES, "respondents", "approximate", "published", "source"])
    else:
        wide = survey.pivot_table(index=keys, columns="category", values="share", aggfunc="sum", sort=False)
        wide = wide.reindex(columns=CATEGORIES)
        meta = survey.groupby(keys, sort=False).agg(
            respondents=("respondents", "first"),
            approximate=("approximate", "any"),
            published=("published", "any"),
            source=("source", "first"),
        )
        wide = wide.join(meta).reset_index()
    wide["hidden"] = disclosure.survey_hidden(
        wide["respondents"], wide["published"], min_respondents
    ).to_numpy()
    for c in CATEGORIES:
        wide[c] = wide[c].astype("float64").where(~wide["hidden"])
    n = pd.to_numeric(wide["respondents"], errors="coerce").to_numpy(dtype="float64")
    exact = ~wide["approximate"].astype(bool).to_numpy()
    bounds = [
        wilson_interval(p, k) if e else (np.nan, np.nan)
        for p, k, e in zip(wide["positive"].to_numpy(), n, exact, strict=True)
    ]
    wide["low"] = [b[0] for b in bounds]
    wide["high"] = [b[1] for b in bounds]
    order = {q: i for i, q in enumerate(questions["question_id"])}
    wide["_o"] = wide["question_id"].map(order)
    wide = wide.sort_values(["_o", "group", "unit_code", "year"], kind="stable").drop(columns="_o")
    cols = [*keys, *CATEGORIES, "respondents", "approximate", "published", "hidden", "low", "high", "source"]
    out = wide[cols].reset_index(drop=True)
    return out.astype(
        {
            "respondents": "Int64",
            "approximate": "bool",
            "published": "bool",
            "hidden": "bool",
            "year": "int64",
        }
    )
