"""sofstat: half-yearly statistics on SOF's unit managers for Region Gotland's SON.

The flow, input to report, one folder per step:

- :mod:`sofstat.readers` read and validate input files into DataFrames;
- :mod:`sofstat.analysis` computes indicators (codes, not Swedish);
- :mod:`sofstat.disclosure` decides which small groups are hidden;
- :mod:`sofstat.present` speaks Swedish: tables, sentences and all charts;
- :mod:`sofstat.report` assembles the report (notebooks, HTML, PDF, workbook).

:mod:`sofstat.config` holds paths and every threshold; :mod:`sofstat.vocabulary`
the codes and their Swedish labels. Start exploring with
``sofstat.load_period("2024-H1")``.

Names are imported on first use, so that ``import sofstat`` is fast.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

from .errors import CatalogError, InputError, ReportError

try:
    __version__ = version("sofstat")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "unknown"

#: Public name -> module that defines it.
_API = {
    "read_staffing": "readers.staffing",
    "read_guideline": "readers.guideline",
    "read_factors": "readers.guideline",
    "read_department_map": "readers.guideline",
    "read_survey": "readers.survey",
    "read_questions": "readers.survey",
    "read_sick_leave": "readers.sickleave",
    "read_activities": "readers.programme",
    "load_catalog": "readers.catalog",
    "check_totals": "analysis.size",
    "staff_per_manager": "analysis.size",
    "department_summary": "analysis.size",
    "summary_indicators": "analysis.size",
    "accumulated_sick_rate": "analysis.sickleave",
    "load_period": "analysis.period",
    "PeriodResults": "analysis.period",
}

__all__ = ["CatalogError", "InputError", "ReportError", "__version__", *sorted(_API)]


def __getattr__(name: str):
    if name in _API:
        value = getattr(importlib.import_module(f".{_API[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sofstat' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
