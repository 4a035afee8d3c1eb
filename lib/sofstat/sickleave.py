"""Managers' sick leave: monthly hours from the pay system, or published rates.

Two CSV shapes (Swedish Excel conventions, or ``.xlsx``):

- monthly hours: ``månad;grupp;sjuktimmar;ordinarie_timmar[;antal_anställda]``
  with ``månad`` as ``YYYY-MM``;
- published rates: ``år;grupp;sjuktal[;antal_anställda]`` (percent).

The accumulated rate (ackumulerat sjuktal) for a month is the sick hours from
January of that year up to the month divided by the ordinary hours of the
same months, times 100: a ratio of sums, never a mean of monthly rates.
"""

from __future__ import annotations

import re

import pandas as pd

from . import _io, paths
from .errors import InputError
from .numbers import normalise_spaces, parse_number

MONTHLY = ["månad", "grupp", "sjuktimmar", "ordinarie_timmar"]
RATES = ["år", "grupp", "sjuktal"]
OPTIONAL = ["antal_anställda"]
#: Sweden's rule for sick leave in annual accounts: no figure for a group of
#: this many employees or fewer.
MAX_HIDDEN_GROUP_SIZE = 10
COLUMNS = [
    "year",
    "month",
    "group",
    "sick_hours",
    "ordinary_hours",
    "rate",
    "employees",
    "source",
]


def _first_header(source: _io.Source) -> str:
    if not _io.is_text_source(source) and str(source).lower().endswith((".xlsx", ".xlsm")):
        rows = _io._xlsx_rows(_io.Path(source))
        for _, cells in rows:
            if any(c not in (None, "") for c in cells):
                return str(cells[0] or "")
        return ""
    for line in _io.split_lines(_io.load_text(source).text):
        if normalise_spaces(line).strip(" ;"):
            return line.split(";")[0]
    return ""


def read_sick_leave(source: _io.Source) -> pd.DataFrame:
    """Read sick leave in either shape.

    Args:
        source: a ``.csv``/``.xlsx`` path, or the CSV text itself.

    Returns:
        A DataFrame with ``year`` (int), ``month`` (str ``YYYY-MM``; missing
        for published annual rates), ``group`` (str), ``sick_hours`` and
        ``ordinary_hours`` (float; missing for rates), ``rate`` (percent: the
        month's own rate for hours, the published rate otherwise),
        ``employees`` (Int64, missing when not given) and ``source``. The
        shape is in ``df.attrs["shape"]`` (``"monthly"`` or ``"rates"``).

    Raises:
        InputError: naming file, line and text, for a header that is neither
            shape, a bad month or year, an empty group, a negative or
            non-numeric value, sick hours above ordinary hours, ordinary hours
            of zero, a rate above 100, or the same group and month (or year)
            twice.
    """
    first = normalise_spaces(_first_header(source)).strip().lstrip("\ufeff").strip().lower()
    monthly = first == "månad"
    table = _io.read_table(source, MONTHLY if monthly else RATES, OPTIONAL)
    source_name = paths.display_path(table.path) if table.path else table.name
    records, seen = [], {}
    for row in table.rows:
        cell = dict(zip(table.columns, row.cells, strict=True))

        def bad(reason: str, row=row) -> InputError:
            return InputError(table.name, row.line, row.text, reason)

        def number(col: str, cell=cell, bad=bad) -> float:
            try:
                value = float(parse_number(cell[col].removesuffix("%").strip()))
            except ValueError:
                raise bad(f"{col} {cell[col]!r} is not a number") from None
            if value < 0:
                raise bad(f"negative {col}")
            return value

        group = cell["grupp"].strip()
        if not group:
            raise bad("empty group")
        try:
            employees = _io.count_cell(cell.get("antal_anställda", ""), "antal_anställda")
        except ValueError as exc:
            raise bad(str(exc)) from None
        if monthly:
            m = re.fullmatch(r"((?:19|20)\d\d)-(0[1-9]|1[0-2])", cell["månad"].strip())
            if not m:
                raise bad(f"month {cell['månad']!r} is not YYYY-MM")
            sick, ordinary = number("sjuktimmar"), number("ordinarie_timmar")
            if ordinary == 0:
                raise bad("ordinary hours are zero")
            if sick > ordinary:
                raise bad(f"sick hours ({sick:g}) above ordinary hours ({ordinary:g})")
            key = (m.group(0), group)
            record = {
                "year": int(m.group(1)),
                "month": m.group(0),
                "group": group,
                "sick_hours": sick,
                "ordinary_hours": ordinary,
                "rate": 100 * sick / ordinary,
            }
        else:
            if not re.fullmatch(r"(19|20)\d\d", cell["år"].strip()):
                raise bad(f"year {cell['år']!r} is not a four-digit year")
            rate = number("sjuktal")
            if rate > 100:
                raise bad(f"rate {rate:g} % above 100")
            key = (cell["år"].strip(), group)
            record = {
                "year": int(cell["år"]),
                "month": None,
                "group": group,
                "sick_hours": float("nan"),
                "ordinary_hours": float("nan"),
                "rate": rate,
            }
        if key in seen:
            raise bad(f"{' '.join(key)} appears twice (first on line {seen[key]})")
        seen[key] = row.line
        record["employees"] = employees
        record["source"] = source_name
        records.append(record)
    if not records:
        raise InputError(table.name, None, "", "no rows")
    df = pd.DataFrame(records, columns=COLUMNS).astype(
        {
            "year": "int64",
            "month": "str",
            "group": "str",
            "sick_hours": "float64",
            "ordinary_hours": "float64",
            "rate": "float64",
            "employees": "Int64",
            "source": "str",
        }
    )
    if not monthly:
        df["month"] = pd.Series([pd.NA] * len(df), dtype="str")
    df.attrs["shape"] = "monthly" if monthly else "rates"
    return df


