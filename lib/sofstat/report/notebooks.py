"""Running the report notebooks with papermill, in parallel, with honest progress.

papermill, nbclient and jupyter_client are not safe to import for the first
time from several threads at once (a worker could see a partially
initialised ``jupyter_client.manager``), so they are imported here, at module
level, in the thread that imports this module, before any worker starts.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import contextlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill as pm
from papermill.exceptions import PapermillExecutionError

from ..errors import ReportError
from .kernels import NOTEBOOK_PATTERN, Kernel, report_notebooks, start_kernels

__all__ = [
    "NOTEBOOK_PATTERN",
    "Job",
    "Kernel",
    "declared_parameters",
    "execute",
    "normalise_notebook",
    "report_notebooks",
    "run_notebooks",
    "start_kernels",
    "stderr_to",
]


def declared_parameters(notebook: Path) -> dict[str, object]:
    """Names and default values in a notebook's ``parameters`` cell.

    Raises:
        ReportError: when the notebook has no parameters cell, or the cell
            holds anything but assignments of literals.
    """
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            out = {}
            for node in ast.parse(cell.source).body:
                if not (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                ):
                    raise ReportError(f"{notebook.name}: parameters cell may only assign literals")
                try:
                    out[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    raise ReportError(
                        f"{notebook.name}: parameter {ast.unparse(node)!r} is not a plain literal"
                    ) from None
            return out
    raise ReportError(f"{notebook.name}: no cell tagged 'parameters'")


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what differs between runs: papermill's timings and paths, execution
    timestamps, and the injected cell's random id."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    return nb


@dataclass
class Job:
    """One notebook to run: where it is, where the executed copy goes, its parameters, its folder."""

    notebook: Path
    output: Path
    parameters: dict[str, object]
    cwd: Path


def execute(job: Job, kernel: Kernel | None = None) -> str | None:
    """Run one notebook with papermill (in ``kernel``, or in a kernel of its own);
    return None, or what went wrong in one line. A shared kernel whose notebook
    failed is shut down (the next notebook gets a new one)."""
    err = _execute(job, kernel)
    if kernel is not None:
        kernel.after()
        if err is not None:
            kernel.shutdown()
    if err is not None:
        return err
    nb = nbformat.read(job.output, as_version=4)
    nbformat.write(normalise_notebook(nb), job.output)
    return None


def _execute(job: Job, kernel: Kernel | None) -> str | None:
    try:
        shared = {"km": kernel.prepare(job.cwd)} if kernel is not None else {}
        pm.execute_notebook(
            str(job.notebook),
            str(job.output),
            parameters=job.parameters,
            # The kernel's working folder through nbclient: papermill's cwd= changes
            # the whole process's folder and cannot be used from several threads.
            resources={"metadata": {"path": str(job.cwd)}},
            kernel_name="python3",
            progress_bar=False,
            record_timing=False,
            request_save_on_cell_execute=False,
            shutdown_kernel="immediate",
            **shared,
        )
    except PapermillExecutionError as exc:
        first = (exc.source or "").strip().splitlines()[:1]
        evalue = " ".join(str(exc.evalue).split())
        return (
            f"notebook {job.notebook.name} failed in cell {exc.cell_index} "
            f"(In [{exc.exec_count}]: {first[0] if first else ''!s}): {exc.ename}: {evalue}"
        )
    except Exception as exc:  # kernel died, bad parameters, ...
        return f"notebook {job.notebook.name} failed: {type(exc).__name__}: {' '.join(str(exc).split())}"
    return None


@contextlib.contextmanager
def stderr_to(path: Path | None):
    """Send this process's standard error (and its kernels') to ``path`` for a while.

    Kernels inherit file descriptor 2: their warnings ("running over TCP without
    encryption", "KeyboardInterrupt caught in kernel") go to the build log, not the terminal.
    """
    if path is None:
        yield
        return
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def run_notebooks(
    jobs: list[Job],
    workers: int = 1,
    log=print,
    on_last=None,
    stop_on_failure: bool = True,
    share_kernels: bool = True,
    started: list[Kernel] | None = None,
) -> list[str]:
    """Run the jobs, ``workers`` at a time, longest first; print one line per
    notebook as it finishes; return the error descriptions (sorted).

    Each worker runs its notebooks one after another in one kernel of its own
    (see :class:`Kernel`), started when it takes its first notebook and shut
    down at once when the last has run; with ``share_kernels=False``, every
    notebook runs in a kernel of its own (papermill's way: slower, and the same
    executed notebooks).

    With ``stop_on_failure``, the first failure stops the notebooks that have
    not started yet (a build fails anyway, and says why sooner); those running
    finish, so the errors are those of the notebooks that ran. Without it,
    every notebook runs and every failure is returned.
    ``on_last`` (optional) is called in this thread when only one notebook is
    still running, so that a core is free for what comes next. ``started``
    (optional) are kernels already started for the workers (see
    :func:`start_kernels`), used before any new one; they are shut down here too.
    """
    errors: list[str] = []
    t0 = time.perf_counter()
    failed = threading.Event()
    kernels = list(started or [])
    local, spare, lock = threading.local(), list(kernels), threading.Lock()

    def run(job: Job) -> str | None | bool:
        if failed.is_set():  # (checked by the worker itself, before it starts the next notebook)
            return False
        kernel = getattr(local, "kernel", None)
        if kernel is None and share_kernels:  # this worker's kernel, for every notebook it runs
            with lock:
                kernel = local.kernel = spare.pop(0) if spare else Kernel(job.cwd)
                if kernel not in kernels:
                    kernels.append(kernel)
        err = execute(job, kernel)
        if err and stop_on_failure:
            failed.set()
        return err

    pool = None
    try:
        order = sorted(jobs, key=lambda j: -j.notebook.stat().st_size)  # big notebooks take longest
        pool = cf.ThreadPoolExecutor(max_workers=max(1, workers))
        futures = {pool.submit(run, job): job for job in order}
        if on_last is not None and len(order) == 1:
            on_last()
        for done, fut in enumerate(cf.as_completed(futures), start=1):
            job, err = futures[fut], fut.result()
            if err is False:
                log(f"  {job.notebook.name:<36} not run (a notebook failed)")
                continue
            took = time.perf_counter() - t0
            log(f"  {job.notebook.name:<36} {'failed' if err else 'done'} after {took:5.1f} s")
            if err:
                errors.append(err)
            elif on_last is not None and done == len(order) - 1 and not failed.is_set():
                on_last()
    except BaseException:
        # stopped (Ctrl-C, or an error here): start no other notebook, and end those running
        # by killing their kernels, rather than wait for them all
        failed.set()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        for kernel in list(kernels):
            kernel.close()
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        for kernel in list(kernels):  # (again: a worker may have started a new one meanwhile)
            kernel.shutdown()
    return sorted(errors)
