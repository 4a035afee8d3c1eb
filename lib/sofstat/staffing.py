"""The staffing table: permanent employees, FTEs, mean age and managers.

The published form is Table 3 of SOF's plan of June 2024, text extracted
from a PDF: one organisational row per line (``5200307 Roma Äldreboende
(*2 chefer) 56* 54,80 45,6``), page debris between rows, and names that
may wrap onto the next line. The same data can also come as a ``;``-CSV
in Swedish Excel form or as an ``.xlsx`` workbook (see the README).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import _io
from .errors import InputError
from .numbers import normalise_spaces, parse_number

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
LEVELS = {2: "nämnd", 5: "avdelning", 7: "enhet"}
#: Plausible range of a group's mean age (inclusive).
MEAN_AGE_RANGE = (16.0, 75.0)

#: Header of the CSV / XLSX form, in order.
CSV_COLUMNS = [
    "enhetskod",
    "enhetsnamn",
    "antal_tillsvidareanställda",
    "antal_årsarbetare",
    "medelålder",
    "antal_chefer",
]

# A line "starts like a row" when it begins with a 2-, 5- or 7-digit code
# followed by a space and more text.
_ROW_START = re.compile(r"^\s*([0-9]{7}|[0-9]{5}|[0-9]{2})\s+(\S.*)$")
# A line that ends like a row (headcount, FTE, mean age) but did not start
# like one: a damaged code must not make a row vanish.
_ROW_TAIL = re.compile(
    r"[A-Za-zÅÄÖåäöÉé)]\s+[-\u2212]?\d[\d ]*\*?\s+[-\u2212]?\d[\d ]*[,.]\d+\s+[-\u2212]?\d+[,.]\d+\s*$"
)
# The common case, read in one step: the last three fields are single
# tokens (no thousands separator). Its split is the one _split_numbers tries
# first (the longest name), and _split_numbers keeps it whenever FTE is not
# above headcount; rows where it is are read again the slow way.
_FAST_ROW = re.compile(
    r"^[^\S\n]*([0-9]{7}|[0-9]{5}|[0-9]{2})[^\S\n]+(\S.*?[^\s*])[^\S\n]+([0-9]+)(\*?)"
    r"[^\S\n]+([0-9]+(?:[,.][0-9]+)?)[^\S\n]+([0-9]+(?:[,.][0-9]+)?)[^\S\n]*$"
)
# Every line, in one pass: the fast shape, or anything else (last group).
_LINE = re.compile(r"^(?:" + _FAST_ROW.pattern[1:-1] + r"|(.*))$", re.MULTILINE)
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")
_MANAGERS = re.compile(r"\(\s*\*\s*([0-9]+)\s*chef(?:er)?\s*\)", re.IGNORECASE)
_INT = re.compile(r"^[-\u2212]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)$")
_DEC = re.compile(r"^[-\u2212]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[,.][0-9]+)?$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        "januari februari mars april maj juni juli augusti september oktober november december".split(),
        start=1,
    )
}
_TITLE_PERIOD = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(20\d{2})\b", re.IGNORECASE)
# How far an FTE may exceed the headcount and still be read as a (bad) row
# rather than as a sign that a digit belongs to the name (see _split_numbers).
_FTE_TYPO_RATIO = 1.5
_MAX_WRAP_LINES = 3


def starts_like_row(line: str) -> bool:
    """True when ``line`` begins with a unit code followed by text."""
    return _ROW_START.match(normalise_spaces(line)) is not None


@dataclass
class _Parsed:
    code: str
    name: str
    employees: int
    starred: bool
    fte: float
    mean_age: float


class _Unreadable(Exception):
    """The line does not hold a readable row; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _split_numbers(rest: str) -> tuple[str, str, bool, str, str]:
    """Split ``name headcount[*] fte age`` into its parts.

    Thousands separators make the split ambiguous (``Visby 1 29`` vs
    ``1 555``), so every split whose numbers are well-formed is tried, the
    one that leaves the longest name first, and the first with FTE not above
    headcount wins. If the longest-name split has FTE only a little above
    headcount, it is taken (and later rejected as FTE above headcount)
    rather than silently moving a digit from the name into the headcount.

    Returns:
        (name, headcount text, starred, fte text, age text).

    Raises:
        _Unreadable: when no split works.
    """
    tokens = rest.split()
    if len(tokens) < 4:
        raise _Unreadable("expected a name, headcount, FTE and mean age")
    age = tokens[-1]
    if not _DEC.match(age):
        raise _Unreadable("the last value is not a mean age")
    first_valid = None
    for total in range(2, 7):
        for n_fte in range(1, 4):
            n_emp = total - n_fte
            if not 1 <= n_emp <= 3 or n_emp + n_fte + 2 > len(tokens):
                continue
            fte = " ".join(tokens[-1 - n_fte : -1])
            emp_tokens = tokens[-1 - n_fte - n_emp : -1 - n_fte]
            starred = emp_tokens[-1].endswith("*")
            emp = " ".join(emp_tokens).removesuffix("*")
            if "*" in emp or not _INT.match(emp) or not _DEC.match(fte):
                continue
            name = " ".join(tokens[: -1 - n_fte - n_emp])
            if not re.search(r"[^\W\d_]", name):
                continue
            candidate = (name, emp, starred, fte, age)
            try:
                emp_v = parse_number(emp, integer=True)
                fte_v = parse_number(fte)
            except ValueError:
                continue
            if fte_v <= emp_v or emp_v < 0 or fte_v < 0:
                if first_valid is not None and first_valid[1] <= _FTE_TYPO_RATIO * first_valid[2]:
                    return first_valid[0]
                return candidate
            if first_valid is None:
                first_valid = (candidate, fte_v, max(emp_v, 0))
    if first_valid is not None:
        return first_valid[0]
    raise _Unreadable("cannot read headcount, FTE and mean age at the end of the line")


