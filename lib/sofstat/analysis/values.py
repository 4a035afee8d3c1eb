"""Indicator values of one period, from the period's own results."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..vocabulary import Category
from .indicators import STAFFING, sick_indicator, survey_indicator


@dataclass(frozen=True)
class Value:
    """An indicator's value in one period.

    Attributes:
        value: the number (percent for percentages).
        approximate: the source gives only an approximate value ("ungefär 2/3").
        reference: what the value refers to: the table's month (``YYYY-MM``),
            the survey year, or the sick-leave year (``YYYY``) with ``through``.
        through: the last month summed (``YYYY-MM``), for sick leave from hours.
        months: how many months of the year the value covers (sick leave).
        respondents: number of respondents (survey), when known.
        published: the value was published by its source (cited as such).
    """

    value: float
    approximate: bool = False
    reference: str = ""
    through: str = ""
    months: int | None = None
    respondents: int | None = None
    published: bool = False


def staffing_values(summary: dict[str, float], table_month: str) -> dict[str, Value]:
    """Values of the staffing indicators from :func:`sofstat.analysis.size.summary_indicators`."""
    return {i.id: Value(float(summary[i.id]), reference=table_month) for i in STAFFING}


def survey_values(wide: pd.DataFrame) -> dict[str, Value]:
    """Values of the survey indicators: each question's and group's latest year for the
    whole administration (unit code of 2 digits); none where that year is hidden."""
    whole = wide[(wide["unit_code"].str.len() == 2)]
    last = whole.sort_values("year", kind="stable").groupby(["question_id", "group"], sort=False).tail(1)
    out = {}
    for r in last[~last["hidden"] & last[Category.POSITIVE.value].notna()].itertuples(index=False):
        n = None if pd.isna(r.respondents) else int(r.respondents)
        out[survey_indicator(r.question_id, r.group).id] = Value(
            float(r.positive), bool(r.approximate), str(r.year), respondents=n, published=bool(r.published)
        )
    return out


def sick_values(rates: pd.DataFrame) -> dict[str, Value]:
    """Values of the sick-leave indicators: each group's latest year; none where it is hidden."""
    out = {}
    last = rates.groupby("group", sort=False).tail(1)
    for r in last[~last["hidden"]].itertuples(index=False):
        through = "" if pd.isna(r.through_month) else str(r.through_month)
        out[sick_indicator(r.group).id] = Value(
            float(r.rate),
            reference=str(r.year),
            through=through,
            months=int(r.months_included),
            published=bool(r.published),
        )
    return out
