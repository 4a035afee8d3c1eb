"""The guideline on the size of managers' areas (Tables 1 and 2) and
employees per manager measured against it."""

from __future__ import annotations

import pandas as pd

from . import _io, paths
from .errors import InputError
from .numbers import parse_number
from .staffing import department_names

#: Table 1's row for departments the table does not name.
OTHER_AREA = "Övriga områden inom socialförvaltningen"
#: The most the guideline lets the base move either way ("maximalt 5-10").
MAX_ADJUSTMENT = 10

STATUS_WITHIN = "inom grundtal"
STATUS_OVER_BASE = "över grundtal"
STATUS_OVER_MAX = "över maxgräns"
STATUSES = [STATUS_WITHIN, STATUS_OVER_BASE, STATUS_OVER_MAX]


def read_guideline(path: _io.Source) -> pd.DataFrame:
    """Read Table 1: the base number of employees per manager per area.

    The file is a ``;``-CSV with header ``avdelning;antal_medarbetare_per_chef``.

    Returns:
        A DataFrame with columns ``area`` (str, Table 1's wording) and
        ``base`` (int), in file order.

    Raises:
        InputError: for a header that differs, a base that is not a positive
            whole number, a duplicate area or a file with no rows.
    """
    table = _io.read_table(path, ["avdelning", "antal_medarbetare_per_chef"])
    records, seen = [], set()
    for row in table.rows:
        area, base = row.cells
        try:
            value = int(parse_number(base, integer=True))
        except ValueError:
            raise InputError(table.name, row.line, row.text, "base is not a whole number") from None
        if value <= 0:
            raise InputError(table.name, row.line, row.text, "base must be positive")
        if not area or area in seen:
            raise InputError(table.name, row.line, row.text, "empty or duplicate area")
        seen.add(area)
        records.append({"area": area, "base": value})
    if not records:
        raise InputError(table.name, None, "", "no rows")
    out = pd.DataFrame(records, columns=["area", "base"]).astype({"area": "str", "base": "int64"})
    out.attrs["source"] = table.name
    return out


def read_factors(path: _io.Source) -> pd.DataFrame:
    """Read Table 2: the factors that allow a larger or require a smaller group.

    Returns:
        A DataFrame with columns ``factor``, ``allows_larger``,
        ``requires_smaller`` (all str), in file order.

    Raises:
        InputError: for a header that differs or an empty factor.
    """
    table = _io.read_table(path, ["påverkande_faktor", "medger_större_grupp", "kräver_mindre_grupp"])
    for row in table.rows:
        if not row.cells[0]:
            raise InputError(table.name, row.line, row.text, "empty factor")
    return pd.DataFrame(
        [r.cells for r in table.rows], columns=["factor", "allows_larger", "requires_smaller"], dtype="str"
    )


def read_department_map(path: _io.Source | None = None) -> pd.DataFrame:
    """Read which row of Table 1 applies to which department.

    Args:
        path: the mapping CSV; default ``data/raw/avdelning_riktlinje.csv``
            (header ``avdelningskod;avdelning_i_tabell_3;riktlinjens_avdelning``).

    Returns:
        A DataFrame with columns ``department_code``, ``department_label``
        and ``area``.

    Raises:
        InputError: for a header that differs, a code that is not five digits
            or a duplicate code.
    """
    table = _io.read_table(
        paths.DEPARTMENT_MAP_FILE if path is None else path,
        ["avdelningskod", "avdelning_i_tabell_3", "riktlinjens_avdelning"],
    )
    seen = set()
    for row in table.rows:
        code = row.cells[0]
        if not (len(code) == 5 and code.isdigit()) or code in seen:
            raise InputError(table.name, row.line, row.text, "department code must be 5 digits, once")
        seen.add(code)
    out = pd.DataFrame(
        [r.cells for r in table.rows], columns=["department_code", "department_label", "area"], dtype="str"
    )
    out.attrs["source"] = table.name
    return out


