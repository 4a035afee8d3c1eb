"""Stress the report command as users do, with whole processes.

1. ``--builds N``: N builds of the default period in a row, each a fresh
   ``python -m sofstat report`` (notebooks two at a time), counting failures
   (the import race once failed one build in three).
2. ``--kills K``: K builds killed (SIGKILL, the whole process group) at
   seeded random moments; after each, ``reports/<period>`` must be a complete
   report: every file the manifest lists is there with its SHA-256.

    .venv/bin/python scripts/stress_builds.py --builds 20 --kills 10 --output-dir /tmp/stress

Prints one line per run and a summary; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path


def complete(report: Path) -> str | None:
    """None when every file of the manifest is there with its hash; else what is wrong."""
    manifest = report / "manifest.json"
    if not manifest.exists():
        return "no manifest.json"
    for f in json.loads(manifest.read_text())["files"]:
        p = report / f["path"]
        if not p.exists():
            return f"missing {f['path']}"
        if hashlib.sha256(p.read_bytes()).hexdigest() != f["sha256"]:
            return f"changed {f['path']}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builds", type=int, default=20)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--output-dir", default="/tmp/sofstat-stress")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "sofstat", "report", "--output-dir", str(out), "--jobs", "2"]
    failures = 0
    durations = []
    for k in range(1, args.builds + 1):
        t = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True)
        durations.append(time.perf_counter() - t)
        report = out / "2024-H1"
        problem = None if res.returncode == 0 else res.stderr.strip()[-300:]
        problem = problem or complete(report)
        failures += bool(problem)
        print(
            f"build {k:2d}: {'ok' if not problem else 'FAILED: ' + problem} ({durations[-1]:.1f} s)",
            flush=True,
        )
    rnd = random.Random(args.seed)
    typical = sorted(durations)[len(durations) // 2] if durations else 20.0
    for k in range(1, args.kills + 1):
        delay = rnd.uniform(0.2, typical * 1.05)
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        problem = complete(out / "2024-H1")
        failures += bool(problem)
        state = "finished before the kill" if finished else "killed"
        print(
            f"kill {k:2d} after {delay:5.1f} s ({state}): {'report complete' if not problem else 'BROKEN: ' + problem}",
            flush=True,
        )
    left = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    print(f"hidden leftovers after the kills (removed by the next build): {left}")
    res = subprocess.run(cmd, capture_output=True, text=True)
    after = sorted(p.name for p in out.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock"))
    print(f"after one more build: exit {res.returncode}, leftovers {after}")
    failures += res.returncode != 0 or bool(after)
    print(f"SUMMARY: {args.builds} builds, {args.kills} kills, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
