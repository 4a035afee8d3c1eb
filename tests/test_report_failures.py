"""The report command when something is wrong: bad input, a bad catalogue, an unknown period,
a failing notebook, a failure while the PDF prints. One clear line, the earlier report untouched."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import SYNTHETIC

import sofstat
from sofstat import cli, config
from sofstat.errors import ReportError
from sofstat.report.pdf import chromium


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
def test_bad_catalogue_is_one_line(tmp_path, monkeypatch, capsys, text, words):
    """In this process (the command's own ``main``); the command as a process is tested below."""
    p = tmp_path / "periods.yml"
    p.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["report", "--catalog", str(p), "--output-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_bad_catalogue_bytes_and_names(tmp_path, monkeypatch, capsys):
    nul = tmp_path / "nul.yml"
    nul.write_bytes(b"periods:\n  2024-H1:\x00\n")
    monkeypatch.chdir(tmp_path)
    for catalog in (nul, tmp_path / ("x" * 300 + ".yml"), tmp_path):
        code = cli.main(["report", "--catalog", str(catalog)])
        err = capsys.readouterr().err
        assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    # and as a process: exit code 1, one line on stderr
    res = _cli("report", "--catalog", str(nul), cwd=tmp_path)
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert str(nul) in res.stderr and "Traceback" not in res.stderr


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


_RUN = """
import atexit, pathlib, sys, threading, time
out = pathlib.Path(sys.argv.pop(1))
atexit.register(lambda: (out / "atexit").write_text("ran"))

class Teardown:  # a module global: Python's own shutdown takes it apart, a quick exit does not
    def __del__(self):
        (out / "teardown").write_text("ran")

KEEP = Teardown()
def until_the_main_thread_ends():  # alive when the command ends, however long the command takes
    while threading.main_thread().is_alive():
        time.sleep(0.01)
    (out / "thread").write_text("done")

if sys.argv.pop(1) == "thread":  # a thread of its own, still at work when the command ends
    threading.Thread(target=until_the_main_thread_ends).start()
print("printed before", flush=False)
from sofstat.cli import run
run()
"""


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_ends_at_once_after_its_exit_handlers_unless_a_thread_still_runs(tmp_path, thread):
    """``sofstat.cli.run`` (``python -m sofstat``): the exit code and every line printed are kept, the
    exit handlers run (coverage's data, temporary folders), and Python's shutdown is skipped, except
    while a thread (not a daemon) still runs: it then waits for the thread, as Python does."""
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            _RUN,
            str(tmp_path),
            "thread" if thread else "none",
            "report",
            "--period",
            "2030-H1",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert res.returncode == 1, res.stderr
    assert res.stdout == "printed before\n"  # (a pipe: block-buffered, flushed on the way out)
    assert res.stderr.strip().splitlines() == [
        f"error: {config.DATA_DIR / 'periods.yml'}: no period '2030-H1' (has: 2024-H1)"
    ]
    assert (tmp_path / "atexit").read_text() == "ran"
    assert (tmp_path / "thread").exists() == thread
    assert (tmp_path / "teardown").exists() == thread  # Python's shutdown ran only to wait for the thread


# --- publishing: lock, atomic switch, stale folders --------------------------------


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
    # refresh-notebooks runs them all, so that every failure is seen at once
    lines.clear()
    assert nbs.run_notebooks(jobs, 1, lines.append, stop_on_failure=False) == errors
    assert all("not run" not in line for line in lines) and (tmp_path / "02_x.ipynb").exists()


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
