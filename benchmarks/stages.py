"""A report build (or the floor) timed stage by stage, from outside the library.

``python benchmarks/stages.py report --json OUT.json -- ARGS…`` runs
``sofstat report ARGS…`` in this process exactly as ``python -m sofstat``
does (``sofstat.cli.main``, then ``sofstat.cli.exit_now`` where the library has
it, after this script has written its JSON), after wrapping, not changing, the stage
functions the build calls (each wrapper only reads the clock and the
process's CPU counters around the call):

- the import of ``sofstat.report``, timed with ``time.perf_counter`` around
  the import;
- ``sofstat.report.build``: ``load_catalog``, ``start_kernels`` and
  ``_heavy_imports`` (where the library has them: the kernels launched before
  papermill and the rest are imported), ``_validate`` (reads and checks every
  input, in the main thread while the kernels run), ``_inputs`` (the inputs'
  hashes), ``build_page`` (in ``build`` or in ``page``), ``print_pdf``,
  ``write_manifest``;
- ``sofstat.report.pdf``: ``print_pdf`` and, where the library has it, the
  ``Printer`` that starts Chromium early (``__init__``, ``print``, ``close``);
  whatever of these the library does not have is listed as absent;
- ``sofstat.report.notebooks.run_notebooks`` and, per notebook,
  ``execute`` and ``papermill.execute_notebook`` inside it, with every cell's
  start and end (``PapermillNotebookClient.execute_cell``);
- the imports of papermill, ``sofstat.report.notebooks``, ``page`` and
  ``workbook`` when the build imports them late (patched then, not imported
  early by this script); ``build_workbook``;
- ``sofstat.report.publish.publish``.

``python benchmarks/stages.py floor --json OUT.json -- FLOOR_DIR --output-dir D --jobs 2``
runs ``benchmarks/floor.py`` the same way, with the same per-notebook and
per-cell clocks.

Times are seconds from the start of this script. CPU is user + system time:
``self`` for this process (all its threads), ``children`` for the child
processes that ended and were waited for during the stage (kernels,
Chromium, git). This script makes itself the child subreaper (see
``reaper.py``; the JSON's ``subreaper`` says whether it could), and
``Printer.close`` is followed by reaping Chromium's processes that outlived
the browser, so that their CPU is counted in that stage.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import functools  # noqa: E402
import importlib.abc  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import reaper  # noqa: E402  (benchmarks/, this script's folder)


def _now() -> float:
    return time.perf_counter() - T_START


def _cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


class Recorder:
    """Stage spans and per-notebook cell spans."""

    def __init__(self) -> None:
        self.stages: list[dict] = []
        self.notebooks: dict[str, dict] = {}
        self.labels: dict[str, str] = {}
        self.absent: list[str] = []
        self.local = threading.local()
        self.lock = threading.Lock()

    def span(self, name: str, t0: float, cpu0: tuple[float, float]) -> None:
        cpu1 = _cpu()
        self.stages.append(
            {
                "stage": name,
                "start": t0,
                "end": _now(),
                "cpu_self": cpu1[0] - cpu0[0],
                "cpu_children": cpu1[1] - cpu0[1],
                "thread": threading.current_thread().name,
            }
        )

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            t0, cpu0 = _now(), _cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                self.span(name, t0, cpu0)

        return timed

    def wrap_papermill(self, fn):
        """papermill.execute_notebook: one record per notebook, cells filled in by :meth:`wrap_cell`."""

        @functools.wraps(fn)
        def timed(input_path, *args, **kwargs):
            name = Path(str(input_path)).name
            record = {"start": _now(), "end": None, "cells": [], "thread": threading.current_thread().name}
            with self.lock:
                self.notebooks[name] = record
            self.local.record = record
            try:
                return fn(input_path, *args, **kwargs)
            finally:
                record["end"] = _now()
                self.local.record = None

        return timed

    def wrap_execute(self, fn):
        """sofstat.report.notebooks.execute: papermill plus reading and normalising the output."""

        @functools.wraps(fn)
        def timed(job, *args, **kwargs):
            t0 = _now()
            try:
                return fn(job, *args, **kwargs)
            finally:
                rec = self.notebooks.get(job.notebook.name)
                if rec is not None:
                    rec["execute_start"], rec["execute_end"] = t0, _now()

        return timed

    def wrap_cell(self, fn):
        @functools.wraps(fn)
        def timed(client, cell, cell_index, *args, **kwargs):
            t0 = _now()
            try:
                return fn(client, cell, cell_index, *args, **kwargs)
            finally:
                rec = getattr(self.local, "record", None)
                if rec is not None and cell.cell_type == "code":
                    tags = list(cell.get("metadata", {}).get("tags", []))
                    rec["cells"].append(
                        {
                            "index": cell_index,
                            "start": t0,
                            "end": _now(),
                            "tags": tags,
                            "imports": "%matplotlib inline" in cell.source,
                            "first_line": (cell.source.splitlines() or [""])[0][:80],
                        }
                    )

        return timed


class _AfterImport(importlib.abc.MetaPathFinder):
    """Time a module's own import and patch it right after, without importing it early."""

    def __init__(self, name: str, recorder: Recorder, patch) -> None:
        self.name, self.recorder, self.patch = name, recorder, patch

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader, recorder, patch = spec.loader, self.recorder, self.patch
        exec_module = loader.exec_module

        def timed_exec(module):
            t0, cpu0 = _now(), _cpu()
            try:
                exec_module(module)
            finally:
                recorder.span(f"import {fullname}", t0, cpu0)
            patch(module)

        loader.exec_module = timed_exec
        return spec