def _parse_line(line: str) -> _Parsed:
    m = _ROW_START.match(normalise_spaces(line))
    if not m:
        raise _Unreadable("does not start with a unit code")
    code, rest = m.group(1), m.group(2)
    name, emp, starred, fte, age = _split_numbers(rest)
    return _Parsed(
        code=code,
        name=name,
        employees=int(parse_number(emp, integer=True)),
        starred=starred,
        fte=float(parse_number(fte)),
        mean_age=float(parse_number(age)),
    )


def _managers(name: str) -> tuple[str, int | None]:
    """Remove a ``(*N chefer)`` marker; return the clean name and N (or None)."""
    found = _MANAGERS.findall(name)
    clean = " ".join(_MANAGERS.sub(" ", name).split())
    if len(found) > 1:
        raise _Unreadable("more than one (*N chefer) marker")
    return clean, (int(found[0]) if found else None)


def _validate(name: str, line: int, text: str, employees: int, fte: float, age: float, managers: int) -> None:
    """Raise InputError for values no real table can hold."""
    for label, value in (
        ("headcount", employees),
        ("FTE", fte),
        ("mean age", age),
        ("number of managers", managers),
    ):
        if value < 0:
            raise InputError(name, line, text, f"negative {label} ({value})")
    if managers < 1:
        raise InputError(name, line, text, "number of managers must be at least 1")
    if fte > employees + 1e-9:
        raise InputError(name, line, text, f"FTE ({fte}) above headcount ({employees})")
    lo, hi = MEAN_AGE_RANGE
    if not lo <= age <= hi:
        raise InputError(name, line, text, f"mean age {age} outside {lo:g}–{hi:g}")


def _period_from_title(lines: list[str]) -> str | None:
    for line in lines:
        if starts_like_row(line):
            break
        m = _TITLE_PERIOD.search(line)
        if m:
            return f"{m.group(2)}-{_MONTHS[m.group(1).lower()]:02d}"
    return None


