"""Presentation: Swedish tables and figures for notebooks and the report.

A notebook shows every result through an :class:`Output`. In JupyterLab it
just displays; when the report command runs the notebook with an
``output_dir`` it also saves each table (raw values, Swedish headings) and
each figure (PNG and SVG, byte-for-byte reproducible) for ``tables.xlsx``
and ``figures/``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .numbers import fmt_number, fmt_percent

Formatter = Callable[[object], str]


def dec(decimals: int) -> Formatter:
    """Return a formatter with ``decimals`` digits after the decimal comma.

    The formatter carries ``decimals`` as an attribute, used for the number
    format of the column in ``tables.xlsx``.
    """

    def fmt(v: object) -> str:
        return fmt_number(v, decimals)

    fmt.decimals = decimals
    return fmt


def pct(decimals: int = 1) -> Formatter:
    """Return a formatter for percentages (0–100): ``2,26 %``."""

    def fmt(v: object) -> str:
        return fmt_percent(v, decimals)

    fmt.decimals = decimals
    return fmt


def text(v: object) -> str:
    """Format a text cell (missing -> ``–``)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "–"
    return str(v)


INT = dec(0)


@dataclass
class Table:
    """A table as the report shows it.

    Attributes:
        name: short identifier, used as file and sheet name (``enheter``).
        title: Swedish caption.
        data: the values (numbers as numbers), columns with Swedish headings.
        formats: formatter per column; unlisted columns are shown as text.
        footnotes: Swedish notes printed under the table.
    """

    name: str
    title: str
    data: pd.DataFrame
    formats: dict[str, Formatter] = field(default_factory=dict)
    footnotes: list[str] = field(default_factory=list)

    def formatted(self) -> pd.DataFrame:
        """Return the table with every cell as Swedish text."""
        out = pd.DataFrame(index=range(len(self.data)))
        for col in self.data.columns:
            fmt = self.formats.get(col, text)
            out[col] = [fmt(v) for v in self.data[col].tolist()]
        return out

    def _repr_html_(self) -> str:
        body = self.formatted().to_html(index=False, escape=True, border=0, classes="sofstat")
        numeric = [c for c in self.data.columns if c in self.formats and self.formats[c] is not text]
        body = _right_align(body, [list(self.data.columns).index(c) for c in numeric])
        notes = "".join(f'<p class="fotnot">{html.escape(n)}</p>' for n in self.footnotes)
        return (
            f'<div class="tabell"><p class="rubrik"><b>{html.escape(self.title)}</b></p>{body}{notes}</div>'
        )

    def __repr__(self) -> str:
        lines = [self.title, self.formatted().to_string(index=False)]
        lines += self.footnotes
        return "\n".join(lines)


def _right_align(table_html: str, columns: list[int]) -> str:
    """Right-align numeric columns (header and cells) in pandas' HTML."""
    if not columns:
        return table_html
    out, col = [], 0
    for token in re.split(r"(<t[dh](?:\s[^>]*)?>|</tr>)", table_html):
        if token == "</tr>":
            col = 0
        elif token.startswith(("<td", "<th")):
            if col in columns:
                token = token[:-1] + ' class="tal">'
            col += 1
        out.append(token)
    return "".join(out)


def md(text_: str):
    """Return Markdown for display (``IPython.display.Markdown``)."""
    from IPython.display import Markdown

    return Markdown(text_)


class Output:
    """Displays tables and figures; saves them too when ``output_dir`` is set.

    Args:
        output_dir: folder of the report being built, or ``""`` to only
            display (exploring in JupyterLab).
        section: prefix for saved names, e.g. ``"01"``.
    """

    def __init__(self, output_dir: str | Path = "", section: str = ""):
        self.output_dir = Path(output_dir) if output_dir else None
        self.section = section

    def _name(self, name: str) -> str:
        return f"{self.section}_{name}" if self.section else name

    def table(self, table: Table) -> None:
        """Display ``table`` and, when building a report, save it for the workbook."""
        from IPython.display import display

        if self.output_dir is not None:
            folder = self.output_dir / "tables"
            folder.mkdir(parents=True, exist_ok=True)
            payload = {
                "name": self._name(table.name),
                "title": table.title,
                "columns": [str(c) for c in table.data.columns],
                "rows": json.loads(table.data.to_json(orient="values", force_ascii=False)),
                "footnotes": table.footnotes,
                "decimals": {str(c): f.decimals for c, f in table.formats.items() if hasattr(f, "decimals")},
            }
            (folder / f"{self._name(table.name)}.json").write_text(
                json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        display(table)

    def figure(self, fig, name: str) -> None:
        """Show ``fig`` (and save it as PNG and SVG when building a report), then close it.

        The PNG is drawn once and both shown and saved, so a report build does
        not draw each chart twice.
        """
        import io

        import matplotlib.pyplot as plt
        from IPython.display import Image, display

        from .figures import PNG_OPTIONS, save_figure

        buf = io.BytesIO()
        fig.savefig(buf, format="png", **PNG_OPTIONS)
        png = buf.getvalue()
        if self.output_dir is not None:
            save_figure(fig, self.output_dir / "figures" / self._name(name), png=png)
        plt.close(fig)
        display(Image(data=png, format="png"))
