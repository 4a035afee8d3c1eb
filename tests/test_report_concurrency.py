"""The report command under concurrency: the atomic switch, the per-period lock, a build
killed at random moments, and builds in parallel threads of one fresh process."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat

from sofstat.report import publish


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_switch_is_atomic_and_the_report_is_always_there(tmp_path):
    final = tmp_path / "2024-H1"
    final.mkdir()
    (final / "index.html").write_text("v0")
    seen_missing = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if not (final / "index.html").exists():
                seen_missing.append(time.perf_counter())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for k in range(1, 40):
            build = publish.new_build_dir(tmp_path, "2024-H1")
            (build / "index.html").write_text(f"v{k}")
            publish.publish(build, final)
    finally:
        stop.set()
        watcher.join()
    assert seen_missing == []
    assert (final / "index.html").read_text() == "v39"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-H1"]


def test_stale_builds_are_removed_and_a_report_left_aside_is_restored(tmp_path):
    (tmp_path / ".2024-H1.build-dead").mkdir()
    aside = tmp_path / ".2024-H1.old-123"
    aside.mkdir()
    (aside / "index.html").write_text("good")
    kept = tmp_path / "2024-H1.failed-20240101-000000-1"
    kept.mkdir()
    publish.recover(tmp_path, "2024-H1")
    assert (tmp_path / "2024-H1" / "index.html").read_text() == "good"
    publish.clean_stale(tmp_path, "2024-H1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-H1", "2024-H1.failed-20240101-000000-1"]


def test_second_build_of_a_period_waits_then_gives_up(tmp_path):
    lines = []
    with publish.period_lock(tmp_path, "2024-H1"):
        code = (
            "import sys; from pathlib import Path; from sofstat.report import publish\n"
            "try:\n"
            "    with publish.period_lock(Path(sys.argv[1]), '2024-H1', timeout=1.0): print('got it')\n"
            "except Exception as e: print(type(e).__name__, e)\n"
        )
        res = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
        )
        lines = res.stdout.splitlines()
    assert lines[0].startswith("Another build of 2024-H1 is running (pid ")
    assert lines[-1].startswith("ReportError another build of 2024-H1")
    res = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert res.stdout.strip() == "got it"  # the lock dies with its holder


def _first(pattern: str, root: Path, timeout: float = 120.0) -> Path:
    """The first path under ``root`` matching ``pattern``, waited for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = next(root.glob(pattern), None)
        if found is not None:
            return found
        time.sleep(0.01)
    raise AssertionError(f"nothing matched {pattern} under {root} in {timeout} s")


def test_killed_build_leaves_the_previous_report(tmp_path, baseline_report):
    """Killed (the whole process group) as soon as its build folder exists, and again once its
    kernels have begun to write figures: the earlier report stays as it was."""
    out = tmp_path / "reports"
    shutil.copytree(baseline_report, out / "2024-H1")
    before = {p: (out / "2024-H1" / p).read_bytes() for p in _files(out / "2024-H1")}
    for moment in (".2024-H1.build-*", ".2024-H1.build-*/figures/*.png"):
        proc = subprocess.Popen(
            [sys.executable, "-m", "sofstat", "report", "--output-dir", str(out), "--no-pdf"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _first(moment, out)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert {p: (out / "2024-H1" / p).read_bytes() for p in _files(out / "2024-H1")} == before
    publish.clean_stale(out, "2024-H1")
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock")) == ["2024-H1"]


def test_report_module_imports_jupyter_client_and_not_pandas_or_papermill():
    """``import sofstat.report`` takes jupyter_client into the importing thread (the kernels
    start from it), and neither pandas nor papermill: the build imports those while its kernels
    start, papermill under a lock so that builds in several threads do not race."""
    code = (
        "import sys, sofstat.report\n"
        "print('jupyter_client.manager' in sys.modules)\n"
        "print(any(m in sys.modules for m in ('pandas', 'papermill', 'nbclient')))\n"
        "from sofstat.report import build\n"
        "nbs = build._heavy_imports()[0]\n"
        "print(all(m in sys.modules for m in ('papermill', 'nbclient')), nbs.__name__)\n"
        "print(build._IMPORT_LOCK.locked())\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.stdout.split() == ["True", "False", "True", "sofstat.report.notebooks", "False"], res.stderr


THREADED_BUILDS = """
import sys, threading
from pathlib import Path
import sofstat.report  # jupyter_client here, in the main thread; papermill in the first build, under a lock
root, notebooks = Path(sys.argv[1]), Path(sys.argv[2])
errors = []
def build(k):
    try:
        sofstat.report.build_report(None, None, root / f"out{k}", workers=1, notebooks_dir=notebooks, log=lambda *_: None, pdf=False)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
threads = [threading.Thread(target=build, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print("errors:", errors)
print("pandas:", "pandas" in sys.modules)  # the workbook and the page are made without it
"""


def test_builds_in_parallel_threads_of_a_fresh_process(tmp_path):
    """Four builds at once in one fresh interpreter: the first import of papermill and
    jupyter_client must not race (it once failed one build in three). One worker (one kernel)
    per build: the race is in the builds' threads, and four kernels on two cores are enough.
    The builds' own process never imports pandas (only their kernels do)."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    for k in range(2):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell('period = ""\ncatalog_path = ""\noutput_dir = ""')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell("import sofstat\nprint(sofstat.__version__)")]
        nbformat.write(nb, folder / f"0{k}_x.ipynb")
    for _ in range(2):
        res = subprocess.run(
            [sys.executable, "-c", THREADED_BUILDS, str(tmp_path), str(folder)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert res.stdout.split("\n")[:2] == ["errors: []", "pandas: False"], res.stdout + res.stderr
        for k in range(4):
            assert (tmp_path / f"out{k}" / "2024-H1" / "index.html").exists()
