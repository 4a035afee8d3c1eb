"""Command line: ``sofstat report``, ``sofstat check`` and ``sofstat refresh-notebooks``.

Bad input never shows a traceback: the command prints one line naming the
file and the problem (``sofstat check`` lists them all) and exits non-zero.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
from typing import NoReturn

from .errors import CatalogError, InputError, ReportError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sofstat", description="Half-yearly report to SON on SOF's unit managers."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="build reports/<period>/ from the period's inputs")
    rep.add_argument("--period", help="period id in the catalogue, e.g. 2024-H1 (default: the latest)")
    rep.add_argument("--catalog", help="periods catalogue (default: data/periods.yml)")
    rep.add_argument("--output-dir", help="where reports go (default: reports/)")
    rep.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: cores)")
    rep.add_argument("--no-pdf", action="store_true", help="do not print rapport.pdf (no Chromium needed)")
    chk = sub.add_parser("check", help="validate input files, listing every problem (no report is built)")
    chk.add_argument(
        "paths",
        nargs="*",
        help="input files (staffing, survey, sick leave, guideline, activities, catalogue)",
    )
    chk.add_argument("--period", help="check every input the report for this period reads")
    chk.add_argument("--catalog", help="periods catalogue (default: data/periods.yml)")
    sub.add_parser("refresh-notebooks", help="re-execute notebooks/ in place (stored outputs for nbval)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            from .check import main as check_main  # the readers (and pandas) only when checking

            return check_main(args)
        from .report import build_report, refresh_notebooks  # papermill, imported once, in this thread

        if args.command == "report":
            build_report(args.period, args.catalog, args.output_dir, args.jobs, pdf=not args.no_pdf)
        else:
            refresh_notebooks()
    except (InputError, CatalogError, ReportError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


def run() -> NoReturn:
    """The command itself (``python -m sofstat``, ``sofstat``): :func:`main`, then :func:`exit_now`."""
    exit_now(main())


def exit_now(code: int) -> NoReturn:
    """End the process with ``code``, without Python's shutdown where nothing needs it.

    When the command is done, every file it wrote is closed and every process it started (kernels,
    Chromium) has ended. Python's own shutdown would then only take the modules apart and free
    the objects one by one (pandas, Matplotlib, nbformat, the notebooks read), memory the system
    takes back at once anyway: about 0.5 s at the end of a report build, measured. So the exit
    handlers run (``atexit``: logging, temporary folders, a coverage measurement's data), the
    streams are flushed, and the process ends. While a thread of its own (not a daemon) still
    runs, Python's shutdown runs as usual, which waits for it.
    """
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()  # (what Python's shutdown does first; they are then done)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``), a closed stream: nothing to keep
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
