"""Reading sources: files or text, encodings, Swedish-Excel CSV and XLSX.

Every reader in sofstat goes through here, so that they all accept the same
things (UTF-8 with or without BOM, Windows-1252, LF or CRLF) and report bad
input the same way (:class:`sofstat.InputError` with file, line and text).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .numbers import normalise_spaces

Source = str | os.PathLike[str] | bytes


@dataclass(frozen=True)
class Text:
    """Decoded text of a source, with the name used in error messages."""

    name: str
    path: Path | None
    text: str


def _decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (BOM optional), else Windows-1252.

    Raises:
        InputError: when the bytes are neither.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line_no = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        raw = data[start : end if end >= 0 else len(data)]
        raise InputError(
            name,
            line_no,
            raw.decode("latin-1"),
            "text is neither UTF-8 nor Windows-1252",
        ) from None


def is_text_source(source: object) -> bool:
    """True when ``source`` is the content itself rather than a path."""
    if isinstance(source, bytes):
        return True
    return isinstance(source, str) and ("\n" in source or "\r" in source)


def load_text(source: Source) -> Text:
    """Return the decoded text of a path, of bytes, or of text given directly.

    A ``str`` containing a line break is taken as the text itself; any other
    ``str`` or path-like is a file name.

    Returns:
        A :class:`Text` with the name to use in messages (the path, or
        ``"<text>"``).

    Raises:
        FileNotFoundError: when the path does not exist.
        InputError: when the bytes cannot be decoded.
    """
    if isinstance(source, bytes):
        return Text("<text>", None, _decode(source, "<text>").lstrip("\ufeff"))
    if is_text_source(source):
        return Text("<text>", None, str(source).lstrip("\ufeff"))
    path = Path(source)
    return Text(str(path), path, _decode(path.read_bytes(), str(path)))


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR; keep the text of each line as written."""
    return text.splitlines()


@dataclass(frozen=True)
class Row:
    """One data row of a table file: its line number, cells and raw text."""

    line: int
    cells: list[str]
    text: str


@dataclass(frozen=True)
class Table:
    """Rows of a ``;``-separated file or a worksheet, header checked."""

    name: str
    path: Path | None
    columns: list[str]
    rows: list[Row]


def _norm_header(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return normalise_spaces(text).strip().lstrip("\ufeff").strip().lower()


def _check_header(
    name: str, line: int, text: str, header: list[str], required: list[str], optional: list[str]
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


def _xlsx_rows(path: Path) -> list[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(str(path), None, "", f"not a readable .xlsx file ({exc})") from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for i, cells in enumerate(ws.iter_rows(), start=1):
            values = []
            for c in cells:
                v = getattr(c, "value", None)
                # a cell formatted as a percentage holds 0.702 for 70,2 %
                if isinstance(v, int | float) and "%" in (getattr(c, "number_format", "") or ""):
                    v = f"{v * 100:.10g} %"
                values.append(v)
            rows.append((i, values))
        return rows
    finally:
        wb.close()


def _cell_text(value: object) -> str:
    """Text of a worksheet cell: numbers as Python writes them, None as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(source: Source, required: list[str], optional: list[str] = ()) -> Table:
    """Read a table in the form Swedish Excel writes it, or an ``.xlsx`` file.

    CSV: ``;``-separated, quotes as Excel writes them, UTF-8 (BOM optional)
    or Windows-1252, LF or CRLF. The first non-blank line is the header and
    must be ``required`` followed by any leading part of ``optional`` (case
    and surrounding spaces ignored). Lines that are empty or only separators
    are skipped; every other line becomes a :class:`Row`.

    Returns:
        A :class:`Table` with the header's columns and the data rows (cells as
        text, padded or trimmed to the header's width only when the surplus
        cells are empty).

    Raises:
        InputError: for a header that differs, a row with more cells than the
            header, undecodable text or an unreadable workbook.
    """
    required = [c.lower() for c in required]
    optional = [c.lower() for c in optional]
    if not is_text_source(source) and str(source).lower().endswith((".xlsx", ".xlsm")):
        path = Path(source)
        name = str(path)
        raw_rows = [
            (i, [_cell_text(c) for c in r], ";".join(_cell_text(c) for c in r)) for i, r in _xlsx_rows(path)
        ]
    else:
        text = load_text(source)
        name, path = text.name, text.path
        raw_rows = []
        lines = split_lines(text.text)
        reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=";")
        prev = 0
        try:
            for cells in reader:
                end = reader.line_num
                raw_rows.append((prev + 1, cells, "\n".join(lines[prev:end])))
                prev = end
        except csv.Error as exc:
            text_ = lines[prev] if prev < len(lines) else ""
            raise InputError(name, prev + 1, text_, str(exc)) from None
    columns: list[str] | None = None
    rows: list[Row] = []
    for line, cells, raw in raw_rows:
        if all(normalise_spaces(c).strip() == "" for c in cells):
            continue
        if columns is None:
            columns = _check_header(name, line, raw, cells, required, optional)
            continue
        cells = [normalise_spaces(c).strip() for c in cells]
        if len(cells) > len(columns):
            if any(cells[len(columns) :]):
                raise InputError(name, line, raw, f"{len(cells)} cells but the header has {len(columns)}")
            cells = cells[: len(columns)]
        cells += [""] * (len(columns) - len(cells))
        rows.append(Row(line, cells, raw))
    if columns is None:
        raise InputError(name, None, "", "no header and no rows")
    return Table(name, path, columns, rows)


_PERIOD_IN_PATH = re.compile(r"(?<!\d)(20\d{2})-(0[1-9]|1[0-2])(?!\d)")


def period_from_path(path: Path | None) -> str | None:
    """Return ``YYYY-MM`` found in the path (file name first, then folders)."""
    if path is None:
        return None
    for part in reversed(path.parts):
        m = _PERIOD_IN_PATH.search(part)
        if m:
            return f"{m.group(1)}-{m.group(2)}"
    return None


def count_cell(text: str, column: str) -> int | None:
    """Read an optional count (respondents, employees) from a table cell.

    Returns:
        The whole number, or None for an empty cell.

    Raises:
        ValueError: with a message naming ``column``, when the cell is not a
            whole number or is negative (callers turn it into InputError).
    """
    from .numbers import parse_number

    if not text:
        return None
    try:
        value = int(parse_number(text, integer=True))
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a whole number") from None
    if value < 0:
        raise ValueError(f"negative {column}")
    return value
