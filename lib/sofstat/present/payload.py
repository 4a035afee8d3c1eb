"""The table contract without pandas: a column's kind, and a table as the workbook reads it.

:class:`Column` says how a column is shown; :func:`read_payload` reads back the one JSON shape
that :meth:`sofstat.present.table.Table.to_payload` writes, as plain Python values
(:class:`Payload`). :meth:`~sofstat.present.table.Table.from_payload` builds on it, and
:mod:`sofstat.report.workbook` reads it directly: the process that builds the report never
imports pandas (about 0.75 s of CPU, while Chromium prints the PDF).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

from .format import MISSING, fmt_number, fmt_percent

#: Column kinds: how values are formatted, aligned and stored in the workbook.
KINDS = ("text", "date", "code", "int", "dec", "pct")
#: A soft hyphen: where a long heading may break on the page (removed in the workbook).
SOFT_HYPHEN = "\u00ad"
#: Version of the payload shape (bump when it changes).
PAYLOAD_VERSION = 1


@dataclass
class Column:
    """How a column is shown.

    Attributes:
        kind: ``text``; ``date`` (``YYYY-MM-DD`` text on the page, a date in the
            workbook where it is a whole date); ``code`` (an identifier such as a unit code or a year:
            left-aligned, stored as a whole number); ``int``; ``dec``
            (``decimals`` digits); ``pct`` (a percentage 0–100).
        decimals: digits after the decimal comma (``dec`` and ``pct``).
        page: shown on the page (else only in the workbook).
        book: written to the workbook (else only on the page).
        nowrap: never break the cell's text across lines (short codes such as ``2027-H2``).
    """

    kind: str = "text"
    decimals: int = 0
    page: bool = True
    book: bool = True
    nowrap: bool = False

    @property
    def css(self) -> str:
        """The cell's class: ``tal`` (right-aligned number) or ``hel`` (not broken)."""
        if self.numeric and self.kind != "code":
            return "tal"
        return "hel" if self.nowrap or self.kind in ("code", "date") else ""

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "date")

    def format(self, value: object) -> str:
        """The value in Swedish (``–`` when missing)."""
        if self.kind in ("text", "date"):
            return MISSING if missing(value) else str(value)
        if self.kind == "pct":
            return fmt_percent(value, self.decimals)
        if self.kind == "code":
            return MISSING if missing(value) else str(int(value)) if isinstance(value, float) else str(value)
        return fmt_number(value, self.decimals if self.kind == "dec" else 0)


def missing(value: object) -> bool:
    """True for None, pandas' NA and NaN."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    pd = sys.modules.get("pandas")  # (pandas' NA exists only once pandas is imported)
    return pd is not None and value is pd.NA


@dataclass
class Payload:
    """A table as :meth:`~sofstat.present.table.Table.to_payload` wrote it (the workbook's columns).

    Attributes:
        rows: the values, row by row (numbers, text, None where missing), as JSON holds them.
        columns: a :class:`Column` (kind and decimals) per heading.
        cell_kinds: per heading, a :class:`Column` per row, where the rows of one column differ in kind.
    """

    name: str
    title: str
    headings: list[str]
    rows: list[list]
    columns: dict[str, Column]
    footnotes: list[str] = field(default_factory=list)
    cell_kinds: dict[str, list[Column]] = field(default_factory=dict)

    def column(self, heading: str) -> Column:
        return self.columns.get(heading, Column())


def read_payload(payload: dict) -> Payload:
    """A table's payload (the dict :meth:`~sofstat.present.table.Table.to_payload` returns) read back.

    Raises:
        ValueError: for a payload of another version.
    """
    if payload.get("version") != PAYLOAD_VERSION:
        raise ValueError(f"table payload version {payload.get('version')!r}, expected {PAYLOAD_VERSION}")
    headings = [c["name"] for c in payload["columns"]]
    return Payload(
        payload["name"],
        payload["title"],
        headings,
        [list(row) for row in payload["rows"]],
        {c["name"]: Column(c["kind"], c["decimals"]) for c in payload["columns"]},
        list(payload["footnotes"]),
        {c: [Column(k, d) for k, d in v] for c, v in payload.get("cell_kinds", {}).items()},
    )
