"""Mean age per unit and department, small groups hidden (rules in :mod:`sofstat.disclosure`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config, disclosure
from ..vocabulary import Level, Measure
from .size import department_names


def age_by_unit(staffing: pd.DataFrame, min_employees_age: int = config.MIN_EMPLOYEES_AGE) -> pd.DataFrame:
    """Mean age per unit, hidden for small units.

    Returns:
        One row per unit in table order: ``unit_code``, ``unit_name``,
        ``department_code``, ``department_name``, ``employees``,
        ``mean_age`` (NaN when hidden) and ``suppressed``.
    """
    units = staffing[staffing["level"] == Level.UNIT].copy()
    units["department_name"] = units["department_code"].map(department_names(staffing))
    units["suppressed"] = disclosure.age_hidden(units["employees"], min_employees_age).to_numpy()
    units["mean_age"] = units["mean_age"].where(~units["suppressed"])
    cols = [
        "unit_code",
        "unit_name",
        "department_code",
        "department_name",
        "employees",
        "mean_age",
        "suppressed",
    ]
    return units[cols].reset_index(drop=True)


def age_by_department(
    staffing: pd.DataFrame, min_employees_age: int = config.MIN_EMPLOYEES_AGE
) -> pd.DataFrame:
    """Mean age per department: published, rolled up from units, and its spread.

    The roll-up weights each unit's mean age by its employees (all units,
    hidden ones included). The spread (lowest, median, highest unit mean age
    and the range) is over the units whose mean age is shown. A department's
    own figures are hidden by :func:`sofstat.disclosure.department_ages_hidden`.

    Returns:
        One row per department in order of first appearance, then one for the
        whole administration (``whole`` True, ``department_code`` the board's
        code, ``department_name`` empty): ``employees``, ``units``,
        ``published_mean_age`` (NaN without a row of its own or when hidden),
        ``weighted_mean_age`` (NaN when hidden), ``suppressed``,
        ``units_shown``, ``min_unit_age``, ``median_unit_age``,
        ``max_unit_age`` and ``range``.
    """
    units = age_by_unit(staffing, min_employees_age)
    raw = staffing.loc[staffing["level"] == Level.UNIT, "mean_age"].to_numpy()
    work = units.assign(weighted=raw * units["employees"].to_numpy(), dept=units["department_code"])
    dept_hidden, board_hidden = disclosure.department_ages_hidden(
        work["dept"], work["employees"], work["suppressed"], min_employees_age
    )
    board = staffing[staffing["level"] == Level.BOARD]
    board_code = board["unit_code"].iloc[0] if len(board) else config.BOARD_CODE
    parts = [
        _roll(work.groupby("dept", sort=False)),
        _roll(work.assign(dept=board_code).groupby("dept", sort=False)),
    ]
    out = pd.concat(parts)
    out["whole"] = [False] * (len(out) - 1) + [True]
    out["suppressed"] = [*dept_hidden.reindex(out.index[:-1]).fillna(True).tolist(), board_hidden]
    names = units.drop_duplicates("department_code").set_index("department_code")["department_name"]
    out["department_name"] = [*names.reindex(out.index[:-1]).tolist(), ""]
    published = staffing.set_index("unit_code")["mean_age"]
    out["published_mean_age"] = published.reindex(out.index).to_numpy()
    for col in ("published_mean_age", "weighted_mean_age"):
        out[col] = out[col].where(~out["suppressed"])
    out = out.rename_axis("department_code").reset_index()
    cols = [
        "department_code",
        "department_name",
        "whole",
        "employees",
        "units",
        "published_mean_age",
        "weighted_mean_age",
        "suppressed",
        "units_shown",
        "min_unit_age",
        "median_unit_age",
        "max_unit_age",
        "range",
    ]
    return out[cols].astype({"suppressed": "bool", "whole": "bool", "department_name": "str"})


def _roll(g) -> pd.DataFrame:
    out = g.agg(
        employees=("employees", "sum"),
        units=("unit_code", "size"),
        weighted=("weighted", "sum"),
        units_shown=("mean_age", "count"),
        min_unit_age=("mean_age", "min"),
        median_unit_age=("mean_age", "median"),
        max_unit_age=("mean_age", "max"),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["weighted_mean_age"] = np.where(out["employees"] > 0, out["weighted"] / out["employees"], np.nan)
    out["range"] = out["max_unit_age"] - out["min_unit_age"]
    return out.drop(columns="weighted")


def hide_ages_in_check(
    check: pd.DataFrame, staffing: pd.DataFrame, min_employees_age: int = config.MIN_EMPLOYEES_AGE
) -> pd.DataFrame:
    """Blank the mean-age rows of :func:`sofstat.analysis.size.check_totals`
    where the age tables hide the department's (or the administration's) mean age,
    since the published and summed mean age would otherwise reveal a hidden unit's.

    Returns:
        A copy of ``check`` with ``published``, ``summed`` and ``difference``
        NaN (and ``beyond_rounding`` False) on those rows, and a column ``hidden``.
    """
    depts = age_by_department(staffing, min_employees_age)
    hidden_codes = set(depts.loc[depts["suppressed"], "department_code"])
    out = check.copy()
    out["hidden"] = (out["measure"] == Measure.MEAN_AGE) & out["unit_code"].isin(hidden_codes)
    for col in ("published", "summed", "difference"):
        out[col] = out[col].where(~out["hidden"])
    out["beyond_rounding"] = out["beyond_rounding"] & ~out["hidden"]
    return out
