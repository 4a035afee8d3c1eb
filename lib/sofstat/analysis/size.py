"""Employees per manager against the guideline, and the staffing table's totals check."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError
from ..vocabulary import Level, Measure, Status, department_without_row

OTHER_AREA = config.GUIDELINE_OTHER_AREA


def department_names(staffing: pd.DataFrame) -> dict[str, str]:
    """Name of every department that has units, by department code.

    A department without a row of its own in the table (e.g. 52001) is
    named by :func:`sofstat.vocabulary.department_without_row`.

    Returns:
        ``{department_code: name}`` in order of the units' first appearance.
    """
    depts = staffing[staffing["level"] == Level.DEPARTMENT]
    names = dict(zip(depts["unit_code"], depts["unit_name"], strict=True))
    codes = staffing.loc[staffing["level"] == Level.UNIT, "department_code"].drop_duplicates()
    return {c: names.get(c) or department_without_row(c) for c in codes}


def staff_per_manager(
    staffing: pd.DataFrame,
    guideline: pd.DataFrame,
    department_map: pd.DataFrame,
    max_adjustment: int = config.MAX_ADJUSTMENT,
) -> pd.DataFrame:
    """Employees and FTEs per manager for every unit, against the guideline.

    Each unit gets the base of its department's row in Table 1 (through the
    department map; departments the map does not name fall under "Övriga
    områden inom socialförvaltningen"). ``guideline_max`` is base +
    ``max_adjustment``, the most the guideline allows after Table 2's factors.

    Returns:
        One row per unit in table order: ``period``, ``unit_code``,
        ``unit_name``, ``department_code``, ``department_name``, ``area``,
        ``employees``, ``fte``, ``managers``, ``employees_per_manager``,
        ``fte_per_manager``, ``guideline_base``, ``guideline_max`` and
        ``status`` (a :class:`~sofstat.vocabulary.Status` code: within base
        ≤ base, over base ≤ max, over max > max).

    Raises:
        InputError: when the map names an area that Table 1 does not have,
            or Table 1 has no "Övriga områden" row for unmapped departments.
    """
    bases = dict(zip(guideline["area"], guideline["base"], strict=True))
    unknown = set(department_map["area"]) - set(bases)
    if unknown:
        raise InputError(
            department_map.attrs.get("source", "department map"),
            None,
            "",
            f"names areas that Table 1 does not have: {', '.join(sorted(unknown))}",
        )
    area_of = dict(zip(department_map["department_code"], department_map["area"], strict=True))
    units = staffing[staffing["level"] == Level.UNIT].copy()
    units["department_name"] = units["department_code"].map(department_names(staffing))
    units["area"] = units["department_code"].map(area_of).fillna(OTHER_AREA).astype("str")
    if OTHER_AREA not in bases and (units["area"] == OTHER_AREA).any():
        raise InputError(
            guideline.attrs.get("source", "Table 1"),
            None,
            "",
            f"has no row {OTHER_AREA!r} for unmapped departments",
        )
    units["employees_per_manager"] = units["employees"] / units["managers"]
    units["fte_per_manager"] = units["fte"] / units["managers"]
    units["guideline_base"] = units["area"].map(bases).astype("int64")
    units["guideline_max"] = units["guideline_base"] + max_adjustment
    epm = units["employees_per_manager"].to_numpy()
    units["status"] = np.select(
        [epm <= units["guideline_base"].to_numpy(), epm <= units["guideline_max"].to_numpy()],
        [Status.WITHIN_BASE.value, Status.OVER_BASE.value],
        Status.OVER_MAX.value,
    )
    units["status"] = units["status"].astype("str")
    cols = [
        "period",
        "unit_code",
        "unit_name",
        "department_code",
        "department_name",
        "area",
        "employees",
        "fte",
        "managers",
        "employees_per_manager",
        "fte_per_manager",
        "guideline_base",
        "guideline_max",
        "status",
    ]
    return units[cols].reset_index(drop=True)


def _roll(g) -> pd.DataFrame:
    """Per-group sums and statuses of a grouped staff_per_manager frame."""
    out = g.agg(
        units=("unit_code", "size"),
        managers=("managers", "sum"),
        employees=("employees", "sum"),
        fte=("fte", "sum"),
        median_employees_per_manager=("employees_per_manager", "median"),
        max_employees_per_manager=("employees_per_manager", "max"),
        within_base=("is_within", "sum"),
        over_base=("is_over_base", "sum"),
        over_max=("is_over_max", "sum"),
    )
    out["employees_per_manager"] = out["employees"] / out["managers"]
    out["fte"] = out["fte"].round(2)
    return out


def department_summary(spm: pd.DataFrame) -> pd.DataFrame:
    """Roll units up to departments: totals, per-manager ratios and statuses.

    Returns:
        One row per department (in order of first appearance) and a last row
        for the whole administration (``department_code`` the board's code,
        ``department_name`` empty, ``whole`` True), with ``department_code``,
        ``department_name``, ``area``, ``guideline_base``, ``units``,
        ``managers``, ``employees``, ``fte``, ``employees_per_manager``
        (total employees ÷ total managers), ``median_employees_per_manager``
        and ``max_employees_per_manager`` (over units), and the number of
        units ``within_base``, ``over_base`` and ``over_max``.
    """
    flags = spm.assign(
        is_within=spm["status"] == Status.WITHIN_BASE,
        is_over_base=spm["status"] == Status.OVER_BASE,
        is_over_max=spm["status"] == Status.OVER_MAX,
    )
    by = flags.groupby("department_code", sort=False)
    depts = _roll(by)
    first = by[["department_name", "area", "guideline_base"]].first()
    depts = first.join(depts).reset_index()
    depts["whole"] = False
    whole = _roll(flags.assign(_all=0).groupby("_all")).reset_index(drop=True)
    whole.insert(0, "department_code", spm["unit_code"].iloc[0][:2] if len(spm) else config.BOARD_CODE)
    whole["department_name"], whole["area"], whole["guideline_base"], whole["whole"] = "", "", pd.NA, True
    out = pd.concat([depts, whole[depts.columns]], ignore_index=True)
    cols = ["units", "managers", "employees", "within_base", "over_base", "over_max"]
    out[cols] = out[cols].astype("int64")
    out["guideline_base"] = out["guideline_base"].astype("Int64")
    return out


def summary_indicators(spm: pd.DataFrame) -> dict[str, float]:
    """Headline indicators of the size of managers' areas.

    Returns:
        A dict with ``units``, ``managers``, ``units_within_base``,
        ``share_units_within_base`` (percent), ``managers_within_base``,
        ``share_managers_within_base`` (percent), ``units_over_base``,
        ``units_over_max``, ``median_employees_per_manager`` and
        ``max_employees_per_manager``.
    """
    within = (spm["status"] == Status.WITHIN_BASE).to_numpy()
    units, managers = len(spm), int(spm["managers"].sum())
    m_within = int(spm.loc[within, "managers"].sum())
    nan = float("nan")
    return {
        "units": units,
        "managers": managers,
        "units_within_base": int(within.sum()),
        "share_units_within_base": float(100 * within.sum() / units) if units else nan,
        "managers_within_base": m_within,
        "share_managers_within_base": float(100 * m_within / managers) if managers else nan,
        "units_over_base": int((spm["status"] == Status.OVER_BASE).sum()),
        "units_over_max": int((spm["status"] == Status.OVER_MAX).sum()),
        "median_employees_per_manager": float(spm["employees_per_manager"].median()) if units else nan,
        "max_employees_per_manager": float(spm["employees_per_manager"].max()) if units else nan,
    }


def _parents(staffing: pd.DataFrame) -> pd.Series:
    """The row each row adds up into: a unit into its department's row (or,
    without one, the board's); a department into the board; the board into nothing."""
    level = staffing["level"]
    has_row = staffing["department_code"].isin(set(staffing.loc[level == Level.DEPARTMENT, "unit_code"]))
    board = staffing["unit_code"].str.slice(0, 2)
    parent = np.where(level == Level.UNIT, np.where(has_row, staffing["department_code"], board), board)
    return pd.Series(np.where(level == Level.BOARD, "", parent), index=staffing.index, dtype="str")


