"""Configuration: where things are, and every rule's number, each in one place.

Paths are relative to the project root (``SOFSTAT_ROOT`` overrides it). The
thresholds have one name each, used alike in the catalogue, the notebooks'
``parameters`` cells, the library and the report.
"""

from __future__ import annotations

import os
from pathlib import Path

# --- where things are -----------------------------------------------------

#: Root of the repository: ``lib/sofstat/config.py`` -> two levels above ``lib``.
PROJECT_ROOT = Path(os.environ.get("SOFSTAT_ROOT", Path(__file__).resolve().parents[2]))
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PERIODS_FILE = DATA_DIR / "periods.yml"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
TESTS_DIR = PROJECT_ROOT / "tests"
#: Reference files that do not change with the period.
DEPARTMENT_MAP_FILE = RAW_DIR / "avdelning_riktlinje.csv"
SURVEY_QUESTIONS_FILE = RAW_DIR / "survey_questions.csv"
#: The programme register transcribed from SOF's plan of June 2024.
PLAN_DIR = RAW_DIR / "plan_2024-06"
#: The reference files every report reads, whatever its period and catalogue, by role: the survey's
#: question list and the plan's dialogues, needs and conclusions (a report's manifest and its
#: "Om underlaget" list them after the catalogue's inputs).
REFERENCE_FILES = {
    "survey_questions": SURVEY_QUESTIONS_FILE,
    "plan_dialogues": PLAN_DIR / "dialoger.csv",
    "plan_needs": PLAN_DIR / "behov.csv",
    "plan_conclusions": PLAN_DIR / "slutsatser.csv",
}

# --- small groups (used only through sofstat.disclosure) -----------------

#: Mean age is hidden for groups of fewer employees than this.
MIN_EMPLOYEES_AGE = 5
#: Survey results are hidden for fewer respondents than this.
MIN_RESPONDENTS = 5
#: Sick leave is hidden for groups of this many employees or fewer.
MAX_HIDDEN_SICK_LEAVE = 10
#: The thresholds by the one name the catalogue, notebooks and report use.
THRESHOLDS = {
    "min_employees_age": MIN_EMPLOYEES_AGE,
    "min_respondents": MIN_RESPONDENTS,
    "max_hidden_sick_leave": MAX_HIDDEN_SICK_LEAVE,
}

# --- the organisation and the guideline ----------------------------------

#: Unit code of the board (socialnämnden), the whole administration.
BOARD_CODE = "52"
#: Length of a unit code -> its level (see sofstat.vocabulary.Level).
CODE_LENGTHS = (2, 5, 7)
#: A unit code: 2 (board), 5 (department) or 7 (unit) ASCII digits.
UNIT_CODE_PATTERN = r"[0-9]{7}|[0-9]{5}|[0-9]{2}"
#: A four-digit year of this or the last century.
YEAR_PATTERN = r"(?:19|20)[0-9]{2}"
#: A month, ``YYYY-MM``.
MONTH_PATTERN = YEAR_PATTERN + r"-(?:0[1-9]|1[0-2])"
#: A reporting period, ``YYYY-H1`` or ``YYYY-H2``.
PERIOD_PATTERN = YEAR_PATTERN + r"-H[12]"
#: How far the guideline's factors may move the base ("maximalt 5-10"): the upper end.
MAX_ADJUSTMENT = 10
#: Plausible range of a group's mean age (inclusive).
MEAN_AGE_RANGE = (16.0, 75.0)

# --- limits on input (beyond them the input is rejected, never misread) --

#: Longest line any reader accepts, in characters.
MAX_LINE_LENGTH = 10_000
#: Largest headcount or number of respondents taken as real.
MAX_COUNT = 10_000_000
#: Largest number of hours in one sick-leave row taken as real.
MAX_HOURS = 10_000_000_000
#: Largest input file read, in bytes.
MAX_FILE_BYTES = 500_000_000
#: Survey categories of one group may add up to at most this (rounding in exports) ...
SURVEY_MAX_TOTAL = 100.5
#: ... and, when all three are given, to at least this.
SURVEY_MIN_TOTAL = 99.5

# --- uncertainty and goal attainment --------------------------------------

#: Confidence level of survey intervals (Wilson) and of the test for a real change.
CONFIDENCE = 0.95
#: Simple fractions a source may use for "ungefär ..." (in percent); a value
#: said as one of them lies between the midpoints to its neighbours.
APPROXIMATE_FRACTIONS = (25.0, 100 / 3, 50.0, 200 / 3, 75.0)
#: How close (percentage points) a share must be to one of those fractions to be said as it.
FRACTION_TOLERANCE = 0.05
#: The band of an approximate share that is not one of those fractions (± percentage points).
APPROXIMATE_FALLBACK_BAND = 5.0
#: Table 1's row for departments the guideline does not name (the guideline's own words).
GUIDELINE_OTHER_AREA = "Övriga områden inom socialförvaltningen"


def resolve(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as an absolute path; relative paths are taken from the project root.

    Returns:
        The absolute path (the file need not exist).
    """
    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p


def display_path(path: str | os.PathLike[str]) -> str:
    """Return ``path`` relative to the project root when it lies inside it.

    Used wherever a path is written into an output, so that reports built in
    two clones of the repository are byte-identical.

    Returns:
        A POSIX-style relative path, or the absolute path when outside.
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return p.as_posix()
