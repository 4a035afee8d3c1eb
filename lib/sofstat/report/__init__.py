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

import sys

# jsonschema (under nbformat) compiles an RFC 3987 grammar on import when the
# optional package rfc3987_syntax is installed: about 3 s of every report
# build. nbformat's notebook schema checks no "iri" format, so the report does
# without it. (Set before nbformat is first imported; a None entry makes the
# optional import fail fast, and jsonschema skips those format checks.)
sys.modules.setdefault("rfc3987_syntax", None)

from ..errors import ReportError  # noqa: E402
from .build import build_report, refresh_notebooks  # noqa: E402

__all__ = ["ReportError", "build_report", "refresh_notebooks"]
