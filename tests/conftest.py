"""Shared fixtures: the real published inputs, and report builds shared by the tests that read them."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    """A new build of ``period`` into a new temporary folder; returns the report's folder."""
    from sofstat.report import build_report
    from sofstat.report.pdf import chromium

    root = tmp_path_factory.mktemp(name)
    return build_report(period, catalog, root, log=_quiet, pdf=bool(chromium()) if pdf is None else pdf)


#: Where the shared builds are kept between runs (``make clean`` removes it).
BUILD_CACHE = config.PROJECT_ROOT / ".pytest_cache" / "sofstat-builds"
#: What a build is made from: a change to any file here makes the shared builds anew.
BUILD_SOURCES = [
    config.PROJECT_ROOT / "lib" / "sofstat",
    config.NOTEBOOKS_DIR,
    config.DATA_DIR,
    config.TESTS_DIR / "fixtures",
    config.PROJECT_ROOT / "requirements.lock",
]


def build_key(name: str, period: str, catalog, pdf: bool) -> str:
    """A digest of everything a shared build is made from: its arguments, every file of the
    library, notebooks, data and fixtures (path and bytes), the pinned packages, the Python,
    the Chromium (when it prints), the environment variables the build reads, and the git
    commit and whether the tree differs from it (both in the manifest)."""
    from sofstat.report.manifest import git_commit
    from sofstat.report.pdf import chromium

    h = hashlib.sha256()
    env = {k: v for k, v in os.environ.items() if k.startswith(("SOFSTAT", "SOURCE_DATE_EPOCH", "MPL"))}
    # (the manifest records the commit and whether the tree differs from it)
    h.update(repr((name, period, str(catalog), pdf, sys.version, sorted(env.items()), git_commit())).encode())
    for source in BUILD_SOURCES:
        files = [source] if source.is_file() else sorted(source.rglob("*"))
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(f.relative_to(config.PROJECT_ROOT).as_posix().encode() + b"\0")
                h.update(f.read_bytes() + b"\0")
    if pdf:
        version = subprocess.run([chromium(), "--version"], capture_output=True, text=True, timeout=60)
        h.update(version.stdout.encode())
    return h.hexdigest()[:24]


def shared_build(name: str, period: str, catalog=None, pdf: bool | None = None) -> Path:
    """The report of ``period``, built once for every test (and pytest-xdist worker) that reads it.

    A build is kept in ``.pytest_cache/sofstat-builds/`` under a digest of everything it is
    made from (:func:`build_key`), so a later run with nothing changed reads the same build
    rather than making it again; ``SOFSTAT_TEST_REBUILD=1`` makes every shared build anew.
    Workers wait for each other on a lock file, so a build is made once per run at most.
    Tests must only read these folders.
    """
    from sofstat.report import build_report
    from sofstat.report.pdf import chromium

    pdf = bool(chromium()) if pdf is None else pdf
    BUILD_CACHE.mkdir(parents=True, exist_ok=True)
    with open(BUILD_CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # (released when the file closes)
        folder = BUILD_CACHE / f"{name}-{build_key(name, period, catalog, pdf)}"
        complete = folder / "complete.json"
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")  # (the same in every worker of a run)
        done = json.loads(complete.read_text(encoding="utf-8")) if complete.exists() else None
        if done is None or (os.environ.get("SOFSTAT_TEST_REBUILD") and (not run or done["run"] != run)):
            for old in BUILD_CACHE.glob(f"{name}-*"):
                shutil.rmtree(old)
            report = build_report(period, catalog, folder, log=_quiet, pdf=pdf)
            done = {"report": report.name, "run": run}
            complete.write_text(json.dumps(done), encoding="utf-8")
        return folder / done["report"]


@pytest.fixture(scope="session")
def baseline_report():
    """The default report (2024-H1, data/periods.yml), built once for every test that reads it."""
    return shared_build("baseline", "2024-H1")


@pytest.fixture(scope="session")
def synthetic_report():
    """The synthetic 2024-H2 report (targets, a second period, activities), built once."""
    return shared_build("synthetic", "2024-H2", SYNTHETIC_CATALOG)


@pytest.fixture(scope="session")
def hostile_report():
    """A report from inputs whose names and sources are hostile markup (tests/fixtures/hostile)."""
    return shared_build(
        "hostile",
        "2024-H1",
        config.TESTS_DIR / "fixtures" / "hostile" / "periods.yml",
        pdf=False,
    )
