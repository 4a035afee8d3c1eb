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


def _quiet(*_args) -> None:
    pass


def _build(tmp_path_factory, name: str, period: str, catalog=None, pdf: bool | None = None):
    from sofstat.report import build_report
    from sofstat.report.pdf import chromium

    root = tmp_path_factory.mktemp(name)
    return build_report(period, catalog, root, log=_quiet, pdf=bool(chromium()) if pdf is None else pdf)


@pytest.fixture(scope="session")
def baseline_report(tmp_path_factory):
    """The default report (2024-H1, data/periods.yml), built once for every test that reads it."""
    return _build(tmp_path_factory, "baseline", "2024-H1")


@pytest.fixture(scope="session")
def synthetic_report(tmp_path_factory):
    """The synthetic 2024-H2 report (targets, a second period, activities), built once."""
    return _build(tmp_path_factory, "synthetic", "2024-H2", SYNTHETIC_CATALOG)


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory):
    """A report from inputs whose names and sources are hostile markup (tests/fixtures/hostile)."""
    return _build(
        tmp_path_factory,
        "hostile",
        "2024-H1",
        config.TESTS_DIR / "fixtures" / "hostile" / "periods.yml",
        pdf=False,
    )
