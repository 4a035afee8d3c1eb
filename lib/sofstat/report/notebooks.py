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
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

import nbformat
import papermill as pm
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.exceptions import PapermillExecutionError

from .. import config
from ..errors import ReportError

NOTEBOOK_PATTERN = re.compile(r"^\d\d_.+\.ipynb$")


def report_notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks that make up the report, in order (``NN_*.ipynb``)."""
    folder = folder or config.NOTEBOOKS_DIR
    return sorted(p for p in folder.iterdir() if NOTEBOOK_PATTERN.match(p.name))


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


# Run in a kernel before each notebook but its first (compiled and run in a namespace of its
# own, so that it leaves no name behind): the kernel is then as a new one would be for the
# notebook's code. The first run only records the new kernel's warning filters.
_FRESH = r"""
import os, sys, warnings
ip = get_ipython()
state = sys.__dict__.get("_sofstat_fresh_kernel")
if state is None:
    sys._sofstat_fresh_kernel = {
        "filters": list(warnings.filters),
        "ns": dict(ip.user_ns),
        "hidden": dict(ip.user_ns_hidden),
    }
else:
    ip.reset(new_session=True)  # the user's names, Out, _, the execution count back to 1
    for ns, new in ((ip.user_ns, state["ns"]), (ip.user_ns_hidden, state["hidden"])):
        for name, value in new.items():  # what reset leaves out: _, __, ___, __doc__, __spec__ ...
            ns.setdefault(name, value)
    warnings.filters[:] = state["filters"]
    warnings._filters_mutated()  # warnings shown once per place are shown again
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (deprecated options warn when they are reset)
        if "matplotlib" in sys.modules:  # rcParams as at import (the backend stays)
            mpl = sys.modules["matplotlib"]
            mpl.rcParams.update({k: v for k, v in mpl.rcParamsOrig.items() if k != "backend"})
        if "pandas" in sys.modules:
            sys.modules["pandas"].reset_option("all")
