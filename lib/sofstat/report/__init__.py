"""The report builder, stage by stage.

- :mod:`.notebooks`: runs the report notebooks (papermill, in parallel)
- :mod:`.page`: the HTML page, with the fixed text of ``templates/text.yml``
  and the stylesheet ``templates/report.css``
- :mod:`.pdf`: ``rapport.pdf`` through headless Chromium
- :mod:`.workbook`: ``tables.xlsx``
- :mod:`.manifest`: ``manifest.json`` (provenance)
- :mod:`.publish`: the per-period lock and the atomic switch of the folder
- :mod:`.build`: :func:`build_report`, the stages in order
"""

from ..errors import ReportError
from .build import build_report, refresh_notebooks

__all__ = ["ReportError", "build_report", "refresh_notebooks"]
