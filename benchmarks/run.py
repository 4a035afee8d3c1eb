"""Benchmarks for sofstat (``make bench``): prints tables and writes docs/benchmarks.md.

1. Report build against its floor: the full report for the default period,
   against papermill running the same number of notebooks that only import
   what the report notebooks import, in the same process set-up (the same
   worker pool). Median of ``--runs`` runs each (at least 3).
2. Reader scaling: ``read_staffing`` on synthetic published-style tables of
   1 000, 10 000 and 100 000 rows (generated here, never committed) against
   ``pandas.read_csv`` on the same rows as CSV, with time per row and peak
   memory.

This is a benchmark, not a test: nothing here fails on time.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import nbformat
import pandas as pd

import sofstat
from sofstat import paths
from sofstat.report import _Job, build_report, report_notebooks, run_notebooks

GOAL_BUILD_RATIO = 1.3
GOAL_READER_RATIO = 3.0
OUT = paths.PROJECT_ROOT / "docs" / "benchmarks.md"


def median_time(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


# --- 1. report build against its floor ---------------------------------


def floor_notebooks(folder: Path) -> list[Path]:
    """One notebook per report notebook, holding only that notebook's imports."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for nb_path in report_notebooks():
        nb = nbformat.read(nb_path, as_version=4)
        imports = ["%matplotlib inline"]
        for cell in nb.cells:
            if cell.cell_type == "code":
                imports += [
                    line
                    for line in cell.source.splitlines()
                    if re.match(r"^(import|from) \S+ import|^import ", line)
                ]
        floor = nbformat.v4.new_notebook(metadata=nb.metadata)
        floor.cells = [
            nbformat.v4.new_code_cell('output_dir = ""', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("\n".join(dict.fromkeys(imports))),
        ]
        target = folder / nb_path.name
        nbformat.write(floor, target)
        out.append(target)
    return out


def bench_build(runs: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floors = floor_notebooks(tmp / "floor")

        def floor(n_workers: int):
            def run():
                with tempfile.TemporaryDirectory() as out_name:
                    out = Path(out_name)
                    jobs = [_Job(nb, out / nb.name, {"output_dir": "."}, out) for nb in floors]
                    errors = run_notebooks(jobs, n_workers, log=lambda *_: None)
                    assert not errors, errors

            return run

        def report():
            with tempfile.TemporaryDirectory() as out_name:
                build_report(None, None, out_name, workers=workers, log=lambda *_: None)

        report_med, report_all = median_time(report, runs)
        floor_med, floor_all = median_time(floor(workers), runs)
        seq_med, seq_all = median_time(floor(1), runs)
    return {
        "notebooks": len(floors),
        "workers": workers,
        "report": (report_med, report_all),
        "floor": (floor_med, floor_all),
        "floor_sequential": (seq_med, seq_all),
        "ratio": report_med / floor_med,
        "ratio_sequential": report_med / seq_med,
    }


# --- 2. reader scaling --------------------------------------------------

_PLACES = ["Visby", "Slite", "Hemse", "Klintehamn", "Roma", "Fårösund", "Ljugarn", "Burgsvik"]
_KINDS = ["Hemtjänst", "Särskilt boende", "Område", "Team", "Enhet", "Boende", "Daglig verksamhet"]


def published_table(n: int, seed: int = 20240613) -> tuple[str, list[tuple]]:
    """A synthetic table in the published form, ``n`` unit rows, with page
    debris every 40 rows, 5 % units with several managers, 10 % names that
    end in a number and 1 % names that wrap onto the next line."""
    rnd = random.Random(seed)
    lines = ["Tabell 3. Antal tillsvidareanställda medarbetare per chef, mars 2024 ", "", "Antal ", ""]
    rows = []
    total = 0
    body = []
    for i in range(n):
        code = f"{5000000 + i:07d}"
        emp = rnd.randint(5, 60)
        managers = rnd.choice([2, 3]) if rnd.random() < 0.05 else 1
        emp *= managers
        fte = round(emp * rnd.uniform(0.85, 1.0), 2)
        age = round(rnd.uniform(35, 55), 1)
        name = f"{rnd.choice(_KINDS)} {rnd.choice(_PLACES)}"
        if rnd.random() < 0.10:
            name += f" {rnd.randint(1, 12)}"
        marker = f" (*{managers} chefer)" if managers > 1 else ""
        star = "*" if managers > 1 else ""
        nums = f"{emp}{star} {f'{fte:.2f}'.replace('.', ',')} {f'{age:.1f}'.replace('.', ',')} "
        if rnd.random() < 0.01:
            body += [f"{code} {name} och", f"samverkan{marker} {nums}"]
            name += " och samverkan"
        else:
            body.append(f"{code} {name}{marker} {nums}")
        if i % 40 == 39:
            body += [
                "",
                "Socialförvaltningens plan för att stärka enhetschefer  ",
                "  2024-2027 ",
                "   4 (15) ",
                "",
            ]
        rows.append((code, name, emp, fte, age, managers))
        total += emp
    return "\n".join(lines + body) + "\n", rows


def as_csv(rows: list[tuple]) -> str:
    head = "enhetskod;enhetsnamn;antal_tillsvidareanställda;antal_årsarbetare;medelålder;antal_chefer"
    body = [
        f"{c};{n};{e};{f'{f:.2f}'.replace('.', ',')};{f'{a:.1f}'.replace('.', ',')};{m}"
        for c, n, e, f, a, m in rows
    ]
    return "\n".join([head, *body]) + "\n"


def peak_memory(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_reader(sizes: list[int], runs: int) -> list[dict]:
    out = []
    for n in sizes:
        text, rows = published_table(n)
        csv = as_csv(rows)
        df = sofstat.read_staffing(text)
        assert len(df) == n and df["employees"].tolist() == [r[2] for r in rows], (
            "reader disagrees with generator"
        )

        def ours(text=text):
            sofstat.read_staffing(text)

        def theirs(csv=csv):
            pd.read_csv(io.StringIO(csv), sep=";", decimal=",", dtype={"enhetskod": "str"})

        t_ours, _ = median_time(ours, runs)
        t_csv, _ = median_time(theirs, runs)
        out.append(
            {
                "rows": n,
                "read_staffing": t_ours,
                "read_csv": t_csv,
                "ratio": t_ours / t_csv,
                "us_per_row": 1e6 * t_ours / n,
                "peak_ours": peak_memory(ours),
                "peak_csv": peak_memory(theirs),
            }
        )
    return out


# --- report --------------------------------------------------------------


def fmt(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}"


def render(build: dict | None, reader: list[dict] | None, runs: int) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` (`benchmarks/run.py`), median of {runs} runs. Machine: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, sofstat {sofstat.__version__}. "
        "Timings vary with the machine; the ratios are what to read.",
        "",
    ]
    if build:
        r, f, s = build["report"][0], build["floor"][0], build["floor_sequential"][0]
        met = build["ratio"] <= GOAL_BUILD_RATIO
        lines += [
            "## Report build against its floor",
            "",
            f"{build['notebooks']} notebooks, {build['workers']} at a time. The floor runs the same number of "
            "notebooks through the same papermill worker pool, each holding only the imports of its report "
            "notebook.",
            "",
            "| What | Median, s | Runs, s |",
            "|---|---:|---|",
            f"| Full report (`build_report`) | {fmt(r)} | {', '.join(fmt(x) for x in build['report'][1])} |",
            f"| Floor, same worker pool | {fmt(f)} | {', '.join(fmt(x) for x in build['floor'][1])} |",
            f"| Floor, one at a time | {fmt(s)} | {', '.join(fmt(x) for x in build['floor_sequential'][1])} |",
            "",
            f"- Report ÷ floor: **{fmt(build['ratio'])}** (goal ≤ {GOAL_BUILD_RATIO}): "
            + (
                "**met**."
                if met
                else f"**missed** by {fmt(100 * (build['ratio'] / GOAL_BUILD_RATIO - 1), 0)} %."
            ),
            f"- Report ÷ sequential floor: **{fmt(build['ratio_sequential'])}** "
            + (
                "(the parallel build beats the sequential floor)."
                if r < s
                else "(does not beat the sequential floor)."
            ),
            "",
        ]
        if not met:
            lines += [
                "Why: beyond starting kernels and importing, the report reads and checks every input, "
                "draws each chart once as PNG and once as SVG (the summary's eleven small charts and the "
                "59-unit bar chart take about a second each), and then, in the parent process and after "
                "every notebook has finished, renders one HTML page with nbconvert (about 1 s), writes the "
                "workbook and hashes every file for the manifest. With two cores and five notebooks the "
                "notebooks run two at a time (threads; each kernel is its own process).",
                "",
            ]
    if reader:
        big = reader[-1]
        met = big["ratio"] <= GOAL_READER_RATIO
        flat = max(r["us_per_row"] for r in reader) / min(r["us_per_row"] for r in reader)
        lines += [
            "## Reader scaling",
            "",
            "`read_staffing` on synthetic tables in the published form (page debris every 40 rows, 5 % units "
            "with several managers, 10 % names ending in a number, 1 % wrapped names), against "
            "`pandas.read_csv` on the same rows as a `;`-CSV.",
            "",
            "| Rows | read_staffing, s | read_csv, s | Ratio | µs per row | Peak memory, read_staffing | "
            "Peak memory, read_csv |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in reader:
            lines.append(
                f"| {r['rows']:,} | {fmt(r['read_staffing'], 4)} | {fmt(r['read_csv'], 4)} | {fmt(r['ratio'], 1)} | "
                f"{fmt(r['us_per_row'], 2)} | {r['peak_ours'] / 2**20:.1f} MiB | {r['peak_csv'] / 2**20:.1f} MiB |"
            )
        lines += [
            "",
            f"- Ratio at {big['rows']:,} rows: **{fmt(big['ratio'], 1)}** (goal ≤ {GOAL_READER_RATIO}): "
            + ("**met**." if met else f"**missed**, by a factor {fmt(big['ratio'] / GOAL_READER_RATIO, 1)}."),
            f"- Time per row from the smallest to the largest table varies by a factor {fmt(flat, 2)} "
            "(flat = close to 1).",
            "",
        ]
        if not met:
            lines += [
                "Why: `read_csv` parses a clean delimited file in C. The published table is text extracted from "
                "a PDF: fields are separated by the same spaces that also group thousands and separate the "
                "words of a name, so each line has to be matched against a pattern. `read_staffing` reads "
                "the unambiguous common shape in one regular-expression pass over the whole text and only "
                "the rest line by line, but Python's regular-expression engine alone costs about "
                "2 µs per line, several times what `read_csv` spends. Reaching 3× would take a compiled "
                "parser (or pyarrow's RE2 kernels, about 3.5× in a trial), which we judged not worth a new "
                "dependency at the sizes SOF has (about 70 rows).",
                "",
            ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (at least 3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-reader", action="store_true")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    runs = max(3, args.runs)
    build = None if args.skip_build else bench_build(runs, min(args.workers, len(report_notebooks())))
    reader = None if args.skip_reader else bench_reader([1_000, 10_000, 100_000], runs)
    text = render(build, reader, runs)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"\nWritten to {paths.display_path(args.output)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
