"""The floor of a report build: papermill running notebooks that only import.

``python benchmarks/floor.py --make NOTEBOOKS_DIR FLOOR_DIR`` writes one floor
notebook per report notebook (``NN_*.ipynb``): a single code cell holding that
notebook's import lines (``%matplotlib inline``, ``import …``, ``from … import …``),
nothing else.

``python benchmarks/floor.py FLOOR_DIR --output-dir OUT --jobs 2`` runs them the
way ``sofstat report`` runs the report notebooks (read
lib/sofstat/report/notebooks.py): papermill imported in the main thread before
any worker starts, a thread pool of ``--jobs`` workers, largest notebook first,
kernel ``python3``, the kernel's working folder through nbclient's resources,
no progress bar, no cell timing, no save per cell, kernel shutdown
"immediate". Like the report's process (lib/sofstat/report/__init__.py), it
makes the optional import ``rfc3987_syntax`` fail fast before nbformat is
loaded, so that the floor does not pay the ~3 s the report avoids.

This is the least a process can do to run that many notebooks with those
imports at that parallelism; ``benchmarks/run.py`` times it as a whole process.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

# As the report's process does before nbformat is first imported (see the module docstring).
sys.modules.setdefault("rfc3987_syntax", None)

NOTEBOOK_PATTERN = re.compile(r"^\d\d_.+\.ipynb$")
_IMPORT = re.compile(r"^(?:%matplotlib inline|import \S.*|from \S+ import \S.*)$")


def import_lines(source: str) -> list[str]:
    """The ``%matplotlib inline`` and top-level import lines of a code cell, in order."""
    return [line.rstrip() for line in source.splitlines() if _IMPORT.match(line.rstrip())]


def make_floor_notebooks(notebooks_dir: Path, floor_dir: Path) -> list[Path]:
    """Write one floor notebook per report notebook into ``floor_dir``; return their paths."""
    import nbformat

    floor_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for nb_path in sorted(p for p in notebooks_dir.iterdir() if NOTEBOOK_PATTERN.match(p.name)):
        nb = nbformat.read(nb_path, as_version=4)
        lines: list[str] = []
        for cell in nb.cells:
            if cell.cell_type == "code":
                lines += import_lines(cell.source)
        if not lines:
            raise SystemExit(f"floor: {nb_path.name} has no import lines")
        floor = nbformat.v4.new_notebook(metadata=nb.metadata)
        floor.cells = [nbformat.v4.new_code_cell("\n".join(dict.fromkeys(lines)))]
        target = floor_dir / nb_path.name
        nbformat.write(floor, target)
        out.append(target)
    return out


def run(floor_dir: Path, output_dir: Path, jobs: int, timings: Path | None) -> int:
    """Run the floor notebooks in ``floor_dir``, ``jobs`` at a time; 0 when all ran."""
    import concurrent.futures as cf

    import papermill as pm  # in the main thread, before any worker starts (as the report does)

    notebooks = sorted(p for p in floor_dir.iterdir() if NOTEBOOK_PATTERN.match(p.name))
    order = sorted(notebooks, key=lambda p: -p.stat().st_size)
    output_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    spans: dict[str, tuple[float, float]] = {}

    def execute(nb: Path) -> str | None:
        t0 = time.perf_counter() - started
        try:
            pm.execute_notebook(
                str(nb),
                str(output_dir / nb.name),
                resources={"metadata": {"path": str(output_dir)}},
                kernel_name="python3",
                progress_bar=False,
                record_timing=False,
                request_save_on_cell_execute=False,
                shutdown_kernel="immediate",
            )
        except Exception as exc:
            return f"{nb.name}: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        finally:
            spans[nb.name] = (t0, time.perf_counter() - started)
        return None

    with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        errors = [e for e in pool.map(execute, order) if e]
    if timings is not None:
        timings.write_text(
            json.dumps({"total": time.perf_counter() - started, "notebooks": spans}, indent=1),
            encoding="utf-8",
        )
    for e in errors:
        print(f"floor: {e}", file=sys.stderr)
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("floor_dir", type=Path, nargs="?", help="folder of floor notebooks to run")
    parser.add_argument("--make", nargs=2, type=Path, metavar=("NOTEBOOKS_DIR", "FLOOR_DIR"))
    parser.add_argument("--output-dir", type=Path, help="where the executed notebooks go")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timings", type=Path, help="write per-notebook start and end times (JSON) here")
    args = parser.parse_args(argv)
    if args.make:
        for p in make_floor_notebooks(*args.make):
            print(p)
        return 0
    if args.floor_dir is None or args.output_dir is None:
        parser.error("give FLOOR_DIR and --output-dir (or --make)")
    return run(args.floor_dir, args.output_dir, args.jobs, args.timings)


if __name__ == "__main__":
    sys.exit(main())
