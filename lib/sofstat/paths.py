"""Path constants for the project (the one place that knows the layout)."""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the repository: ``lib/sofstat/paths.py`` -> two levels up from ``lib``.
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


def resolve(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as an absolute path.

    Relative paths are taken relative to the project root, so notebooks and
    the report command work whatever the current directory is.

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
