"""``tables.xlsx``: every table of the report as data.

Numbers are numbers with an explicit number format (Swedish Excel shows
them with decimal comma and space), identifiers such as unit codes and years
are whole numbers, text is text and never a formula, a missing or hidden
value is an empty cell (the reason is in the table's notes), and an
approximate value keeps its number in its column with the words ("ca 2/3")
in a column of their own. A contents sheet links to every sheet; every sheet
prints landscape, fit to width, with its header row repeated.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..present.payload import Payload, read_payload

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_XLSX_TIME = "2000-01-01T00:00:00Z"
_FORMATS = {"code": "0", "int": "#,##0"}
_HEADER_ROW = 3
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def number_format(kind: str, decimals: int) -> str:
    """The Excel number format of a column kind (locale-neutral codes)."""
    if kind in _FORMATS:
        return _FORMATS[kind]
    digits = "." + "0" * decimals if decimals else ""
    return f"0{digits} %" if kind == "pct" else f"#,##0{digits}"


def looks_like_formula(value: str) -> bool:
    """True when Excel could take ``value`` for a formula (=, +, -, @ first): kept as text."""
    return value[:1] in ("=", "+", "-", "@", "\t", "\r")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", name)[:31] or "blad"
    out, n = base, 2
    while out.lower() in used:
        suffix = f"_{n}"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(out.lower())
    return out


def _text_cell(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # never a formula
    if looks_like_formula(value):
        cell.quotePrefix = True


def _print_setup(ws, header_row: int | None, footer: str = "") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Sida &P av &N"
    ws.oddFooter.right.size = 8


def _write_table(ws, table: Payload, footer: str) -> None:
    title = ws.cell(1, 1)
    _text_cell(title, table.title)
    title.font = Font(bold=True, size=12)
    headings = table.headings
    for j, name in enumerate(headings, start=1):
        cell = ws.cell(_HEADER_ROW, j)
        _text_cell(cell, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    # wide enough for the longest word of a heading (headings wrap between words)
    widths = [min(max(max(len(w) for w in (n.split() or [""])) + 3, 8), 40) for n in headings]
    for i, row in enumerate(table.rows, start=_HEADER_ROW + 1):
        for j, (name, value) in enumerate(zip(headings, row, strict=True), start=1):
            col = (
                table.cell_kinds[name][i - _HEADER_ROW - 1]
                if name in table.cell_kinds
                else table.column(name)
            )
            cell = ws.cell(i, j)
            if value is None or value != value:
                continue
            if col.kind == "date" and _ISO_DATE.fullmatch(str(value)):
                cell.value = dt.date.fromisoformat(str(value))
                cell.number_format = "yyyy-mm-dd"
            elif col.numeric:
                number = float(value)
                cell.value = (
                    number / 100
                    if col.kind == "pct"
                    else (int(number) if col.kind in ("code", "int") else number)
                )
                cell.number_format = number_format(col.kind, col.decimals)
                widths[j - 1] = max(widths[j - 1], min(len(f"{number:,.{col.decimals}f}") + 2, 20))
            else:
                _text_cell(cell, str(value))
                widths[j - 1] = max(widths[j - 1], min(len(str(value)) + 2, 60))
    row = _HEADER_ROW + len(table.rows) + 2
    for note in table.footnotes:
        _text_cell(ws.cell(row, 1), note)
        ws.cell(row, 1).alignment = Alignment(wrap_text=False)
        row += 1
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = ws.cell(_HEADER_ROW + 1, 1)
    ws.auto_filter.ref = (
        f"A{_HEADER_ROW}:{get_column_letter(len(headings))}{_HEADER_ROW + max(len(table.rows), 1)}"
    )
    _print_setup(ws, _HEADER_ROW, footer)


def build_workbook(table_files: list[Path], title: str = "Tabeller") -> bytes:
    """``tables.xlsx`` from the tables the notebooks saved (:meth:`Table.to_payload`).

    ``title`` (the report's title and period) heads the contents sheet, is the
    document's title and stands in every printed page's footer.

    Returns:
        The workbook's bytes, with fixed timestamps (reproducible).
    """
    wb = Workbook()
    index = wb.active
    index.title = "Innehåll"
    used = {"innehåll"}
    _text_cell(index.cell(1, 1), title)
    index.cell(1, 1).font = Font(bold=True, size=12)
    for j, head in enumerate(["Blad", "Tabell"], start=1):
        _text_cell(index.cell(_HEADER_ROW, j), head)
        index.cell(_HEADER_ROW, j).font = Font(bold=True)
    row = _HEADER_ROW + 1
    for file in table_files:
        table = read_payload(json.loads(file.read_text(encoding="utf-8")))
        ws = wb.create_sheet(_sheet_name(table.name, used))
        _write_table(ws, table, title)
        link = index.cell(row, 1)
        _text_cell(link, ws.title)
        link.hyperlink = f"#'{ws.title}'!A1"
        link.font = Font(color="0563C1", underline="single")
        _text_cell(index.cell(row, 2), table.title)
        row += 1
    index.column_dimensions["A"].width = 34
    index.column_dimensions["B"].width = 90
    _print_setup(index, _HEADER_ROW, title)
    wb.properties.title = title
    wb.properties.language = "sv-SE"
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    wb.properties.creator = "sofstat"
    buf = io.BytesIO()
    wb.save(buf)
    return fix_zip(buf.getvalue())


def fix_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and a fixed core.xml time (reproducible bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms)",
                    rb"\g<1>" + FIXED_XLSX_TIME.encode() + rb"\g<2>",
                    payload,
                )
            zi = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, payload)
    return out.getvalue()