class _Rows:
    """Rows as columns (fast to build into a DataFrame), with their lines."""

    def __init__(self) -> None:
        self.code: list[str] = []
        self.name: list[str] = []
        self.employees: list[int] = []
        self.fte: list[float] = []
        self.age: list[float] = []
        self.managers: list[int] = []
        self.first: list[int] = []
        self.last: list[int] = []
        self.texts: dict[int, str] = {}  # row index -> text, where not one line as read

    def add(self, code, name, employees, fte, age, managers, first, last, text=None) -> None:
        if text is not None:
            self.texts[len(self.code)] = text
        self.code.append(code)
        self.name.append(name)
        self.employees.append(employees)
        self.fte.append(fte)
        self.age.append(age)
        self.managers.append(managers)
        self.first.append(first)
        self.last.append(last)


def _read_published(text: _io.Text) -> tuple[_Rows, list[str], str | None]:
    """Read the published text form; return the rows, the lines and a period.

    Two passes: one regular-expression pass over the whole text reads every
    line of the common, unambiguous shape (see ``_FAST_ROW``) at C speed;
    the remaining lines are then read one by one (wrapped names, thousands
    separators, debris, errors). The result is the same as reading every
    line the slow way.
    """
    lines = _io.split_lines(text.text)
    found = _LINE.findall("\n".join(lines)) if lines else []
    if len(found) != len(lines):  # cannot happen; be safe rather than fast
        found = [("",) * 7] * len(lines)
    cols = list(zip(*found, strict=True)) if found else [()] * 7
    code_col = cols[0]
    fast_rows = [i for i, c in enumerate(code_col) if c]
    if fast_rows:
        emp_all = np.array(_pick(cols[2], fast_rows)).astype("float64")
        fte_all = np.array(" ".join(_pick(cols[4], fast_rows)).replace(",", ".").split(), dtype="float64")
        if (fte_all > emp_all).any():  # maybe a digit of the name belongs to the headcount: read slowly
            fast_rows = [i for i, keep in zip(fast_rows, (fte_all <= emp_all).tolist(), strict=True) if keep]
    fast_set = set(fast_rows)
    fast_error: InputError | None = None
    if fast_rows:
        f_codes = _pick(code_col, fast_rows)
        f_names = _pick(cols[1], fast_rows)
        if _ODD_SPACE.search("\x00".join(f_names)):  # e.g. two spaces or a no-break space in a name
            f_names = [" ".join(n.split()) for n in f_names]
        f_mgrs = [1] * len(fast_rows)
        stars = cols[3]
        star_of = _pick(stars, fast_rows)
        special = [
            k for k, (name, star) in enumerate(zip(f_names, star_of, strict=True)) if star or "(" in name
        ]
        for k in special:
            i = fast_rows[k]
            try:
                clean, n = _managers(f_names[k])
                if star_of[k] and n is None:
                    raise _Unreadable("headcount marked * but the name has no (*N chefer)")
            except _Unreadable as exc:
                fast_error = InputError(text.name, i + 1, lines[i], exc.reason)
                break
            f_names[k] = clean
            f_mgrs[k] = 1 if n is None else n
        f_emp = np.array(_pick(cols[2], fast_rows)).astype("int64")
        f_fte = np.array(" ".join(_pick(cols[4], fast_rows)).replace(",", ".").split(), dtype="float64")
        f_age = np.array(" ".join(_pick(cols[5], fast_rows)).replace(",", ".").split(), dtype="float64")
    try:
        slow = _read_lines_slowly(text.name, lines, fast_set, fast_error.line if fast_error else None)
    except InputError as exc:
        if fast_error is None or exc.line < fast_error.line:
            raise
        raise fast_error from None
    if fast_error is not None:
        raise fast_error
    rows = slow
    if fast_rows:
        rows = _Rows()
        rows.code, rows.name, rows.managers = f_codes, f_names, f_mgrs
        rows.employees, rows.fte, rows.age = f_emp.tolist(), f_fte.tolist(), f_age.tolist()
        rows.first = [i + 1 for i in fast_rows]
        rows.last = list(rows.first)
        if slow.code:
            rows = _merge(rows, slow)
    return rows, lines, _period_from_title(lines)


