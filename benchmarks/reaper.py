"""The CPU of processes that outlive their parent, which ``os.wait4`` does not see.

``os.wait4`` (and ``RUSAGE_CHILDREN``) gives a process's CPU and that of every
descendant waited for down the tree. A process whose parent ends first is
handed to the nearest *child subreaper* among its ancestors, else to init, and
its CPU is lost to whoever waited for the parent. Headless Chromium does this
at every start: its browser process exits before its zygotes, which then take
the renderer, GPU and utility processes they started with them, and the
browser's (``chromium``'s, not ``chromium-headless-shell``'s) crash handlers are
orphaned at once; together they used more CPU than the browser process itself
(about 1.0 s against 0.7 s in one build with ``chromium``).

This is the one place the benchmarks explain it; they point here. A benchmark
process that has made itself the child subreaper (Linux,
``prctl(PR_SET_CHILD_SUBREAPER)``, :func:`become_subreaper`) gets those orphans
of its descendants as children, and :func:`reap` waits for them and adds up
their CPU.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Callable

PR_SET_CHILD_SUBREAPER = 36
#: After a timeout's kill, how long :func:`reap` still waits for the killed before it gives up.
GRACE = 10.0


def become_subreaper() -> bool:
    """Make this process the reaper of its descendants' orphans; True when it worked (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _stat(pid: str) -> tuple[int, str, str] | None:
    """(parent pid, command name, state) of a process, from ``/proc/<pid>/stat``; None when it
    is gone. State ``Z``: it has ended and waits to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    state, ppid = raw[raw.rindex(")") + 2 :].split()[:2]
    return int(ppid), name, state


def children(wanted: Callable[[str], bool] = lambda name: True) -> list[tuple[int, str]]:
    """This process's child processes whose command name ``wanted`` accepts, as (pid, state);
    none where there is no ``/proc``."""
    me = os.getpid()
    try:
        pids = os.listdir("/proc")
    except OSError:
        return []
    out = []
    for pid in pids:
        if pid.isdigit():
            st = _stat(pid)
            if st is not None and st[0] == me and wanted(st[1]):
                out.append((int(pid), st[2]))
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
    ``timeout`` seconds are killed, with their process group ``group`` when given, and so is
    every one that turns up after that; :data:`GRACE` seconds later it stops waiting, and
    whatever is still left is not counted."""
    cpu, reaped, killed = 0.0, 0, set()
    deadline = time.monotonic() + timeout
    while True:
        kids = children(wanted)
        if not kids:
            return cpu, reaped, len(killed)
        for pid, _ in kids:
            try:
                got, _, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if got:
                cpu += usage.ru_utime + usage.ru_stime
                reaped += 1
        now = time.monotonic()
        if now > deadline + GRACE:
            return cpu, reaped, len(killed)
        if now > deadline:
            if group and not killed:
                try:
                    os.killpg(group, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for pid, state in children(wanted):
                if state != "Z":  # (one that has ended is only waiting to be reaped)
                    killed.add(pid)
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
        time.sleep(0.005)
