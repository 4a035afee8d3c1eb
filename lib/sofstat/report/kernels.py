"""The report's kernels, and the list of its notebooks: what a build needs before its heavy imports.

This module imports jupyter_client and nothing of papermill, nbformat or
pandas, so that a build can start its kernels first and import the rest
while they start (:func:`sofstat.report.build.build_report`). Like
papermill, jupyter_client is not safe to import for the first time from
several threads at once: it is imported here, at module level, in the
thread that imports this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import threading
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from .. import config
from ..errors import ReportError

NOTEBOOK_PATTERN = re.compile(r"^\d\d_.+\.ipynb$")


def report_notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks that make up the report, in order (``NN_*.ipynb``)."""
    folder = folder or config.NOTEBOOKS_DIR
    return sorted(p for p in folder.iterdir() if NOTEBOOK_PATTERN.match(p.name))


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
        self.closed = False  # set by close(): the kernel is not started again
        # start, close and shutdown from different threads: one at a time on the process
        self._lock = threading.Lock()

    def start(self, stderr=None) -> None:
        """Start the kernel process (returns once it is started, not ready); what it writes
        to standard error goes to ``stderr`` (a file) if given, else where this process's goes.

        Raises:
            whatever starting it raises, once the kernel, if its process began, is killed.
        """
        with self._lock:  # (a close() meanwhile waits, then kills what was started)
            if self.closed:
                raise ReportError("the notebooks were stopped")
            # known before the start, so that a start that fails half-way (or Ctrl-C) is cleaned up
            self.km = km = _TrackedKernelManager(kernel_name="python3", clients=self.clients)
            try:
                # as nbclient starts its kernels: the kernel's IPython history in memory
                run_sync(km.start_kernel)(
                    cwd=str(self.cwd),
                    extra_arguments=["--HistoryManager.hist_file=:memory:"],
                    **({"stderr": stderr} if stderr is not None else {}),
                )
            except BaseException:
                self._end()
                raise

    def prepare(self, cwd: Path) -> AsyncKernelManager:
        """The kernel, alive and as new for the next notebook, working in ``cwd``."""
        if self.closed:
            raise ReportError("the notebooks were stopped")
        if self.km is None or not run_sync(self.km.is_alive)():
            self.shutdown()
            self.start()
        run_sync(self._run)(_FRESH.replace("CWD", repr(str(cwd))))
        return self.km

    async def _run(self, code: str) -> None:
        km = self.km
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            running = asyncio.ensure_future(
                kc.execute_interactive(
                    f"exec(compile({code!r}, '<sofstat>', 'exec'), {{'get_ipython': get_ipython}})",
                    silent=True,
                    store_history=False,
                    timeout=60,
                    output_hook=lambda msg: None,
                )
            )
            # a kernel killed meanwhile (Ctrl-C: close() from another thread) never answers:
            # look every 0.2 s rather than wait the whole timeout for its reply
            while not (await asyncio.wait({running}, timeout=0.2))[0]:
                if self.closed or not await km.is_alive():
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await running
                    raise ReportError(
                        "the notebooks were stopped"
                        if self.closed
                        else "the kernel died while being prepared"
                    )
            reply = running.result()
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
        """Stop the kernel at once (its notebooks are written by then). Safe to call again.

        Called by the thread that uses the kernel, or once that thread is done: it closes the
        kernel's clients, which only the thread using them may do (closing them from another
        thread while they are in use can block for ever in ZeroMQ).
        """
        self.after()
        with self._lock:
            self._end()

    def _end(self) -> None:
        """With the lock held: the kernel's process group killed, the process reaped, the
        manager let go.

        The provisioner is told after the reaping (so that it forgets the process and signals
        no group again, whose number may since be another's), and jupyter_client's shutdown
        only cleans up: its own kill is followed by polling every 0.1 s, which made the end of
        every build wait about 0.1 s per kernel.
        """
        if self.km is None:
            return
        provisioner = self.km.provisioner
        with contextlib.suppress(Exception):
            process = getattr(provisioner, "process", None)
            self._kill()
            if process is not None:
                process.wait(timeout=5)
                run_sync(provisioner.wait)()  # (returns at once: the process is reaped)
        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = None

    def _kill(self) -> None:
        """With the lock held: SIGKILL to the kernel's process group if it still runs, nothing more."""
        if self.km is None:
            return
        provisioner = self.km.provisioner
        process = getattr(provisioner, "process", None)
        with contextlib.suppress(Exception):
            if process is not None and process.poll() is None:  # (not reaped: the group is its own)
                run_sync(provisioner.send_signal)(signal.SIGKILL)  # the group, as jupyter_client

    def close(self) -> None:
        """Stop the kernel for good, from any thread: it is killed, and not started again.

        Only the process is killed: its clients and its manager stay for the thread that may
        be running a notebook in it, which then sees a dead kernel and ends the notebook
        (nbclient would start a new kernel in a manager that no longer has one). Call
        :meth:`shutdown` once that thread is done.
        """
        with self._lock:
            self.closed = True
            self._kill()


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


def start_kernels(count: int, cwd: Path, log: Path | None = None, into: list | None = None) -> list[Kernel]:
    """``count`` kernels, started and not waited for (they get ready while the caller goes on),
    what they write to standard error appended to ``log`` (default: where this process's goes).

    Each kernel is appended to ``into`` (a new list by default) before it starts, so that a
    caller that shuts down the kernels of ``into`` on its way out misses none, even when the
    start is interrupted.

    Returns:
        ``into``, with the kernels.

    Raises:
        whatever starting a kernel raises (the kernels this call started are shut down first).
    """
    kernels = [] if into is None else into
    mine: list[Kernel] = []
    try:
        with open(log, "ab") if log is not None else contextlib.nullcontext() as err:
            for _ in range(count):
                kernel = Kernel(cwd)
                kernels.append(kernel)
                mine.append(kernel)
                kernel.start(stderr=err)
    except BaseException:
        for kernel in mine:
            kernel.shutdown()
        raise
    return kernels
