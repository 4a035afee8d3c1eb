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
from .sickleave import accumulated_sick_rate, read_sick_leave
from .staffing import check_totals, read_staffing
from .survey import read_survey

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "__version__",
    "accumulated_sick_rate",
    "check_totals",
    "department_summary",
    "read_department_map",
    "read_factors",
    "read_guideline",
    "read_sick_leave",
    "read_staffing",
    "read_survey",
    "staff_per_manager",
    "summary_indicators",
]
