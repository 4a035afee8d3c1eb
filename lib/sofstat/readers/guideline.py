"""The guideline on the size of managers' areas: Table 1 (base numbers),
Table 2 (factors) and which row of Table 1 applies to which department."""

from __future__ import annotations

import pandas as pd

from .. import config
from ..errors import InputError
from . import source as src


def read_guideline(path: src.Source) -> pd.DataFrame:
    """Read Table 1: the base number of employees per manager per area.

    The file is a ``;``-CSV with header ``avdelning;antal_medarbetare_per_chef``.

    Returns:
        A DataFrame with columns ``area`` (str, Table 1's wording) and
        ``base`` (int), in file order; ``attrs["source"]`` is the file name.

    Raises:
        InputError: for a header that differs, a base that is not a positive
            whole number (at most 10 000 000), an empty or duplicate area, or
            a file with no rows (every such row listed in ``.problems``).
    """
    table = src.read_table(path, ["avdelning", "antal_medarbetare_per_chef"], text_columns={"avdelning"})
    problems = src.Problems(table.name)
    area = table.frame["avdelning"]
    base = src.counts(table, "antal_medarbetare_per_chef", problems, "base", required=True)
    problems.rows(table, (base == 0).fillna(False).to_numpy(bool), "base must be positive")
    problems.rows(table, ((area == "") | area.duplicated()).to_numpy(), "empty or duplicate area")
    problems.raise_if_any()
    if not len(area):
        raise InputError(table.name, None, "", "no rows")
    out = pd.DataFrame({"area": area.astype("str"), "base": base.astype("int64")})
    out.attrs["source"] = table.name
    return out


def read_factors(path: src.Source) -> pd.DataFrame:
    """Read Table 2: the factors that allow a larger or require a smaller group.

    Returns:
        A DataFrame with columns ``factor``, ``allows_larger``,
        ``requires_smaller`` (all str), in file order.

    Raises:
        InputError: for a header that differs or an empty factor.
    """
    table = src.read_table(path, ["påverkande_faktor", "medger_större_grupp", "kräver_mindre_grupp"])
    problems = src.Problems(table.name)
    problems.rows(table, (table.frame["påverkande_faktor"] == "").to_numpy(), "empty factor")
    problems.raise_if_any()
    out = table.frame.set_axis(["factor", "allows_larger", "requires_smaller"], axis=1).astype("str")
    return out.reset_index(drop=True)


def read_department_map(path: src.Source | None = None) -> pd.DataFrame:
    """Read which row of Table 1 applies to which department.

    Args:
        path: the mapping CSV; default ``data/raw/avdelning_riktlinje.csv``
            (header ``avdelningskod;avdelning_i_tabell_3;riktlinjens_avdelning``).

    Returns:
        A DataFrame with columns ``department_code``, ``department_label``
        and ``area``; ``attrs["source"]`` is the file name.

    Raises:
        InputError: for a header that differs, a code that is not five digits
            or a duplicate code.
    """
    table = src.read_table(
        config.DEPARTMENT_MAP_FILE if path is None else path,
        ["avdelningskod", "avdelning_i_tabell_3", "riktlinjens_avdelning"],
    )
    problems = src.Problems(table.name)
    code = table.frame["avdelningskod"]
    bad = ~code.str.fullmatch("[0-9]{5}").fillna(False).to_numpy(bool) | code.duplicated().to_numpy()
    problems.rows(table, bad, "department code must be 5 digits, once")
    problems.raise_if_any()
    out = table.frame.set_axis(["department_code", "department_label", "area"], axis=1).astype("str")
    out.attrs["source"] = table.name
    return out.reset_index(drop=True)
