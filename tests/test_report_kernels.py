"""The report's notebooks share a kernel per worker: each notebook must see the kernel as a new one.

tests/test_report.py::test_builds_are_byte_identical compares a build whose notebooks each had a
kernel of their own with the shared build (two kernels, each running notebooks one after another).
Here small notebooks check that nothing a notebook sets (names, warning filters, Matplotlib's
rcParams, pandas' options, figures, the working folder, the execution count) reaches the next one.
"""

import os
from pathlib import Path

import nbformat

from sofstat.report import notebooks as nbs


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


def _outputs(path: Path) -> list[str]:
    """Every cell's text output and its execution count, of an executed notebook."""
    nb = nbformat.read(path, as_version=4)
    return [
        f"{c.execution_count}:"
        + "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in c.outputs)
        for c in nb.cells
    ]


def test_a_notebook_sees_nothing_of_the_one_before(tmp_path):
    """One worker, one kernel: the second notebook finds the kernel as new."""
    first, second = tmp_path / "work1", tmp_path / "work2"
    first.mkdir()
    second.mkdir()
    a = _notebook(
        tmp_path / "00_a.ipynb",
        "import warnings, os, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt\n"
        "left_behind = 1\n"
        "warnings.simplefilter('ignore')\n"
        "mpl.rcParams['font.size'] = 31\n"
        "pd.set_option('display.max_rows', 3)\n"
        "fig = plt.figure()\n"
        "os.chdir('/')\n"
        "print(os.getcwd() != '/')" + "  # " + "x" * 500,
        # (the largest notebook runs first)
        "warnings.warn('shown', UserWarning)",
    )
    b = _notebook(
        tmp_path / "01_b.ipynb",
        "import os, warnings, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt\n"
        "print('left_behind' in globals(), 'fig' in globals(), len(plt.get_fignums()))\n"
        "print(mpl.rcParams['font.size'], pd.get_option('display.max_rows'))\n"
        f"print(os.getcwd() == {str(second)!r})",
        "warnings.warn('shown', UserWarning)",
        "print(Out, _)",
    )
    jobs = [nbs.Job(a, first / a.name, {}, first), nbs.Job(b, second / b.name, {}, second)]
    assert nbs.run_notebooks(jobs, 1, lambda *_: None) == []
    # the first ran in '/', showed its open figure and ignored warnings
    assert _outputs(first / a.name) == ["1:False\n<Figure size 640x480 with 0 Axes>", "2:"]
    out = _outputs(second / b.name)
    assert out[0] == "1:False False 0\n10.0 60\nTrue\n" and out[2] == "3:{} \n"
    shown = nbformat.read(second / b.name, as_version=4).cells[1].outputs  # the warning filters too
    assert [o.get("name") for o in shown] == ["stderr"] and "UserWarning: shown" in shown[0]["text"]


def test_a_dead_kernel_or_a_failed_notebook_gets_a_new_kernel(tmp_path):
    """A notebook that kills its kernel, or fails, does not take the next one with it."""
    pid = "import os\nprint(os.getpid())"
    paths = [
        _notebook(tmp_path / "00_dies.ipynb", pid + "  # " + "x" * 600, "os._exit(3)"),
        _notebook(tmp_path / "01_fails.ipynb", pid + "  # " + "x" * 300, "raise ValueError('trasig')"),
        _notebook(tmp_path / "02_ok.ipynb", pid, "print(1 + 1)"),
    ]
    jobs = [nbs.Job(p, tmp_path / "out" / p.name, {}, tmp_path) for p in paths]
    (tmp_path / "out").mkdir()
    errors = nbs.run_notebooks(jobs, 1, lambda *_: None, stop_on_failure=False)
    assert len(errors) == 2
    assert errors[0].startswith("notebook 00_dies.ipynb failed")
    assert "01_fails.ipynb failed in cell 1" in errors[1] and "ValueError: trasig" in errors[1]
    ok = nbformat.read(tmp_path / "out" / "02_ok.ipynb", as_version=4)
    assert ok.cells[1].outputs[0]["text"] == "2\n"
    pids = [  # (papermill puts a Markdown cell on top of a failed notebook)
        int(
            next(
                c
                for c in nbformat.read(tmp_path / "out" / p.name, as_version=4).cells
                if c.cell_type == "code"
            ).outputs[0]["text"]
        )
        for p in paths[1:]
    ]
    assert pids[0] != pids[1] and os.getpid() not in pids  # the failed notebook's kernel was replaced


def test_kernels_and_what_they_started_are_gone_when_the_notebooks_are_done(tmp_path):
    """run_notebooks kills each kernel's process group and reaps it: no kernel, and no process
    a notebook left running, outlives the build."""
    child = "import os, subprocess\nkid = subprocess.Popen(['sleep', '300'])\nprint(os.getpid(), kid.pid)"
    paths = [_notebook(tmp_path / f"0{i}_kid.ipynb", child + "  # " + "x" * (100 * i)) for i in range(3)]
    jobs = [nbs.Job(p, tmp_path / "out" / p.name, {}, tmp_path) for p in paths]
    (tmp_path / "out").mkdir()
    assert nbs.run_notebooks(jobs, 2, lambda *_: None) == []
    pids = {int(x) for p in paths for x in _outputs(tmp_path / "out" / p.name)[0].split(":")[1].split()}
    assert len(pids) == 3 + 2  # two kernels (one per worker), three children
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        with open(f"/proc/{pid}/stat") as stat:  # a zombie of a process we did not start is gone too
            assert stat.read().split(")")[-1].split()[0] == "Z", f"process {pid} still runs"