def check_totals(staffing: pd.DataFrame) -> pd.DataFrame:
    """Compare each department's and the board's published totals with their rows.

    Employees and FTE are summed; mean age is the mean of the rows' mean ages
    weighted by their employees. A unit whose department has no row of its
    own (e.g. 5200102 under 52001) counts directly under the board.

    Returns:
        One row per (department or board row, measure) in table order, with
        ``unit_code``, ``unit_name``, ``measure`` (a
        :class:`~sofstat.vocabulary.Measure` code), ``published``, ``summed``,
        ``difference`` (published minus summed), ``beyond_rounding``
        (employees: any difference; FTE: more than 0,01 per summed row; mean
        age: more than 0,1) and ``rows_summed``. It reports; it never raises.
    """
    kids = staffing.assign(parent=_parents(staffing), weighted=staffing["mean_age"] * staffing["employees"])
    sums = (
        kids[kids["parent"] != ""]
        .groupby("parent", sort=False)
        .agg(
            n=("unit_code", "size"),
            employees=("employees", "sum"),
            fte=("fte", "sum"),
            weighted=("weighted", "sum"),
        )
    )
    totals = staffing[staffing["level"] != Level.UNIT]
    s = sums.reindex(totals["unit_code"]).reset_index(drop=True)
    n = s["n"].fillna(0).astype("int64").to_numpy()
    emp = s["employees"].fillna(0).to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        summed = {
            Measure.EMPLOYEES: emp,
            Measure.FTE: s["fte"].fillna(0).to_numpy(dtype="float64").round(2),
            Measure.MEAN_AGE: np.where(emp > 0, (s["weighted"].fillna(0).to_numpy() / emp).round(4), np.nan),
        }
    tolerance = {
        Measure.EMPLOYEES: np.zeros(len(n)),
        Measure.FTE: 0.01 * n,
        Measure.MEAN_AGE: np.full(len(n), 0.1),
    }
    frames = []
    for k, measure in enumerate(Measure):
        published = totals[str(measure)].to_numpy(dtype="float64")
        diff = (published - summed[measure]).round(4)
        beyond = (n == 0) | ~(np.abs(diff) <= tolerance[measure] + 1e-9)
        frames.append(
            pd.DataFrame(
                {
                    "order": np.arange(len(n)) * 3 + k,
                    "unit_code": totals["unit_code"].to_numpy(),
                    "unit_name": totals["unit_name"].to_numpy(),
                    "measure": str(measure),
                    "published": published,
                    "summed": summed[measure],
                    "difference": diff,
                    "beyond_rounding": beyond,
                    "rows_summed": n,
                }
            )
        )
    out = pd.concat(frames).sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)
    return out.astype({"unit_code": "str", "unit_name": "str", "measure": "str", "beyond_rounding": "bool"})
