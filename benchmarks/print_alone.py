"""What the PDF alone costs: a built page printed by a Chromium that is already running.

``python benchmarks/print_alone.py PAGE --runs 5 --json OUT`` does, ``--runs``
times: start the report's :class:`sofstat.report.pdf.Printer`, wait until
Chromium answers and then ``--settle`` seconds more (it finishes starting up
in the background; a build's Chromium has the last notebook's time for that),
print ``PAGE`` once (timed), stop Chromium (timed). The CPU
of each Chromium (all its processes, from ``RUSAGE_CHILDREN`` once it has
ended, with those that outlived the browser, reaped as their child subreaper:
see ``reaper.py``; the JSON's ``subreaper`` says whether it could) is what a
build's CPU counts for its PDF.

A build does exactly this once, and its print is on the critical path after
the last notebook: this is the least the PDF can add to a build that has its
page. ``benchmarks/run.py`` uses it to say how close to the floor a build with
the PDF can get.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import reaper  # benchmarks/, this script's folder

from sofstat.report.pdf import Printer


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def measure(page: Path, runs: int, settle: float, subreaper: bool = False) -> dict:
    """Medians over ``runs`` Chromiums, each started, printing ``page`` once and stopped."""
    ready, prints, closes, cpus = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="sofstat-print-") as tmp:
        for k in range(runs):
            cpu0 = _children_cpu()
            t = time.perf_counter()
            with Printer() as printer:
                printer._call("Browser.getVersion", deadline=time.monotonic() + 60)
                ready.append(time.perf_counter() - t)
                time.sleep(settle)
                t = time.perf_counter()
                printer.print(page, Path(tmp) / f"{k}.pdf")
                prints.append(time.perf_counter() - t)
                t = time.perf_counter()
            closes.append(time.perf_counter() - t)
            reaper.reap(reaper.is_chromium, timeout=30)  # (what it reaps counts in RUSAGE_CHILDREN)
            cpus.append(_children_cpu() - cpu0)
        same = len({(Path(tmp) / f"{k}.pdf").read_bytes() for k in range(runs)}) == 1
    return {
        "runs": runs,
        "settle": settle,
        "ready": ready,
        "print": prints,
        "close": closes,
        "cpu": cpus,
        "ready_median": statistics.median(ready),
        "print_median": statistics.median(prints),
        "close_median": statistics.median(closes),
        "cpu_median": statistics.median(cpus),
        "same_bytes": same,
        "subreaper": subreaper,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="a built index.html")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds between ready and print")
    parser.add_argument("--json", type=Path, required=True, help="where the measurements go")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    subreaper = reaper.become_subreaper()
    args.json.write_text(
        json.dumps(measure(args.page.resolve(), args.runs, args.settle, subreaper), indent=1),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
