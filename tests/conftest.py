"""Shared fixtures: the real published inputs and small helpers."""

from __future__ import annotations

import pytest

import sofstat
from sofstat import paths

TABLE3 = paths.RAW_DIR / "2024-03" / "tabell3_tillsvidareanstallda_2024-03.txt"
TABLE1 = paths.RAW_DIR / "2024-03" / "tabell1_grundtal.csv"
TABLE2 = paths.RAW_DIR / "2024-03" / "tabell2_paverkande_faktorer.csv"


@pytest.fixture(scope="session")
def table3_text() -> str:
    return TABLE3.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def staffing():
    return sofstat.read_staffing(TABLE3)


@pytest.fixture(scope="session")
def guideline():
    return sofstat.read_guideline(TABLE1)


@pytest.fixture(scope="session")
def spm(staffing, guideline):
    return sofstat.staff_per_manager(staffing, guideline)


# Property tests: a fixed seed and no deadline, so runs are repeatable in CI.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "sofstat",
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("sofstat")