def staff_per_manager(
    staffing: pd.DataFrame,
    guideline: pd.DataFrame,
    department_map: pd.DataFrame | None = None,
    max_adjustment: int = MAX_ADJUSTMENT,
) -> pd.DataFrame:
    """Employees and FTEs per manager for every unit, against the guideline.

    Each unit (``enhet``) gets the base of its department's row in Table 1
    (via the department map; departments the map does not name fall under
    "Övriga områden inom socialförvaltningen"). ``guideline_max`` is base +
    ``max_adjustment``, the most the guideline allows after the factors of
    Table 2.

    Args:
        staffing: the result of :func:`sofstat.read_staffing`.
        guideline: the result of :func:`read_guideline`.
        department_map: the result of :func:`read_department_map`; read from
            the project's data when omitted.
        max_adjustment: how far the factors can move the base (default 10).

    Returns:
        One row per unit in table order: ``period``, ``unit_code``,
        ``unit_name``, ``department_code``, ``department_name``, ``area``,
        ``employees``, ``fte``, ``managers``, ``employees_per_manager``,
        ``fte_per_manager``, ``guideline_base``, ``guideline_max`` and
        ``status`` (``inom grundtal`` ≤ base, ``över grundtal`` ≤ max,
        ``över maxgräns`` > max).

    Raises:
        InputError: when the map names an area that Table 1 does not have,
            or Table 1 has no "Övriga områden" row for unmapped departments.
    """
    if department_map is None:
        department_map = read_department_map()
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
    units = staffing[staffing["level"] == "enhet"].copy()
    names = department_names(staffing)
    units["department_name"] = units["department_code"].map(names)
    units["area"] = [area_of.get(c, OTHER_AREA) for c in units["department_code"]]
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
    units["status"] = [
        STATUS_WITHIN if e <= b else STATUS_OVER_BASE if e <= m else STATUS_OVER_MAX
        for e, b, m in zip(
            units["employees_per_manager"], units["guideline_base"], units["guideline_max"], strict=True
        )
    ]
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


def department_summary(spm: pd.DataFrame) -> pd.DataFrame:
    """Roll units up to departments: totals, per-manager ratios and statuses.

    Args:
        spm: the result of :func:`staff_per_manager`.

    Returns:
        One row per department (in order of first appearance) and a last row
        ``Hela förvaltningen`` with columns ``department_code``,
        ``department_name``, ``area``, ``guideline_base``, ``units``,
        ``managers``, ``employees``, ``fte``, ``employees_per_manager``
        (total employees ÷ total managers), ``median_employees_per_manager``
        and ``max_employees_per_manager`` (over units), and the number of
        units ``within_base``, ``over_base`` and ``over_max``.
    """

    def roll(g: pd.DataFrame) -> dict:
        return {
            "units": len(g),
            "managers": int(g["managers"].sum()),
            "employees": int(g["employees"].sum()),
            "fte": round(float(g["fte"].sum()), 2),
            "employees_per_manager": g["employees"].sum() / g["managers"].sum(),
            "median_employees_per_manager": float(g["employees_per_manager"].median()),
            "max_employees_per_manager": float(g["employees_per_manager"].max()),
            "within_base": int((g["status"] == STATUS_WITHIN).sum()),
            "over_base": int((g["status"] == STATUS_OVER_BASE).sum()),
            "over_max": int((g["status"] == STATUS_OVER_MAX).sum()),
        }

    rows = []
    for code, g in spm.groupby("department_code", sort=False):
        first = g.iloc[0]
        rows.append(
            {
                "department_code": code,
                "department_name": first["department_name"],
                "area": first["area"],
                "guideline_base": int(first["guideline_base"]),
                **roll(g),
            }
        )
    rows.append(
        {
            "department_code": "52" if spm.empty else spm["unit_code"].iloc[0][:2],
            "department_name": "Hela förvaltningen",
            "area": "",
            "guideline_base": pd.NA,
            **roll(spm),
        }
    )
    return pd.DataFrame(rows)


def summary_indicators(spm: pd.DataFrame) -> dict[str, float]:
    """Headline indicators of the size of managers' areas.

    Returns:
        A dict with ``units``, ``managers``, ``units_within_base``,
        ``share_units_within_base`` (percent), ``managers_within_base``,
        ``share_managers_within_base`` (percent), ``units_over_base``,
        ``units_over_max``, ``median_employees_per_manager`` and
        ``max_employees_per_manager``.
    """
    within = spm["status"] == STATUS_WITHIN
    units, managers = len(spm), int(spm["managers"].sum())
    return {
        "units": units,
        "managers": managers,
        "units_within_base": int(within.sum()),
        "share_units_within_base": float(100 * within.sum() / units) if units else float("nan"),
        "managers_within_base": int(spm.loc[within, "managers"].sum()),
        "share_managers_within_base": (
            float(100 * spm.loc[within, "managers"].sum() / managers) if managers else float("nan")
        ),
        "units_over_base": int((spm["status"] == STATUS_OVER_BASE).sum()),
        "units_over_max": int((spm["status"] == STATUS_OVER_MAX).sum()),
        "median_employees_per_manager": float(spm["employees_per_manager"].median()),
        "max_employees_per_manager": float(spm["employees_per_manager"].max()),
    }
