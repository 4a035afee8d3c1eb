"""The half-yearly report: a period's inputs in, a finished report out.

``sofstat report --period 2024-H1`` runs every report notebook
(``notebooks/NN_*.ipynb``) for that period and writes ``reports/<period>/``:
``index.html`` (no code), ``rapport.pdf``, the executed notebooks,
``figures/`` (PNG and SVG), ``tables.xlsx``, ``manifest.json`` and
``build.log`` (what the kernels printed). Everything but the manifest's build
time and the log is byte-for-byte reproducible. See :mod:`.publish` for how
the finished folder replaces the old one.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from pathlib import Path

from .. import __version__, config
from ..errors import CatalogError, InputError, ReportError
from ..readers.catalog import ROLES, Catalog, Period, load_catalog
from . import publish
from .kernels import report_notebooks, start_kernels
from .manifest import built_at, sha256, write_manifest
from .pdf import MISSING_CHROMIUM, Printer, chromium

# papermill, nbformat and the page's Markdown and YAML (about 0.3 s to import) are imported
# by build_report once its kernels have started, while they start: see _heavy_imports.

LOG_NAME = "build.log"


def notebook_parameters(catalog: Catalog, period: Period) -> dict[str, object]:
    """Every parameter the report can give a notebook: the period, the catalogue
    (relative to the project root when inside it) and the thresholds."""
    return {
        "period": period.key,
        "catalog_path": config.display_path(catalog.path),
        **catalog.thresholds,
        "output_dir": ".",
    }


def _inputs(periods: list[Period]) -> list[dict]:
    """Every input of the periods up to the one reported, each file once, in role order, then the
    reference files every report reads (:data:`sofstat.config.REFERENCE_FILES`, period None)."""
    seen, out = set(), []
    for role in ROLES:
        for p in periods:
            path = p.inputs.get(role)
            if path is not None and path not in seen:
                seen.add(path)
                out.append(
                    {"role": role, "period": p.key, "path": config.display_path(path), "sha256": sha256(path)}
                )
    for role, path in config.REFERENCE_FILES.items():
        out.append({"role": role, "period": None, "path": config.display_path(path), "sha256": sha256(path)})
    return out


def _validate(catalog: Catalog, period: Period) -> str | None:
    """Read every input the report will read; the first problem in one line, or None."""
    from ..check import check_period  # pandas and the readers: loaded only when a notebook failed

    for result in check_period(catalog, period.key):
        if result.problems:
            first = result.problems[0]
            more = (
                f" (and {len(result.problems) - 1} more; run: sofstat check --period {period.key})"
                if len(result.problems) > 1
                else ""
            )
            return f"{first}{more}"
    return None


def build_report(
    period_key: str | None = None,
    catalog: str | Path | None = None,
    output_dir: str | Path | None = None,
    workers: int | None = None,
    notebooks_dir: Path | None = None,
    log=print,
    pdf: bool = True,
) -> Path:
    """Build ``<output_dir>/<period>/`` and return its path.

    Args:
        period_key: the period to report; default the latest in the catalogue.
        catalog: the catalogue; default ``data/periods.yml``.
        output_dir: where reports go; default ``reports/``.
        workers: notebooks run at once; default the number of cores.
        notebooks_dir: where the report notebooks are; default ``notebooks/``.
        log: where progress lines go (one per notebook as it finishes).
        pdf: also print ``rapport.pdf`` (needs Chromium).

    Returns:
        The finished report's folder.

    Raises:
        ReportError: when an input is bad or a notebook fails (the message
            names the file and line, or the notebook, cell and error; a failed
            build is kept in ``<period>.failed-<time>-<pid>/``).
        CatalogError: for a bad catalogue.
    """
    t0 = time.perf_counter()
    cat = load_catalog(Path(catalog).resolve() if catalog else None)
    period = cat.find(period_key)
    periods = cat.upto(period.key)
    out_root = Path(output_dir).resolve() if output_dir else config.REPORTS_DIR
    out_root.mkdir(parents=True, exist_ok=True)
    final = out_root / period.key
    if pdf and chromium() is None:
        raise ReportError(MISSING_CHROMIUM)
    built_at()  # a bad SOURCE_DATE_EPOCH fails now, not after the notebooks
    with publish.period_lock(out_root, period.key, log), contextlib.ExitStack() as stack:
        printers: list[Printer] = []

        def start_printer() -> None:
            # Chromium starts while the last notebook runs (a core is free then), so that
            # it is ready when the page is, off the critical path and off the kernels' cores
            if pdf and not printers:
                printers.append(stack.enter_context(Printer()))

        def on_last_notebook() -> None:
            start_printer()
            # the workbook's imports (openpyxl, pandas) load on the free core meanwhile; nothing
            # else in this process imports them, and the import lock makes a later import wait
            threading.Thread(
                target=importlib.import_module, args=(f"{__package__}.workbook",), daemon=True
            ).start()

        publish.recover(out_root, period.key)
        publish.clean_stale(out_root, period.key)
        build = publish.new_build_dir(out_root, period.key)
        try:
            notebooks = report_notebooks(notebooks_dir)
            n = max(1, min(workers or os.cpu_count() or 1, len(notebooks)))
            # the kernels start first (their start-up is most of a notebook's wait), and this
            # process imports papermill and the rest meanwhile, on the other core
            kernels: list = []
            stack.callback(lambda: [kernel.shutdown() for kernel in kernels])  # (run_notebooks does too)
            start_kernels(n, build, build / LOG_NAME, into=kernels)
            nbs, nbformat, build_page, text = _heavy_imports()
            offered = notebook_parameters(cat, period)
            jobs, used = [], {}
            for nb in notebooks:
                declared = nbs.declared_parameters(nb)
                params = {k: v for k, v in offered.items() if k in declared}
                used[nb.name] = {**declared, **params}
                jobs.append(nbs.Job(nb, build / nb.name, params, build))
            log(f"Building report {period.key} ({len(jobs)} notebooks, {n} at a time) into {final}")
            with nbs.stderr_to(build / LOG_NAME):
                errors = nbs.run_notebooks(jobs, n, log, on_last_notebook, started=kernels)
            if errors:
                # say which input is bad, file and line, rather than where a notebook tripped on it
                problem = _validate(cat, period)
                raise ReportError(f"bad input: {problem}" if problem else "; ".join(errors))
            executed = [(nb.name, nbformat.read(build / nb.name, as_version=4)) for nb in notebooks]
            inputs = _inputs(periods)
            page = build_page(
                executed,
                build,
                period=period.key,
                period_title=period.title,
                baseline=periods[0].key,
                inputs=inputs,
                thresholds=cat.thresholds,
                version=__version__,
            )
            (build / "index.html").write_text(page, encoding="utf-8")
            printing = None
            if pdf:  # Chromium prints (another process) while this thread builds the workbook
                start_printer()
                pool = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="sofstat-pdf"))
                printing = pool.submit(printers[0].print, build / "index.html", build / "rapport.pdf")
            try:
                _write_workbook(build, f"{text()['title']} – {period.key}: tabeller")
            except BaseException as exc:
                if printing is not None:
                    if not isinstance(exc, Exception):  # Ctrl-C: stop Chromium rather than wait for it
                        printers[0].abort()
                    futures_wait([printing])  # (its own error, if any, is second to this one)
                raise
            if printing is not None:
                printing.result()
            write_manifest(
                build,
                {
                    "period": period.key,
                    "title": period.title,
                    "catalog": config.display_path(cat.path),
                    "baseline_period": periods[0].key,
                    "inputs": inputs,
                    "thresholds": cat.thresholds,
                    "targets": {k: vars(v) for k, v in cat.targets.items()},
                    "parameters": used,
                },
            )
        except Exception as exc:  # any failure once the build has begun: keep it, say where
            failed = publish.keep_failed(build, out_root, period.key)
            what = str(exc) if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
            kept = (
                f"the earlier report in {final} is untouched" if final.exists() else "no report was written"
            )
            raise ReportError(f"{what}. The failed build is kept in {failed}; {kept}.") from exc
        else:
            publish.publish(build, final)
        finally:
            if build.exists():
                shutil.rmtree(build, ignore_errors=True)  # interrupted: nothing to keep
    log(f"Report written: {final} ({time.perf_counter() - t0:.1f} s)")
    return final


#: Held while :func:`_heavy_imports` runs: builds started at once from several threads import
#: papermill and nbclient one at a time (their first import is not thread-safe).
_IMPORT_LOCK = threading.Lock()


def _heavy_imports():
    """``(notebooks, nbformat, build_page, text)``: what the build imports only once its kernels
    have started, so that this process imports while they start.

    papermill and nbclient are not safe to import for the first time from several threads at
    once: the imports run under :data:`_IMPORT_LOCK`, so the first build to get here imports
    them whole and builds in other threads wait for it (jupyter_client is imported with
    ``sofstat.report``, by :mod:`.kernels`)."""
    with _IMPORT_LOCK:
        import nbformat  # late: see above

        from . import notebooks  # late: papermill and nbclient (about 0.3 s)
        from .page import build_page, text  # late: Markdown and YAML for the page

    return notebooks, nbformat, build_page, text


def _write_workbook(build: Path, title: str) -> None:
    """``tables.xlsx`` from the tables the notebooks wrote to ``build/tables/`` (then removed)."""
    # openpyxl and the table contract bring numpy and pandas: loaded only now,
    # after the kernels ran, so that the parent starts them sooner
    from .workbook import build_workbook

    tables = build / "tables"
    (build / "tables.xlsx").write_bytes(
        build_workbook(sorted(tables.glob("*.json")) if tables.exists() else [], title)
    )
    shutil.rmtree(tables, ignore_errors=True)


def refresh_notebooks(notebooks_dir: Path | None = None, log=print) -> None:
    """Re-execute the report notebooks in place with their default parameters (the
    stored outputs nbval compares against), normalised like the report.

    Raises:
        ReportError: when a notebook fails; no notebook is overwritten then.
    """
    nbs, nbformat, _, _ = _heavy_imports()
    notebooks = report_notebooks(notebooks_dir)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        jobs = [nbs.Job(nb, tmp / nb.name, {}, nb.parent) for nb in notebooks]
        with nbs.stderr_to(tmp / LOG_NAME):
            # every notebook runs: the analyst sees every failure at once
            errors = nbs.run_notebooks(jobs, min(os.cpu_count() or 1, len(jobs)), log, stop_on_failure=False)
        if errors:
            raise ReportError("; ".join(errors))
        for nb in notebooks:
            nbformat.write(nbformat.read(tmp / nb.name, as_version=4), nb)
            log(f"refreshed {config.display_path(nb)}")


__all__ = ["CatalogError", "InputError", "ReportError", "build_report", "refresh_notebooks"]