def _pick(column: tuple, indices: list[int]) -> list:
    """``[column[i] for i in indices]``, at C speed."""
    if len(indices) == 1:
        return [column[indices[0]]]
    return list(operator.itemgetter(*indices)(column))


def _merge(a: _Rows, b: _Rows) -> _Rows:
    """Rows of ``a`` and ``b`` in the order of their first line."""
    order = np.argsort(np.array(a.first + b.first), kind="stable").tolist()
    out = _Rows()
    n_a = len(a.code)
    for field in ("code", "name", "employees", "fte", "age", "managers", "first", "last"):
        both = getattr(a, field) + getattr(b, field)
        setattr(out, field, [both[k] for k in order])
    position = {k: pos for pos, k in enumerate(order)}
    out.texts = {position[n_a + k]: t for k, t in b.texts.items()}
    out.texts.update({position[k]: t for k, t in a.texts.items()})
    return out


def _read_lines_slowly(name: str, lines: list[str], rows_already_read: set[int], stop: int | None) -> _Rows:
    """Read the lines the fast pass did not, in order, up to line ``stop``."""
    rows = _Rows()
    i, n_lines = 0, len(lines)
    while i < n_lines:
        if stop is not None and i + 1 >= stop:
            break
        line = lines[i]
        if i in rows_already_read:
            i += 1
            continue
        if not starts_like_row(line):
            if _ROW_TAIL.search(normalise_spaces(line)):
                raise InputError(
                    name, i + 1, line, "looks like a table row but has no 2-, 5- or 7-digit unit code"
                )
            i += 1
            continue
        used = [i]
        joined = line
        try:
            parsed = _parse_line(line)
        except _Unreadable as exc:
            parsed, reason = None, exc.reason
            # A name that wraps: join the following non-blank lines.
            j = i + 1
            while parsed is None and j < n_lines and len(used) < _MAX_WRAP_LINES:
                if lines[j].strip() == "":
                    j += 1
                    continue
                if j in rows_already_read:
                    break  # the next line is a row of its own
                if starts_like_row(lines[j]):
                    try:
                        _parse_line(lines[j])
                        break  # the next line is a row of its own
                    except _Unreadable:
                        pass
                joined = joined.rstrip() + " " + lines[j].strip()
                used.append(j)
                try:
                    parsed = _parse_line(joined)
                except _Unreadable:
                    pass
                j += 1
            if parsed is None:
                raise InputError(
                    name, i + 1, line, f"starts like a row but cannot be read: {reason}"
                ) from None
        try:
            unit_name, n_managers = _managers(parsed.name)
        except _Unreadable as exc:
            raise InputError(name, i + 1, joined, exc.reason) from None
        if parsed.starred and n_managers is None:
            raise InputError(name, i + 1, joined, "headcount marked * but the name has no (*N chefer)")
        rows.add(
            parsed.code,
            unit_name,
            parsed.employees,
            parsed.fte,
            parsed.mean_age,
            1 if n_managers is None else n_managers,
            i + 1,
            used[-1] + 1,
            joined if len(used) > 1 else None,
        )
        i = used[-1] + 1
    return rows


def _read_tabular(source: _io.Source) -> tuple[_Rows, list[str], Path | None, str]:
    """Read the CSV / XLSX form; return the rows, their texts, path and name."""
    table = _io.read_table(source, CSV_COLUMNS)
    rows = _Rows()
    for row in table.rows:
        code, name, emp, fte, age, mgr = row.cells
        try:
            if not re.fullmatch(r"[0-9]{7}|[0-9]{5}|[0-9]{2}", code):
                raise ValueError(f"unit code {code!r} is not 2, 5 or 7 digits")
            if not name:
                raise ValueError("empty unit name")
            starred = emp.endswith("*")
            unit_name, marker = _managers(name)
            managers = int(parse_number(mgr, integer=True)) if mgr else marker
            if starred and managers is None:
                raise ValueError("headcount marked * but no number of managers")
            rows.add(
                code,
                unit_name,
                int(parse_number(emp.removesuffix("*"), integer=True)),
                float(parse_number(fte)),
                float(parse_number(age)),
                1 if managers is None else managers,
                row.line,
                row.line,
                row.text,
            )
        except (ValueError, _Unreadable) as exc:
            raise InputError(table.name, row.line, row.text, str(exc)) from None
    return rows, [], table.path, table.name


