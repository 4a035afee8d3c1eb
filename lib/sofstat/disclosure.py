"""Small groups in a public document: which figures must not be shown.

Every small-group rule of the report lives here, and nothing else in the
library compares a group size with a threshold:

- **mean age** is hidden for a group of fewer than ``min_employees_age``
  employees (primary), and for a department (or the whole administration)
  when its hidden units together have fewer than that many employees, since
  the hidden unit's mean age could otherwise be worked out from the
  department's and the units shown (secondary);
- **survey** results are hidden for fewer than ``min_respondents``;
- **sick leave** is hidden for a group of ``max_hidden_sick_leave`` or fewer
  employees in any month of the year, and every year-to-date figure from
  that month on (the difference of two would reveal it);
- a figure whose group size is **unknown** is hidden, unless its row says it
  was already published by its source (the report then cites it as such).

The thresholds' defaults are in :mod:`sofstat.config`. Each function
returns boolean masks (True = hide) aligned with its input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import config


def _sizes(values: pd.Series) -> np.ndarray:
    """Group sizes as float64, NaN where unknown (a number column as it is; text read as numbers)."""
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        values = pd.to_numeric(values, errors="coerce")
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _bool(values, index) -> pd.Series:
    return pd.Series(values, index=index, dtype="bool")


def age_hidden(employees: pd.Series, min_employees_age: int = config.MIN_EMPLOYEES_AGE) -> pd.Series:
    """Units whose mean age is hidden: fewer than ``min_employees_age`` employees (or unknown).

    Returns:
        A boolean Series aligned with ``employees``.
    """
    size = _sizes(employees)
    return _bool(np.isnan(size) | (size < min_employees_age), employees.index)  # (NaN < n is False)


def department_ages_hidden(
    department: pd.Series,
    employees: pd.Series,
    unit_hidden: pd.Series,
    min_employees_age: int = config.MIN_EMPLOYEES_AGE,
) -> tuple[pd.Series, bool]:
    """Secondary hiding of mean age for departments and the whole administration.

    A department's mean age is hidden when its hidden units have between 1
    and ``min_employees_age - 1`` employees together, or the department itself
    has fewer than ``min_employees_age``. The whole administration's is hidden
    when the hidden units of the departments hidden that way have between 1
    and ``min_employees_age - 1`` employees together. A hidden unit of unknown
    size counts as a small one (its department, and then the whole, are hidden),
    since its size is the department's total less the units shown.

    Args:
        department: each unit's department code.
        employees: each unit's employees.
        unit_hidden: :func:`age_hidden` of the units.

    Returns:
        ``(hidden, board_hidden)``: a boolean Series indexed by department
        code (in order of first appearance) and a bool for the administration.
    """
    size = pd.to_numeric(employees, errors="coerce").astype("float64").to_numpy()
    hide = unit_hidden.to_numpy(dtype=bool)
    # a hidden unit of unknown size counts as one employee: below any threshold
    frame = pd.DataFrame(
        {
            "department": department.to_numpy(),
            "employees": size,
            "hidden_employees": np.where(hide, np.nan_to_num(size, nan=1.0), 0.0),
            "unknown": hide & np.isnan(size),
        }
    )
    sums = frame.groupby("department", sort=False).agg(
        employees=("employees", "sum"),
        hidden_employees=("hidden_employees", "sum"),
        unknown=("unknown", "any"),
    )
    hidden_emp = sums["hidden_employees"]
    hidden = (
        ((hidden_emp > 0) & (hidden_emp < min_employees_age))
        | (sums["employees"] < min_employees_age)
        | sums["unknown"]
    )
    exposed = float(hidden_emp[hidden].sum())
    board_hidden = bool(0 < exposed < min_employees_age) or bool(sums.loc[hidden, "unknown"].any())
    return hidden.astype(bool), board_hidden


def survey_hidden(
    respondents: pd.Series,
    published: pd.Series | None = None,
    min_respondents: int = config.MIN_RESPONDENTS,
) -> pd.Series:
    """Survey results that must not be shown: fewer than ``min_respondents``,
    or an unknown number of respondents in a row not published by its source.

    Returns:
        A boolean Series aligned with ``respondents``.
    """
    size = _sizes(respondents)
    return _bool(_small_or_unpublished(size < min_respondents, size, published), respondents.index)


def sick_leave_hidden(
    employees: pd.Series,
    published: pd.Series | None = None,
    max_hidden_sick_leave: int = config.MAX_HIDDEN_SICK_LEAVE,
) -> pd.Series:
    """Sick-leave figures that must not be shown: a group of ``max_hidden_sick_leave``
    or fewer employees, or of unknown size in a row not published by its source.

    Returns:
        A boolean Series aligned with ``employees``.
    """
    size = _sizes(employees)
    return _bool(_small_or_unpublished(size <= max_hidden_sick_leave, size, published), employees.index)


def year_to_date_hidden(month_hidden: pd.Series, group: pd.Series, year: pd.Series) -> pd.Series:
    """Year-to-date figures hidden because a month of the same group and year,
    up to and including theirs, is hidden (rows sorted by month within a group).

    Returns:
        A boolean Series aligned with ``month_hidden``.
    """
    as_int = month_hidden.astype("int64")
    return as_int.groupby([group.to_numpy(), year.to_numpy()]).cummax().astype(bool)


def _small_or_unpublished(small: np.ndarray, size: np.ndarray, published: pd.Series | None) -> np.ndarray:
    """``small`` (False where the size is unknown: a comparison with NaN is False), or a size
    unknown in a row not published by its source. Changes ``small`` in place and returns it."""
    unknown = np.isnan(size)
    if published is not None:
        unknown &= ~pd.Series(published, copy=False).fillna(False).astype(bool).to_numpy()
    small |= unknown
    return small
