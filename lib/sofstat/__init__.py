"""sofstat: half-yearly statistics on SOF's unit managers for Region Gotland's SON."""

from .errors import InputError
from .guideline import (
    department_summary,
    read_department_map,
    read_factors,
    read_guideline,
    staff_per_manager,
    summary_indicators,
)
from .staffing import check_totals, read_staffing

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "__version__",
    "check_totals",
    "department_summary",
    "read_department_map",
    "read_factors",
    "read_guideline",
    "read_staffing",
    "staff_per_manager",
    "summary_indicators",
]
