"""Benchmarks for sofstat (``make bench``): prints tables and writes docs/benchmarks.md.

1. Report vs floor, whole processes: ``python -m sofstat report --output-dir
   TMP --jobs 2`` (with the PDF) against ``benchmarks/floor.py`` (papermill
   running six notebooks that hold only the report notebooks' import lines,
   two at a time, each in a kernel of its own; the report runs its notebooks
   in one kernel per worker), alternated, medians of wall and
   CPU time (user + system of the whole process tree, from ``os.wait4``, and
   of the processes that outlive their parent: ``reaper.py``).
2. Where a build's time goes: one more build under ``benchmarks/stages.py``,
   which wraps the build's stage functions from outside the library and
   records each stage's wall and CPU time and every notebook cell's time; and
   the floor the same way.
3. Readers at scale: ``read_staffing`` (published text and CSV),
   ``read_survey`` and ``read_sick_leave`` on synthetic inputs of 1 000 to
   1 000 000 rows against ``pandas.read_csv`` on the same rows, in-process
   (readers are functions, not commands): median time, time per row, peak
   memory (tracemalloc), results checked against the generator.
4. National-size indicators: every analysis and disclosure function on a
   synthetic organisation of 14 500 and 145 000 units, time per row.
5. Set-up (full mode; ``--no-setup`` skips it): a fresh clone's ``make
   install`` with empty caches (it downloads about 120 packages), then ``make
   report`` in it, as whole processes.

6. ``make test`` (full mode; ``--no-test`` skips it): in this checkout, one
   uncounted run, ``--test-runs`` (2) warm runs and one warm run with
   coverage off, whole processes, with every test's time from JUnit XML.

``--quick`` is a smoke run (one pair, up to 10 000 rows, small national
sizes, no set-up, no `make test`; about 2 minutes on 2 cores) that writes its Markdown to a
temporary file; the full run (``make bench``; roughly 15–25 minutes on 2
cores, a fresh install included) writes docs/benchmarks.md. Run it on an otherwise idle
machine: the load averages are recorded with the results. This is a
benchmark, not a test: nothing fails on time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import pstats
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import floor  # noqa: E402
import reaper  # noqa: E402
import synth  # noqa: E402

import sofstat  # noqa: E402
from sofstat import disclosure  # noqa: E402
from sofstat.analysis import age, attainment, indicators, movement, sickleave, size, survey, values  # noqa: E402
from sofstat.readers.catalog import Target  # noqa: E402
from sofstat.readers.survey import read_questions  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
VENV_PY = ROOT / ".venv" / "bin" / "python"
PY = str(VENV_PY if VENV_PY.exists() else Path(sys.executable))

GOAL_BUILD = 1.15  # report ÷ floor, wall and CPU
GOAL_CSV = 3.0  # CSV readers ÷ read_csv at 1 000 000 rows
GOAL_TEXT = 10.0  # published-text reader ÷ read_csv at 1 000 000 rows
GOAL_MEMORY = 3.0  # peak memory ÷ read_csv's
GOAL_FLAT = 1.5  # µs per row, largest vs smallest table
GOAL_LINEAR = 1.5  # µs per row, national size vs a tenth of it
GOAL_SETUP = 43.0  # seconds from a fresh clone to a first report: half of the 86 s of issue 13
GOAL_TEST = 30.0  # seconds of a warm `make test`
READER_SIZES = [1_000, 10_000, 100_000, 1_000_000]
NATIONAL = [(14_500, 145), (145_000, 1_450)]
NATIONAL_QUICK = [(1_500, 15), (14_500, 145)]


def say(*lines: str) -> None:
    print(*lines, sep="\n", flush=True)


def fmt(x: float, d: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{d}f}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def verdict(ratio: float, goal: float) -> str:
    """Met, or missed by how much, for a ratio against its upper goal."""
    if ratio <= goal:
        return f"**met** ({fmt(ratio)} ≤ {fmt(goal)})"
    if ratio >= 2 * goal:
        return f"**missed** by a factor {fmt(ratio / goal, 1)} ({fmt(ratio)} against ≤ {fmt(goal)})"
    return f"**missed** by {fmt(100 * (ratio / goal - 1), 0)} % ({fmt(ratio)} against ≤ {fmt(goal)})"


def spread(ratios: list[float], goal: float) -> str:
    """How the alternated pairs' own ratios lie about the goal: whether the median's verdict is
    the machine's state or the code's."""
    within = sum(r <= goal for r in ratios)
    text = (
        f"the {len(ratios)} alternated pairs ranged from {fmt(min(ratios))} to {fmt(max(ratios))}, "
        f"{within} of {len(ratios)} within the goal"
    )
    if 0 < within < len(ratios):
        text += (
            ": the goal lies within the pairs' spread, so the verdict follows the machine's state at the time"
        )
    return text


def verdict_seconds(seconds: float, goal: float) -> str:
    """``met`` or ``missed`` for a time against a goal in seconds."""
    if seconds <= goal:
        return f"**met** ({fmt(seconds)} s ≤ {fmt(goal, 0)} s)"
    return f"**missed** by {fmt(seconds - goal)} s ({fmt(seconds)} s against ≤ {fmt(goal, 0)} s)"


def table(head: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(head) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    return [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(sep) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


# --- whole processes -----------------------------------------------------------


#: True once main() has made this process the reaper of its commands' orphans (see reaper.py)
SUBREAPER = False


@dataclass
class Proc:
    cmd: list[str]
    wall: float
    cpu: float  # user + system of the process, every descendant it waited for, and the orphans
    code: int
    stdout: str
    stderr: str
    orphans: int = 0  # processes that outlived their parent, reaped by this benchmark (see reaper)
    orphan_cpu: float = 0.0  # their CPU, included in cpu
    orphans_killed: int = 0  # of them, still running a minute after the process ended, so killed


def run_process(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = 3600) -> Proc:
    """Run ``cmd`` as a whole process; wall time, and CPU time from ``os.wait4``: the process's,
    every descendant's it waited for, and, with this benchmark the child subreaper (:data:`SUBREAPER`),
    every descendant's that outlived its parent (see reaper.py), reaped here once the process has
    ended. The wall time is the process's alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)

        def kill() -> None:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the group this benchmark started, by its id
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        except BaseException:
            kill()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        # this process starts nothing else meanwhile: every child left is an orphan of cmd's tree
        orphan_cpu, orphans, killed = reaper.reap(timeout=60, group=p.pid)
        out.seek(0)
        err.seek(0)
        return Proc(
            cmd,
            wall,
            usage.ru_utime + usage.ru_stime + orphan_cpu,
            p.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            orphans,
            orphan_cpu,
            killed,
        )


def require(proc: Proc, what: str) -> None:
    if proc.code != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        hint = (
            "\n(Chromium could not print here: run the benchmark with --no-pdf.)"
            if "Chromium" in tail
            else ""
        )
        raise SystemExit(f"benchmark: {what} failed (exit {proc.code}): {' '.join(proc.cmd)}\n{tail}{hint}")


