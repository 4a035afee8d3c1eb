"""Managers' sick leave: monthly hours from the pay system, or published rates.

Two CSV shapes (Swedish Excel conventions, or ``.xlsx``):

- monthly hours: ``månad;grupp;sjuktimmar;ordinarie_timmar[;antal_anställda]``
  with ``månad`` as ``YYYY-MM``;
- published rates: ``år;grupp;sjuktal[;antal_anställda[;publicerad[;källa]]]``
  (percent, ``%`` after the number optional); ``publicerad`` = ``ja`` marks a rate already published by its
  source (``källa``), which the report cites as published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError
from . import cells
from . import source as src

MONTHLY = ["månad", "grupp", "sjuktimmar", "ordinarie_timmar"]
MONTHLY_OPTIONAL = ["antal_anställda"]
RATES = ["år", "grupp", "sjuktal"]
RATES_OPTIONAL = ["antal_anställda", "publicerad", "källa"]
COLUMNS = [
    "year",
    "month",
    "group",
    "sick_hours",
    "ordinary_hours",
    "rate",
    "employees",
    "published",
    "source",
]


def read_sick_leave(source: src.Source) -> pd.DataFrame:
    """Read sick leave in either shape.

    Args:
        source: a ``.csv``/``.xlsx`` path, or the CSV text itself.

    Returns:
        A DataFrame with ``year`` (int), ``month`` (str ``YYYY-MM``; missing
        for published annual rates), ``group`` (str), ``sick_hours`` and
        ``ordinary_hours`` (float; missing for rates), ``rate`` (percent: the
        month's own rate for hours, the published rate otherwise),
        ``employees`` (Int64, missing when not given), ``published`` (bool)
        and ``source``. ``df.attrs["shape"]`` is ``"monthly"`` or ``"rates"``.

    Raises:
        InputError: naming file, line and text (all problems in
            ``.problems``), for a header that is neither shape, a bad month or
            year, an empty group, a negative or non-numeric value, hours above
            10 000 000 000, sick hours above ordinary hours, ordinary hours of
            zero, a rate above 100, ``publicerad`` other than ja/nej, or the
            same group and month (or year) twice.
    """
    try:
        table = src.read_table(
            source, MONTHLY, MONTHLY_OPTIONAL, text_columns={"månad", "grupp"}, categories={"månad"}
        )
        monthly = True
    except InputError as exc:
        if not exc.reason.startswith("header differs"):
            raise
        try:
            table = src.read_table(
                source, RATES, RATES_OPTIONAL, text_columns={"år", "grupp", "publicerad", "källa"}
            )
        except InputError as exc2:
            if not exc2.reason.startswith("header differs"):
                raise
            raise InputError(
                exc2.source,
                exc2.line,
                exc2.text,
                "header is neither " + ";".join(MONTHLY) + " nor " + ";".join(RATES) + " (see the README)",
            ) from None
        monthly = False
    problems = src.Problems(table.name)
    f = table.frame
    n = len(f)
    group_codes, groups = cells.factorize(f["grupp"])
    problems.rows(table, (groups == "")[group_codes], "empty group")
    employees = (
        src.counts(table, "antal_anställda", problems, "antal_anställda")
        if "antal_anställda" in f
        else pd.Series([pd.NA] * n, dtype="Int64")
    )
    source_name = config.display_path(table.path) if table.path else table.name
    if monthly:
        # month by month: every check on the distinct values, then spread to the rows by their codes
        key_codes, keys = cells.factorize(f["månad"])
        ok = cells.fullmatch(keys, config.MONTH_PATTERN)[key_codes]
        problems.rows(table, ~ok, lambda i: f"month {keys[key_codes[i]][:20]!r} is not YYYY-MM")
        sick = _hours(table, "sjuktimmar", problems)
        ordinary = _hours(table, "ordinarie_timmar", problems)
        problems.rows(table, ordinary == 0, "ordinary hours are zero")
        problems.rows(
            table,
            sick > ordinary,
            lambda i: f"sick hours ({sick[i]:g}) above ordinary hours ({ordinary[i]:g})",
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = 100 * sick / ordinary
        years = np.array([k[:4] for k in keys.tolist()], dtype=object)
        published = np.zeros(n, dtype=bool)
        sources = pd.array([source_name] * n, dtype="str")
    else:
        key_codes, keys = cells.factorize(f["år"])
        ok = cells.fullmatch(keys, config.YEAR_PATTERN)[key_codes]
        problems.rows(table, ~ok, lambda i: f"year {keys[key_codes[i]][:20]!r} is not a four-digit year")
        cell = f["sjuktal"]  # a percentage: one % sign after the number is allowed (and a workbook's % cells)
        if not pd.api.types.is_numeric_dtype(cell.dtype):  # (a column of plain numbers holds no %)
            f["sjuktal"] = cell.where(~cell.str.endswith("%"), cell.str.slice(0, -1).str.rstrip())
        rate = table.numbers("sjuktal", problems, "sjuktal")
        problems.rows(table, rate < 0, "negative sjuktal")
        problems.rows(table, rate > 100, lambda i: f"rate {rate[i]:g} % above 100")
        problems.rows(table, np.isnan(rate) & src.empty_cells(table, "sjuktal"), "no sjuktal")
        word_codes, words = (
            cells.factorize(f["publicerad"]) if "publicerad" in f else (np.zeros(n, int), [""])
        )
        words = np.array([w.lower() for w in words], dtype=object)
        problems.rows(
            table,
            ~np.isin(words, ["", "ja", "nej"])[word_codes],
            lambda i: f"publicerad must be ja or nej, not {words[word_codes[i]]!r}",
        )
        published = (words == "ja")[word_codes]
        if "källa" in f:
            source_codes, named = cells.factorize(f["källa"])
            sources = cells.text_array(source_codes, [v if v else source_name for v in named.tolist()])
        else:
            sources = pd.array([source_name] * n, dtype="str")
        sick, ordinary = np.full(n, np.nan), np.full(n, np.nan)
        years = keys
    pair = key_codes * (len(groups) + 1) + group_codes  # the same month (or year) and group twice
    dup = pd.Series(pair).duplicated().to_numpy()
    problems.rows(table, dup, lambda i: f"{keys[key_codes[i]]} {groups[group_codes[i]]} appears twice")
    if monthly:
        _months_from_january(table, problems, keys, key_codes, groups, group_codes, ok & ~dup)
    problems.raise_if_any()
    if not n:
        raise InputError(table.name, None, "", "no rows")
    year_values = np.array([int(y) for y in years.tolist()], dtype="int64")
    df = pd.DataFrame(
        {
            "year": year_values[key_codes],
            "month": cells.text_array(key_codes, keys) if monthly else pd.array([pd.NA] * n, dtype="str"),
            "group": cells.text_array(group_codes, groups),
            "sick_hours": sick,
            "ordinary_hours": ordinary,
            "rate": rate,
            "employees": employees,
            "published": published,
            "source": sources,
        },
        copy=False,  # (arrays made here, for this frame only)
    )
    df = cells.as_dtypes(df, {"month": "str", "group": "str", "source": "str", "published": "bool"})
    df.attrs["shape"] = "monthly" if monthly else "rates"
    return df


def _months_from_january(table, problems, keys, key_codes, groups, group_codes, ok) -> None:
    """A problem for every gap in a group's months of a year: they must run 01, 02, ... without a hole.

    The accumulated rate sums hours from January, so a month missing at the
    start or in between would be lost in silence. Each gap is reported once,
    at the first month after it.
    """
    rows = np.flatnonzero(ok)
    if not len(rows):
        return
    codes = key_codes[rows]  # (their keys are all YYYY-MM)
    used = np.flatnonzero(np.bincount(codes, minlength=len(keys)))
    year_by, month_by = np.zeros(len(keys), dtype="int64"), np.zeros(len(keys), dtype="int64")
    year_by[used] = [int(keys[c][:4]) for c in used.tolist()]
    month_by[used] = [int(keys[c][5:7]) for c in used.tolist()]
    year_of, month_of = year_by[codes], month_by[codes]
    if not _gaps_possible(group_codes[rows], year_by, used, codes, month_of):
        return
    g = pd.DataFrame({"row": rows, "group": group_codes[rows], "year": year_of, "month": month_of})
    g = g.sort_values(["group", "year", "month"], kind="stable")
    rank = g.groupby(["group", "year"], sort=False).cumcount().to_numpy() + 1
    missing = g["month"].to_numpy() - rank  # months missing before this one
    first = np.concatenate([[True], rank[1:] == 1])
    new_missing = missing - np.where(first, 0, np.concatenate([[0], missing[:-1]]))
    gap = new_missing > 0
    at = g["row"].to_numpy()[gap]
    mask = np.zeros(len(ok), dtype=bool)
    mask[at] = True
    previous = dict(zip(at.tolist(), (g["month"].to_numpy() - new_missing)[gap].tolist(), strict=True))

    def reason(i: int) -> str:
        key, first_missing = keys[key_codes[i]], previous[i]
        gone = f"{key[:4]}-{first_missing:02d}"
        span = (
            gone if key[5:7] == f"{first_missing + 1:02d}" else f"{gone} to {key[:4]}-{int(key[5:7]) - 1:02d}"
        )
        return (
            f"group {groups[group_codes[i]][:40]!r} has {key} but not {span}: "
            "monthly hours are summed from January, so the months must follow each other"
        )

    problems.rows(table, mask, reason)


def _gaps_possible(
    groups: np.ndarray, year_by: np.ndarray, used: np.ndarray, codes: np.ndarray, months: np.ndarray
) -> bool:
    """False when every (group, year) provably holds months 1, 2, ..., n without a hole.

    ``year_by`` is the year of each month code, ``used`` the codes that occur.
    The rows' months are distinct within a (group, year) (a month given twice is
    left out), and ``n`` distinct months from 1 to 12 add up to ``n(n+1)/2`` only
    when they are exactly 1 to ``n``: a count and a sum per (group, year) prove it
    in linear time, with no sort. True means only that the sorted check must look.
    """
    years, year_index = np.unique(year_by[used], return_inverse=True)  # (over the distinct months)
    year_of_code = np.zeros(len(year_by), dtype=np.int64)
    year_of_code[used] = year_index
    span = int(groups.max(initial=0)) + 1
    keys = groups * len(years) + year_of_code[codes]
    if span * len(years) > 4 * len(groups) + 1024:  # (too sparse for a table per group and year)
        keys, _ = pd.factorize(keys)
    count = np.bincount(keys)
    total = np.bincount(keys, weights=months)
    return bool((total != count * (count + 1) / 2).any())


def _hours(table: src.Table, column: str, problems: src.Problems) -> np.ndarray:
    values = table.numbers(column, problems, column)
    problems.rows(table, np.isnan(values) & src.empty_cells(table, column), f"no {column}")
    problems.rows(table, values < 0, f"negative {column}")
    problems.rows(
        table,
        values > config.MAX_HOURS,
        f"{column} above {config.MAX_HOURS:.0e} cannot be hours of one group",
    )
    return values


def read_sick_leave_files(sources: list[str]) -> list[pd.DataFrame]:
    """Read several sick-leave files (e.g. the baseline's and this period's).

    Empty entries are skipped and a file named twice is read once.

    Returns:
        The result of :func:`read_sick_leave` for each file, in order.

    Raises:
        InputError: as :func:`read_sick_leave`.
    """
    return [read_sick_leave(config.resolve(s)) for s in dict.fromkeys(s for s in sources if s)]