def accumulated_sick_rate(monthly: pd.DataFrame) -> pd.DataFrame:
    """The accumulated sick-leave rate per group and month (from January).

    rate = Σ sick hours ÷ Σ ordinary hours × 100, over the months of the same
    year up to and including the month: a ratio of sums, so months with more
    ordinary hours weigh more.

    Args:
        monthly: :func:`read_sick_leave` of monthly hours.

    Returns:
        One row per group and month, sorted by group, then month: ``year``,
        ``month``, ``group``, ``sick_hours`` and ``ordinary_hours`` (of the
        month), ``sick_hours_ytd`` and ``ordinary_hours_ytd`` (summed from
        January), ``months_included`` (how many months of the year are in the
        sum), ``accumulated_rate`` (percent) and ``employees``.

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
    return df[
        [
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
    ]


def yearly_rates(sick: pd.DataFrame) -> pd.DataFrame:
    """The accumulated rate per group and year, whatever the input shape.

    For monthly hours it is the rate up to the last month given in the year
    (``through_month``); for published rates it is the rate as published.

    Returns:
        One row per group and year: ``year``, ``group``, ``rate``,
        ``through_month`` (``YYYY-MM`` or missing), ``months_included``,
        ``employees`` (the smallest known group size in the year, so that a
        small month is never revealed through the year's figure) and
        ``from_hours`` (bool).
    """
    if sick.attrs.get("shape") == "monthly" or sick["sick_hours"].notna().all():
        acc = accumulated_sick_rate(sick)
        last = acc.groupby(["group", "year"], sort=False).tail(1)
        # the smallest size in the year decides: a year is hidden if any of its months is
        emp = acc.groupby(["group", "year"], sort=False)["employees"].min()
        out = pd.DataFrame(
            {
                "year": last["year"].to_numpy(),
                "group": last["group"].to_numpy(),
                "rate": last["accumulated_rate"].to_numpy(),
                "through_month": last["month"].to_numpy(),
                "months_included": last["months_included"].to_numpy(),
                "employees": [emp.loc[(g, y)] for g, y in zip(last["group"], last["year"], strict=True)],
                "from_hours": True,
            }
        )
    else:
        out = pd.DataFrame(
            {
                "year": sick["year"],
                "group": sick["group"],
                "rate": sick["rate"],
                "through_month": pd.Series([pd.NA] * len(sick), dtype="str"),
                "months_included": pd.NA,
                "employees": sick["employees"],
                "from_hours": False,
            }
        )
    out["employees"] = out["employees"].astype("Int64")
    return out.sort_values(["group", "year"], kind="stable").reset_index(drop=True)


def read_sick_leave_files(sources: list[str]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Read several sick-leave files (e.g. the baseline and this period's).

    Empty entries are skipped and a file named twice is read once.

    Returns:
        ``(rates, monthly)``: the yearly rates of all files (see
        :func:`yearly_rates`; a later file wins for the same group and year),
        and the monthly hours of the files that have them (or None).

    Raises:
        InputError: as :func:`read_sick_leave`.
    """
    from .paths import resolve

    rates, monthly = [], []
    for s in dict.fromkeys(s for s in sources if s):
        df = read_sick_leave(resolve(s))
        rates.append(yearly_rates(df))
        if df.attrs["shape"] == "monthly":
            monthly.append(df)
    if not rates:
        empty = pd.DataFrame(
            {
                "year": pd.Series(dtype="int64"),
                "group": pd.Series(dtype="str"),
                "rate": pd.Series(dtype="float64"),
                "through_month": pd.Series(dtype="str"),
                "months_included": pd.Series(dtype="Int64"),
                "employees": pd.Series(dtype="Int64"),
                "from_hours": pd.Series(dtype="bool"),
            }
        )
        return empty, None
    all_rates = pd.concat(rates, ignore_index=True).drop_duplicates(["group", "year"], keep="last")
    all_rates = all_rates.sort_values(["group", "year"], kind="stable").reset_index(drop=True)
    return all_rates, (pd.concat(monthly, ignore_index=True) if monthly else None)


def hidden_mask(acc: pd.DataFrame, max_hidden: int = MAX_HIDDEN_GROUP_SIZE) -> tuple[pd.Series, pd.Series]:
    """Which monthly figures of :func:`accumulated_sick_rate` must not be shown.

    A month whose group has ``max_hidden`` or fewer employees is hidden; so is
    every accumulated (year-to-date) figure from that month to December,
    since the difference between two accumulated figures would reveal it.

    Returns:
        ``(month_hidden, ytd_hidden)``, boolean Series aligned with ``acc``.
    """
    month_hidden = (acc["employees"].notna() & (acc["employees"] <= max_hidden)).fillna(False).astype(bool)
    ytd_hidden = month_hidden.astype(int).groupby([acc["group"], acc["year"]]).cummax().astype(bool)
    return month_hidden, ytd_hidden
