"""The report command end to end: files, provenance, determinism, failures, the atomic switch.

The report builds are shared session fixtures (conftest.py): the tests here
read them; only the tests of failure, locking and determinism build again.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import SYNTHETIC, SYNTHETIC_CATALOG, _build

import sofstat
from sofstat import config
from sofstat.errors import ReportError
from sofstat.report import publish
from sofstat.report.pdf import chromium, print_pdf

NOTEBOOKS = [
    "00_sammanfattning.ipynb",
    "01_chefsomradenas_storlek.ipynb",
    "02_alder.ipynb",
    "03_chefers_sjukfranvaro.ipynb",
    "04_medarbetarundersokning.ipynb",
    "05_programmet.ipynb",
]
FIGURES = ["00_utveckling", "01_medarbetare_per_chef", "02_medelalder", "03_sjuktal", "04_enkat", "05_behov"]


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _body(page: str) -> str:
    """The page without the head (CSS) and the closing "Om underlaget" part."""
    start = page.index("<body>")
    return page[start : page.index('<h3 id="om-underlaget">')]


def test_output_files(baseline_report):
    names = _files(baseline_report)
    assert baseline_report.name == "2024-H1"
    for nb in NOTEBOOKS:
        assert nb in names
    for fig in FIGURES:
        assert f"figures/{fig}.png" in names and f"figures/{fig}.svg" in names
    expected = {"index.html", "tables.xlsx", "manifest.json", "build.log"}
    if chromium():
        expected.add("rapport.pdf")
    assert expected <= set(names)
    assert not any(n.startswith("tables/") for n in names)
    assert not [
        p for p in baseline_report.parent.iterdir() if p.name.startswith(f".{baseline_report.name}.build-")
    ]


def test_manifest(synthetic_report):
    m = json.loads((synthetic_report / "manifest.json").read_text())
    assert m["period"] == "2024-H2" and m["baseline_period"] == "2024-H1"
    assert m["sofstat_version"] == sofstat.__version__
    assert m["thresholds"] == {"min_employees_age": 5, "min_respondents": 5, "max_hidden_sick_leave": 10}
    roles = {(i["role"], i["period"]): i for i in m["inputs"]}
    staffing = roles[("staffing", "2024-H2")]
    assert staffing["path"] == "tests/fixtures/synthetic/2024-09/tabell3_syntetisk_2024-09.txt"
    assert (
        staffing["sha256"]
        == hashlib.sha256((SYNTHETIC / "2024-09" / "tabell3_syntetisk_2024-09.txt").read_bytes()).hexdigest()
    )
    assert (
        roles[("staffing", "2024-H1")]["path"] == "data/raw/2024-03/tabell3_tillsvidareanstallda_2024-03.txt"
    )
    assert m["parameters"]["02_alder.ipynb"]["period"] == "2024-H2"
    assert m["parameters"]["02_alder.ipynb"]["catalog_path"] == "tests/fixtures/synthetic/periods.yml"
    assert m["built_at"].endswith("Z") and "git_commit" in m
    files = {f["path"]: f["sha256"] for f in m["files"]}
    assert "index.html" in files and "build.log" not in files
    assert files["index.html"] == hashlib.sha256((synthetic_report / "index.html").read_bytes()).hexdigest()


def test_source_date_epoch_fixes_the_build_time(tmp_path, monkeypatch):
    from sofstat.report.manifest import write_manifest

    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733270400")
    first = write_manifest(tmp_path, {"period": "2024-H2"}).read_bytes()
    assert json.loads(first)["built_at"] == "2024-12-04T00:00:00Z"
    assert write_manifest(tmp_path, {"period": "2024-H2"}).read_bytes() == first  # the same bytes
    for bad in ("igår", "²", "١٧٣٣", "-1", "1.5"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(ReportError, match="SOURCE_DATE_EPOCH must be whole seconds"):
            write_manifest(tmp_path, {})
    # and a build stops before it starts, leaving nothing behind
    with pytest.raises(ReportError, match="SOURCE_DATE_EPOCH"):
        sofstat.report.build_report(None, None, tmp_path / "out", log=lambda *_: None, pdf=False)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_builds_are_byte_identical(tmp_path_factory, synthetic_report):
    again = _build(tmp_path_factory, "again", "2024-H2", SYNTHETIC_CATALOG, pdf=False)
    a, b = synthetic_report, again
    skip = {"build.log", "rapport.pdf"}
    assert [f for f in _files(a) if f not in skip] == [f for f in _files(b) if f not in skip]
    for rel in _files(b):
        if rel in skip:
            continue
        if rel == "manifest.json":
            ma, mb = (json.loads((r / rel).read_text()) for r in (a, b))
            for m in (ma, mb):
                m.pop("built_at")
                m["files"] = [f for f in m["files"] if f["path"] != "rapport.pdf"]
            assert ma == mb
        else:
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


@pytest.mark.skipif(
    not chromium(), reason="headless Chromium is not installed (make test installs it as root)"
)
def test_pdf_is_byte_identical(tmp_path, synthetic_report):
    out = tmp_path / "again.pdf"
    print_pdf(synthetic_report / "index.html", out)
    assert out.read_bytes() == (synthetic_report / "rapport.pdf").read_bytes()


def test_index_html_is_swedish_without_code_or_script(baseline_report):
    page = (baseline_report / "index.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')
    assert "<title>Uppföljning av programmet för att stärka enhetscheferna – 2024-H1</title>" in page
    head = html.unescape(page[: page.index("<style>")])
    assert "Content-Security-Policy" in head and "default-src 'none'" in head and "script-src" not in head
    for code in ["<script", "import sofstat", "out.table(", "In&nbsp;[", "jp-InputArea", "Traceback"]:
        assert code not in page
    body = _body(page)
    for developer_text in [
        "data/periods.yml",
        "data/raw/",
        ".csv",
        ".txt",
        "catalog_path",
        "min_respondents",
    ]:
        assert developer_text not in body, developer_text
    headings = re.findall(r"<h([1-4])[^>]*>(.*?)</h\1>", page)
    assert headings[0] == ("1", "Uppföljning av programmet för att stärka enhetscheferna")
    levels = [int(level) for level, _ in headings]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))  # headings in order
    texts = [t for _, t in headings]
    assert texts.index("I korthet") < texts.index("Chefsområdenas storlek")
    assert "47 av 59 (79,7 %)" in page and "ca 2/3" in page
    assert "mål ej fastställt" in page or "Mål: ej fastställt" in page
    assert "Ny som chef (tidigare Vägen till ledarskap)" in page  # the register from the plan
    assert page.count("<figure") == len(FIGURES)
    assert 'alt=""' not in page and "No description" not in page


def test_one_table_per_fact(baseline_report):
    page = (baseline_report / "index.html").read_text(encoding="utf-8")
    captions = re.findall(r"<caption>(.*?)</caption>", page)
    assert len(captions) == len(set(captions))
    assert "för vidare bearbetning" not in page


def test_synthetic_report_shows_targets_intervals_and_programme(synthetic_report):
    page = (synthetic_report / "index.html").read_text(encoding="utf-8")
    for words in [
        "uppnått",
        "i fas",
        "ej bedömbart",
        "säkerställd",
        "95 % konfidensintervall",
        "Mål: 90,0 % till 2027-H2",
    ]:
        assert words in page, words
    assert "SON 2025-06-12 § 85" in page
    assert "Förändringar sedan förra perioden" in page and "Sedan 2024-H1:" in page
    assert "ej jämförbart (olika delar av året)" in page


def _broken_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(SYNTHETIC, folder)
    catalog = folder / "periods.yml"
    catalog.write_text(
        catalog.read_text().replace("../../../data/", str(config.DATA_DIR) + "/"), encoding="utf-8"
    )
    t3 = folder / "2024-09" / "tabell3_syntetisk_2024-09.txt"
    t3.write_text(t3.read_text().replace("5200308 Syrengården 23 22,20 50,0", "5200308 Syrengården 23 22,20"))
    return catalog


def _cli(*args, cwd: Path):
    return subprocess.run(
        [sys.executable, "-m", "sofstat", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_bad_input_fails_with_one_line_and_keeps_the_earlier_report(tmp_path):
    out = tmp_path / "reports"
    earlier = out / "2024-H2"
    earlier.mkdir(parents=True)
    (earlier / "index.html").write_text("earlier good report")
    res = _cli(
        "report",
        "--period",
        "2024-H2",
        "--catalog",
        str(_broken_catalog(tmp_path)),
        "--output-dir",
        str(out),
        "--no-pdf",
        cwd=tmp_path,
    )
    assert res.returncode == 1
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert (
        "bad input: " in err
        and "tabell3_syntetisk_2024-09.txt, line" in err
        and "5200308 Syrengården 23 22,20" in err
    )
    assert (earlier / "index.html").read_text() == "earlier good report"
    failed = [p for p in out.iterdir() if p.name.startswith("2024-H2.failed-")]
    assert len(failed) == 1 and str(failed[0]) in err
    assert not [p for p in out.iterdir() if p.name.startswith(".2024-H2.build-")]
    assert "done after" in res.stdout or "failed after" in res.stdout  # one line per notebook


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("periods:\n  2024-H1:\n    staffing: nope.txt\n    guideline: nope.csv\n", "no such file: nope.txt"),
        ("periods:\n  2024-H1: [1, 2\n", "not valid YAML"),
        ("periods:\n  2024-H1:\n    title: a\n  2024-H1:\n    title: b\n", "appears twice"),
        ("periods:\n  H1-2024:\n    staffing: x\n", "YYYY-H1 or YYYY-H2"),
        ("periods:\n  2024-H1:\n    stafing: x.txt\n", "unknown entry 'stafing'"),
        ("[" * 5000, "nested too deeply"),
    ],
)
def test_bad_catalogue_is_one_line(tmp_path, text, words):
    p = tmp_path / "periods.yml"
    p.write_text(text, encoding="utf-8")
    res = _cli("report", "--catalog", str(p), "--output-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert words in res.stderr and "Traceback" not in res.stderr


def test_bad_catalogue_bytes_and_names(tmp_path):
    nul = tmp_path / "nul.yml"
    nul.write_bytes(b"periods:\n  2024-H1:\x00\n")
    for catalog in (nul, tmp_path / ("x" * 300 + ".yml"), tmp_path):
        res = _cli("report", "--catalog", str(catalog), cwd=tmp_path)
        assert (
            res.returncode == 1
            and len(res.stderr.strip().splitlines()) == 1
            and "Traceback" not in res.stderr
        )


def test_unknown_period_and_check_command(tmp_path):
    res = _cli("report", "--period", "2030-H1", cwd=tmp_path)
    assert res.returncode == 1 and "no period '2030-H1'" in res.stderr
    broken = tmp_path / "b_2024-03.csv"
    broken.write_text(
        "enhetskod;enhetsnamn;antal_tillsvidareanställda;antal_årsarbetare;medelålder;antal_chefer\n"
        "52;Socialnämnd;10;9,5;45;\n520;Fel;1;1;40;\n5200101;A;-1;1;40;\n5200102;B;5;9;40;\n",
        encoding="utf-8",
    )
    res = _cli("check", str(broken), str(config.RAW_DIR / "2024-03" / "tabell1_grundtal.csv"), cwd=tmp_path)
    assert res.returncode == 1
    assert "line 3: unit code '520' is not 2, 5 or 7 digits" in res.stdout
    assert (
        "line 4: negative headcount" in res.stdout and "line 5: FTE (9.0) above headcount (5)" in res.stdout
    )
    assert "ok       data/raw/2024-03/tabell1_grundtal.csv (guideline, 8 rows)" in res.stdout
    res = _cli("check", "--period", "2024-H1", cwd=tmp_path)
    assert res.returncode == 0 and "inputs readable" in res.stdout


# --- publishing: lock, atomic switch, stale folders --------------------------------


def test_switch_is_atomic_and_the_report_is_always_there(tmp_path):
    final = tmp_path / "2024-H1"
    final.mkdir()
    (final / "index.html").write_text("v0")
    seen_missing = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if not (final / "index.html").exists():
                seen_missing.append(time.perf_counter())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for k in range(1, 40):
            build = publish.new_build_dir(tmp_path, "2024-H1")
            (build / "index.html").write_text(f"v{k}")
            publish.publish(build, final)
    finally:
        stop.set()
        watcher.join()
    assert seen_missing == []
    assert (final / "index.html").read_text() == "v39"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-H1"]


def test_stale_builds_are_removed_and_a_report_left_aside_is_restored(tmp_path):
    (tmp_path / ".2024-H1.build-dead").mkdir()
    aside = tmp_path / ".2024-H1.old-123"
    aside.mkdir()
    (aside / "index.html").write_text("good")
    kept = tmp_path / "2024-H1.failed-20240101-000000-1"
    kept.mkdir()
    publish.recover(tmp_path, "2024-H1")
    assert (tmp_path / "2024-H1" / "index.html").read_text() == "good"
    publish.clean_stale(tmp_path, "2024-H1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-H1", "2024-H1.failed-20240101-000000-1"]


def test_second_build_of_a_period_waits_then_gives_up(tmp_path):
    lines = []
    with publish.period_lock(tmp_path, "2024-H1"):
        code = (
            "import sys; from pathlib import Path; from sofstat.report import publish\n"
            "try:\n"
            "    with publish.period_lock(Path(sys.argv[1]), '2024-H1', timeout=1.0): print('got it')\n"
            "except Exception as e: print(type(e).__name__, e)\n"
        )
        res = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
        )
        lines = res.stdout.splitlines()
    assert lines[0].startswith("Another build of 2024-H1 is running (pid ")
    assert lines[-1].startswith("ReportError another build of 2024-H1")
    res = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert res.stdout.strip() == "got it"  # the lock dies with its holder


def test_killed_build_leaves_the_previous_report(tmp_path, baseline_report):
    out = tmp_path / "reports"
    shutil.copytree(baseline_report, out / "2024-H1")
    before = {p: (out / "2024-H1" / p).read_bytes() for p in _files(out / "2024-H1")}
    for delay in (1.0, 4.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "sofstat", "report", "--output-dir", str(out), "--no-pdf"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert {p: (out / "2024-H1" / p).read_bytes() for p in _files(out / "2024-H1")} == before
    publish.clean_stale(out, "2024-H1")
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock")) == ["2024-H1"]


def test_report_module_imports_papermill_in_the_importing_thread():
    code = (
        "import sys, sofstat.report\n"
        "print(all(m in sys.modules for m in ('papermill', 'nbclient', 'jupyter_client.manager')))\n"
        "print('pandas' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.stdout.split() == ["True", "False"]  # kernels start before the parent loads pandas


def test_report_error_for_a_notebook_without_parameters(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    (folder / "00_x.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    with pytest.raises(ReportError, match="no cell tagged 'parameters'"):
        sofstat.report.build_report(
            None, None, tmp_path / "out", notebooks_dir=folder, log=lambda *_: None, pdf=False
        )


def test_a_failed_notebook_stops_those_not_started(tmp_path):
    """The first failure cancels the notebooks still waiting; the running ones finish."""
    from sofstat.report import notebooks as nbs

    folder = tmp_path / "nbs"
    folder.mkdir()
    for k, code in enumerate(["raise ValueError('trasig indata')", "1 + 1", "2 + 2"]):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        # the failing notebook is the largest, so it runs first (longest first)
        nb.cells = [nbformat.v4.new_code_cell(code + ("  # " + "x" * 500 if k == 0 else ""))]
        nbformat.write(nb, folder / f"0{k}_x.ipynb")
    jobs = [nbs.Job(p, tmp_path / p.name, {}, tmp_path) for p in nbs.report_notebooks(folder)]
    lines: list[str] = []
    errors = nbs.run_notebooks(jobs, 1, lines.append)
    assert len(errors) == 1 and "00_x.ipynb failed in cell 0" in errors[0] and "trasig indata" in errors[0]
    assert [line.split()[0] for line in lines] == ["00_x.ipynb", "01_x.ipynb", "02_x.ipynb"]
    assert "failed after" in lines[0]
    assert all(line.endswith("not run (a notebook failed)") for line in lines[1:])
    assert not (tmp_path / "01_x.ipynb").exists() and not (tmp_path / "02_x.ipynb").exists()


@pytest.mark.skipif(chromium() is None, reason="needs headless Chromium")
def test_a_failure_while_the_pdf_prints_keeps_the_build_and_the_earlier_report(tmp_path, monkeypatch):
    """The workbook is built while Chromium prints: a failure there waits for the print and keeps the build."""
    from sofstat.report import build as build_module

    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('period = ""\ncatalog_path = ""\noutput_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, folder / "00_x.ipynb")
    out = tmp_path / "out"
    (out / "2024-H1").mkdir(parents=True)
    (out / "2024-H1" / "index.html").write_text("earlier good report")

    def broken_workbook(build, title):
        raise OSError("No space left on device")

    monkeypatch.setattr(build_module, "_write_workbook", broken_workbook)
    with pytest.raises(ReportError) as info:
        build_module.build_report(None, None, out, notebooks_dir=folder, log=lambda *_: None)
    message = str(info.value)
    assert message.startswith("OSError: No space left on device. The failed build is kept in ")
    assert message.endswith(f"the earlier report in {out / '2024-H1'} is untouched.")
    (failed,) = [p for p in out.iterdir() if p.name.startswith("2024-H1.failed-")]
    assert (failed / "index.html").exists()
    assert (failed / "rapport.pdf").read_bytes().startswith(b"%PDF-")  # the print finished before the move
    assert (out / "2024-H1" / "index.html").read_text() == "earlier good report"


THREADED_BUILDS = """
import sys, threading
from pathlib import Path
import sofstat.report  # imports papermill and jupyter_client here, in the main thread
root, notebooks = Path(sys.argv[1]), Path(sys.argv[2])
errors = []
def build(k):
    try:
        sofstat.report.build_report(None, None, root / f"out{k}", notebooks_dir=notebooks, log=lambda *_: None, pdf=False)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
threads = [threading.Thread(target=build, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print("errors:", errors)
"""


def test_builds_in_parallel_threads_of_a_fresh_process(tmp_path):
    """Four builds at once in one fresh interpreter: the first import of papermill and
    jupyter_client must not race (it once failed one build in three)."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    for k in range(2):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell('period = ""\ncatalog_path = ""\noutput_dir = ""')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell("import sofstat\nprint(sofstat.__version__)")]
        nbformat.write(nb, folder / f"0{k}_x.ipynb")
    for _ in range(2):
        res = subprocess.run(
            [sys.executable, "-c", THREADED_BUILDS, str(tmp_path), str(folder)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert res.stdout.strip() == "errors: []", res.stdout + res.stderr
        for k in range(4):
            assert (tmp_path / f"out{k}" / "2024-H1" / "index.html").exists()
