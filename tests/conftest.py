"""Shared fixtures: the real published inputs, and report builds shared by the tests that read them."""

from __future__ import annotations

import fcntl
import functools
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

    root = tmp_path_factory.mktemp(name)
    return build_report(period, catalog, root, log=_quiet, pdf=_pdf(pdf))


#: Where the shared builds are kept between runs (``make clean`` removes it).
BUILD_CACHE = config.PROJECT_ROOT / ".pytest_cache" / "sofstat-builds"
#: What a build is made from: a change to any file here makes the shared builds anew.
BUILD_SOURCES = [
    config.PROJECT_ROOT / "lib" / "sofstat",
    config.NOTEBOOKS_DIR,
    config.DATA_DIR,
    config.TESTS_DIR / "fixtures",
    config.PROJECT_ROOT / "requirements.lock",
    config.PROJECT_ROOT / "pyproject.toml",
    Path("/usr/share/fonts/truetype/dejavu"),  # (the charts' and the PDF's fonts)
]
#: The shared builds: name -> (period, catalogue, PDF or not: None for "when Chromium is there").
SHARED_BUILDS = {
    "baseline": ("2024-H1", None, None),
    "synthetic": ("2024-H2", SYNTHETIC_CATALOG, None),
    "hostile": ("2024-H1", config.TESTS_DIR / "fixtures" / "hostile" / "periods.yml", False),
}
#: Where :func:`run_facts` keeps its digest for the pytest-xdist workers (they inherit it).
FACTS_VARIABLE = "SOFSTAT_TEST_BUILD_FACTS"
#: Older digests kept besides the current one (a run started earlier may still read them).
KEEP_OLD_BUILDS = 2


@functools.cache
def _sources_digest() -> str:
    """The digest of every file in :data:`BUILD_SOURCES` (path and bytes), taken once."""
    h = hashlib.sha256()
    for source in BUILD_SOURCES:
        files = [source] if source.is_file() else sorted(source.rglob("*"))
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(f.as_posix().encode() + b"\0")
                h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


@functools.cache
def _chromium_version() -> str:
    from sofstat.report.pdf import chromium

    return subprocess.run([chromium(), "--version"], capture_output=True, text=True, timeout=60).stdout


def build_key(name: str, period: str, catalog, pdf: bool) -> str:
    """A digest of everything a shared build is made from: its arguments, every file of the
    library, notebooks, data, fixtures and fonts (path and bytes), the lock file and the
    installed packages' versions, the Python, the Chromium (when it prints), the environment
    variables the build reads, and the git commit and whether the tree differs from it
    (both in the manifest). All but the Chromium's version are taken once per run."""
    facts = (name, period, str(catalog), pdf, run_facts(), _chromium_version() if pdf else "")
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:24]


def run_facts() -> str:
    """The digest of what every shared build is made from (but Chromium), taken once by the
    process that starts the run and read from the environment by its pytest-xdist workers, so
    that every worker reads the same builds even if a file changes during the run."""
    if FACTS_VARIABLE not in os.environ:
        from sofstat.report.manifest import git_commit, package_versions

        env = {
            k: v
            for k, v in os.environ.items()
            if k.startswith(("SOFSTAT", "SOURCE_DATE_EPOCH", "MPL")) and not k.startswith("SOFSTAT_TEST")
        }
        packages = sorted(package_versions().items())
        facts = (sys.version, sorted(env.items()), git_commit(), packages, sofstat.__version__)
        os.environ[FACTS_VARIABLE] = hashlib.sha256(repr((*facts, _sources_digest())).encode()).hexdigest()
    return os.environ[FACTS_VARIABLE]


def _pdf(wanted: bool | None) -> bool:
    from sofstat.report.pdf import chromium

    return bool(chromium()) if wanted is None else wanted


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the process that starts the run, before any worker
        run_facts()


def _done(folder: Path) -> dict | None:
    """What ``complete.json`` says of a finished build whose files are all as its manifest
    lists them (a build changed since is not reused), or None."""
    try:
        done = json.loads((folder / "complete.json").read_text(encoding="utf-8"))
        report = folder / done["report"]
        manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            if hashlib.sha256((report / entry["path"]).read_bytes()).hexdigest() != entry["sha256"]:
                return None
        return done
    except (OSError, ValueError, KeyError, TypeError):
        return None


def shared_build(name: str) -> Path:
    """The report of shared build ``name`` (:data:`SHARED_BUILDS`), built once for every test
    and pytest-xdist worker that reads it.

    A build is kept in ``.pytest_cache/sofstat-builds/`` under the digest of everything it is
    made from (:func:`build_key`, taken once per run), so a later run with nothing changed
    reads the same build, after checking its files against its manifest, rather than making
    it again; ``SOFSTAT_TEST_REBUILD=1`` makes every shared build anew, once per run.
    Workers wait for each other on a lock file. The two most recent other digests are kept
    (a run started earlier may be reading one); older ones are removed. Tests must only read
    these folders.
    """
    from sofstat.report import build_report

    period, catalog, pdf = SHARED_BUILDS[name]
    BUILD_CACHE.mkdir(parents=True, exist_ok=True)
    with open(BUILD_CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # (released when the file closes)
        folder = BUILD_CACHE / f"{name}-{build_key(name, period, catalog, _pdf(pdf))}"
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")  # (the same in every worker of a run)
        done = _done(folder)
        if done is None or (os.environ.get("SOFSTAT_TEST_REBUILD") and (not run or done["run"] != run)):
            shutil.rmtree(folder, ignore_errors=True)
            report = build_report(period, catalog, folder, log=_quiet, pdf=_pdf(pdf))
            done = {"report": report.name, "run": run}
            partial = folder / f"complete.json.{os.getpid()}"
            partial.write_text(json.dumps(done), encoding="utf-8")
            os.replace(partial, folder / "complete.json")  # (all or nothing)
        others = sorted(
            (p for p in BUILD_CACHE.glob(f"{name}-*") if p.is_dir() and p != folder),
            key=lambda p: p.stat().st_mtime,
        )
        for old in others[: max(0, len(others) - KEEP_OLD_BUILDS)]:
            shutil.rmtree(old, ignore_errors=True)
        return folder / done["report"]


@pytest.fixture(scope="session")
def baseline_report():
    """The default report (2024-H1, data/periods.yml), built once for every test that reads it."""
    return shared_build("baseline")


@pytest.fixture(scope="session")
def synthetic_report():
    """The synthetic 2024-H2 report (targets, a second period, activities), built once."""
    return shared_build("synthetic")


@pytest.fixture(scope="session")
def hostile_report():
    """A report from inputs whose names and sources are hostile markup (tests/fixtures/hostile)."""
    return shared_build("hostile")


#: What coverage.py's ``patch = ["subprocess"]`` puts in the environment to measure a child process.
COVERAGE_VARIABLES = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")


@pytest.fixture(scope="session", autouse=True)
def _kernels_unmeasured():
    """Notebook kernels started by the tests run without coverage; other subprocesses (the
    command line, a fresh build process) are still measured. Measured: the kernels' coverage
    added no covered line to the total (95.77 % with them, 95.79 % without), since every library call
    of the notebooks is also made in-process by the tests, but cost about 30 s of a warm
    ``make test`` (107 s -> 76 s)."""
    from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

    orig = KernelProvisionerBase._finalize_env

    def finalize(self, env):
        orig(self, env)
        for var in COVERAGE_VARIABLES:
            env.pop(var, None)

    KernelProvisionerBase._finalize_env = finalize
    yield
    KernelProvisionerBase._finalize_env = orig