def read_staffing(source: _io.Source, period: str | None = None) -> pd.DataFrame:
    """Read the staffing table (Table 3) into one row per organisational row.

    Args:
        source: a path to the published text (``.txt``), to a ``;``-CSV in
            Swedish Excel form or to an ``.xlsx`` workbook (header
            ``enhetskod;enhetsnamn;antal_tillsvidareanställda;
            antal_årsarbetare;medelålder;antal_chefer``), or the published
            text itself (a ``str`` with line breaks, or ``bytes``).
        period: ``"YYYY-MM"``; when omitted it is taken from the path (a
            folder or file name such as ``2024-03``) or from the table title
            (``… mars 2024``).

    Returns:
        A DataFrame in table order with columns ``period``, ``unit_code``,
        ``unit_name``, ``level`` (``nämnd``/``avdelning``/``enhet``),
        ``department_code``, ``employees`` (int), ``fte`` (float),
        ``mean_age`` (float) and ``managers`` (int). ``df.attrs`` holds
        ``source`` (the file name) and ``source_lines`` (an int array with,
        for every row, the first and last line it was read from).

    Raises:
        InputError: for a line that starts like a row but cannot be read, a
            line that ends like a row without a valid code, duplicate unit
            codes, a table with no rows, negative numbers, FTE above
            headcount, a mean age outside 16–75, a ``*`` without
            ``(*N chefer)``, or a period that cannot be determined.
        FileNotFoundError: when the path does not exist.
    """
    tabular = not _io.is_text_source(source) and Path(source).suffix.lower() in {
        ".csv",
        ".xlsx",
        ".xlsm",
    }
    title_period = None
    if tabular:
        rows, lines, path, name = _read_tabular(source)
    else:
        text = _io.load_text(source)
        rows, lines, title_period = _read_published(text)
        path, name = text.path, text.name
    if not rows.code:
        raise InputError(name, None, "", "no table rows found")
    _check_rows(rows, lines, name)
    if period is None:
        period = _io.period_from_path(path) or title_period
    if period is None:
        raise InputError(name, None, "", "cannot tell the period: pass period='YYYY-MM'")
    if not re.fullmatch(r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])", str(period)):
        raise ValueError(f"period must be 'YYYY-MM', not {period!r}")
    codes = pd.Series(rows.code, dtype="str")
    df = pd.DataFrame(
        {
            "period": pd.Series([str(period)] * len(codes), dtype="str"),
            "unit_code": codes,
            "unit_name": pd.Series(rows.name, dtype="str"),
            "level": codes.str.len().map(LEVELS).astype("str"),
            "department_code": codes.str.slice(0, 5),
            "employees": np.asarray(rows.employees, dtype="int64"),
            "fte": np.asarray(rows.fte, dtype="float64"),
            "mean_age": np.asarray(rows.age, dtype="float64"),
            "managers": np.asarray(rows.managers, dtype="int64"),
        }
    )
    df.attrs["source"] = name
    # [first line, last line] of every row: numbers, so cheap to copy along
    df.attrs["source_lines"] = np.column_stack([rows.first, rows.last]).astype("int64")
    return df


def _check_rows(rows: _Rows, lines: list[str], name: str) -> None:
    """Raise InputError for the first row with an impossible value or a repeated code."""
    emp = np.asarray(rows.employees, dtype="float64")
    fte = np.asarray(rows.fte, dtype="float64")
    age = np.asarray(rows.age, dtype="float64")
    mgr = np.asarray(rows.managers, dtype="float64")
    lo, hi = MEAN_AGE_RANGE
    bad = (emp < 0) | (fte < 0) | (age < 0) | (mgr < 1) | (fte > emp + 1e-9) | (age < lo) | (age > hi)
    dup = pd.Series(rows.code).duplicated().to_numpy()
    flagged = np.flatnonzero(bad | dup)
    if not len(flagged):
        return
    k = int(flagged[0])
    line = rows.first[k]
    text_ = rows.texts.get(k, lines[line - 1] if lines else "")
    _validate(name, line, text_, rows.employees[k], rows.fte[k], rows.age[k], rows.managers[k])
    first = rows.code.index(rows.code[k])
    raise InputError(
        name, line, text_, f"duplicate unit code {rows.code[k]} (first on line {rows.first[first]})"
    )


