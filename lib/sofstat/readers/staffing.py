"""The staffing table: permanent employees, FTEs, mean age and managers per unit.

The published form is Table 3 of SOF's plan of June 2024 (see
:mod:`.published`). The same data can come as a ``;``-CSV in Swedish Excel
form or as an ``.xlsx`` workbook, header in this order::

    enhetskod;enhetsnamn;antal_tillsvidareanställda;antal_årsarbetare;medelålder;antal_chefer
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError
from ..vocabulary import Level
from . import cells, fast
from . import source as src
from .published import Rows, _Unreadable, managers_in_name, read_published

#: Columns of :func:`read_staffing`'s result, in order.
COLUMNS = [
    "period",
    "unit_code",
    "unit_name",
    "level",
    "department_code",
    "employees",
    "fte",
    "mean_age",
    "managers",
]
#: Header of the CSV / XLSX form, in order.
CSV_COLUMNS = [
    "enhetskod",
    "enhetsnamn",
    "antal_tillsvidareanställda",
    "antal_årsarbetare",
    "medelålder",
    "antal_chefer",
]
_CODE = re.compile(config.UNIT_CODE_PATTERN)
_LEVELS = {n: Level.of_code("0" * n) for n in config.CODE_LENGTHS}


class ReadLog:
    """Where each row came from and what was not a row; kept in ``df.attrs["read"]``.

    Attributes:
        source: the file name (``"<text>"`` for text).
        lines: int array ``(rows, 2)``: the first and last line of every row.
        debris: ``(line, kind, text)`` of every non-blank line that was not a row.
        blank: how many blank lines there were.
    """

    def __init__(self, source: str, lines: np.ndarray, debris: list, blank: int):
        self.source, self.lines, self.debris, self.blank = source, lines, debris, blank

    def __deepcopy__(self, memo):  # read-only: pandas copies attrs on every operation
        return self


def _read_tabular(source: src.Source, problems: src.Problems) -> tuple[Rows, src.Table]:
    """Read the CSV / XLSX form, checking every cell; return the rows and the table.

    A problem with a cell is added to ``problems`` and its row left out of the rows.
    """
    table = src.read_table(source, CSV_COLUMNS, text_columns={"enhetskod", "enhetsnamn"}, codes={"enhetskod"})
    problems.name = table.name
    before = len(problems.items)
    f = table.frame
    codes, names = f["enhetskod"].to_numpy(dtype=object), f["enhetsnamn"].to_numpy(dtype=object)
    digits = table.regular.digits.get("enhetskod") if table.regular is not None else None
    if digits is not None:  # every code is ASCII digits (read from the bytes): only the length can be wrong
        code_ok = np.isin(digits.lengths, config.CODE_LENGTHS)
    else:
        code_ok = cells.fullmatch(codes, config.UNIT_CODE_PATTERN)
    problems.rows(
        table,
        ~code_ok,
        lambda i: f"unit code {codes[i]!r} is not 2, 5 or 7 digits",
    )
    problems.rows(table, src.empty_cells(table, "enhetsnamn"), "empty unit name")
    emp_text = f["antal_tillsvidareanställda"]
    if pd.api.types.is_numeric_dtype(emp_text.dtype):  # plain numbers: no * among them
        starred = np.zeros(len(f), dtype=bool)
    else:
        starred = emp_text.str.endswith("*").to_numpy(dtype=bool)
        f["antal_tillsvidareanställda"] = emp_text.str.removesuffix("*").str.strip()
    emp = src.counts(table, "antal_tillsvidareanställda", problems, "headcount", required=True)
    fte = table.numbers("antal_årsarbetare", problems, "FTE")
    age = table.numbers("medelålder", problems, "mean age")
    problems.rows(table, np.isnan(fte) & ~_bad(table, "antal_årsarbetare"), "no FTE")
    problems.rows(table, np.isnan(age) & ~_bad(table, "medelålder"), "no mean age")
    mgr = src.counts(table, "antal_chefer", problems, "number of managers")
    managers = mgr.to_numpy(dtype="float64", na_value=np.nan)
    clean = names.copy()
    text = table.source_text.text if table.source_text is not None else "("
    marked = cells.containing(names, "(") if "(" in text else np.zeros(len(f), dtype=bool)
    for i in np.flatnonzero(marked | starred).tolist():
        if clean is names:
            clean = names.copy()
        try:
            clean[i], marker = managers_in_name(clean[i])
        except _Unreadable as exc:
            problems.add(int(table.lines[i]), table.row_text(i), exc.reason)
            continue
        if np.isnan(managers[i]) and marker is not None:
            managers[i] = marker
        if starred[i] and np.isnan(managers[i]):
            problems.add(
                int(table.lines[i]), table.row_text(i), "headcount marked * but no number of managers"
            )
    bad_lines = {p.line for p in problems.items[before:]}
    keep = (
        ~np.isin(table.lines, list(bad_lines)) if bad_lines else slice(None)
    )  # (no copies when all are kept)
    rows = Rows()
    if bad_lines:
        rows.code, rows.name = codes[keep], clean[keep]
    else:  # every row kept: the columns as read (no copy), the names as cleaned
        rows.code, rows.name = f["enhetskod"], f["enhetsnamn"] if clean is names else clean
    rows.employees = emp.to_numpy(dtype="float64", na_value=-1)[keep].astype("int64")
    rows.fte, rows.age = fte[keep], age[keep]
    rows.managers = np.nan_to_num(managers[keep], nan=1.0).astype("int64")
    rows.first = table.lines[keep].astype("int64")
    rows.last = rows.first
    rows.digits = None if digits is None else digits if not bad_lines else digits.take(keep)
    return rows, table


def _bad(table: src.Table, column: str) -> np.ndarray:
    s = table.frame[column]
    if pd.api.types.is_numeric_dtype(s.dtype):
        return np.zeros(len(s), dtype=bool)
    return ~src.empty_cells(table, column)


def _check_rows(rows: Rows, text_of, problems: src.Problems) -> None:
    """Add every impossible value and repeated code to ``problems``."""
    emp = np.asarray(rows.employees, dtype="float64")
    fte = np.asarray(rows.fte, dtype="float64")
    age = np.asarray(rows.age, dtype="float64")
    mgr = np.asarray(rows.managers, dtype="float64")
    first = np.asarray(rows.first, dtype="int64")
    lo, hi = config.MEAN_AGE_RANGE
    checks = [
        (emp < 0, lambda k: "negative headcount"),
        (emp > config.MAX_COUNT, lambda k: f"headcount {int(emp[k])} cannot be a count of people"),
        (fte < 0, lambda k: "negative FTE"),
        (
            (fte > emp + 1e-9) & (emp >= 0),
            lambda k: f"FTE ({float(fte[k])}) above headcount ({int(emp[k])})",
        ),
        (mgr < 1, lambda k: "fewer than one manager"),
        (mgr > config.MAX_COUNT, lambda k: "number of managers cannot be a count of people"),
        ((age < lo) | (age > hi), lambda k: f"mean age {float(age[k])} outside {lo:g}–{hi:g}"),
    ]
    for mask, reason in checks:
        for k in np.flatnonzero(mask).tolist():
            problems.add(int(first[k]), text_of(k), reason(k))
    if rows.digits is not None:  # the codes' digits as numbers; in ascending order none repeats
        keys = rows.digits.keys()
        ascending = bool((keys[1:] > keys[:-1]).all())
        repeated = np.zeros(0, dtype=np.int64) if ascending else np.flatnonzero(pd.Series(keys).duplicated())
    else:
        repeated = np.flatnonzero(pd.Series(np.asarray(rows.code, dtype=object)).duplicated().to_numpy())
    if len(repeated):
        codes = pd.Series(
            np.asarray(rows.code, dtype=object)
        )  # the first row of each code, found once (not searched for every repeat)
        firsts = codes.drop_duplicates()
        first_line = dict(zip(firsts.tolist(), first[firsts.index].tolist(), strict=True))
        for k in repeated.tolist():
            code = codes.iloc[k]
            problems.add(
                int(first[k]), text_of(k), f"duplicate unit code {code} (first on line {first_line[code]})"
            )


def _text(values) -> pd.api.extensions.ExtensionArray:
    """A ``str`` array (a column as read is taken as it is). The frame is built from arrays, not
    Series: Series would have their indexes joined and be reindexed, a fixed cost of every call."""
    if isinstance(values, pd.Series):
        return values.array
    return pd.Series(np.asarray(values, dtype=object), dtype="str").array


def _departments(codes: np.ndarray, digits: fast.Digits | None) -> pd.api.extensions.ExtensionArray:
    """The first five digits of every code (the code itself when shorter), as a ``str`` array."""
    if digits is None:
        return pd.Series([c[:5] for c in codes.tolist()], dtype="str").array
    inverse, first = fast.factorize_in_order(digits.keys(5))
    return cells.text_array(inverse, digits.take(first).strings(5))


def read_staffing(source: src.Source, period: str | None = None) -> pd.DataFrame:
    """Read the staffing table (Table 3) into one row per organisational row.

    Args:
        source: a path to the published text (``.txt``), to a ``;``-CSV in
            Swedish Excel form or to an ``.xlsx`` workbook, or the published
            text itself (a ``str`` with line breaks, or ``bytes``).
        period: ``"YYYY-MM"``; when omitted it is taken from the path (a
            folder or file name such as ``2024-03``) or from the table title
            (``… mars 2024``).

    Returns:
        A DataFrame in table order with columns ``period``, ``unit_code``,
        ``unit_name``, ``level`` (a :class:`sofstat.vocabulary.Level` code:
        ``board``/``department``/``unit``), ``department_code``,
        ``employees`` (int), ``fte`` (float), ``mean_age`` (float) and
        ``managers`` (int). ``df.attrs["read"]`` is a :class:`ReadLog`
        (source, lines of each row, debris).

    Raises:
        InputError: naming file, line and text (all problems in
            ``.problems``): for a line that is neither a row, a wrapped name
            nor known page debris, a row that cannot be read, duplicate unit
            codes, no rows, negative numbers or counts above 10 000 000, FTE
            above headcount, a mean age outside 16–75, a ``*`` without
            ``(*N chefer)``, a period that cannot be determined, a folder or
            unreadable file.
    """
    tabular = not src.is_text_source(source) and Path(source).suffix.lower() in {".csv", *src.XLSX_SUFFIXES}
    title_period = None
    problems = src.Problems(str(source))
    if tabular:
        rows, table = _read_tabular(source, problems)
        name, path = table.name, table.path

        def text_of(k):
            line = int(rows.first[k])
            return table.source_text.line(line) if table.source_text else table.cells.get(line, "")

    else:
        text = src.load_text(source)
        problems.name = text.name
        rows, title_period = read_published(text, problems)
        name, path = text.name, text.path

        def text_of(k):
            joined = rows.texts.get(k)
            return text.line(int(rows.first[k])) if joined is None else joined

    # the rows that could be read are checked too, so that every problem is listed at once
    _check_rows(rows, text_of, problems)
    problems.raise_if_any()
    if not len(rows.code):
        raise InputError(name, None, "", "no table rows found")
    if period is None:
        period = src.period_from_path(path) or title_period
    if period is None:
        raise InputError(name, None, "", "cannot tell the period: pass period='YYYY-MM'")
    if not re.fullmatch(config.MONTH_PATTERN, str(period)):
        raise InputError(name, None, "", f"period must be 'YYYY-MM', not {str(period)[:40]!r}")
    code_values = np.asarray(rows.code, dtype=object)
    if rows.digits is not None:
        lengths = rows.digits.lengths
    else:
        lengths = np.fromiter(map(len, code_values.tolist()), dtype=np.int64, count=len(code_values))
    levels = np.array([str(_LEVELS.get(k, "")) for k in range(max(config.CODE_LENGTHS) + 1)], dtype=object)
    df = pd.DataFrame(
        {
            "period": pd.Series(str(period), index=range(len(code_values)), dtype="str").array,
            "unit_code": _text(rows.code),
            "unit_name": _text(rows.name),
            "level": pd.Series(levels[lengths], dtype="str").array,
            "department_code": _departments(code_values, rows.digits),
            "employees": np.asarray(rows.employees, dtype="int64"),
            "fte": np.asarray(rows.fte, dtype="float64"),
            "mean_age": np.asarray(rows.age, dtype="float64"),
            "managers": np.asarray(rows.managers, dtype="int64"),
        },
        copy=False,  # (arrays made here, for this frame only)
    )
    lines = np.column_stack([rows.first, rows.last]).astype("int64")
    df.attrs["read"] = ReadLog(name, lines, rows.debris, rows.blank)
    return df