def patch_papermill(rec: Recorder, papermill=None) -> None:
    if papermill is None:
        import papermill
    from papermill.clientwrap import PapermillNotebookClient

    papermill.execute_notebook = rec.wrap_papermill(papermill.execute_notebook)
    PapermillNotebookClient.execute_cell = rec.wrap_cell(PapermillNotebookClient.execute_cell)


#: Stage functions wrapped where the library has them: (module, attribute, label).
FUNCTIONS = [
    ("sofstat.report.build", "load_catalog", "load_catalog (the catalogue)"),
    ("sofstat.report.build", "start_kernels", "start_kernels (launches the kernels, does not wait)"),
    (
        "sofstat.report.build",
        "_heavy_imports",
        "_heavy_imports (papermill, nbformat, the page, while the kernels start)",
    ),
    ("sofstat.report.build", "_validate", "_validate (reads and checks every input)"),
    ("sofstat.report.notebooks", "run_notebooks", "run_notebooks (the kernels)"),
    ("sofstat.report.build", "_inputs", "_inputs (hashes of the inputs)"),
    ("sofstat.report.build", "build_page", "build_page (index.html)"),
    ("sofstat.report.page", "build_page", "build_page (index.html)"),
    ("sofstat.report.build", "print_pdf", "print_pdf (Chromium, one command)"),
    ("sofstat.report.pdf", "print_pdf", "print_pdf (Chromium, one command)"),
    ("sofstat.report.build", "write_manifest", "write_manifest (git, hashes)"),
    ("sofstat.report.publish", "publish", "publish (the atomic switch)"),
]
#: Methods wrapped where the library has them: (module, class, method, label).
METHODS = [
    ("sofstat.report.pdf", "Printer", "__init__", "Printer() (starts Chromium)"),
    ("sofstat.report.pdf", "Printer", "print", "Printer.print (rapport.pdf)"),
    ("sofstat.report.pdf", "Printer", "close", "Printer.close (stops Chromium, reaps what outlived it)"),
]
#: Modules the build may import late (after its kernels have started): patched, and their
#: import timed, when they are imported, so that the wrapper does not import them early.
LATE = ("papermill", "sofstat.report.notebooks", "sofstat.report.page", "sofstat.report.workbook")