def department_names(staffing: pd.DataFrame) -> dict[str, str]:
    """Name of every department that has units, by department code.

    A department without a row of its own in the table (e.g. 52001) is
    called ``Avdelning 52001 (ingen egen rad i tabell 3)``.

    Returns:
        ``{department_code: name}`` in table order.
    """
    depts = staffing[staffing["level"] == "avdelning"]
    names = dict(zip(depts["unit_code"], depts["unit_name"], strict=True))
    codes = dict.fromkeys(staffing.loc[staffing["level"] == "enhet", "department_code"])
    return {c: names.get(c, f"Avdelning {c} (ingen egen rad i tabell 3)") for c in codes}


def _children(staffing: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """Rows that add up to ``row``: a department's units; the board's departments
    plus the units whose department has no row of its own."""
    if row["level"] == "avdelning":
        mask = (staffing["level"] == "enhet") & (staffing["department_code"] == row["unit_code"])
        return staffing[mask]
    departments = set(staffing.loc[staffing["level"] == "avdelning", "unit_code"])
    under = staffing["unit_code"].str.startswith(row["unit_code"])
    depts = (staffing["level"] == "avdelning") & under
    orphans = (staffing["level"] == "enhet") & under & ~staffing["department_code"].isin(departments)
    return staffing[depts | orphans]


def check_totals(staffing: pd.DataFrame) -> pd.DataFrame:
    """Compare each department's and the board's published totals with their rows.

    Employees and FTE are summed; mean age is the mean of the rows' mean ages
    weighted by their employees. A unit whose department has no row of its
    own (e.g. 5200102 under 52001) counts directly under the board.

    Args:
        staffing: the result of :func:`read_staffing`.

    Returns:
        One row per (department or board row, measure) with columns
        ``unit_code``, ``unit_name``, ``measure`` (``employees``, ``fte``,
        ``mean_age``), ``published``, ``summed``, ``difference`` (published
        minus summed), ``beyond_rounding`` (employees: any difference; FTE:
        more than 0.01 per summed row; mean age: more than 0.1) and
        ``rows_summed``. It reports and never raises for differences.
    """
    out = []
    totals = staffing[staffing["level"].isin(["nämnd", "avdelning"])]
    for _, row in totals.iterrows():
        kids = _children(staffing, row)
        n = len(kids)
        emp = float(kids["employees"].sum())
        summed = {
            "employees": emp,
            "fte": round(float(kids["fte"].sum()), 2),
            "mean_age": (
                round(float((kids["mean_age"] * kids["employees"]).sum() / emp), 4) if emp else float("nan")
            ),
        }
        tolerance = {"employees": 0.0, "fte": 0.01 * n, "mean_age": 0.1}
        for measure in ("employees", "fte", "mean_age"):
            published = float(row[measure])
            diff = round(published - summed[measure], 4)
            beyond = bool(n == 0 or not abs(diff) <= tolerance[measure] + 1e-9)
            out.append(
                {
                    "unit_code": row["unit_code"],
                    "unit_name": row["unit_name"],
                    "measure": measure,
                    "published": published,
                    "summed": summed[measure],
                    "difference": diff,
                    "beyond_rounding": beyond,
                    "rows_summed": n,
                }
            )
    return pd.DataFrame(
        out,
        columns=[
            "unit_code",
            "unit_name",
            "measure",
            "published",
            "summed",
            "difference",
            "beyond_rounding",
            "rows_summed",
        ],
    )
