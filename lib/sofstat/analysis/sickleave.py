"""Managers' sick leave: the accumulated rate from January, per month and per year.

The accumulated rate (ackumulerat sjuktal) for a month is the sick hours from
January of that year up to the month divided by the ordinary hours of the
same months, times 100: a ratio of sums, never a mean of monthly rates.
Sick hours are register totals, not a sample: no interval is given for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import config, disclosure


def accumulated_sick_rate(monthly: pd.DataFrame) -> pd.DataFrame:
    """The accumulated sick-leave rate per group and month (from January).

    Args:
        monthly: :func:`sofstat.read_sick_leave` of monthly hours.

    Returns:
        One row per group and month, sorted by group, then month: ``year``,
        ``month``, ``group``, ``sick_hours`` and ``ordinary_hours`` (of the
        month), ``sick_hours_ytd`` and ``ordinary_hours_ytd`` (summed from
        January), ``months_included``, ``accumulated_rate`` (percent) and
        ``employees``.

    Raises:
        ValueError: when ``monthly`` holds published rates, not hours.
    """
    if monthly["sick_hours"].isna().any() or monthly["month"].isna().any():
        raise ValueError("accumulated_sick_rate needs monthly hours, not published rates")
    df = monthly.sort_values(["group", "month"], kind="stable").reset_index(drop=True)
    grouped = df.groupby(["group", "year"], sort=False)
    df["sick_hours_ytd"] = grouped["sick_hours"].cumsum()
    df["ordinary_hours_ytd"] = grouped["ordinary_hours"].cumsum()
    df["months_included"] = grouped.cumcount() + 1
    df["accumulated_rate"] = 100 * df["sick_hours_ytd"] / df["ordinary_hours_ytd"]
    cols = [
        "year",
        "month",
        "group",
        "sick_hours",
        "ordinary_hours",
        "sick_hours_ytd",
        "ordinary_hours_ytd",
        "months_included",
        "accumulated_rate",
        "employees",
    ]
    return df[cols]


def monthly_with_hidden(
    monthly: pd.DataFrame, max_hidden_sick_leave: int = config.MAX_HIDDEN_SICK_LEAVE
) -> pd.DataFrame:
    """:func:`accumulated_sick_rate` with ``month_hidden`` and ``ytd_hidden`` (see :mod:`sofstat.disclosure`)."""
    acc = accumulated_sick_rate(monthly)
    acc["month_hidden"] = disclosure.sick_leave_hidden(
        acc["employees"], None, max_hidden_sick_leave
    ).to_numpy()
    acc["ytd_hidden"] = disclosure.year_to_date_hidden(
        acc["month_hidden"], acc["group"], acc["year"]
    ).to_numpy()
    return acc


def yearly_rates(
    sick: pd.DataFrame, max_hidden_sick_leave: int = config.MAX_HIDDEN_SICK_LEAVE
) -> pd.DataFrame:
    """The accumulated rate per group and year, whatever the input shape.

    For monthly hours it is the rate up to the last month given in the year;
    for published rates it is the rate as published.

    Returns:
        One row per group and year, sorted by group and year: ``year``,
        ``group``, ``rate``, ``through_month`` (``YYYY-MM``, missing for a
        published rate), ``months_included`` (12 for a published annual rate),
        ``employees`` (the smallest known size in the year), ``from_hours``,
        ``published``, ``source`` and ``hidden`` (any month of the year hidden,
        or the published rate's group too small or of unknown size and not
        published by its source).
    """
    if sick.attrs.get("shape") == "monthly" or (len(sick) and sick["sick_hours"].notna().all()):
        acc = monthly_with_hidden(sick, max_hidden_sick_leave)
        acc["source"] = sick["source"].iloc[0] if len(sick) else ""
        out = acc.groupby(["group", "year"], sort=True).agg(
            rate=("accumulated_rate", "last"),
            through_month=("month", "last"),
            months_included=("months_included", "last"),
            employees=("employees", "min"),
            hidden=("month_hidden", "any"),
            source=("source", "first"),
        )
        out = out.reset_index()
        out["from_hours"], out["published"] = True, False
    else:
        out = pd.DataFrame(
            {
                "year": sick["year"],
                "group": sick["group"],
                "rate": sick["rate"],
                "through_month": pd.Series([pd.NA] * len(sick), dtype="str"),
                "months_included": 12,
                "employees": sick["employees"],
                "hidden": disclosure.sick_leave_hidden(
                    sick["employees"], sick["published"], max_hidden_sick_leave
                ),
                "source": sick["source"],
                "from_hours": False,
                "published": sick["published"],
            }
        ).sort_values(["group", "year"], kind="stable")
    cols = [
        "year",
        "group",
        "rate",
        "through_month",
        "months_included",
        "employees",
        "from_hours",
        "published",
        "source",
        "hidden",
    ]
    out = out[cols].reset_index(drop=True)
    return out.astype(
        {"employees": "Int64", "months_included": "int64", "hidden": "bool", "published": "bool"}
    )


@dataclass
class SickLeave:
    """Sick leave for a report: every year's rate and the months behind them, small groups marked."""

    rates: pd.DataFrame  # yearly_rates of all files (a later file wins for the same group and year)
    monthly: pd.DataFrame | None  # monthly_with_hidden of the files with hours, or None


def combine(
    frames: list[pd.DataFrame], max_hidden_sick_leave: int = config.MAX_HIDDEN_SICK_LEAVE
) -> SickLeave:
    """Yearly rates and monthly figures of several files (e.g. the baseline's and this period's)."""
    rates = [yearly_rates(f, max_hidden_sick_leave) for f in frames]
    monthly = [f for f in frames if f.attrs.get("shape") == "monthly"]
    if rates:
        all_rates = pd.concat(rates, ignore_index=True).drop_duplicates(["group", "year"], keep="last")
        all_rates = all_rates.sort_values(["group", "year"], kind="stable").reset_index(drop=True)
    else:
        all_rates = yearly_rates(_empty_rates(), max_hidden_sick_leave)
    acc = None
    if monthly:
        both = pd.concat(monthly, ignore_index=True).drop_duplicates(["group", "month"], keep="last")
        acc = monthly_with_hidden(both, max_hidden_sick_leave)
    return SickLeave(all_rates, acc)


def _empty_rates() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "year": pd.Series(dtype="int64"),
            "month": pd.Series(dtype="str"),
            "group": pd.Series(dtype="str"),
            "sick_hours": pd.Series(dtype="float64"),
            "ordinary_hours": pd.Series(dtype="float64"),
            "rate": pd.Series(dtype="float64"),
            "employees": pd.Series(dtype="Int64"),
            "published": pd.Series(dtype="bool"),
            "source": pd.Series(dtype="str"),
        }
    )
    df.attrs["shape"] = "rates"
    return df