def _patch_module(rec: Recorder, name: str, module) -> None:
    """Wrap what :data:`FUNCTIONS`, :data:`METHODS` name in ``module``; note what it lacks."""
    if name == "papermill":
        patch_papermill(rec, module)
    if name == "sofstat.report.notebooks":
        module.execute = rec.wrap_execute(module.execute)
    if name == "sofstat.report.workbook":
        rec.labels["build_workbook"] = "build_workbook (tables.xlsx)"
        module.build_workbook = rec.wrap("build_workbook", module.build_workbook)
    for module_name, attr, label in FUNCTIONS:
        if module_name != name:
            continue
        fn = getattr(module, attr, None)
        if callable(fn):
            rec.labels[attr] = label
            setattr(module, attr, rec.wrap(attr, fn))
    for module_name, cls_name, attr, label in METHODS:
        if module_name != name:
            continue
        cls = getattr(module, cls_name, None)
        fn = getattr(cls, attr, None) if cls else None
        if callable(fn):
            key = f"{cls_name}.{attr}"
            rec.labels[key] = label
            setattr(cls, attr, rec.wrap(key, _and_reap(fn) if attr == "close" else fn))


def _and_reap(close):
    """``Printer.close``, then reaping Chromium's processes that outlived the browser (see
    reaper.py), so that their CPU is counted in the stage's."""

    @functools.wraps(close)
    def close_and_reap(*args, **kwargs):
        try:
            return close(*args, **kwargs)
        finally:
            reaper.reap(reaper.is_chromium, timeout=30)

    return close_and_reap


def run_report(argv: list[str], rec: Recorder) -> int:
    t0, cpu0 = _now(), _cpu()
    import sofstat.cli as cli

    rec.span("import sofstat.cli", t0, cpu0)
    t0, cpu0 = _now(), _cpu()
    import sofstat.report  # noqa: F401 - what `sofstat report` imports first

    rec.span("import sofstat.report", t0, cpu0)
    from sofstat.report import build

    names = {m for m, *_ in FUNCTIONS} | {m for m, *_ in METHODS} | set(LATE)
    for name in sorted(names):
        if name in sys.modules:  # imported up front in this version of the library
            _patch_module(rec, name, sys.modules[name])
        else:  # imported by the build later: time that import too
            sys.meta_path.insert(0, _AfterImport(name, rec, functools.partial(_patch_module, rec, name)))
    build.build_report = rec.wrap("build_report", build.build_report)
    sofstat.report.build_report = build.build_report  # what cli.main imports
    t0, cpu0 = _now(), _cpu()
    code = cli.main(["report", *argv])
    rec.span("cli.main", t0, cpu0)
    # what no module of this version of the library has (where the build imported them)
    rec.absent += [f"{m}.{a}" for m, a, _ in FUNCTIONS if a not in rec.labels]
    rec.absent += [f"{m}.{c}.{a}" for m, c, a, _ in METHODS if f"{c}.{a}" not in rec.labels]
    return code


def run_floor(argv: list[str], rec: Recorder) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import floor

    t0, cpu0 = _now(), _cpu()
    import papermill  # noqa: F401 - the floor imports it in its main thread first

    rec.span("import papermill", t0, cpu0)
    patch_papermill(rec)
    t0, cpu0 = _now(), _cpu()
    code = floor.main(argv)
    rec.span("floor.main", t0, cpu0)
    return code


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 3 or args[0] not in ("report", "floor") or args[1] != "--json":
        print(__doc__, file=sys.stderr)
        return 2
    what, out = args[0], Path(args[2])
    rest = args[3:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    subreaper = reaper.become_subreaper()
    rec = Recorder()
    code = (run_report if what == "report" else run_floor)(rest, rec)
    cpu = _cpu()
    out.write_text(
        json.dumps(
            {
                "what": what,
                "exit": code,
                "script_total": _now(),
                "cpu_self": cpu[0],
                "cpu_children": cpu[1],
                "stages": rec.stages,
                "notebooks": rec.notebooks,
                "labels": rec.labels,
                "absent": rec.absent,
                "subreaper": subreaper,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    if what == "report":
        from sofstat import cli

        if hasattr(cli, "exit_now"):  # the command's own way out (`python -m sofstat` ends so)
            cli.exit_now(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
