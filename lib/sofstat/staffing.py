"""The staffing table: permanent employees, FTEs, mean age and managers.

The published form is Table 3 of SOF's plan of June 2024, text extracted
from a PDF: one organisational row per line (``5200307 Roma Äldreboende
(*2 chefer) 56* 54,80 45,6``), page debris between rows, and names that
may wrap onto the next line. The same data can also come as a ``;``-CSV
in Swedish Excel form or as an ``.xlsx`` workbook (see the README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
_ROW_START = re.compile(r"^\s*(\d{7}|\d{5}|\d{2})\s+(\S.*)$")
# A line that ends like a row (headcount, FTE, mean age) but did not start
# like one: a damaged code must not make a row vanish.
_ROW_TAIL = re.compile(
    r"[A-Za-zÅÄÖåäöÉé)]\s+[-\u2212]?\d[\d ]*\*?\s+[-\u2212]?\d[\d ]*[,.]\d+\s+[-\u2212]?\d+[,.]\d+\s*$"
)
_MANAGERS = re.compile(r"\(\s*\*\s*(\d+)\s*chef(?:er)?\s*\)", re.IGNORECASE)
_INT = re.compile(r"^[-\u2212]?(?:\d{1,3}(?: \d{3})+|\d+)$")
_DEC = re.compile(r"^[-\u2212]?(?:\d{1,3}(?: \d{3})+|\d+)(?:[,.]\d+)?$")
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


def _read_published(text: _io.Text) -> tuple[list[dict], list[tuple[int, ...]], str | None]:
    """Read the published text form; return records, their lines and a period."""
    lines = _io.split_lines(text.text)
    records: list[dict] = []
    spans: list[tuple[int, ...]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not starts_like_row(line):
            if _ROW_TAIL.search(normalise_spaces(line)):
                raise InputError(
                    text.name, i + 1, line, "looks like a table row but has no 2-, 5- or 7-digit unit code"
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
            while parsed is None and j < len(lines) and len(used) < _MAX_WRAP_LINES:
                if lines[j].strip() == "":
                    j += 1
                    continue
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
                    text.name, i + 1, line, f"starts like a row but cannot be read: {reason}"
                ) from None
        try:
            unit_name, n_managers = _managers(parsed.name)
        except _Unreadable as exc:
            raise InputError(text.name, i + 1, joined, exc.reason) from None
        if parsed.starred and n_managers is None:
            raise InputError(text.name, i + 1, joined, "headcount marked * but the name has no (*N chefer)")
        records.append(
            {
                "unit_code": parsed.code,
                "unit_name": unit_name,
                "employees": parsed.employees,
                "fte": parsed.fte,
                "mean_age": parsed.mean_age,
                "managers": 1 if n_managers is None else n_managers,
                "_line": i + 1,
                "_text": joined,
            }
        )
        spans.append(tuple(k + 1 for k in used))
        i = used[-1] + 1
    return records, spans, _period_from_title(lines)


def _read_tabular(source: _io.Source) -> tuple[list[dict], list[tuple[int, ...]], Path | None, str]:
    """Read the CSV / XLSX form; return records, their lines, path and name."""
    table = _io.read_table(source, CSV_COLUMNS)
    records, spans = [], []
    for row in table.rows:
        code, name, emp, fte, age, mgr = row.cells
        try:
            if not re.fullmatch(r"\d{7}|\d{5}|\d{2}", code):
                raise ValueError(f"unit code {code!r} is not 2, 5 or 7 digits")
            if not name:
                raise ValueError("empty unit name")
            starred = emp.endswith("*")
            unit_name, marker = _managers(name)
            managers = int(parse_number(mgr, integer=True)) if mgr else marker
            if starred and managers is None:
                raise ValueError("headcount marked * but no number of managers")
            record = {
                "unit_code": code,
                "unit_name": unit_name,
                "employees": int(parse_number(emp.removesuffix("*"), integer=True)),
                "fte": float(parse_number(fte)),
                "mean_age": float(parse_number(age)),
                "managers": 1 if managers is None else managers,
                "_line": row.line,
                "_text": row.text,
            }
        except (ValueError, _Unreadable) as exc:
            raise InputError(table.name, row.line, row.text, str(exc)) from None
        records.append(record)
        spans.append((row.line,))
    return records, spans, table.path, table.name


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
        ``source`` (the file name) and ``source_lines`` (for every row, the
        line numbers it was read from).

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
        records, spans, path, name = _read_tabular(source)
    else:
        text = _io.load_text(source)
        records, spans, title_period = _read_published(text)
        path, name = text.path, text.name
    if not records:
        raise InputError(name, None, "", "no table rows found")
    seen: dict[str, int] = {}
    for r in records:
        _validate(name, r["_line"], r["_text"], r["employees"], r["fte"], r["mean_age"], r["managers"])
        if r["unit_code"] in seen:
            raise InputError(
                name,
                r["_line"],
                r["_text"],
                f"duplicate unit code {r['unit_code']} (first on line {seen[r['unit_code']]})",
            )
        seen[r["unit_code"]] = r["_line"]
    if period is None:
        period = _io.period_from_path(path) or title_period
    if period is None:
        raise InputError(name, None, "", "cannot tell the period: pass period='YYYY-MM'")
    df = pd.DataFrame.from_records(records)
    df.insert(0, "period", str(period))
    df["level"] = df["unit_code"].str.len().map(LEVELS)
    df["department_code"] = df["unit_code"].str.slice(0, 5)
    df = df[COLUMNS].astype(
        {
            "period": "str",
            "unit_code": "str",
            "unit_name": "str",
            "level": "str",
            "department_code": "str",
            "employees": "int64",
            "fte": "float64",
            "mean_age": "float64",
            "managers": "int64",
        }
    )
    df.attrs["source"] = name
    df.attrs["source_lines"] = spans
    return df.reset_index(drop=True)


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
        minus summed), ``rows_summed`` and ``beyond_rounding`` (employees: any
        difference; FTE: more than 0.01 per summed row; mean age: more than
        0.1). It reports and never raises for differences.
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
                    "rows_summed": n,
                    "beyond_rounding": beyond,
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
            "rows_summed",
            "beyond_rounding",
        ],
    )
