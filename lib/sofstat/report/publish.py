"""Publishing a finished build so that the good report is always there.

- **A lock per period** (``reports/.<period>.lock``, an OS file lock that dies
  with its process): a second build of the same period waits for the first,
  then goes on; it gives up with a clear message after ``timeout`` seconds.
- **An atomic switch**: the build is made in ``reports/.<period>.build-*`` and
  swapped with ``reports/<period>`` in one step (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``; the first build of a period is a plain rename, also
  atomic). A build killed at any moment leaves ``reports/<period>`` either the
  old report or the new one, complete. Where the exchange is not available
  the old folder is first renamed aside, and the next build puts it back if
  the process died in between.
- **Cleanup**: holding the lock, a build removes the temporary folders of
  earlier builds of its period that died. A failed build is kept in
  ``reports/<period>.failed-<time>-<pid>``, which no build ever deletes
  (``make clean`` does).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import ReportError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return False
    res = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if res != 0:
        err = ctypes.get_errno()
        if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not supported here
            return False
        raise OSError(err, os.strerror(err), str(b))
    return True


@contextlib.contextmanager
def period_lock(out_root: Path, period: str, log=print, timeout: float = 1800.0):
    """Hold the period's build lock; wait (saying so) while another build holds it.

    Raises:
        ReportError: when the other build still holds it after ``timeout`` seconds.
    """
    path = out_root / f".{period}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            deadline, said = time.monotonic() + timeout, False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                    if not said:
                        log(
                            f"Another build of {period} is running (pid {holder}); waiting for it to finish …"
                        )
                        said = True
                    if time.monotonic() > deadline:
                        raise ReportError(
                            f"another build of {period} (pid {holder}) has held {path} for over {timeout:.0f} s; "
                            "stop it or wait, then build again"
                        ) from None
                    time.sleep(0.25)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


def recover(out_root: Path, period: str) -> None:
    """Put back a report left aside by a build that died mid-switch (no exchange available)."""
    final = out_root / period
    if final.exists():
        return
    aside = sorted(out_root.glob(f".{period}.old-*"))
    if aside:
        aside[-1].rename(final)


def clean_stale(out_root: Path, period: str) -> list[Path]:
    """Remove temporary folders of dead builds of ``period`` (call holding the lock)."""
    removed = []
    for pattern in (f".{period}.build-*", f".{period}.old-*"):
        for p in out_root.glob(pattern):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def new_build_dir(out_root: Path, period: str) -> Path:
    """A fresh temporary folder for a build, next to where the report goes."""
    return Path(tempfile.mkdtemp(prefix=f".{period}.build-", dir=out_root))


def keep_failed(build: Path, out_root: Path, period: str) -> Path:
    """Keep a failed build under a name of its own; return it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = out_root / f"{period}.failed-{stamp}-{os.getpid()}"
    build.rename(target)
    return target


def publish(build: Path, final: Path) -> None:
    """Make ``build`` the report at ``final`` in one atomic step; remove the old report."""
    build.chmod(0o755)
    if not final.exists():
        build.rename(final)
        return
    if _exchange(build, final):
        shutil.rmtree(build)  # now holds the old report
        return
    aside = final.parent / f".{final.name}.old-{os.getpid()}"
    final.rename(aside)
    build.rename(final)
    shutil.rmtree(aside)
