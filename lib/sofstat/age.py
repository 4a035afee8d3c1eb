"""Mean age per unit and department, with small groups hidden.

Hiding is done in two steps, as statistical offices do:

1. *primary*: a unit with fewer than ``min_employees`` employees has its
   mean age hidden;
2. *secondary*: a department whose hidden units together have fewer than
   ``min_employees`` employees also has its mean age hidden, because the
   hidden unit's age could otherwise be worked out from the department's
   mean and the units shown. The same test is then made for the whole
   administration over the departments hidden in step 2.
"""

from __future__ import annotations

import pandas as pd

from .staffing import department_names

#: Mean age is hidden for groups with fewer employees than this.
MIN_EMPLOYEES_FOR_AGE = 5


def age_by_unit(staffing: pd.DataFrame, min_employees: int = MIN_EMPLOYEES_FOR_AGE) -> pd.DataFrame:
    """Mean age per unit, hidden where the unit has fewer than ``min_employees``.

    Args:
        staffing: the result of :func:`sofstat.read_staffing`.
        min_employees: smallest group whose mean age may be shown.

    Returns:
        One row per unit (``enhet``) in table order: ``unit_code``,
        ``unit_name``, ``department_code``, ``department_name``,
        ``employees``, ``mean_age`` (NaN when hidden) and ``suppressed``.
    """
    units = staffing[staffing["level"] == "enhet"].copy()
    units["department_name"] = units["department_code"].map(department_names(staffing))
    units["suppressed"] = units["employees"] < min_employees
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


def age_by_department(staffing: pd.DataFrame, min_employees: int = MIN_EMPLOYEES_FOR_AGE) -> pd.DataFrame:
    """Mean age per department: published, rolled up from units, and its spread.

    The roll-up weights each unit's mean age by its employees (all units,
    hidden ones included). The spread (lowest, median, highest unit mean age
    and the range) is taken over the units whose mean age is shown. See the
    module docstring for when a department's own figures are hidden.

    Returns:
        One row per department in table order, then ``Hela förvaltningen``:
        ``department_code``, ``department_name``, ``employees``, ``units``,
        ``published_mean_age`` (NaN where the table has no row or the value
        is hidden), ``weighted_mean_age`` (NaN when hidden), ``suppressed``
        (bool: the department's mean age is hidden), ``units_shown``,
        ``min_unit_age``, ``median_unit_age``, ``max_unit_age``, ``range``.
    """
    units = age_by_unit(staffing, min_employees)
    raw = staffing[staffing["level"] == "enhet"].reset_index(drop=True)
    published = dict(zip(staffing["unit_code"], staffing["mean_age"], strict=True))
    nan = float("nan")

    def roll(code: str, name: str, mask: pd.Series, hide: bool) -> dict:
        g_raw, g = raw[mask], units[mask]
        emp = int(g_raw["employees"].sum())
        shown = g["mean_age"].dropna()
        weighted = (g_raw["mean_age"] * g_raw["employees"]).sum() / emp if emp else nan
        return {
            "department_code": code,
            "department_name": name,
            "employees": emp,
            "units": int(mask.sum()),
            "published_mean_age": nan if hide else published.get(code, nan),
            "weighted_mean_age": nan if hide else float(weighted),
            "suppressed": hide,
            "units_shown": len(shown),
            "min_unit_age": float(shown.min()) if len(shown) else nan,
            "median_unit_age": float(shown.median()) if len(shown) else nan,
            "max_unit_age": float(shown.max()) if len(shown) else nan,
            "range": float(shown.max() - shown.min()) if len(shown) else nan,
        }

    rows, exposed = [], 0
    for code in dict.fromkeys(units["department_code"]):
        mask = units["department_code"] == code
        hidden_emp = int(units.loc[mask & units["suppressed"], "employees"].sum())
        total_emp = int(units.loc[mask, "employees"].sum())
        hide = 0 < hidden_emp < min_employees or total_emp < min_employees
        if hide:
            exposed += hidden_emp
        rows.append(roll(code, units.loc[mask, "department_name"].iloc[0], mask, hide))
    board = staffing[staffing["level"] == "nämnd"]
    board_code = board["unit_code"].iloc[0] if len(board) else "52"
    hide_board = 0 < exposed < min_employees
    rows.append(roll(board_code, "Hela förvaltningen", pd.Series(True, index=units.index), hide_board))
    return pd.DataFrame(rows)


def hide_ages_in_check(
    check: pd.DataFrame, staffing: pd.DataFrame, min_employees: int = MIN_EMPLOYEES_FOR_AGE
) -> pd.DataFrame:
    """Blank the mean-age rows of :func:`sofstat.check_totals` where the age
    tables hide the department's (or the whole administration's) mean age.

    Otherwise the published and summed mean age of, say, a department of two
    units, one of them hidden, would reveal the hidden unit's mean age.

    Returns:
        A copy of ``check`` with ``published``, ``summed`` and ``difference``
        set to NaN (and ``beyond_rounding`` False) on those rows, and a
        column ``hidden`` (bool).
    """
    depts = age_by_department(staffing, min_employees)
    hidden_codes = set(depts.loc[depts["suppressed"], "department_code"])
    out = check.copy()
    out["hidden"] = (out["measure"] == "mean_age") & out["unit_code"].isin(hidden_codes)
    for col in ("published", "summed", "difference"):
        out[col] = out[col].where(~out["hidden"])
    out["beyond_rounding"] = out["beyond_rounding"] & ~out["hidden"]
    return out
