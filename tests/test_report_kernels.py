"""The report's notebooks share a kernel per worker: each notebook must see the kernel as a new one.

tests/test_report.py::test_builds_are_byte_identical compares a build whose notebooks each had a
kernel of their own with the shared build (two kernels, each running notebooks one after another).
Here small notebooks check that nothing a notebook sets (names, warning filters, Matplotlib's
rcParams, pandas' options, figures, the working folder, the execution count) reaches the next one.
"""

import os
import signal
import threading
import time
from pathlib import Path

import nbformat
import pytest

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
    printed = [_outputs(tmp_path / "out" / p.name)[0].split(":")[1].split() for p in paths]
    kernel_pids, child_pids = {int(k) for k, _ in printed}, {int(c) for _, c in printed}
    assert len(kernel_pids) == 2 and len(child_pids) == 3  # two kernels (one per worker), three children
    for pid in kernel_pids:
        assert not _exists(pid), f"kernel {pid} was not reaped"
    for pid in child_pids:  # the kernel's children: killed; a zombie if no process has reaped them yet
        assert not _exists(pid) or _state(pid) == "Z", f"process {pid} still runs"


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0]


def test_shutdown_kills_the_kernels_process_group_once_and_reaps_it(tmp_path, monkeypatch):
    """One SIGKILL to the group, then nothing: jupyter_client is told the process is gone, so it
    neither interrupts nor kills a process group whose number may since be another's."""
    [kernel] = nbs.start_kernels(1, tmp_path)
    pid = kernel.km.provisioner.process.pid
    sent = []
    real_killpg = os.killpg

    def killpg(pgid, sig):
        sent.append((pgid, signal.Signals(sig).name, _exists(pid)))
        real_killpg(pgid, sig)

    monkeypatch.setattr(os, "killpg", killpg)
    kernel.shutdown()
    kernel.shutdown()  # (again: nothing more)
    assert sent == [(pid, "SIGKILL", True)]  # (the kernel leads its own process group)
    assert not _exists(pid) and kernel.km is None


def test_a_kernel_whose_start_is_interrupted_is_killed(tmp_path, monkeypatch):
    """Ctrl-C (or an error) after the kernel's process began but before start_kernels returned."""
    from jupyter_client.manager import AsyncKernelManager

    started = []
    real = AsyncKernelManager._async_post_start_kernel

    async def post_start(self, **kw):
        await real(self, **kw)
        started.append(self.provisioner.process.pid)
        raise KeyboardInterrupt

    monkeypatch.setattr(AsyncKernelManager, "_async_post_start_kernel", post_start)
    into: list = []
    with pytest.raises(KeyboardInterrupt):
        nbs.start_kernels(2, tmp_path, into=into)
    assert len(started) == 1 and len(into) == 1 and into[0].km is None
    assert not _exists(started[0])
    kernel = nbs.Kernel(tmp_path)  # a kernel started again (as a dead one is replaced), alone
    with pytest.raises(KeyboardInterrupt):
        kernel.start()
    assert len(started) == 2 and kernel.km is None and not _exists(started[1])


def test_run_notebooks_runs_in_the_kernels_it_is_given(tmp_path):
    kernels = nbs.start_kernels(1, tmp_path)
    pid = kernels[0].km.provisioner.process.pid
    path = _notebook(tmp_path / "01_pid.ipynb", "import os\nprint(os.getpid())")
    job = nbs.Job(path, tmp_path / "out.ipynb", {}, tmp_path)
    assert nbs.run_notebooks([job], 1, lambda *_: None, started=kernels) == []
    assert _outputs(tmp_path / "out.ipynb") == [f"1:{pid}\n"]
    assert kernels[0].km is None and not _exists(pid)  # shut down by run_notebooks


def test_interrupted_run_starts_no_other_notebook_and_ends_the_running_one(tmp_path):
    """Ctrl-C while notebooks run (here: raised by the progress line of the first to finish):
    the notebooks running are stopped by killing their kernels, and no kernel starts again."""
    quick = _notebook(tmp_path / "01_quick.ipynb", "print(1)  # " + "x" * 2000)  # the largest: first
    slow = "import time\ntime.sleep(20)\nprint('slept')  # "
    others = [_notebook(tmp_path / f"0{k}_slow.ipynb", slow + "x" * (1000 - k)) for k in (2, 3)]
    (tmp_path / "out").mkdir()
    jobs = [nbs.Job(p, tmp_path / "out" / p.name, {}, tmp_path) for p in (quick, *others)]

    def log(line):
        if "01_quick" in line:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        nbs.run_notebooks(jobs, 2, log)
    assert _outputs(tmp_path / "out" / "01_quick.ipynb") == ["1:1\n"]
    for p in others:
        out = tmp_path / "out" / p.name
        assert not out.exists() or "slept" not in "".join(_outputs(out)), p.name


def test_close_from_another_thread_kills_the_kernel_and_leaves_its_clients_to_their_thread(tmp_path):
    """What Ctrl-C does to the kernels while their notebooks run: the process is killed, and
    nothing else is touched from the stopping thread. The clients (which the worker running a
    notebook is using: closing them from another thread blocked for ever in ZeroMQ) and the
    manager (without which nbclient starts a new kernel and runs the notebook on) stay, so the
    worker sees a dead kernel; its own shutdown then cleans up."""
    [kernel] = nbs.start_kernels(1, tmp_path)
    km = kernel.km
    pid = km.provisioner.process.pid
    client = km.client()
    client.start_channels()
    closer = threading.Thread(target=kernel.close)
    closer.start()
    closer.join(timeout=30)
    assert not closer.is_alive()
    assert kernel.closed and kernel.km is km and km.has_kernel  # the manager still has its kernel
    assert client.channels_running and kernel.clients == [client]  # left to the thread using them
    km.provisioner.process.wait(timeout=10)  # (killed: it ends without being asked)
    with pytest.raises(nbs.ReportError, match="stopped"):
        kernel.prepare(tmp_path)  # not started again
    kernel.shutdown()
    assert kernel.km is None and kernel.clients == [] and not client.channels_running
    assert not _exists(pid)


def test_a_kernel_killed_while_it_is_made_new_stops_its_worker_at_once(tmp_path, monkeypatch):
    """Ctrl-C while a worker puts its kernel back as new for the next notebook: the killed
    kernel never answers, and the worker stops within a second or so, not after the 60 s timeout."""
    from sofstat.report import kernels

    [kernel] = nbs.start_kernels(1, tmp_path)
    kernel.prepare(tmp_path)  # ready (the first start, at its own pace)
    monkeypatch.setattr(kernels, "_FRESH", "import time\ntime.sleep(120)  # CWD")
    outcome: list = []

    def worker():
        try:
            kernel.prepare(tmp_path)
            outcome.append("prepared")
        except nbs.ReportError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=worker)
    thread.start()
    time.sleep(1.0)  # (the worker is waiting for the kernel's reply by then)
    kernel.close()
    thread.join(timeout=20)  # (without the check, it waited the 60 s)
    assert not thread.is_alive(), "the worker still waits for a killed kernel"
    kernel.shutdown()
    assert outcome == ["the notebooks were stopped"]
