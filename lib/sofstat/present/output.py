"""Showing results in a notebook, and saving them for the report.

A notebook shows every result through an :class:`Output`, which marks its
displays (output metadata ``sofstat``): the report's page takes only those,
so a stray ``df.head()`` in a notebook never reaches the board's page. In JupyterLab it
just displays; when the report command runs the notebook with an
``output_dir`` it also saves each table (the contract of
:meth:`sofstat.present.table.Table.to_payload`) and each chart (PNG and SVG,
byte-for-byte reproducible) for ``tables.xlsx``, ``figures/`` and the page.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import display

from .charts import Chart, png_bytes, save
from .markup import Text
from .table import Table


class Output:
    """Displays tables, text and charts; saves tables and charts when ``output_dir`` is set.

    Args:
        output_dir: folder of the report being built, or ``""`` to only display.
        section: prefix for saved names, e.g. ``"01"``.
    """

    def __init__(self, output_dir: str | Path = "", section: str = ""):
        self.output_dir = Path(output_dir) if output_dir else None
        self.section = section

    def _name(self, name: str) -> str:
        return f"{self.section}_{name}" if self.section else name

    def text(self, text: Text) -> None:
        """Show a block of text (HTML in the page, plain text for nbval)."""
        display(text, metadata={"sofstat": {"kind": "text"}})

    def table(self, table: Table) -> None:
        """Show ``table`` and, when building a report, save it for the workbook."""
        if self.output_dir is not None:
            folder = self.output_dir / "tables"
            folder.mkdir(parents=True, exist_ok=True)
            name = self._name(table.name)
            payload = json.dumps(table.to_payload(name), ensure_ascii=False, indent=1)
            (folder / f"{name}.json").write_text(payload, encoding="utf-8")
        display(table, metadata={"sofstat": {"kind": "table", "name": table.name}})

    def figure(self, chart: Chart) -> None:
        """Show ``chart`` with its text alternative (and save it as PNG and SVG when
        building a report), then close it. The PNG is drawn once for both."""
        name = self._name(chart.name)
        if self.output_dir is not None:
            png, _ = save(chart, self.output_dir / "figures" / name)
        else:
            png = png_bytes(chart)
        plt.close(chart.figure)
        display(
            {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": chart.alt},
            raw=True,
            metadata={"sofstat": {"kind": "figure", "figure": name, "alt": chart.alt}},
        )
