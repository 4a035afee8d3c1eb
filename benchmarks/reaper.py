"""The CPU of processes that outlive their parent, which ``os.wait4`` does not see.

``os.wait4`` (and ``RUSAGE_CHILDREN``) gives a process's CPU and that of every
descendant waited for down the tree. Headless Chromium's browser process exits
before its zygotes; they are reparented (to init) and so are the renderer,
GPU and utility processes they started, and their CPU, about as much as the
browser's own, is lost to whoever waited for the browser. A process that has
made itself the *child subreaper* (Linux, ``prctl(PR_SET_CHILD_SUBREAPER)``)
gets those orphans of its descendants as children instead; :func:`reap` waits
for them and adds up their CPU.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Callable

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Make this process the reaper of its descendants' orphans; True when it worked (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _stat(pid: str) -> tuple[int, str] | None:
    """(parent pid, command name) of a process, from ``/proc/<pid>/stat``; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    return int(raw[raw.rindex(")") + 2 :].split()[1]), name


def children(wanted: Callable[[str], bool] = lambda name: True) -> list[int]:
    """This process's child processes whose command name ``wanted`` accepts."""
    me = os.getpid()
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            st = _stat(pid)
            if st is not None and st[0] == me and wanted(st[1]):
                out.append(int(pid))
    return out


def is_chromium(name: str) -> bool:
    """Chromium's processes by command name (``chromium``, ``chrome_crashpad``, ``chrome``…)."""
    return name.startswith("chrom")


def reap(
    wanted: Callable[[str], bool] = lambda name: True, timeout: float = 60, group: int | None = None
) -> tuple[float, int, int]:
    """Wait for this process's children that ``wanted`` accepts, and for the children they
    leave in turn, until none is left: ``(CPU seconds, processes reaped, processes killed)``.

    Only for children no one else waits for (orphans handed over by :func:`become_subreaper`):
    a child reaped here is lost to its ``subprocess.Popen``. Those still running after
    ``timeout`` seconds are killed (their process group ``group`` when given) and counted."""
    cpu, reaped, killed = 0.0, 0, 0
    deadline = time.monotonic() + timeout
    while True:
        pids = children(wanted)
        if not pids:
            return cpu, reaped, killed
        for pid in pids:
            try:
                got, _, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if got:
                cpu += usage.ru_utime + usage.ru_stime
                reaped += 1
        if time.monotonic() > deadline:
            if group:
                try:
                    os.killpg(group, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for pid in children(wanted):
                killed += 1
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            deadline = float("inf")  # once: then wait for the killed ones
        time.sleep(0.005)