def chromium() -> str | None:
    from sofstat.report.pdf import chromium as find  # the report's own rule for finding it

    return find()


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 2**20
    except OSError:
        pass
    exe = chromium()
    chrome = None
    if exe:
        try:
            chrome = subprocess.run(
                [exe, "--version"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
            chrome = f"{chrome} (`{os.path.basename(exe)}`)"
        except (OSError, subprocess.SubprocessError):
            chrome = exe
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": mem,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "sofstat": version("sofstat"),
        "os": f"{platform.system()} {platform.release()}",
        "chromium": chrome,
        "probe": memory_probe(),
    }


def _orphans_found(procs: list[Proc]) -> str:
    n = [p.orphans for p in procs]
    if not n or not max(n):
        return "none"
    cpu = [p.orphan_cpu for p in procs]
    count = (
        f"{n[0]} such process" + ("" if n[0] == 1 else "es") + " per run"
        if min(n) == max(n)
        else f"{min(n)}–{max(n)} such processes per run"
    )
    secs = fmt(min(cpu)) if fmt(min(cpu)) == fmt(max(cpu)) else f"{fmt(min(cpu))}–{fmt(max(cpu))}"
    killed = sum(p.orphans_killed for p in procs)
    still = (
        f" ({killed} process{'' if killed == 1 else 'es'} still running a minute after its run had ended, killed)"
        if killed
        else ""
    )
    return f"{count}, with {secs} s of CPU{still}"


def orphans_text(groups: dict[str, list[Proc]]) -> str:
    """How the CPU of processes that outlived their parent was counted, and what was found in each
    group of runs (``{"the report's runs": [...], ...}``)."""
    if not SUBREAPER:
        return (
            "not counting processes that outlived their parent (this system refused the child subreaper, "
            "`prctl(PR_SET_CHILD_SUBREAPER)`): headless Chromium's zygotes and the renderer and GPU processes they start "
            "(and with the `chromium` browser its crash handlers) are among them, so the CPU with the PDF is too low."
        )
    found = "; ".join(f"in {name} {_orphans_found(procs)}" for name, procs in groups.items())
    return (
        "plus that of every process that outlived its parent (headless Chromium's zygotes and the renderer and GPU "
        "processes they start, and with the `chromium` browser its crash handlers too, which `os.wait4` on the browser "
        "does not see), "
        f"reaped by this benchmark as their child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`): {found}."
    )


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def steal() -> float | None:
    """CPU seconds the host has taken from this (virtual) machine since it started, summed over its
    cores (``steal`` in /proc/stat); None where the system does not say."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def steal_text(before: float | None, after: float | None, wall: float | None = None) -> str:
    """``"CPU time taken by the host meanwhile (steal): 1.23 s"``, with its share of the cores' time."""
    if before is None or after is None:
        return ""
    share = ""
    if wall:
        share = f", {pct(after - before, wall * (os.cpu_count() or 1))} of the cores' time"
    return f" CPU time taken by the host meanwhile (steal): {fmt(after - before)} s{share}."


_PROBE = (
    "import time, numpy as np\n"
    "t = time.perf_counter(); a = np.ones(2**27); first = time.perf_counter() - t\n"
    "t = time.perf_counter(); a[:] = 2.0; again = time.perf_counter() - t\n"
    "print(first, again)"
)


def memory_probe() -> tuple[float, float] | None:
    """Seconds for a new process to write 1 GiB it has just allocated, and to write it again.

    The first includes the kernel giving the process its pages (on a virtual machine whose host
    hands out memory at its first use, that can be many times the second); the second is only
    the writing. Returns None when the probe cannot run (less memory, say).
    """
    try:
        out = subprocess.run(
            [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=300, check=True
        ).stdout.split()
        return float(out[0]), float(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def probe_text(probe: tuple[float, float] | None) -> str:
    if probe is None:
        return "not measured"
    return f"{fmt(probe[0])} s (writing it again: {fmt(probe[1])} s)"


# --- 1. report vs floor ------------------------------------------------------------


@dataclass
class Build:
    jobs: int
    pdf: bool
    pairs: int
    warmup: int
    report: list[Proc] = field(default_factory=list)
    floor: list[Proc] = field(default_factory=list)
    warm: list[Proc] = field(default_factory=list)
    load_before: str = ""
    load_after: str = ""
    steal: tuple = (None, None, None)  # before, after, wall seconds between
    no_pdf_reason: str = ""

    def med(self, which: str, attr: str) -> float:
        return statistics.median(getattr(p, attr) for p in getattr(self, which))


def report_cmd(out: Path, jobs: int, pdf: bool) -> list[str]:
    return [PY, "-m", "sofstat", "report", "--output-dir", str(out), "--jobs", str(jobs)] + (
        [] if pdf else ["--no-pdf"]
    )


def floor_cmd(floor_dir: Path, out: Path, jobs: int) -> list[str]:
    return [PY, str(BENCH / "floor.py"), str(floor_dir), "--output-dir", str(out), "--jobs", str(jobs)]


def check_report(out: Path, pdf: bool) -> Path:
    built = [p.parent for p in out.glob("*/manifest.json")]
    if len(built) != 1:
        raise SystemExit(f"benchmark: expected one report in {out}, found {len(built)}")
    need = ["index.html", "tables.xlsx", "manifest.json"] + (["rapport.pdf"] if pdf else [])
    missing = [n for n in need if not (built[0] / n).is_file() or (built[0] / n).stat().st_size == 0]
    if missing:
        raise SystemExit(f"benchmark: the report in {built[0]} lacks {', '.join(missing)}")
    return built[0]


def check_floor(out: Path, n: int) -> None:
    done = list(out.glob("*.ipynb"))
    if len(done) != n:
        raise SystemExit(f"benchmark: the floor wrote {len(done)} notebooks, not {n}")


def bench_build(pairs: int, jobs: int, pdf: bool, warmup: int, work: Path, floor_dir: Path) -> Build:
    b = Build(jobs, pdf, pairs, warmup, load_before=load())
    steal_before, clock = steal(), time.perf_counter()
    n_nb = len(list(floor_dir.glob("*.ipynb")))

    def one(kind: str, k: int) -> Proc:
        out = work / f"{kind}-{k}"
        if kind == "report":
            proc = run_process(report_cmd(out, jobs, pdf), ROOT)
            require(proc, "the report")
            check_report(out, pdf)
        else:
            proc = run_process(floor_cmd(floor_dir, out, jobs), ROOT)
            require(proc, "the floor")
            check_floor(out, n_nb)
        shutil.rmtree(out, ignore_errors=True)
        return proc

    for k in range(warmup):
        say(f"  warm-up {k + 1}/{warmup}: report, floor (not counted) …")
        b.warm += [one("report", -1 - k), one("floor", -1 - k)]
    for k in range(pairs):
        r = one("report", k)
        f = one("floor", k)
        b.report.append(r)
        b.floor.append(f)
        say(
            f"  pair {k + 1}/{pairs}: report {r.wall:6.2f} s wall {r.cpu:6.2f} s CPU | "
            f"floor {f.wall:6.2f} s wall {f.cpu:6.2f} s CPU"
        )
    b.load_after = load()
    b.steal = (steal_before, steal(), time.perf_counter() - clock)
    return b


def render_build(b: Build, stages: dict | None) -> list[str]:
    rw, rc = b.med("report", "wall"), b.med("report", "cpu")
    fw, fc = b.med("floor", "wall"), b.med("floor", "cpu")
    rows = [
        [
            str(k + 1),
            fmt(r.wall),
            fmt(r.cpu),
            fmt(f.wall),
            fmt(f.cpu),
            fmt(r.wall / f.wall),
            fmt(r.cpu / f.cpu),
        ]
        for k, (r, f) in enumerate(zip(b.report, b.floor, strict=True))
    ]
    rows.append(["**median**", fmt(rw), fmt(rc), fmt(fw), fmt(fc), fmt(rw / fw), fmt(rc / fc)])
    pdf_note = "with the PDF (headless Chromium)" if b.pdf else f"**without the PDF** ({b.no_pdf_reason})"
    out = [
        "## 1. Report vs floor (whole processes)",
        "",
        f"- **Report**: `{' '.join(['.venv/bin/python', '-m', 'sofstat', 'report', '--output-dir', '<tmp>', '--jobs', str(b.jobs)] + ([] if b.pdf else ['--no-pdf']))}`, "
        f"{pdf_note}, into a new empty folder each time.",
        f"- **Floor**: `.venv/bin/python benchmarks/floor.py <floor notebooks> --output-dir <tmp> --jobs {b.jobs}`: "
        "papermill runs as many notebooks as the report (one per report notebook, each holding only that "
        "notebook's `%matplotlib inline` and import lines), imported in the main thread first, "
        f"{b.jobs} worker threads, kernel `python3`, shutdown `immediate`, no progress bar, no cell timing "
        "(as `sofstat.report.notebooks.execute`), and the report's `rfc3987_syntax` import skip. The floor "
        "starts a kernel per notebook, papermill's way, as issue 13 defines it; the report runs its notebooks "
        f"in one kernel per worker ({b.jobs} kernels, each put back as new before its next notebook), so it "
        "starts fewer kernels and imports its modules fewer times than its floor.",
        f"- Alternated report, floor, report, floor, … ({plural(b.pairs, 'pair')}, after "
        f"{plural(b.warmup, 'uncounted warm-up pair')}). Wall time is the process's; CPU time is user + system of the process and every child "
        "it waited for (kernels, Chromium, git), from `os.wait4`, "
        + orphans_text({"the report's runs": b.report, "the floor's": b.floor}),
        f"- Load average (1/5/15 min) before: {b.load_before}; after: {b.load_after}.{steal_text(*b.steal)}",
        "",
        *table(
            [
                "Pair",
                "Report wall, s",
                "Report CPU, s",
                "Floor wall, s",
                "Floor CPU, s",
                "Wall ratio",
                "CPU ratio",
            ],
            rows,
        ),
        "",
        f"- Wall: report ÷ floor = {fmt(rw / fw)}: {verdict(rw / fw, GOAL_BUILD)}"
        f" ({spread([r.wall / f.wall for r, f in zip(b.report, b.floor, strict=True)], GOAL_BUILD)})"
        + (
            ""
            if rw / fw <= GOAL_BUILD
            else f"; the report would have to be {fmt(rw - GOAL_BUILD * fw)} s faster."
        ),
        f"- CPU: report ÷ floor = {fmt(rc / fc)}: {verdict(rc / fc, GOAL_BUILD)}"
        f" ({spread([r.cpu / f.cpu for r, f in zip(b.report, b.floor, strict=True)], GOAL_BUILD)})"
        + (
            ""
            if rc / fc <= GOAL_BUILD
            else f"; the report would have to use {fmt(rc - GOAL_BUILD * fc)} s less CPU."
        ),
        "",
    ]
    return out


# --- 2. stages ----------------------------------------------------------------------


def bench_stages(jobs: int, pdf: bool, work: Path, floor_dir: Path) -> dict:
    rep_json, floor_json = work / "stages-report.json", work / "stages-floor.json"
    out = work / "stages-report"
    cmd = [PY, str(BENCH / "stages.py"), "report", "--json", str(rep_json), "--"] + report_cmd(
        out, jobs, pdf
    )[4:]
    rep = run_process(cmd, ROOT)
    require(rep, "the instrumented report")
    built = check_report(out, pdf)
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    fout = work / "stages-floor"
    fcmd = [PY, str(BENCH / "stages.py"), "floor", "--json", str(floor_json), "--"] + floor_cmd(
        floor_dir, fout, jobs
    )[2:]
    flo = run_process(fcmd, ROOT)
    require(flo, "the instrumented floor")
    result = {
        "report": json.loads(rep_json.read_text()),
        "floor": json.loads(floor_json.read_text()),
        "report_proc": rep,
        "floor_proc": flo,
        "git_commit": manifest.get("git_commit"),
        "git_dirty": manifest.get("git_dirty"),
    }
    if pdf:  # the page of that build printed alone: the least the PDF adds (benchmarks/print_alone.py)
        pa_json = work / "print-alone.json"
        pa = run_process(
            [PY, str(BENCH / "print_alone.py"), str(built / "index.html"), "--json", str(pa_json)], ROOT
        )
        require(pa, "the page printed alone")
        result["print_alone"] = json.loads(pa_json.read_text())
    if pdf:  # the same build without the PDF: what the PDF costs the whole build, overlaps included
        np_json, np_out = work / "stages-nopdf.json", work / "stages-nopdf"
        ncmd = [PY, str(BENCH / "stages.py"), "report", "--json", str(np_json), "--"] + report_cmd(
            np_out, jobs, False
        )[4:]
        nop = run_process(ncmd, ROOT)
        require(nop, "the instrumented report without the PDF")
        check_report(np_out, False)
        result["nopdf"] = json.loads(np_json.read_text())
        result["nopdf_proc"] = nop
    return result


def _stage(d: dict, name: str) -> dict | None:
    found = [s for s in d["stages"] if s["stage"] == name]
    return found[0] if found else None


def _dur(s: dict | None) -> float:
    return 0.0 if s is None else s["end"] - s["start"]


def notebook_parts(rec: dict) -> dict:
    """Kernel start-up, parameter cells, the import cell, the other cells, and the end of one notebook."""
    cells = sorted(rec["cells"], key=lambda c: c["start"])
    if not cells:
        return {"total": rec["end"] - rec["start"]}
    imp = [c for c in cells if c["imports"]]
    first_import = imp[0]["start"] if imp else cells[0]["start"]
    params = sum(c["end"] - c["start"] for c in cells if c["start"] < first_import)
    imports = sum(c["end"] - c["start"] for c in imp)
    other = [c for c in cells if c["start"] > first_import and not c["imports"]]
    # the report's notebooks start in sofstat's execute, which readies the worker's kernel
    # (starts it, or puts it back as new) before papermill is called: start-up counts from there
    begin = rec.get("execute_start", rec["start"])
    return {
        "total": rec["end"] - begin,
        "startup": cells[0]["start"] - begin,
        "params": params,
        "imports": imports,
        "other": sum(c["end"] - c["start"] for c in other),
        "gaps": (cells[-1]["end"] - cells[0]["start"]) - sum(c["end"] - c["start"] for c in cells),
        "end": rec["end"] - cells[-1]["end"],
        "normalise": (rec.get("execute_end", rec["end"]) - rec["end"]),
        "cells": other,
    }


#: Stages whose spans only frame others (not rows of the stage table).
_FRAMES = {"cli.main", "build_report", "floor.main"}
#: Stages of the PDF, whatever way this version of the library prints it.
_PDF = {"Printer.__init__", "Printer.print", "Printer.close", "print_pdf"}
_OUTSIDE = {"import sofstat.cli", "import sofstat.report"}


def stage_rows(rep: dict) -> list[dict]:
    """The recorded stages in time order, each marked ``nested`` when it ran inside another one."""
    spans = sorted(
        (s for s in rep["stages"] if s["stage"] not in _FRAMES), key=lambda s: (s["start"], -s["end"])
    )
    for s in spans:
        s["nested"] = any(
            o is not s
            and o.get("thread") == s.get("thread")
            and o["start"] <= s["start"]
            and s["end"] <= o["end"]
            and _dur(o) > _dur(s)
            for o in spans
        )
        # a stage in another thread runs alongside the main thread's: not a part of its time
        s["parallel"] = s.get("thread", "MainThread") != "MainThread"
        s["label"] = rep.get("labels", {}).get(s["stage"], s["stage"])
    return spans


def render_stages(st: dict, b: Build | None) -> list[str]:
    rep, flo, proc = st["report"], st["floor"], st["report_proc"]
    wall = proc.wall
    br = _stage(rep, "build_report")
    rows, inside, outside = [], 0.0, 0.0
    for s in stage_rows(rep):
        d = _dur(s)
        label = s["label"] + (
            f" ({len(rep['notebooks'])} notebooks, {b.jobs if b else 2} at a time)"
            if s["stage"] == "run_notebooks"
            else ""
        )
        if s["parallel"]:
            label = f"&nbsp;&nbsp;∥ alongside, in thread {s['thread']}: {label}"
        elif s["nested"]:
            label = f"&nbsp;&nbsp;↳ inside the stage above: {label}"
        elif s["stage"] in _OUTSIDE:
            outside += d
        else:
            inside += d
        # (both CPU counters are the whole process's: for a stage in another thread they would count
        # what the main thread and its children did meanwhile again)
        cpu = ["", ""] if s["parallel"] else [fmt(s["cpu_self"]), fmt(s["cpu_children"])]
        rows.append([label, fmt(s["start"]), fmt(d), pct(d, wall), *cpu])
    rest = _dur(br) - inside
    rows.append(
        [
            "rest of build_report (reading the executed notebooks, writing index.html, lock, folders, "
            "waiting for the last stage's children and for the stages alongside in other threads)",
            "",
            fmt(rest),
            pct(rest, wall),
            "",
            "",
        ]
    )
    other = wall - _dur(br) - outside
    rows.append(
        [
            "Python start-up, the wrapper, exit (the process's wall time less the above)",
            "",
            fmt(other),
            pct(other, wall),
            "",
            "",
        ]
    )
    rows.append(["**whole process**", "", f"**{fmt(wall)}**", "100 %", "", f"{fmt(proc.cpu)} (process tree)"])
    absent = rep.get("absent", [])
    out = [
        "## 2. Where a build's time goes (measured)",
        "",
        "One more build, run as `.venv/bin/python benchmarks/stages.py report --json … -- --output-dir <tmp> "
        f"--jobs {b.jobs if b else 2}{'' if (b is None or b.pdf) else ' --no-pdf'}`: the same `sofstat.cli.main` as `python -m sofstat`, with the stage "
        "functions wrapped from outside the library (each wrapper only reads the clock and the CPU counters). "
        "One run, so it carries one run's noise. *Start* is seconds from the start of the script; *CPU self* is "
        "this process (all its threads); *CPU children* is what child processes that ended during the stage "
        "used (kernels, Chromium, git), counted when they end; both are the whole process's, so they are "
        "left empty for a stage that ran alongside in another thread (they would count the main thread's "
        "work of that time again); "
        + (
            "Chromium's processes that outlive its browser process end as the script's children (it is their "
            "subreaper) and are waited for, and counted, in `Printer.close`."
            if st["report"].get("subreaper")
            else "Chromium's processes that outlive its browser process are **not** counted (this system refused "
            "the script the child subreaper), so Chromium's CPU here is too low."
        )
        + (
            f" Not in this version of the library, so not timed: {', '.join(f'`{a}`' for a in absent)}."
            if absent
            else ""
        ),
        "",
        *table(["Stage", "Start, s", "Wall, s", "Share", "CPU self, s", "CPU children, s"], rows, "lrrrrr"),
        "",
    ]
    f_parts = {k: notebook_parts(v) for k, v in flo["notebooks"].items()}
    r_parts = {k: notebook_parts(v) for k, v in rep["notebooks"].items()}
    keys_r = ("total", "startup", "imports", "other", "end")
    keys_f = ("total", "startup", "imports", "end")
    nrows = []
    for name in sorted(r_parts):
        r, f = r_parts[name], f_parts.get(name, {})
        nrows.append(
            [
                f"`{name}`",
                *(fmt(r.get(k)) for k in keys_r),
                *(fmt(f.get(k)) for k in keys_f),
                fmt(r["total"] - f.get("total", 0)),
            ]
        )
    tot = {k: sum(p.get(k, 0) for p in r_parts.values()) for k in keys_r}
    ftot = {k: sum(p.get(k, 0) for p in f_parts.values()) for k in keys_f}
    nrows.append(
        [
            "**sum (kernel-seconds)**",
            *(fmt(tot[k]) for k in keys_r),
            *(fmt(ftot[k]) for k in keys_f),
            fmt(tot["total"] - ftot["total"]),
        ]
    )
    out += [
        "Per notebook, wall seconds of `papermill.execute_notebook` in its worker thread (the floor from "
        "`benchmarks/stages.py floor`, also one run; the report's from `sofstat.report.notebooks.execute`): "
        "*start-up* is the kernel's start (in the report, for a worker's first notebook; for its later ones, "
        "putting the kernel back as new) and papermill's set-up, until the first cell runs; *import cell* is the cell with `%matplotlib inline` (in the report it also "
        "calls `load_period` and makes the `Output`); *other cells* is the rest of the report notebook; *end* is "
        "from the last cell to papermill's return (kernel shutdown, writing the notebook). Two notebooks run at "
        "a time, so kernel-seconds add up to about twice the stage's wall time.",
        "",
        *table(
            [
                "Notebook",
                "Report total",
                "start-up",
                "import cell",
                "other cells",
                "end",
                "Floor total",
                "start-up",
                "import cell",
                "end",
                "Report − floor",
            ],
            nrows,
        ),
        "",
    ]
    cells = sorted(
        ((c["end"] - c["start"], name, c) for name, p in r_parts.items() for c in p.get("cells", [])),
        key=lambda x: -x[0],
    )
    if cells:
        out += ["The slowest report cells after the import cells:", ""]
        out += table(
            ["Notebook", "Cell", "Wall, s", "First line"],
            [[f"`{n}`", str(c["index"]), fmt(d), f"`{c['first_line']}`"] for d, n, c in cells[:6]],
            "lrrl",
        )
        out.append("")
    out += why_build(st, b, r_parts, f_parts, cells)
    return out


def why_build(st: dict, b: Build | None, r_parts: dict, f_parts: dict, cells: list) -> list[str]:
    rep, flo, proc = st["report"], st["floor"], st["report_proc"]
    wall = proc.wall
    spans = stage_rows(rep)
    top = [s for s in spans if not s["nested"]]
    lines = ["### Why (from the measurements above)", ""]
    if b is not None and b.report:
        gap_w = b.med("report", "wall") - b.med("floor", "wall")
        gap_c = b.med("report", "cpu") - b.med("floor", "cpu")
        lines.append(
            f"- Over the pairs the report took {_more_or_less(gap_w)} wall time and {_more_or_less(gap_c)} CPU "
            "than the floor (medians). The instrumented build shows where:"
        )
    pdf = [s for s in top if s["stage"] in _PDF]
    if pdf:
        d = sum(_dur(s) for s in pdf)
        cpu = sum(s["cpu_children"] for s in pdf)
        lines.append(
            f"- The PDF took {fmt(d)} s of the build's {fmt(wall)} s ({pct(d, wall)}): "
            + ", ".join(f"{s['label']} {fmt(_dur(s))} s" for s in pdf)
            + f"; Chromium used {fmt(cpu)} s of CPU (counted when it ended, "
            + (
                "with its processes that outlived the browser process)"
                if rep.get("subreaper")
                else "**without** its processes that outlived the browser process: too low)"
            )
            + (
                "; the print ran in another thread, alongside the main thread's stages of that time "
                "(so it is not all added to the build's wall time)."
                if any(s["parallel"] for s in pdf)
                else "."
            )
        )
    rn = _stage(rep, "run_notebooks")
    fl_main = _stage(flo, "floor.main")
    if rn is not None and fl_main is not None:
        lines.append(
            f"- The notebooks took {fmt(_dur(rn))} s ({pct(_dur(rn), wall)}) against {fmt(_dur(fl_main))} s for "
            f"the floor's notebooks: {_more_or_less(_dur(rn) - _dur(fl_main))}. Summed over the notebooks, the "
            f"report's kernels spent {fmt(sum(p.get('other', 0) for p in r_parts.values()))} kernel-seconds in "
            "the cells after the import cell; the import cells took "
            f"{fmt(sum(p.get('imports', 0) for p in r_parts.values()))} kernel-seconds against "
            f"{fmt(sum(p.get('imports', 0) for p in f_parts.values()))} in the floor, and start-up "
            f"{fmt(sum(p.get('startup', 0) for p in r_parts.values()))} against "
            f"{fmt(sum(p.get('startup', 0) for p in f_parts.values()))}."
        )
    jobs = b.jobs if b else 2
    r_first = sorted(rep["notebooks"].items(), key=lambda kv: kv[1]["start"])[:jobs]
    f_first = sorted(flo["notebooks"].items(), key=lambda kv: kv[1]["start"])[:jobs]
    r_later = sorted(rep["notebooks"].items(), key=lambda kv: kv[1]["start"])[jobs:]
    if r_first and f_first and r_later:
        start_r = statistics.mean(r_parts[k].get("startup", 0) for k, _ in r_first)
        start_f = statistics.mean(notebook_parts(v).get("startup", 0) for _, v in f_first)
        start_l = statistics.mean(r_parts[k].get("startup", 0) for k, _ in r_later)
        lines.append(
            f"- The first {jobs} notebooks took {fmt(start_r)} s on average from their start to their first "
            f"cell (the kernel's start), against {fmt(start_f)} s for the floor's first {jobs} and "
            f"{fmt(start_l)} s for the report's later notebooks (in a kernel already running, put back as new; "
            f"the floor's later ones start kernels of their own), on the same {os.cpu_count()} cores."
        )
    kernels = _stage(rep, "run_notebooks")
    pdf_cpu = sum(s["cpu_children"] for s in pdf) if pdf else 0.0
    if kernels is not None and fl_main is not None:
        git = _stage(rep, "write_manifest")
        lines.append(
            f"- CPU of the instrumented build: the parent process {fmt(rep['cpu_self'])} s (the floor's "
            f"{fmt(flo['cpu_self'])} s), its kernels {fmt(kernels['cpu_children'])} s (the floor's "
            f"{fmt(fl_main['cpu_children'])} s)"
            + (f", Chromium {fmt(pdf_cpu)} s" if pdf else "")
            + (f", git {fmt(git['cpu_children'])} s" if git is not None else "")
            + "."
        )
    if cells:
        d, n, c = cells[0]
        lines.append(
            f"- The slowest cell was `{n}` cell {c['index']} (`{c['first_line']}`): {fmt(d)} s, "
            f"{pct(d, sum(x[0] for x in cells))} of the time in cells after the import cells."
        )
    if st.get("nopdf") and pdf:
        nop, nproc = st["nopdf"], st["nopdf_proc"]
        n_rn = _stage(nop, "run_notebooks")
        n_first = sorted(nop["notebooks"].values(), key=lambda v: v["start"])[:jobs]
        n_start = statistics.mean(notebook_parts(v).get("startup", 0) for v in n_first) if n_first else 0.0
        lines.append(
            f"- The same instrumented build with `--no-pdf` (one more run) took {fmt(nproc.wall)} s and "
            f"{fmt(nproc.cpu)} s CPU, against {fmt(wall)} s and {fmt(proc.cpu)} s with the PDF: a difference of "
            f"{fmt(wall - nproc.wall)} s wall (the PDF's own stages took {fmt(sum(_dur(s) for s in pdf))} s); "
            f"without Chromium, run_notebooks took {fmt(_dur(n_rn))} s (with it "
            f"{fmt(_dur(rn)) if rn else '–'} s) and the first {jobs} kernels {fmt(n_start)} s to start."
        )
    v = _stage(rep, "_validate")
    if v is not None:
        lines.append(
            f"- `_validate` read and checked every input in the main thread while the kernels ran: "
            f"{fmt(_dur(v))} s wall and {fmt(v['cpu_self'])} s CPU, on {os.cpu_count()} cores shared with "
            f"{b.jobs if b else 2} kernels; the kernels read the same inputs again."
        )
    post = [
        s
        for s in top
        if s["stage"] not in _PDF | _OUTSIDE | {"run_notebooks", "load_catalog"}
        and s["start"] > (rn["end"] if rn else 0)
    ]
    if post:
        d = sum(_dur(s) for s in post)
        lines.append(
            f"- After the notebooks, the other stages took {fmt(d)} s together ({pct(d, wall)}): "
            + ", ".join(f"{s['label']} {fmt(_dur(s))} s" for s in post)
            + "."
        )
    imp = _stage(rep, "import sofstat.report")
    if imp is not None:
        lines.append(
            f"- Importing `sofstat.report` took {fmt(_dur(imp))} s before the first kernel could start."
        )
    pa = st.get("print_alone")
    if pa is not None and b is not None and b.report:
        fw, fc = b.med("floor", "wall"), b.med("floor", "cpu")
        tail = pa["print_median"] + pa["close_median"]
        other = sum(p.get("other", 0) for p in r_parts.values())
        lines.append(
            f"- The PDF alone, measured apart (`benchmarks/print_alone.py`, median of {pa['runs']}: a Chromium "
            f"started, given {fmt(pa['settle'], 1)} s to settle, printing this build's page once, stopped): "
            f"{fmt(pa['print_median'])} s to print and {fmt(pa['close_median'])} s to stop, and "
            f"{fmt(pa['cpu_median'])} s of Chromium's CPU"
            + (
                " (all its processes, with those that outlived the browser)"
                if pa.get("subreaper")
                else " (**without** its processes that outlived the browser: the subreaper was refused, so too low)"
            )
            + ". The print needs the finished page, so it comes after "
            f"the last notebook and adds its time to everything before it: on top of the floor's {fmt(fw)} s it "
            f"would make {fmt(fw + tail)} s, {fmt((fw + tail) / fw)}× the floor (goal {GOAL_BUILD}), and the "
            f"floor's {fmt(fc)} s + {fmt(pa['cpu_median'])} s of CPU would be "
            f"{fmt((fc + pa['cpu_median']) / fc)}× the floor's CPU. It is not a lower bound: the report's notebooks "
            "can finish sooner than the floor's, which start a kernel each, even with the report's own cells after "
            f"the import cells (the charts, tables and texts: {fmt(other)} kernel-seconds in the instrumented "
            "build), and only what they save brings a build with its PDF within the goal."
        )
    if st.get("nopdf_proc") is not None:
        nproc, fproc = st["nopdf_proc"], st["floor_proc"]
        lines.append(
            f"- Without the PDF, the instrumented build ÷ the instrumented floor (one run each, both under "
            f"the same wrappers): wall {fmt(nproc.wall / fproc.wall)}, CPU {fmt(nproc.cpu / fproc.cpu)}; "
            f"with it: wall {fmt(wall / fproc.wall)}, CPU {fmt(proc.cpu / fproc.cpu)}."
        )
    lines.append("")
    return lines


def _more_or_less(d: float) -> str:
    """``"1.23 s more"`` or ``"1.23 s less"``."""
    return f"{fmt(abs(d))} s {'more' if d >= 0 else 'less'}"


# --- 3. readers ---------------------------------------------------------------------


def timed(fn) -> float:
    gc.collect()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def peak_memory(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _close(a, b) -> bool:
    return np.allclose(np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64"), rtol=0, atol=1e-9)


def check_staffing(df: pd.DataFrame, s: synth.Staffing) -> None:
    n = len(s.code)
    assert len(df) == n, f"read_staffing returned {len(df)} rows, the generator wrote {n}"
    assert df["unit_code"].tolist() == s.code, "unit codes differ from the generator's"
    assert df["unit_name"].tolist() == s.name, "unit names differ from the generator's"
    assert df["employees"].tolist() == s.employees, "headcounts differ from the generator's"
    assert df["managers"].tolist() == s.managers, "numbers of managers differ from the generator's"
    assert _close(df["fte"], s.fte) and _close(df["mean_age"], s.age), "FTE or mean age differ"
    assert (df["period"] == "2024-03").all(), "period not read as 2024-03"


def check_survey(df: pd.DataFrame, sv: synth.Survey) -> None:
    assert len(df) == 3 * sv.groups, f"read_survey returned {len(df)} rows, expected {3 * sv.groups}"
    pos = df[df["category"] == "positive"].head(len(sv.first))
    for (year, qid, group, unit, share, n), (_, row) in zip(sv.first, pos.iterrows(), strict=True):
        assert (row["year"], row["question_id"], row["group"], row["unit_code"]) == (year, qid, group, unit)
        assert abs(row["share"] - share) < 1e-9 and row["respondents"] == n, f"survey row differs: {row}"
    totals = df.groupby(["question_id", "group", "unit_code"], sort=False)["share"].sum()
    assert np.allclose(totals.to_numpy(), 100.0), "shares do not add up to 100 per group"


def check_sick(df: pd.DataFrame, sk: synth.SickLeave) -> None:
    assert len(df) == sk.rows, f"read_sick_leave returned {len(df)} rows, the generator wrote {sk.rows}"
    for (month, group, sick, ordinary, emp), (_, row) in zip(
        sk.first, df.head(len(sk.first)).iterrows(), strict=True
    ):
        assert (row["month"], row["group"], row["employees"]) == (month, group, emp), f"row differs: {row}"
        assert abs(row["rate"] - 100 * sick / ordinary) < 1e-9, "rate differs"


def check_csv(df: pd.DataFrame, n: int, header: str) -> None:
    assert len(df) == n and list(df.columns) == header.split(";"), "read_csv did not read the same rows"


_CATEGORIES = [
    ("pandas string methods (str dtype)", ("pandas/core/strings/", "pandas/core/arrays/string_")),
    ("pandas read_csv", ("pandas/io/parsers",)),
    ("sofstat's own code", ("/sofstat/",)),
    ("regular expressions", ("/re/", "re.Pattern")),
    ("other pandas and numpy", ("pandas/", "numpy/")),
]


def _category(key, stats: dict) -> str:
    file, _, name = key
    text = file if file != "~" else name
    if file == "~" and "re.Pattern" not in name:  # a builtin: the category of its main caller
        callers = stats[key][4]
        if callers:
            main = max(callers.items(), key=lambda kv: kv[1][3])[0]
            if main[0] != "~":
                return _category(main, stats)
    for label, marks in _CATEGORIES:
        if any(m in text for m in marks):
            return label
    return "other"


def profile_shares(fn) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]]]:
    """One run under cProfile: total, own time by category, and the entry's biggest callees."""
    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof).stats
    total = sum(v[2] for v in stats.values())
    cats: dict[str, float] = {}
    for key, v in stats.items():
        cats[_category(key, stats)] = cats.get(_category(key, stats), 0.0) + v[2]
    # the sofstat functions that took the most (cumulative), the readers' entry points left out
    entry = {"read_staffing", "read_survey", "read_sick_leave"}
    funcs = sorted(
        (
            (f"{Path(k[0]).stem}.{k[2]}", v[3])
            for k, v in stats.items()
            if "/sofstat/" in k[0] and k[2] not in entry
        ),
        key=lambda x: -x[1],
    )
    return total, sorted(cats.items(), key=lambda x: -x[1]), funcs[:6]


@dataclass
class ReaderRow:
    reader: str
    rows: int
    runs: int
    ours: float
    theirs: float
    mem_ours: int
    mem_theirs: int
    #: reader ÷ read_csv of every alternated pair
    pairs: tuple[float, ...] = ()

    @property
    def ratio(self) -> float:
        return self.ours / self.theirs

    @property
    def us_row(self) -> float:
        return 1e6 * self.ours / self.rows

    @property
    def us_row_csv(self) -> float:
        return 1e6 * self.theirs / self.rows

    @property
    def mem_ratio(self) -> float:
        return self.mem_ours / self.mem_theirs if self.mem_theirs else float("nan")


READERS = [
    ("read_staffing (published text)", GOAL_TEXT),
    ("read_staffing (CSV)", GOAL_CSV),
    ("read_survey", GOAL_CSV),
    ("read_sick_leave", GOAL_CSV),
]


def bench_readers(sizes: list[int], runs: int, work: Path, profile_rows: int) -> dict:
    questions = read_questions()
    results: list[ReaderRow] = []
    profiles: dict[str, tuple] = {}
    load_before, probe_before = load(), memory_probe()
    steal_before, clock = steal(), time.perf_counter()
    for n in sizes:
        s = synth.staffing(n)
        sv = synth.survey(n, questions)
        sk = synth.sick_leave(n)
        path = work / "staffing_2024-03.csv"  # a CSV is read by suffix; the period comes from the name
        path.write_text(s.csv, encoding="utf-8")
        gc.collect()
        gc.freeze()  # the generator's objects: out of the collector's way while the readers run
        cases = [
            (
                "read_staffing (published text)",
                lambda s=s: sofstat.read_staffing(s.text),
                s.csv,
                synth.STAFFING_HEADER,
            ),
            ("read_staffing (CSV)", lambda p=path: sofstat.read_staffing(p), s.csv, synth.STAFFING_HEADER),
            (
                "read_survey",
                lambda sv=sv: sofstat.read_survey(sv.csv, questions),
                sv.csv,
                synth.SURVEY_HEADER,
            ),
            ("read_sick_leave", lambda sk=sk: sofstat.read_sick_leave(sk.csv), sk.csv, synth.SICK_HEADER),
        ]
        checks = {
            "read_staffing (published text)": lambda df, s=s: check_staffing(df, s),
            "read_staffing (CSV)": lambda df, s=s: check_staffing(df, s),
            "read_survey": lambda df, sv=sv: check_survey(df, sv),
            "read_sick_leave": lambda df, sk=sk: check_sick(df, sk),
        }
        k_runs = runs
        for name, ours, csv, header in cases:

            def theirs(csv=csv):
                return pd.read_csv(io.StringIO(csv), sep=";", decimal=",")

            try:
                checks[name](ours())
                check_csv(theirs(), n, header)
            except AssertionError as exc:
                raise SystemExit(f"benchmark: {name} at {n:,} rows: {exc}") from None
            t_ours, t_theirs = [], []
            for _ in range(k_runs):  # alternated
                t_ours.append(timed(ours))
                t_theirs.append(timed(theirs))
            row = ReaderRow(
                name,
                n,
                k_runs,
                statistics.median(t_ours),
                statistics.median(t_theirs),
                peak_memory(ours),
                peak_memory(theirs),
                tuple(a / b for a, b in zip(t_ours, t_theirs, strict=True)),
            )
            results.append(row)
            say(
                f"  {name:32} {n:>9,} rows: {row.ours:8.4f} s vs read_csv {row.theirs:7.4f} s "
                f"= {row.ratio:6.1f}×, {row.us_row:6.2f} µs/row, memory {row.mem_ratio:4.1f}×"
            )
            if n == profile_rows:
                profiles[name] = profile_shares(ours)
        gc.unfreeze()
        del s, sv, sk, cases
        gc.collect()
    return {
        "rows": results,
        "profiles": profiles,
        "profile_rows": profile_rows,
        "load": (load_before, load()),
        "steal": (steal_before, steal(), time.perf_counter() - clock),
        "probe": (probe_before, memory_probe()),
    }


def _probe_sentence(before, after) -> str:
    """What the memory probe said before and after the readers ran ("" when it did not run)."""
    if before is None and after is None:
        return ""
    return (
        f" A new process writing 1 GiB it has just allocated took {probe_text(before)} before and "
        f"{probe_text(after)} after: the readers and read_csv at the large sizes allocate memory of that "
        "order in every call, so their times follow how fast this machine hands out memory, which can "
        "change from run to run (on a virtual machine whose host gives memory at its first use, by "
        "several times)."
    )


def render_readers(r: dict, runs: int, quick: bool) -> list[str]:
    rows: list[ReaderRow] = r["rows"]
    out = [
        "## 3. Readers at scale",
        "",
        "Readers are library functions, not commands, so they are timed in-process: median of "
        f"{plural(runs, 'run')} at every size, each reader alternated with "
        '`pandas.read_csv(io.StringIO(csv), sep=";", decimal=",")` on the same rows as CSV (for the '
        "published text: the same rows as the CSV form). Inputs are synthetic, generated by "
        "`benchmarks/synth.py` and never committed: the staffing table with page debris every 40 rows, 5 % "
        "units with several managers (`(*N chefer)` and `56*`), 10 % names ending in a number and 1 % "
        "wrapped names; survey answers 1–5 whose shares sum to 100 per group; monthly sick-leave hours. "
        "Each reader's result is checked against the generator (row count, codes, names, numbers) before "
        "it is timed. The published text is given as a `str`; the staffing CSV as a `.csv` file (a CSV "
        "given as text would be taken for the published form), so that reader also reads and decodes the "
        "file; the survey and sick-leave CSV are given as text. Peak memory is tracemalloc's peak over one "
        "run (Python objects and NumPy arrays; the buffers pandas' C tokenizer allocates with malloc are not "
        "traced, so read_csv's peak is a lower bound). "
        f"Load average before: {r['load'][0]}; after: {r['load'][1]}.{steal_text(*r.get('steal', (None, None)))}"
        + _probe_sentence(*r.get("probe", (None, None))),
        "",
    ]
    for name, goal in READERS:
        mine = [x for x in rows if x.reader == name]
        if not mine:
            continue
        out += [f"### {name}", ""]
        out += table(
            [
                "Rows",
                "Runs",
                "Reader, s",
                "read_csv, s",
                "Ratio",
                "µs/row",
                "read_csv µs/row",
                "Peak MiB",
                "read_csv peak MiB",
                "Memory ratio",
            ],
            [
                [
                    f"{x.rows:,}",
                    str(x.runs),
                    fmt(x.ours, 4),
                    fmt(x.theirs, 4),
                    fmt(x.ratio, 1),
                    fmt(x.us_row),
                    fmt(x.us_row_csv),
                    fmt(x.mem_ours / 2**20, 1),
                    fmt(x.mem_theirs / 2**20, 1),
                    fmt(x.mem_ratio, 1),
                ]
                for x in mine
            ],
        )
        big, small = mine[-1], mine[0]
        at = f"at {big.rows:,} rows" + (
            " (quick run; the goals are for 1,000,000 rows)" if big.rows < 1_000_000 else ""
        )
        flat = max(big.us_row, small.us_row) / min(big.us_row, small.us_row)
        out += [
            "",
            f"- Time {at}: {fmt(big.ratio, 1)}× read_csv: {verdict(big.ratio, goal)}"
            + (f" ({spread(list(big.pairs), goal)})." if big.pairs else "."),
            f"- Memory {at}: {fmt(big.mem_ratio, 1)}× read_csv's peak: {verdict(big.mem_ratio, GOAL_MEMORY)}.",
            f"- Time per row, {small.rows:,} vs {big.rows:,} rows: {fmt(small.us_row)} vs {fmt(big.us_row)} µs "
            f"({'higher at the small size' if small.us_row > big.us_row else 'higher at the large size'}), "
            f"a factor {fmt(flat)}: {verdict(flat, GOAL_FLAT)}.",
        ]
        csv_flat = small.us_row_csv / big.us_row_csv
        need = GOAL_FLAT * big.us_row * small.rows / 1e6  # seconds at the small size that the goal allows
        if flat <= GOAL_FLAT:
            goal_text = (
                f"The goal's factor of at most {GOAL_FLAT} allows this reader {fmt(need * 1000, 2)} ms for "
                f"{small.rows:,} rows; it takes {fmt(small.ours * 1000, 2)} ms."
            )
        elif small.us_row <= big.us_row:
            goal_text = "Here the time per row grows with the size: see the sizes in between in the table."
        elif need < small.theirs:
            goal_text = (
                f"For a factor of at most {GOAL_FLAT}, this reader would have to read {small.rows:,} rows in "
                f"{fmt(need * 1000, 2)} ms, less than the {fmt(small.theirs * 1000, 2)} ms read_csv alone takes "
                f"on them: at its present speed at {big.rows:,} rows, no version of it that parses its table "
                "with read_csv could meet that goal."
            )
        else:
            goal_text = (
                f"For a factor of at most {GOAL_FLAT}, this reader would have to read {small.rows:,} rows in "
                f"{fmt(need * 1000, 2)} ms (read_csv alone takes {fmt(small.theirs * 1000, 2)} ms on them)."
            )
        out.append(
            f"- read_csv itself on the same rows: {fmt(small.us_row_csv)} µs per row at {small.rows:,} rows and "
            f"{fmt(big.us_row_csv)} at {big.rows:,}, a factor {fmt(csv_flat)}. {goal_text}"
        )
        if small.us_row > big.us_row and len(mine) >= 2:
            # time = fixed + per_row × rows, through the smallest and the largest medians
            per_row = (big.ours - small.ours) / (big.rows - small.rows)
            fixed = small.ours - per_row * small.rows
            mids = [x for x in mine[1:-1] if abs(x.ours - (fixed + per_row * x.rows)) > 0.25 * x.ours]
            out.append(
                f"- Why the small size costs more per row: the line through the {small.rows:,}- and "
                f"{big.rows:,}-row medians is {fmt(fixed * 1000, 1)} ms per call plus {fmt(per_row * 1e6)} µs "
                f"per row; at {small.rows:,} rows the fixed part is {pct(fixed, small.ours)} of the time "
                "(checks and pandas calls that cost the same for any size). "
                + (
                    ""
                    if len(mine) == 2
                    else "Every size in between lies within 25 % of that line: the time grows linearly, it is "
                    "the per-call cost that the goal counts against the small size."
                    if not mids
                    else "Off that line by more than 25 %: "
                    + ", ".join(f"{x.rows:,} rows" for x in mids)
                    + "."
                )
            )
        prof = r["profiles"].get(name)
        if prof:
            total, cats, funcs = prof
            out.append(
                f"- Why, from one run under cProfile at {r['profile_rows']:,} rows ({fmt(total)} s profiled; "
                "cProfile slows Python code more than C code, so the shares are indicative): own time by where "
                "the code lives: "
                + ", ".join(f"{c} {pct(t, total)}" for c, t in cats if t / total >= 0.02)
                + ". The sofstat functions with the most time (cumulative, nested): "
                + ", ".join(f"`{f}` {pct(t, total)}" for f, t in funcs[:5])
                + "."
            )
        out.append("")
    return out


# --- 4. national size ------------------------------------------------------------------


def per_call(fn, runs: int, min_time: float = 0.2) -> tuple[float, int, float]:
    """Median seconds per call over ``runs`` measurements of enough calls to take ``min_time``,
    the calls per measurement, and the minor page faults per call (memory the process got
    from the OS afresh), over all the measurements."""
    first = timed(fn)
    loops = max(1, math.ceil(min_time / max(first, 1e-6)))
    times = []
    faults = 0
    for _ in range(runs):
        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t = time.perf_counter()
        for _ in range(loops):
            fn()
        times.append((time.perf_counter() - t) / loops)
        faults += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    return statistics.median(times), loops, faults / (runs * loops)


def cache_size() -> int | None:
    """The largest CPU cache in bytes (Linux sysfs), or None."""
    sizes = []
    for f in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*/size"):
        text = f.read_text().strip().upper()
        unit = {"K": 2**10, "M": 2**20}.get(text[-1:], 1)
        try:
            sizes.append(int(text.rstrip("KM")) * unit)
        except ValueError:
            pass
    return max(sizes) if sizes else None


def national_cases(nat: synth.National, questions: pd.DataFrame) -> list[tuple[str, object, int, object]]:
    st, mon, sur = nat.staffing, nat.monthly, nat.survey
    spm = size.staff_per_manager(st, nat.guideline, nat.department_map)
    chk = size.check_totals(st)
    units = st[st["level"] == "unit"]
    hidden = disclosure.age_hidden(units["employees"])
    acc = sickleave.monthly_with_hidden(mon)
    wide = survey.survey_wide(sur, questions)
    n_units, n_dep = nat.units, nat.departments
    # a period's indicator values as load_period makes them (a sick-leave indicator per unit here),
    # a second period's 5 % higher, and a target for every tenth indicator
    rates = sickleave.yearly_rates(mon)
    first = values.staffing_values(size.summary_indicators(spm), "2024-03")
    first |= values.sick_values(rates) | values.survey_values(wide)
    both = {"2024-H1": first, "2024-H2": {k: replace(v, value=1.05 * v.value) for k, v in first.items()}}
    inds = [*indicators.STAFFING, *(indicators.indicator(i) for i in first if "." in i)]
    table = movement.movement_table(inds, both)
    targets = {i.id: Target(i.id, 1.0, "2027-H2", "synthetic") for i in inds[::10]}
    shown = int((~rates["hidden"]).sum())

    def rows_are(k):
        return lambda out: len(out) == k

    return [
        (
            "size.staff_per_manager",
            lambda: size.staff_per_manager(st, nat.guideline, nat.department_map),
            len(st),
            rows_are(n_units),
        ),
        ("size.department_summary", lambda: size.department_summary(spm), len(spm), rows_are(n_dep + 1)),
        (
            "size.summary_indicators",
            lambda: size.summary_indicators(spm),
            len(spm),
            lambda o: o["units"] == n_units,
        ),
        ("size.check_totals", lambda: size.check_totals(st), len(st), rows_are(3 * (n_dep + nat.boards))),
        ("age.age_by_unit", lambda: age.age_by_unit(st), len(st), rows_are(n_units)),
        ("age.age_by_department", lambda: age.age_by_department(st), len(st), rows_are(n_dep + 1)),
        ("age.hide_ages_in_check", lambda: age.hide_ages_in_check(chk, st), len(st), rows_are(len(chk))),
        (
            "sickleave.accumulated_sick_rate",
            lambda: sickleave.accumulated_sick_rate(mon),
            len(mon),
            rows_are(len(mon)),
        ),
        (
            "sickleave.monthly_with_hidden",
            lambda: sickleave.monthly_with_hidden(mon),
            len(mon),
            rows_are(len(mon)),
        ),
        ("sickleave.yearly_rates", lambda: sickleave.yearly_rates(mon), len(mon), rows_are(n_units)),
        (
            "sickleave.combine",
            lambda: sickleave.combine([mon]),
            len(mon),
            lambda o: len(o.rates) == n_units and len(o.monthly) == len(mon),
        ),
        ("survey.survey_wide", lambda: survey.survey_wide(sur, questions), len(sur), rows_are(len(sur) // 3)),
        (
            "disclosure.age_hidden",
            lambda: disclosure.age_hidden(units["employees"]),
            len(units),
            rows_are(n_units),
        ),
        (
            "disclosure.department_ages_hidden",
            lambda: disclosure.department_ages_hidden(units["department_code"], units["employees"], hidden),
            len(units),
            lambda o: len(o[0]) == n_dep,
        ),
        (
            "disclosure.survey_hidden",
            lambda: disclosure.survey_hidden(wide["respondents"], wide["published"]),
            len(wide),
            rows_are(len(wide)),
        ),
        (
            "disclosure.sick_leave_hidden",
            lambda: disclosure.sick_leave_hidden(mon["employees"]),
            len(mon),
            rows_are(len(mon)),
        ),
        (
            "disclosure.year_to_date_hidden",
            lambda: disclosure.year_to_date_hidden(acc["month_hidden"], acc["group"], acc["year"]),
            len(acc),
            rows_are(len(acc)),
        ),
        (
            "movement.unit_changes",
            lambda: movement.unit_changes(st, nat.after),
            len(st),
            rows_are(nat.changes),
        ),
        ("size.department_names", lambda: size.department_names(st), len(st), rows_are(n_dep)),
        ("values.sick_values", lambda: values.sick_values(rates), len(rates), rows_are(shown)),
        ("values.survey_values", lambda: values.survey_values(wide), len(wide), rows_are(2)),
        (
            "movement.movement_table",
            lambda: movement.movement_table(inds, both),
            len(inds),
            rows_are(len(inds)),
        ),
        (
            "movement.values_long",
            lambda: movement.values_long(both),
            2 * len(first),
            rows_are(2 * len(first)),
        ),
        (
            "attainment.attainment_table",
            lambda: attainment.attainment_table(table, targets, "2024-H1", "2024-H2"),
            len(table),
            lambda o: len(o) == len(table) and int(o["target"].notna().sum()) == len(targets),
        ),
    ]


#: The analysis layer's functions that are not in the national table, and why: they take one
#: value, a period key or an indicator id (their cost does not depend on the organisation's size),
#: or the programme's parts and activities (the plan's own lists), or they are the composition of
#: the functions timed (:func:`sofstat.load_period`). A test checks that every public function of
#: ``sofstat.analysis`` is timed or named here.
NOT_TIMED = {
    "attainment.period_index": "one period key",
    "indicators.survey_indicator": "one indicator",
    "indicators.sick_indicator": "one indicator",
    "indicators.indicator": "one indicator id",
    "indicators.check_target_id": "one indicator id",
    "movement.rounded_change": "one pair of values",
    "movement.verdict": "one pair of values",
    "movement.significance": "one pair of values",
    "movement.value_range": "one value",
    "survey.wilson_interval": "one share",
    "survey.two_proportion_p": "one pair of shares",
    "survey.approximate_band": "one share",
    "values.staffing_values": "the 5 staffing indicators' summary",
    "programme.register": "the programme's activity register (the activities held, a few dozen a half-year)",
    "programme.programme": "the plan's parts, needs and dialogues",
    "period.load_period": "reads a period's files and composes the functions above",
}


def check_national_frames(questions: pd.DataFrame, work: Path) -> None:
    """The synthetic frames must be what the readers make of the same data (a small organisation)."""
    nat = synth.national(30, 3)
    staffing_csv, survey_csv, sick_csv = synth.national_as_csv(nat)
    path = work / "national_2024-03.csv"
    path.write_text(staffing_csv, encoding="utf-8")
    read = {
        "staffing": (sofstat.read_staffing(path), nat.staffing),
        "survey": (sofstat.read_survey(survey_csv, questions), nat.survey),
        "sick leave": (sofstat.read_sick_leave(sick_csv), nat.monthly),
    }
    for what, (got, made) in read.items():
        try:
            pd.testing.assert_frame_equal(got.reset_index(drop=True), made.reset_index(drop=True))
        except AssertionError as exc:
            raise SystemExit(
                f"benchmark: the synthetic national {what} differs from what its reader makes:\n{exc}"
            ) from None


#: Bare operations of the same size as a function's input, timed as the functions are: what a
#: row costs the machine at each size without any sofstat code (memory and cache, not algorithm).
REFERENCES = {
    "a NumPy pass (`isnan(x) | (x <= 10)` over one float64 column)": "pass",
    "a hash lookup per row (`pd.factorize` of int64 keys, one per 12 rows, in random order)": "factorize",
}


def reference_case(kind: str, rows: int):
    """A bare operation over ``rows`` rows (see :data:`REFERENCES`), as a function of no arguments."""
    rng = np.random.default_rng(rows)
    if kind == "pass":
        x = rng.integers(0, 40, rows).astype("float64")
        x[::97] = np.nan
        return lambda: np.isnan(x) | (x <= 10)
    keys = rng.permutation(np.arange(rows, dtype=np.int64) // 12)
    return lambda: pd.factorize(keys)


def bench_national(sizes: list[tuple[int, int]], runs: int, work: Path) -> dict:
    questions = read_questions()
    check_national_frames(questions, work)
    out: dict[str, list] = {}
    load_before = load()
    steal_before, clock = steal(), time.perf_counter()
    for units, depts in sizes:
        nat = synth.national(units, depts)
        say(f"  {units:,} units in {depts:,} departments ({len(nat.staffing):,} staffing rows) …")
        cases = national_cases(nat, questions)
        gc.collect()
        gc.freeze()  # the inputs' objects: out of the collector's way while the functions run
        for name, fn, rows, ok in cases:
            if not ok(fn()):
                raise SystemExit(f"benchmark: {name} gave an unexpected result at {units:,} units")
            t, loops, faults = per_call(fn, runs)
            out.setdefault(name, []).append((units, rows, t, loops, faults))
            say(f"    {name:36} {rows:>9,} rows {t:9.4f} s {1e6 * t / rows:8.3f} µs/row")
        del nat, cases
        gc.unfreeze()
        gc.collect()
    references: dict[str, dict[int, float]] = {}
    for label, kind in REFERENCES.items():  # at every input length of the functions above
        for n in sorted({rows for res in out.values() for _, rows, *_ in res}):
            references.setdefault(label, {})[n] = per_call(reference_case(kind, n), runs)[0]
    return {
        "results": out,
        "sizes": sizes,
        "load": (load_before, load()),
        "steal": (steal_before, steal(), time.perf_counter() - clock),
        "cache": cache_size(),
        "references": references,
    }


def render_national(r: dict, runs: int) -> list[str]:
    (u0, d0), (u1, d1) = r["sizes"][0], r["sizes"][-1]
    rows, missed = [], []
    for name, res in r["results"].items():
        (_, n0, t0, _, f0), (_, n1, t1, _, f1) = res[0], res[-1]
        ratio = (t1 / n1) / (t0 / n0)
        if ratio > GOAL_LINEAR:
            missed.append((name, ratio, n0, t0, f0, n1, t1, f1))
        rows.append(
            [
                f"`{name}`",
                f"{n0:,}",
                fmt(1e3 * t0, 1),
                fmt(1e6 * t0 / n0, 3),
                f"{n1:,}",
                fmt(1e3 * t1, 1),
                fmt(1e6 * t1 / n1, 3),
                fmt(ratio),
                "met" if ratio <= GOAL_LINEAR else f"missed by {fmt(100 * (ratio / GOAL_LINEAR - 1), 0)} %",
            ]
        )
    out = [
        "## 4. National-size indicators",
        "",
        f"A synthetic national staffing table of {u1:,} units in {d1:,} departments (and {u0:,} units in "
        f"{d0:,} departments), with department and board rows holding their units' totals, 12 monthly "
        "sick-leave rows per unit and 6 survey rows (two questions × three categories) per unit and per board, a synthetic "
        "Table 1 with an 'Övriga områden inom socialförvaltningen' row and every department mapped to one "
        "of its areas; for `unit_changes`, a second table with 10 units closed, 10 new, 10 renamed and 10 "
        "with another number of managers. The frames are built directly in the readers' output form "
        "(checked equal to what the readers make of the same data written as files, on a small "
        f"organisation). In-process, median of {runs} measurements (each of enough calls to take 200 ms), with "
        "the inputs' objects frozen out of the garbage collector's way (`gc.freeze()`, as for the readers: "
        "without it, Python's collector scans the inputs' objects again and again as a function makes new "
        "ones: work that grows with all that the process holds, not with what the function does). "
        "*Rows* is the length of the function's main input. Goal: time per row at the large size at most "
        f"{GOAL_LINEAR}× that at the small size (linear). Load average before: {r['load'][0]}; after: "
        f"{r['load'][1]}.{steal_text(*r.get('steal', (None, None)))}",
        "",
        *table(
            ["Function", "Rows", "ms", "µs/row", "Rows", "ms", "µs/row", "Ratio", "Goal ≤ 1.5"],
            rows,
        ),
        "",
    ]
    if missed:
        out.append(
            "Missed: "
            + ", ".join(f"`{m[0]}` ({fmt(m[1])})" for m in missed)
            + ". Time per row grew with size for these; the rest stayed linear or better."
        )
        cache = r.get("cache")
        for name, _ratio, n0, t0, f0, n1, t1, f1 in missed:
            faults = (
                f"Minor page faults (memory the process gets afresh from the operating system, counted "
                f"by `getrusage`) per 1,000 rows: {fmt(1000 * f0 / n0, 2)} at the small size, "
                f"{fmt(1000 * f1 / n1, 2)} at the large"
            )
            sizes = (
                f"; one float64 column of {n0:,} rows is {fmt(8 * n0 / 2**20, 1)} MiB, of {n1:,} rows "
                f"{fmt(8 * n1 / 2**20, 1)} MiB, against a largest CPU cache of {fmt(cache / 2**20, 0)} MiB"
                if cache
                else ""
            )
            reasons = []
            if f1 / n1 > 1.5 * f0 / n0:
                reasons.append(
                    "at the large size its arrays come from fresh pages of the operating system on every "
                    "call, where the small size reuses memory from call to call"
                )
            if cache and 8 * n1 > cache >= 8 * n0:
                reasons.append("a column fits in the cache at the small size and not at the large")
            bare = [
                (label, (times[n1] / n1) / (times[n0] / n0))
                for label, times in r.get("references", {}).items()
                if n0 in times and n1 in times
            ]
            if bare:
                sizes += (
                    ". Bare operations of the same lengths, timed the same way, without sofstat: "
                    + "; ".join(f"{label}, a factor {fmt(f)} per row" for label, f in bare)
                )
                worst = max(f for _, f in bare)
                if worst > GOAL_LINEAR:
                    reasons.append(
                        f"the machine itself costs more per row at the large size (a bare operation of the "
                        f"same length up to {fmt(worst)}× per row, over the goal of {GOAL_LINEAR}×)"
                    )
            out.append(
                f"- Why `{name}`: it takes {fmt(1e3 * t0, 2)} ms at {n0:,} rows and {fmt(1e3 * t1, 2)} ms at "
                f"{n1:,}. {faults}{sizes}. "
                + (
                    "So " + ", and ".join(reasons) + "."
                    if reasons
                    else "Neither the page faults nor the cache size account for it: measured, not explained."
                )
            )
    else:
        out.append(
            f"Every function in the table stayed within {GOAL_LINEAR}× per row from {u0:,} to {u1:,} units: linear."
        )
    out += [
        "",
        "Not in the table, the other public functions of `sofstat.analysis`, and why (their work does not "
        "grow with the organisation): "
        + "; ".join(f"`{name}` ({why})" for name, why in NOT_TIMED.items())
        + ".",
        "",
    ]
    return out


# --- 5. set-up ----------------------------------------------------------------------------


def bench_setup(pdf: bool) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="sofstat-setup-"))
    try:
        clone = tmp / "clone"
        env = dict(os.environ)
        for var in ("XDG_CACHE_HOME", "UV_CACHE_DIR", "PIP_CACHE_DIR"):
            (tmp / var).mkdir()
            env[var] = str(tmp / var)
        env.pop("MPLCONFIGDIR", None)
        env.pop("VIRTUAL_ENV", None)
        proc = run_process(["git", "clone", "--quiet", str(ROOT), str(clone)], tmp, env)
        require(proc, "git clone")
        commit = run_process(["git", "-C", str(clone), "rev-parse", "HEAD"], tmp, env).stdout.strip()
        python3 = run_process(["python3", "--version"], tmp, env).stdout.strip()
        say("  make install (fresh clone, empty caches) …")
        inst = run_process(["make", "-C", str(clone), "install"], tmp, env)
        require(inst, "make install in a fresh clone")
        nopdf = [] if pdf else ["NOPDF=1"]
        say("  make report (first) …")
        rep1 = run_process(["make", "-C", str(clone), "report", *nopdf], tmp, env)
        require(rep1, "make report in the fresh clone")
        say("  make report (second) …")
        rep2 = run_process(["make", "-C", str(clone), "report", *nopdf], tmp, env)
        require(rep2, "make report (second) in the fresh clone")
        return {
            "commit": commit,
            "python3": python3,
            "install": inst,
            "report1": rep1,
            "report2": rep2,
            "pdf": pdf,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def render_setup(
    s: dict | None, asked: bool, quick: bool, failed: str | None = None, chromium_name: str | None = None
) -> list[str]:
    out = ["## 5. Set-up time", ""]
    if s is None:
        why = (
            f"it failed: {failed}"
            if failed
            else "this was a quick run"
            if quick
            else "`--no-setup` was given (without it, a fresh clone is installed with empty caches)"
        )
        return out + [f"Not measured in this run: {why}.", ""]
    rows = [
        [
            "`make install` (fresh clone, empty caches: downloads and installs everything)",
            fmt(s["install"].wall),
            fmt(s["install"].cpu),
        ],
        [
            "`make report` in that clone, first time (Matplotlib's font cache is built too)",
            fmt(s["report1"].wall),
            fmt(s["report1"].cpu),
        ],
        ["`make report` again", fmt(s["report2"].wall), fmt(s["report2"].cpu)],
    ]
    return out + [
        f"`git clone` of this repository (commit {str(s['commit'])[:12]}; a clone holds only committed "
        "work) into a temporary folder, with `XDG_CACHE_HOME`, `UV_CACHE_DIR` and `PIP_CACHE_DIR` pointing at "
        f"empty folders; `python3` is {s['python3']}. Whole processes, one run each"
        + ("" if s["pdf"] else ", without the PDF (`NOPDF=1`)")
        + ".",
        "",
        *table(["Command", "Wall, s", "CPU, s"], rows),
        "",
        f"From nothing to a first report (what the README's `make report` does on a fresh clone): "
        f"{fmt(s['install'].wall + s['report1'].wall)} s: "
        f"{verdict_seconds(s['install'].wall + s['report1'].wall, GOAL_SETUP)}"
        + (
            f". The clone's `make report` used this machine's {chromium_name} (its `ensure-tools.sh` installs "
            "Debian's `chromium-headless-shell` where it is missing; that download is not timed here)."
            if s["pdf"] and chromium_name
            else "."
        ),
        "",
    ]


# --- 6. make test -------------------------------------------------------------------------------


def _junit_cases(path: Path) -> list[tuple[str, str, float, bool]]:
    """``(file, test, seconds, failed)`` of every test in a JUnit XML file (setup, call and
    teardown; failed: a failure or an error)."""
    import xml.etree.ElementTree as ET

    out = []
    for case in ET.parse(path).iter("testcase"):
        parts = (case.get("classname") or "").split(".")  # tests.test_x[.TestClass], notebooks.nb.ipynb
        if parts[-1] == "ipynb":
            file = "/".join(parts[:-2] + [f"{parts[-2]}.ipynb"])
        else:
            file = "/".join(parts[:-1] if parts[-1].startswith("Test") else parts) + ".py"
        failed = case.find("failure") is not None or case.find("error") is not None
        out.append((file, case.get("name") or "", float(case.get("time") or 0), failed))
    return out


def _junit(path: Path) -> list[tuple[str, str, float]]:
    """``(file, test, seconds)`` of every test in a JUnit XML file (setup, call and teardown)."""
    return [(file, name, secs) for file, name, secs, _ in _junit_cases(path)]


def _junit_failures(path: Path) -> list[str]:
    """``file::test`` of every test that failed or errored in a JUnit XML file (none if unreadable)."""
    import xml.etree.ElementTree as ET

    try:
        return [f"{file}::{name}" for file, name, _, failed in _junit_cases(path) if failed]
    except (OSError, ET.ParseError):
        return []


def bench_tests(runs: int, work: Path) -> dict:
    """``make test`` as a user runs it, in this checkout: one uncounted run (it makes the shared
    report builds and the bytecode when they are missing), ``runs`` counted warm runs, and one warm
    run with coverage off (``--no-cov``), each with a JUnit XML file of every test's time."""
    env = dict(os.environ)
    stolen: dict[str, float | None] = {}

    def one(tag: str, extra: str = "") -> tuple[Proc, list]:
        xml = work / f"tests-{tag}.xml"
        env["PYTEST_ADDOPTS"] = f"{extra} --junitxml={xml}".strip()
        before = steal()
        proc = run_process(["make", "-C", str(ROOT), "test"], ROOT, env)
        after = steal()
        stolen[tag] = None if before is None or after is None else after - before
        if proc.code != 0 and xml.exists():  # say which tests failed, and how (pytest's summary lines)
            failed = _junit_failures(xml)
            summary = [ln for ln in proc.stdout.splitlines() if ln.startswith(("FAILED ", "ERROR "))]
            raise SystemExit(
                f"benchmark: make test ({tag}) failed (exit {proc.code}): "
                + (", ".join(failed) or "no test failed: see the output")
                + ("\n" + "\n".join(summary[:20]) if summary else "")
            )
        require(proc, f"make test ({tag})")
        return proc, _junit(xml)

    say("  make test (uncounted: makes what is missing) …")
    first, _ = one("first")
    warm, cases = [], []
    for k in range(runs):
        say(f"  make test ({k + 1} of {runs}) …")
        proc, tests = one(f"warm{k}")
        warm.append(proc)
        cases.append(tests)
    say("  make test without coverage (--no-cov) …")
    nocov, nocov_cases = one("nocov", "--no-cov")
    return {
        "first": first,
        "warm": warm,
        "cases": cases,
        "nocov": nocov,
        "nocov_cases": nocov_cases,
        "steal": [stolen["first"], *(stolen[f"warm{k}"] for k in range(runs)), stolen["nocov"]],
    }


def render_tests(t: dict | None, cores: int, why_not: str = "") -> list[str]:
    out = ["## 6. `make test`", ""]
    if t is None:
        return out + [f"Not measured in this run: {why_not}.", ""]
    warm = t["warm"]
    wall = statistics.median(p.wall for p in warm)
    cpu = statistics.median(p.cpu for p in warm)
    k = min(range(len(warm)), key=lambda i: abs(warm[i].wall - wall))  # the run nearest the median
    cases = t["cases"][k]
    total = sum(c[2] for c in cases)
    by_file: dict[str, float] = {}
    for f, _, secs in cases:
        by_file[f] = by_file.get(f, 0.0) + secs
    files = sorted(by_file.items(), key=lambda kv: -kv[1])
    slow = sorted(cases, key=lambda c: -c[2])
    nocov = t["nocov"]
    nocov_total = sum(c[2] for c in t["nocov_cases"])
    stolen = [("–" if x is None else fmt(x)) for x in t.get("steal") or [None] * (len(warm) + 2)]
    rows = [
        ["first run in this checkout (uncounted)", fmt(t["first"].wall), fmt(t["first"].cpu), stolen[0]],
        *[[f"warm run {i + 1}", fmt(p.wall), fmt(p.cpu), stolen[1 + i]] for i, p in enumerate(warm)],
        ["**warm, median**", f"**{fmt(wall)}**", f"**{fmt(cpu)}**", ""],
        ["warm, coverage off (`PYTEST_ADDOPTS=--no-cov`)", fmt(nocov.wall), fmt(nocov.cpu), stolen[-1]],
    ]
    least = cpu / cores
    out += [
        "`make -C <this checkout> test` as a whole process (ruff, then pytest on "
        f"{cores} workers with coverage, nbval and every browser and PDF test), {len(cases)} tests. *Warm*: "
        "the shared report builds (`.pytest_cache/sofstat-builds/`) and bytecode already made by the run "
        "before. CPU is user + system of make and every process under it (pytest's workers, kernels, "
        "Chromium), from `os.wait4`, " + orphans_text({"these runs": [t["first"], *warm, nocov]}) + " "
        "Each run writes a JUnit XML file (`PYTEST_ADDOPTS=--junitxml=…`), "
        "which gives every test's time (set-up, call and tear-down). *Steal* is the CPU time the host "
        "took from this virtual machine during the run (/proc/stat), summed over its cores.",
        "",
        *table(["Run", "Wall, s", "CPU, s", "Steal, s"], rows),
        "",
        f"- Warm: {fmt(wall)} s: {verdict_seconds(wall, GOAL_TEST)}.",
        f"- Why (from the runs above): the suite needs {fmt(cpu)} s of CPU; on {cores} cores that is at "
        f"least {fmt(least)} s of wall time even if every core were busy all the time"
        + (
            f", already {fmt(least - GOAL_TEST)} s above the goal."
            if least > GOAL_TEST
            else f", within the goal; the rest is time the cores wait ({fmt(wall - least)} s)."
        ),
        f"- Coverage: without it the same suite took {fmt(nocov.wall)} s and {fmt(nocov.cpu)} s of CPU: "
        f"measuring coverage (in pytest's workers and in every command the tests start; the notebooks' kernels run unmeasured) costs "
        f"{fmt(cpu - nocov.cpu)} s of CPU ({pct(cpu - nocov.cpu, cpu)} of the suite's). The tests' own "
        f"times add up to {fmt(total)} s with coverage and {fmt(nocov_total)} s without.",
        f"- The tests' times add up to {fmt(total)} s; spread evenly over {cores} workers that is "
        f"{fmt(total / cores)} s. The other {fmt(wall - total / cores)} s of the warm run are ruff, the "
        "start of pytest and its workers (imports, collecting the tests, the builds' digest), combining "
        "and reporting coverage, and the worker that finishes last (a file's tests stay in one worker).",
        "",
        f"Test files by their tests' time (the median warm run; together {fmt(total)} s):",
        "",
        *table(
            ["File", "Tests", "Seconds", "Share"],
            [
                [f"`{f}`", str(sum(1 for c in cases if c[0] == f)), fmt(secs), pct(secs, total)]
                for f, secs in files[:12]
            ]
            + (
                [
                    [
                        f"{len(files) - 12} other files",
                        str(sum(1 for c in cases if c[0] not in dict(files[:12]))),
                        fmt(sum(v for _, v in files[12:])),
                        pct(sum(v for _, v in files[12:]), total),
                    ]
                ]
                if len(files) > 12
                else []
            ),
        ),
        "",
        "The slowest tests:",
        "",
        *table(
            ["Test", "Seconds"],
            [[f"`{f}::{name[:90]}`", fmt(secs)] for f, name, secs in slow[:12]],
        ),
        "",
    ]
    return out


# --- main -------------------------------------------------------------------------------------


def render(m: dict, args, sections: dict) -> str:
    pdf = sections.get("pdf", True)
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` (`benchmarks/run.py{' --quick' if args.quick else ''}`) on {m['date']}. "
        "Every number below comes from that run; nothing is written by hand. Timings vary with the machine "
        "and with what else runs on it (the load averages are given); the ratios are what to read.",
        "",
        *table(
            ["Machine", ""],
            [
                ["CPU", f"{m['cpu']} ({m['cores']} cores seen by the OS)"],
                ["Memory", f"{fmt(m['memory_gib'], 1)} GiB" if m["memory_gib"] else "–"],
                [
                    "A new process writing 1 GiB it has just allocated, at the start",
                    probe_text(m.get("probe")),
                ],
                ["OS", m["os"]],
                ["Python", m["python"]],
                ["pandas / NumPy", f"{m['pandas']} / {m['numpy']}"],
                ["sofstat", m["sofstat"]],
                ["Chromium", m["chromium"] or "not found"],
                [
                    "Commit",
                    (
                        f"{sections['stages']['git_commit'][:12]}"
                        + (" with uncommitted changes" if sections["stages"]["git_dirty"] else "")
                    )
                    if sections.get("stages") and sections["stages"].get("git_commit")
                    else "–",
                ],
            ],
            "ll",
        ),
        "",
    ]
    if not pdf:
        lines += [
            f"**No PDF in this run: {sections.get('no_pdf_reason')}. Every report build below ran with "
            "`--no-pdf`, so these numbers leave out the PDF stage.**",
            "",
        ]
    goals = []
    if sections.get("build"):
        b = sections["build"]
        rw, fw = b.med("report", "wall"), b.med("floor", "wall")
        rc, fc = b.med("report", "cpu"), b.med("floor", "cpu")
        goals += [
            ["Report ÷ floor, wall", f"≤ {GOAL_BUILD}", verdict(rw / fw, GOAL_BUILD)],
            ["Report ÷ floor, CPU", f"≤ {GOAL_BUILD}", verdict(rc / fc, GOAL_BUILD)],
        ]
    if sections.get("readers"):
        rows = sections["readers"]["rows"]
        for name, goal in READERS:
            mine = [x for x in rows if x.reader == name]
            if not mine:
                continue
            big, small = mine[-1], mine[0]
            flat = max(big.us_row, small.us_row) / min(big.us_row, small.us_row)
            at = f" at {big.rows:,} rows"
            goals += [
                [f"`{name}` ÷ read_csv{at}", f"≤ {goal:g}", verdict(big.ratio, goal)],
                [
                    f"`{name}` memory ÷ read_csv's{at}",
                    f"≤ {GOAL_MEMORY:g}",
                    verdict(big.mem_ratio, GOAL_MEMORY),
                ],
                [
                    f"`{name}` µs/row, {small.rows:,} vs {big.rows:,}",
                    f"≤ {GOAL_FLAT}",
                    verdict(flat, GOAL_FLAT),
                ],
            ]
    if sections.get("national"):
        res = sections["national"]["results"]
        worst = max(res.items(), key=lambda kv: (kv[1][-1][2] / kv[1][-1][1]) / (kv[1][0][2] / kv[1][0][1]))
        w = (worst[1][-1][2] / worst[1][-1][1]) / (worst[1][0][2] / worst[1][0][1])
        n_missed = sum(1 for v in res.values() if (v[-1][2] / v[-1][1]) / (v[0][2] / v[0][1]) > GOAL_LINEAR)
        goals.append(
            [
                "National size, µs/row ratio (every function)",
                f"≤ {GOAL_LINEAR}",
                f"{len(res) - n_missed} of {len(res)} met; worst `{worst[0]}`: {verdict(w, GOAL_LINEAR)}",
            ]
        )
    if sections.get("setup"):
        st = sections["setup"]
        goals.append(
            [
                "Fresh clone to a first report (`make install` + `make report`)",
                f"≤ {GOAL_SETUP:g} s",
                verdict_seconds(st["install"].wall + st["report1"].wall, GOAL_SETUP),
            ]
        )
    if sections.get("tests"):
        goals.append(
            [
                "`make test`, warm",
                f"≤ {GOAL_TEST:g} s",
                verdict_seconds(statistics.median(p.wall for p in sections["tests"]["warm"]), GOAL_TEST),
            ]
        )
    if goals:
        lines += ["## Goals", "", *table(["Goal", "Target", "Result"], goals, "lll"), ""]
    if sections.get("build"):
        lines += render_build(sections["build"], sections.get("stages"))
    if sections.get("stages"):
        lines += render_stages(sections["stages"], sections.get("build"))
    if sections.get("readers"):
        lines += render_readers(sections["readers"], args.reader_runs, args.quick)
    if sections.get("national"):
        lines += render_national(sections["national"], args.national_runs)
    lines += render_setup(
        sections.get("setup"), args.setup, args.quick, sections.get("setup_failed"), m["chromium"]
    )
    lines += render_tests(
        sections.get("tests"),
        m["cores"],
        sections.get("tests_failed")
        or (
            "this was a quick run"
            if args.quick
            else "`--no-test` was given (without it, `make test` runs 4 times)"
        ),
    )
    skipped = [s for s in ("build", "readers", "national") if getattr(args, f"skip_{s}")]
    if skipped:
        lines += [f"*Sections skipped in this run: {', '.join(skipped)}.*", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a short smoke run; Markdown to a temporary file"
    )
    parser.add_argument("--pairs", type=int, help="report/floor pairs (default 5; 1 with --quick)")
    parser.add_argument("--warmup", type=int, help="uncounted warm-up pairs (default 1; 0 with --quick)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks at once, report and floor (default 2)")
    parser.add_argument("--no-pdf", action="store_true", help="build the report with --no-pdf")
    parser.add_argument(
        "--max-rows", type=int, help="largest reader table (default 1 000 000; 10 000 with --quick)"
    )
    parser.add_argument(
        "--reader-runs", type=int, help="runs per reader and size (default 5; 3 with --quick)"
    )
    parser.add_argument(
        "--national-runs", type=int, help="measurements per function (default 5; 3 with --quick)"
    )
    parser.add_argument(
        "--no-setup",
        dest="setup",
        action="store_false",
        help="skip section 5, a fresh clone's make install and make report (it downloads about 120 packages)",
    )
    parser.add_argument(
        "--no-test",
        dest="test",
        action="store_false",
        help="skip section 6, make test in this checkout (an uncounted run, the warm runs, one without coverage)",
    )
    parser.add_argument("--test-runs", type=int, default=2, help="counted warm runs of make test (default 2)")
    parser.add_argument("--skip-build", action="store_true", help="skip sections 1 and 2")
    parser.add_argument("--skip-readers", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument(
        "--output", type=Path, help="where to write the Markdown (default docs/benchmarks.md)"
    )
    args = parser.parse_args(argv)
    q = args.quick
    args.pairs = args.pairs if args.pairs is not None else (1 if q else 5)
    args.warmup = args.warmup if args.warmup is not None else (0 if q else 1)
    args.max_rows = args.max_rows if args.max_rows is not None else (10_000 if q else 1_000_000)
    args.reader_runs = args.reader_runs if args.reader_runs is not None else (3 if q else 5)
    args.national_runs = args.national_runs if args.national_runs is not None else (3 if q else 5)
    if not q and args.pairs < 5:
        parser.error("the full run needs --pairs 5 or more (use --quick for a smoke run)")
    if args.pairs < 1 or args.reader_runs < 1 or args.national_runs < 1:
        parser.error("--pairs, --reader-runs and --national-runs must be at least 1")
    args.setup = args.setup and not q  # (a quick run never downloads)
    args.test = args.test and not q
    if args.test_runs < 1:
        parser.error("--test-runs must be at least 1")
    if args.output is None:
        args.output = (Path(tempfile.gettempdir()) / "sofstat-benchmarks-quick.md") if q else DOC

    started = time.perf_counter()
    global SUBREAPER
    SUBREAPER = reaper.become_subreaper()
    m = machine()
    reaper.reap(timeout=30)  # (anything `chromium --version` left behind)
    say(
        f"sofstat benchmarks ({'quick' if q else 'full'}) on {m['date']}: {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}, pandas {m['pandas']}, sofstat {m['sofstat']}; load {load()}"
    )
    pdf = not args.no_pdf
    if pdf and m["chromium"] is None:
        say(
            "benchmark: headless Chromium was not found (Debian package 'chromium-headless-shell' or 'chromium'; `make bench` runs "
            "scripts/ensure-tools.sh report to install it). Benchmarking the report with --no-pdf instead; "
            "the Markdown says so."
        )
        pdf = False
    no_pdf_reason = ""
    if not pdf:
        no_pdf_reason = (
            "`--no-pdf` was given"
            if args.no_pdf
            else "headless Chromium was not found on this machine, so the report was built with `--no-pdf`"
        )
    sections: dict = {"pdf": pdf, "no_pdf_reason": no_pdf_reason}
    with tempfile.TemporaryDirectory(prefix="sofstat-bench-") as tmp_name:
        work = Path(tmp_name)
        if not args.skip_build:
            floor_dir = work / "floor-notebooks"
            floor.make_floor_notebooks(ROOT / "notebooks", floor_dir)
            say(
                "",
                f"1. Report vs floor: {plural(args.pairs, 'pair')}, --jobs {args.jobs}, {'with' if pdf else 'without'} the PDF",
            )
            sections["build"] = bench_build(args.pairs, args.jobs, pdf, args.warmup, work, floor_dir)
            sections["build"].no_pdf_reason = no_pdf_reason
            say("", "2. Stages: one instrumented report build and one instrumented floor …")
            sections["stages"] = bench_stages(args.jobs, pdf, work, floor_dir)
            say("", *render_build(sections["build"], sections["stages"]))
            say(*render_stages(sections["stages"], sections["build"]))
        if not args.skip_readers:
            sizes = [n for n in READER_SIZES if n <= args.max_rows] or [args.max_rows]
            say("", f"3. Readers: {', '.join(f'{n:,}' for n in sizes)} rows, {args.reader_runs} runs")
            sections["readers"] = bench_readers(sizes, args.reader_runs, work, min(sizes[-1], 100_000))
            say("", *render_readers(sections["readers"], args.reader_runs, q))
        if not args.skip_national:
            sizes = NATIONAL_QUICK if q else NATIONAL
            say("", f"4. National size: {' and '.join(f'{u:,} units' for u, _ in sizes)}")
            sections["national"] = bench_national(sizes, args.national_runs, work)
            say("", *render_national(sections["national"], args.national_runs))
        if args.setup:
            say("", "5. Set-up: a fresh clone, empty caches …")
            try:
                sections["setup"] = bench_setup(pdf)
            except SystemExit as exc:  # (no network, say: the other sections still stand)
                sections["setup_failed"] = str(exc)
                say(f"  not measured: {exc}")
            say(
                "", *render_setup(sections.get("setup"), True, q, sections.get("setup_failed"), m["chromium"])
            )
        if args.test:
            say("", "6. make test in this checkout …")
            try:
                sections["tests"] = bench_tests(args.test_runs, work)
            except SystemExit as exc:  # (a failing test: the other sections still stand)
                sections["tests_failed"] = f"it failed: {exc}"
                say(f"  not measured: {exc}")
            say("", *render_tests(sections.get("tests"), m["cores"], sections.get("tests_failed", "")))
    text = render(m, args, sections)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")
    say("", f"Written to {args.output} ({time.perf_counter() - started:.0f} s in all).")
    if q and args.output != DOC:
        say("(Quick run: docs/benchmarks.md is left as it was; run without --quick to write it.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
