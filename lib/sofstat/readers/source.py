"""Reading sources: files or text, encodings, bounds, ``;``-CSV and ``.xlsx``.

Every reader goes through here, so they all accept the same things (UTF-8
with or without BOM, UTF-16 with BOM, Windows-1252; LF, CRLF or CR) and
refuse the same things, each as :class:`sofstat.InputError` naming file,
line and text: a folder or missing file, a file over 500 MB, undecodable
bytes, a NUL or other control character, a line over 10 000 characters.

CSV is parsed by pandas' C parser with quoting off, so that every line is
exactly one record: a cell may be wrapped in quotes but may not hold a
``;`` or a line break, and the number of records is checked against the
number of lines. Nothing is joined or dropped in silence.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError, Problem
from . import fast
from .cells import blank_cells, clean_column, counts, empty_cells  # noqa: F401 (src.counts, src.empty_cells)
from .files import cell_text, decode, read_bytes, xlsx_rows
from .numbers import SPACES, normalise_spaces, parse_column, why_not_a_number

Source = str | os.PathLike[str] | bytes
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Control characters (C0 but tab and line feed, DEL, C1) and the Unicode line and paragraph separators.
# Control characters, line and paragraph separators, and the bidirectional embeddings,
# overrides and isolates, which could make a name read backwards on the page
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_PERIOD_IN_PATH = re.compile(r"(?<![0-9])(" + config.YEAR_PATTERN + r")-(0[1-9]|1[0-2])(?![0-9])")


class Problems:
    """Collects the problems of one input; raises them together."""

    def __init__(self, name: str):
        self.name = name
        self.items: list[Problem] = []

    def add(self, line: int | None, text: str, reason: str) -> None:
        """Record one problem."""
        self.items.append(Problem(self.name, line, text, reason))

    def rows(self, table: Table, mask, reason) -> None:
        """Record a problem for every row of ``table`` where ``mask`` is true.

        ``reason`` is a sentence, or a function of the row position giving one.
        """
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)).tolist():
            self.add(int(table.lines[i]), table.row_text(i), reason(i) if callable(reason) else reason)

    def raise_if_any(self) -> None:
        """Raise :class:`InputError` with every problem, reported at the earliest line."""
        if self.items:
            raise InputError.from_problems(self.items)


@dataclass
class Text:
    """Decoded text of a source, with the name used in error messages."""

    name: str
    path: Path | None
    text: str
    #: The text's bytes and byte classes, kept by the check for the table reader (see fast.Encoded).
    encoded: fast.Encoded | None = field(default=None, repr=False, compare=False)

    @cached_property
    def lines(self) -> list[str]:
        """The lines (split on LF; CRLF and CR were turned into LF on reading)."""
        lines = self.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    def line(self, number: int) -> str:
        """The text of line ``number`` (1-based), or ``""``."""
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""


def is_text_source(source: object) -> bool:
    """True when ``source`` is the content itself rather than a path."""
    if isinstance(source, bytes):
        return True
    return isinstance(source, str) and ("\n" in source or "\r" in source)


def is_xlsx(source: object) -> bool:
    """True when ``source`` names an Excel workbook (``.xlsx``/``.xlsm``)."""
    return not is_text_source(source) and str(source).lower().endswith(XLSX_SUFFIXES)


def check_text(text: Text, problems: Problems) -> None:
    """Record control characters and over-long lines (every such line)."""
    if fast.text_is_clean(text):
        return
    if _CONTROL.search(text.text):
        for i, line in enumerate(text.lines, start=1):
            _check_line(i, line, problems)
    elif len(text.text) > config.MAX_LINE_LENGTH and max(map(len, text.lines)) > config.MAX_LINE_LENGTH:
        for i, line in enumerate(text.lines, start=1):
            _check_line(i, line, problems)


def _check_line(number: int, line: str, problems: Problems) -> None:
    """Record a control character or an over-long line (one problem per line)."""
    m = _CONTROL.search(line)
    if m:
        nul = " (NUL)" if m.group() == "\x00" else ""
        problems.add(number, line, f"control character U+{ord(m.group()):04X}{nul} in the line")
    elif len(line) > config.MAX_LINE_LENGTH:
        problems.add(number, line, f"line of {len(line)} characters, more than {config.MAX_LINE_LENGTH}")


def load_text(source: Source) -> Text:
    """Return the decoded, checked text of a path, of bytes, or of text given directly.

    A ``str`` containing a line break is taken as the text itself; any other
    ``str`` or path-like is a file name.

    Returns:
        A :class:`Text` with the name to use in messages (the path, or ``"<text>"``).

    Raises:
        InputError: for a missing or unreadable file, a folder, undecodable
            bytes, control characters or a line over 10 000 characters (all
            such lines are listed in ``.problems``).
    """
    if isinstance(source, bytes):
        text = Text("<text>", None, decode(source, "<text>"))
    elif is_text_source(source):
        raw = str(source).lstrip("\ufeff")
        text = Text("<text>", None, raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw)
    else:
        name, path, data = read_bytes(source)
        text = Text(name, path, decode(data, name))
    problems = Problems(text.name)
    check_text(text, problems)
    problems.raise_if_any()
    return text


@dataclass
class Table:
    """The data rows of a ``;``-file or a worksheet, under a checked header.

    Attributes:
        name: the file name for messages.
        path: the file, or None for text.
        columns: the header's column names (lower case, trimmed).
        frame: one row per data row, a column per header column, every cell as
            ``str`` (unquoted, stripped, empty as ``""``); numbers are read by
            :meth:`numbers` (one grammar for every file).
        lines: the line (or worksheet row) number of every data row.
        source_text: the decoded text (None for a workbook).
        cells: for a workbook, every row's cells as text (for messages).
        debris: ``(line, text)`` of lines that hold no data (blank).
        regular: what :func:`.fast.read_regular` proved of the cells (None: read the slow way).
    """

    name: str
    path: Path | None
    columns: list[str]
    frame: pd.DataFrame
    lines: np.ndarray
    source_text: Text | None = None
    cells: dict[int, str] = field(default_factory=dict)
    regular: fast.Regular | None = None

    def row_text(self, i: int) -> str:
        """The text of data row ``i`` as it stands in the file."""
        line = int(self.lines[i])
        if self.source_text is not None:
            return self.source_text.line(line)
        return self.cells.get(line, "")

    def cell(self, i: int, column: str) -> str:
        """The text of one cell of data row ``i`` (a plain number as written in the file)."""
        s = self.frame[column]
        if pd.api.types.is_numeric_dtype(s.dtype) and self.source_text is not None:
            return normalise_spaces(self.row_text(i)).split(";")[self.columns.index(column)]
        return str(s.iloc[i])

    def numbers(self, column: str, problems: Problems, what: str) -> np.ndarray:
        """The column as float64 (NaN where empty); a problem for every cell that is not a number."""
        values, bad = parse_column(self.frame[column])
        cells = self.frame[column]
        problems.rows(
            self, bad, lambda i: f"{what} {str(cells.iloc[i])[:40]!r} {why_not_a_number(str(cells.iloc[i]))}"
        )
        return values


def _norm_header(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return normalise_spaces(text).strip().lstrip("\ufeff").strip().lower()


def read_table(
    source: Source,
    required: list[str],
    optional: list[str] = (),
    text_columns: set[str] | None = None,
    categories: set[str] = frozenset(),
    codes: set[str] = frozenset(),
) -> Table:
    """Read a table as Swedish Excel writes it (``;``-CSV), or the first sheet of an ``.xlsx``.

    The first non-blank line is the header: ``required`` followed by any
    leading part of ``optional`` (case and surrounding spaces ignored).
    Blank lines (nothing but spaces and ``;``) are skipped; every other line
    is one data row.

    Args:
        source: a path, or the CSV text itself.
        required, optional: the header.
        text_columns: columns that hold text rather than numbers. A number
            column whose every cell is plain (digits, at most one decimal
            comma) may be read as ``float64``; any other is read as text
            (numbers by :meth:`Table.numbers`, one grammar either way).
        categories: text columns that may be read as ``category`` (few
            distinct values); read them through :func:`.cells.factorize`.
        codes: text columns that may be read straight from the bytes when
            every cell is digits (``table.regular.digits``).

    Returns:
        A :class:`Table`.

    Raises:
        InputError: for a header that differs, a row with more cells than the
            header, a cell with an unclosed quote (a ``;`` or line break inside
            a cell), undecodable text or an unreadable workbook, listing every
            such row.
    """
    required = [c.lower() for c in required]
    optional = [c.lower() for c in optional]
    if is_xlsx(source):
        return _read_xlsx(Path(source), required, optional, text_columns)
    text = load_text(source)
    problems = Problems(text.name)
    head, line = _first_nonblank(text.text)
    if head is None:
        raise InputError(text.name, None, "", "no header and no rows")
    columns = _check_header(text.name, head + 1, line, line.split(";"), required, optional)
    encoded, text.encoded = text.encoded, None
    if any(c in text.text for c in SPACES):  # every kind of space (and tab) as a plain space
        body, encoded = normalise_spaces(text.text), None
    else:
        body = text.text
    text_columns = set(columns) if text_columns is None else set(text_columns) & set(columns)
    numeric = set(columns) - text_columns
    regular = fast.read_regular(body, head + 1, columns, numeric, set(categories), encoded, set(codes))
    if regular is None:
        frame = _parse_csv(body, head + 1, columns, text, problems)
        problems.raise_if_any()
    else:
        frame = regular.frame
    line_numbers = np.arange(head + 2, head + 2 + len(frame))
    table = Table(text.name, text.path, columns, frame, line_numbers, text, regular=regular)
    return _finish(table, text_columns, problems, regular)


def _first_nonblank(text: str) -> tuple[int | None, str]:
    """The index and text of the first line with more than spaces and ``;`` (without splitting the text)."""
    start, i = 0, 0
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if normalise_spaces(line).strip(" ;"):
            return i, line
        if end < 0 or end + 1 == len(text):
            return None, ""
        start, i = end + 1, i + 1


def _parse_csv(body: str, skip: int, columns: list[str], text: Text, problems: Problems) -> pd.DataFrame:
    """Split the lines after the header into cells, all as text, one record per line.

    Every line is checked for cells beyond the header's (pandas would drop
    them in silence); numbers are left to :func:`.numbers.parse_column`, so
    that they are read by one grammar whatever the file.
    """
    width = len(columns)
    for i, line in enumerate(text.lines[skip:], start=skip + 1):
        if line.count(";") >= width:
            cells = line.split(";")
            if any(c.strip() for c in cells[width:]):
                hint = " (a cell may not hold a ;, not even in quotes)" if '"' in line else ""
                problems.add(i, line, f"{len(cells)} cells but the header has {width}{hint}")
    problems.raise_if_any()
    n_lines = len(text.lines) - skip
    if n_lines <= 0:
        return _empty(columns)
    try:
        with warnings.catch_warnings():
            # "loss of data": only empty cells after the last column, checked above
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(body),
                sep=";",
                header=None,
                names=columns,
                index_col=False,
                skiprows=skip,
                dtype="str",
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,
                quoting=csv.QUOTE_NONE,
                engine="c",
            )
    except (pd.errors.ParserError, ValueError, OverflowError):
        frame = None
    if frame is None or len(frame) != n_lines:
        problems.add(skip + 1, text.line(skip + 1), "the rows cannot be split into cells")
        problems.raise_if_any()
    return frame


def _read_xlsx(path: Path, required: list[str], optional: list[str], text_columns) -> Table:
    name, path, data = read_bytes(path)
    rows = xlsx_rows(name, data)
    head = next((k for k, (_, cells) in enumerate(rows) if any(cell_text(c).strip() for c in cells)), None)
    if head is None:
        raise InputError(name, None, "", "no header and no rows")
    line, header = rows[head]
    columns = _check_header(name, line, ";".join(cell_text(c) for c in header), header, required, optional)
    body = rows[head + 1 :]
    width = len(columns)
    problems = Problems(name)
    texts = {ln: ";".join(cell_text(c) for c in cells) for ln, cells in body}
    for ln, text in texts.items():  # the bounds of text files hold for worksheet rows too
        _check_line(ln, text, problems)
    for ln, cells in body:
        if len(cells) > width and any(cell_text(c).strip() for c in cells[width:]):
            problems.add(ln, texts[ln], f"{len(cells)} cells but the header has {width}")
    problems.raise_if_any()
    padded = [[cell_text(c) for c in cells[:width]] + [""] * (width - len(cells)) for _, cells in body]
    frame = pd.DataFrame(padded, columns=columns, dtype="str") if padded else _empty(columns)
    line_numbers = np.array([ln for ln, _ in body], dtype="int64")
    table = Table(name, path, columns, frame, line_numbers, None, texts)
    return _finish(table, set(columns) if text_columns is None else set(text_columns), problems)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})


def _finish(table: Table, text_columns: set[str], problems: Problems, regular=None) -> Table:
    """Unquote and strip text cells, drop blank rows, check that no cell holds a broken quote.

    ``regular`` (:func:`.fast.read_regular`) says which columns need it and which cells are
    empty; without it every text column is checked as a whole first.
    """
    frame = table.frame
    if regular is not None:
        cleaned = [c for c in table.columns if c in regular.to_clean]
        keep = [j for j, c in enumerate(table.columns) if c not in regular.to_clean]
        blank = regular.empty[:, keep].all(axis=1)
    else:
        cleaned = [
            c for c in table.columns if c in text_columns or not pd.api.types.is_numeric_dtype(frame[c])
        ]
        blank = np.ones(len(frame), dtype=bool)
        for col in table.columns:
            if col not in cleaned:
                blank &= frame[col].isna().to_numpy()
    for col in cleaned:
        frame[col] = clean_column(table, col, frame[col], problems)
        if blank.any():  # (a row with a cell is no blank row: no need to look further)
            blank &= blank_cells(frame[col])
    problems.raise_if_any()
    if blank.any():
        keep = ~blank
        table.frame = frame[keep].reset_index(drop=True)
        table.lines = table.lines[keep]
        if regular is not None:
            regular.take(keep)
    if regular is not None:
        regular.as_read = {c: table.frame[c].array for c in table.columns if c not in regular.to_clean}
    return table


def _check_header(
    name: str, line: int, text: str, header, required: list[str], optional: list[str]
) -> list[str]:
    """Check a header row; return its columns (trailing empty cells dropped)."""
    cols = [_norm_header(c) for c in header]
    while cols and cols[-1] == "":
        cols.pop()
    n = len(required)
    if cols[:n] != required or cols[n:] != optional[: len(cols) - n]:
        expected = ";".join(required)
        if optional:
            expected += " (then optionally " + ";".join(optional) + ")"
        raise InputError(name, line, text, f"header differs from the expected {expected}")
    return cols


def period_from_path(path: Path | None) -> str | None:
    """Return ``YYYY-MM`` found in the path (file name first, then folders)."""
    if path is None:
        return None
    for part in reversed(path.parts):
        m = _PERIOD_IN_PATH.search(part)
        if m:
            return f"{m.group(1)}-{m.group(2)}"
    return None