os.chdir(CWD)
"""


class Kernel:
    """One kernel in which a worker runs its notebooks, one after another.

    Starting a kernel and importing pandas, matplotlib and sofstat in it cost
    about a second of CPU each time; a worker pays that once, not once per
    notebook. Before every notebook but the first, the kernel is put back as a
    new one would be for a notebook: its user namespace and history cleared,
    the execution count back to 1, the warning filters and the "shown once"
    registries reset, every figure closed, Matplotlib's rcParams and pandas'
    options back to their defaults, the working folder set. What stays is what
    a notebook cannot see: imported modules and their caches. The executed
    notebooks are the same bytes as with a kernel per notebook (a test builds
    both ways and compares). A kernel that died, or whose notebook failed, is
    replaced by a new one.
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.km: AsyncKernelManager | None = None
        self.clients: list = []
        self.ready = False

    def start(self) -> None:
        """Start the kernel process (returns once it is started, not ready)."""
        km = _TrackedKernelManager(kernel_name="python3", clients=self.clients)
        # as nbclient starts its kernels: the kernel's IPython history in memory
        run_sync(km.start_kernel)(cwd=str(self.cwd), extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.km, self.ready = km, False

    def prepare(self, cwd: Path) -> AsyncKernelManager:
        """The kernel, alive and as new for the next notebook, working in ``cwd``."""
        if self.km is None or not run_sync(self.km.is_alive)():
            self.shutdown()
            self.start()
        run_sync(self._run)(_FRESH.replace("CWD", repr(str(cwd))))
        return self.km

    async def _run(self, code: str) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            reply = await kc.execute_interactive(
                f"exec(compile({code!r}, '<sofstat>', 'exec'), {{'get_ipython': get_ipython}})",
                silent=True,
                store_history=False,
                timeout=60,
                output_hook=lambda msg: None,
            )
        finally:
            kc.stop_channels()
            self.clients.remove(kc)
        if reply["content"]["status"] != "ok":
            raise ReportError(f"could not prepare a kernel: {reply['content'].get('evalue', '')}")

    def after(self) -> None:
        """Close the clients the last notebook opened (nbclient leaves them to the kernel's owner)."""
        for kc in self.clients:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        self.clients.clear()

    def shutdown(self) -> None:
        """Stop the kernel at once (its notebooks are written by then)."""
        self.after()
        if self.km is not None:
            with contextlib.suppress(Exception):
                run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None


class _ReadyClient(AsyncKernelClient):
    """A kernel client that knows the kernel is ready as soon as it has answered.

    jupyter_client's ``wait_for_ready`` ends by reading IOPub until it has been
    silent for 0.2 s: every notebook paid that twice (once here, once in
    nbclient), 0.4 s of waiting per notebook on the build's critical path.
    This one asks for ``kernel_info`` and is ready when the reply has come on
    the shell channel and the kernel's ``idle`` status for that request on
    IOPub (which shows that IOPub is connected, and is the last message the
    request makes, so nothing of it is left to flush). Otherwise it asks again,
    as jupyter_client does: a new kernel may not have been listening yet.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            asked = self.kernel_info()
            reply = await self._reply(asked, deadline)
            if reply is not None and await self._idle(asked, deadline):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _reply(self, asked: str, deadline: float) -> dict | None:
        """The shell reply to ``asked`` if it came within a second (and by the deadline), else None."""
        until = min(deadline, time.monotonic() + 1)
        while (left := until - time.monotonic()) > 0:
            try:
                msg = await self.shell_channel.get_msg(timeout=left)
            except Empty:
                return None
            if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == asked:
                return msg
        return None

    async def _idle(self, asked: str, deadline: float) -> bool:
        """True once IOPub has said ``idle`` for ``asked`` within 0.2 s (or by the deadline)."""
        until = min(deadline, time.monotonic() + 0.2)
        while (left := until - time.monotonic()) > 0:
            try:
                msg = await self.iopub_channel.get_msg(timeout=left)
            except Empty:  # IOPub not connected yet, most likely
                return False
            if (
                msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
                and msg["parent_header"].get("msg_id") == asked
            ):
                return True
        return False


class _TrackedKernelManager(AsyncKernelManager):
    """A kernel manager that remembers the clients it made, so that they can be closed,
    and makes :class:`_ReadyClient` clients."""

    def __init__(self, clients: list, **kwargs) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self.client_factory = _ReadyClient

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        self._clients.append(kc)
        return kc


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
    still running, so that a core is free for what comes next.
    """
    errors: list[str] = []
    started = time.perf_counter()
    order = sorted(jobs, key=lambda j: -j.notebook.stat().st_size)  # big notebooks take longest
    failed = threading.Event()
    local, kernels, lock = threading.local(), [], threading.Lock()

    def run(job: Job) -> str | None | bool:
        if failed.is_set():  # (checked by the worker itself, before it starts the next notebook)
            return False
        kernel = getattr(local, "kernel", None)
        if kernel is None and share_kernels:  # this worker's kernel, for every notebook it runs
            kernel = local.kernel = Kernel(job.cwd)
            with lock:
                kernels.append(kernel)
        err = execute(job, kernel)
        if err and stop_on_failure:
            failed.set()
        return err

    try:
        with cf.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(run, job): job for job in order}
            if on_last is not None and len(order) == 1:
                on_last()
            for done, fut in enumerate(cf.as_completed(futures), start=1):
                job, err = futures[fut], fut.result()
                if err is False:
                    log(f"  {job.notebook.name:<36} not run (a notebook failed)")
                    continue
                took = time.perf_counter() - started
                log(f"  {job.notebook.name:<36} {'failed' if err else 'done'} after {took:5.1f} s")
                if err:
                    errors.append(err)
                elif on_last is not None and done == len(order) - 1 and not failed.is_set():
                    on_last()
    finally:
        for kernel in kernels:
            kernel.shutdown()
    return sorted(errors)
