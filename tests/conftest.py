"""Shared fixtures: the real published inputs, and report builds shared by the tests that read them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

import sofstat
from sofstat import config

TABLE3 = config.RAW_DIR / "2024-03" / "tabell3_tillsvidareanstallda_2024-03.txt"
TABLE1 = config.RAW_DIR / "2024-03" / "tabell1_grundtal.csv"
TABLE2 = config.RAW_DIR / "2024-03" / "tabell2_paverkande_faktorer.csv"
SYNTHETIC = config.TESTS_DIR / "fixtures" / "synthetic"
SYNTHETIC_CATALOG = SYNTHETIC / "periods.yml"

# Property tests: a fixed seed and no deadline, so runs are repeatable in CI.
settings.register_profile(
    "sofstat",
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("sofstat")


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
def department_map():
    return sofstat.read_department_map()


@pytest.fixture(scope="session")
def spm(staffing, guideline, department_map):
    return sofstat.staff_per_manager(staffing, guideline, department_map)


@pytest.fixture(scope="session")
def baseline():
    """The baseline period, as the report computes it."""
    return sofstat.load_period("2024-H1")


@pytest.fixture(scope="session")
def synthetic():
    """The synthetic second period (tests/fixtures/synthetic), as the report computes it."""
    return sofstat.load_period("2024-H2", SYNTHETIC_CATALOG)
