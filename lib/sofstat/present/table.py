"""Tables as the report shows them, and the contract the workbook reads.

A :class:`Table` holds raw values (numbers as numbers, missing as NaN/None)
under Swedish headings, a :class:`Column` kind per column that decides its
Swedish format, and optional display texts per cell for the page (such as
``ca 2/3`` or ``färre än 5``). :meth:`Table.to_payload` writes the one JSON
shape that :mod:`sofstat.report.workbook` reads back: the contract is defined
here and in :mod:`.payload`, its part without pandas (:class:`Column`, and
:func:`.payload.read_payload`, which :meth:`Table.from_payload` builds on and
the workbook reads with).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .markup import Html, h, join
from .payload import KINDS, PAYLOAD_VERSION, SOFT_HYPHEN, Column, read_payload
from .payload import missing as _missing

__all__ = ["KINDS", "PAYLOAD_VERSION", "SOFT_HYPHEN", "Column", "Table"]


@dataclass
class Table:
    """A table of the report.

    Attributes:
        name: short identifier, used for file and sheet names (``enheter``).
        title: Swedish caption.
        data: the values, columns with Swedish headings.
        columns: a :class:`Column` per heading (unlisted headings are text).
        footnotes: Swedish notes printed under the table.
        shown: per heading, display texts for the page by row (None = the
            formatted value), e.g. ``ca 2/3`` for an approximate share.
        row_headers: the first column names each row (``<th scope="row">``).
        cell_kinds: per heading, a :class:`Column` per row where the rows of one
            column differ in kind (a column of indicators: shares, counts, ratios);
            the page shows ``shown`` texts, the workbook formats each cell by its kind.
    """

    name: str
    title: str
    data: pd.DataFrame
    columns: dict[str, Column] = field(default_factory=dict)
    footnotes: list[str] = field(default_factory=list)
    shown: dict[str, list[str | None]] = field(default_factory=dict)
    row_headers: bool = True
    cell_kinds: dict[str, list[Column]] = field(default_factory=dict)

    def column(self, heading: str) -> Column:
        return self.columns.get(heading, Column())

    def cell_text(self, heading: str, i: int) -> str:
        """The Swedish text of one cell as the page shows it."""
        override = self.shown.get(heading)
        if override is not None and override[i] is not None:
            return override[i]
        return self.column(heading).format(self.data[heading].iloc[i])

    def formatted(self, page: bool = True) -> pd.DataFrame:
        """The table as Swedish text (the page's columns by default)."""
        cols = [c for c in self.data.columns if self.column(c).page or not page]
        return pd.DataFrame({c: [self.cell_text(c, i) for i in range(len(self.data))] for c in cols})

    def to_html(self) -> Html:
        """``<table>`` with a caption, ``<th scope>`` headers and Swedish numbers, every text escaped."""
        cols = [c for c in self.data.columns if self.column(c).page]
        head = join(
            h('<th scope="col" class="{cls}">{t}</th>', cls="tal" if self.column(c).numeric else "", t=c)
            for c in cols
        )
        rows = []
        for i in range(len(self.data)):
            cells = []
            for k, c in enumerate(cols):
                cls = self.column(c).css
                text = self.cell_text(c, i)
                if cls == "tal" and " " in text and len(text) > 14:
                    cls = "tal bryt"  # words in a number column (e.g. why a value is hidden) may wrap
                tag = (
                    '<th scope="row" class="{cls}">{t}</th>'
                    if k == 0 and self.row_headers
                    else '<td class="{cls}">{t}</td>'
                )
                cells.append(h(tag, cls=cls, t=text))
            rows.append(h("<tr>{c}</tr>", c=join(cells)))
        notes = join(h('<p class="fotnot">{n}</p>', n=n) for n in self.footnotes)
        return h(
            '<div class="tabell" id="tabell-{name}"><table class="sofstat"><caption>{title}</caption>'
            "<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{notes}</div>",
            name=self.name,
            title=self.title,
            head=head,
            rows=join(rows),
            notes=notes,
        )

    def _repr_html_(self) -> str:
        return str(self.to_html())

    def __repr__(self) -> str:
        return "\n".join([self.title, self.formatted().to_string(index=False), *self.footnotes])

    def to_payload(self, name: str | None = None) -> dict:
        """The table as the workbook reads it (JSON-safe), under ``name`` (default ``self.name``)."""
        cols = [c for c in self.data.columns if self.column(c).book]
        rows = []
        for values in self.data[cols].itertuples(index=False, name=None):
            rows.append([None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in values])
        return {
            "version": PAYLOAD_VERSION,
            "name": name or self.name,
            "title": self.title,
            "columns": [
                {
                    "name": c.replace(SOFT_HYPHEN, ""),
                    "kind": self.column(c).kind,
                    "decimals": self.column(c).decimals,
                }
                for c in cols
            ],
            "rows": rows,
            "footnotes": list(self.footnotes),
            "cell_kinds": {
                c.replace(SOFT_HYPHEN, ""): [[k.kind, k.decimals] for k in kinds]
                for c, kinds in self.cell_kinds.items()
                if c in cols
            },
        }

    @classmethod
    def from_payload(cls, payload: dict) -> Table:
        """The table back from :meth:`to_payload` (workbook columns only).

        Raises:
            ValueError: for a payload of another version.
        """
        back = read_payload(payload)
        data = pd.DataFrame(back.rows, columns=back.headings, dtype=object)
        return cls(back.name, back.title, data, back.columns, back.footnotes, cell_kinds=back.cell_kinds)
