"""Project set-up and layout: environment files agree, notebooks are thin, each rule has one home."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib

import nbformat
import pytest
import yaml

import sofstat
from sofstat import config
from sofstat.report.notebooks import declared_parameters, report_notebooks

ROOT = config.PROJECT_ROOT
LIB = ROOT / "lib" / "sofstat"
MODULES = sorted(LIB.rglob("*.py"))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip())
        if m:
            out[_norm(m.group(1))] = m.group(2)
    return out


def test_environment_yml_matches_pyproject_and_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_norm(re.split(r"[<>=!~\[ ]", d)[0]) for d in project["dependencies"]}
    wanted |= {_norm(re.split(r"[<>=!~\[ ]", d)[0]) for d in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
        else:
            name, _, version = dep.partition("=")
            conda[_norm(name)] = version
    assert pip == ["-e ."]
    assert set(conda) - {"python", "pip"} == wanted
    lock = _lock()
    for name in wanted:
        assert name in lock, f"{name} missing from requirements.lock"
        assert conda[name] == lock[name], f"{name}: environment.yml {conda[name]} != lock {lock[name]}"
    for design in ["pandas", "matplotlib", "seaborn", "jupyterlab", "papermill", "nbval"]:
        assert design in wanted
    text = (ROOT / "environment.yml").read_text()
    for name in re.findall(r"tests/\S+\.py", text):
        assert (ROOT / name).exists(), f"environment.yml names {name}, which does not exist"


def test_version_is_written_once():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert sofstat.__version__ == version
    hits = [p for p in MODULES if re.search(r"__version__\s*=\s*['\"]\d", p.read_text())]
    assert hits == []
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()


def test_package_data_exists():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, patterns in data.items():
        folder = LIB.parent / package.replace(".", "/")
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: {pattern} matches nothing"


def test_lib_is_tracked_not_ignored():
    try:
        res = subprocess.run(
            ["git", "check-ignore", "-q", "lib/sofstat/__init__.py"], cwd=ROOT, capture_output=True
        )
    except OSError:
        pytest.skip("git not available")
    if res.returncode == 128:
        pytest.skip("not a git checkout")
    assert res.returncode == 1, "lib/ is ignored by .gitignore"


def test_notebooks_are_thin_and_parameterised():
    notebooks = report_notebooks()
    assert [p.name[:2] for p in notebooks] == ["00", "01", "02", "03", "04", "05"]
    for nb_path in notebooks:
        params = declared_parameters(nb_path)  # raises unless plain literals
        assert {"period", "catalog_path", "output_dir", *config.THRESHOLDS} <= set(params)
        assert {k: params[k] for k in config.THRESHOLDS} == config.THRESHOLDS  # one name, one default
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert "sys.path" not in cell.source
            lines = [line for line in cell.source.splitlines() if not line.startswith("%")]
            tree = ast.parse("\n".join(lines))
            defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)]
            assert not defs, f"{nb_path.name}: define functions in sofstat, not in notebooks"
            assert len(lines) <= 20, f"{nb_path.name}: a code cell of {len(lines)} lines is not thin"


def test_makefile_default_goal_is_help():
    text = (ROOT / "Makefile").read_text()
    assert ".DEFAULT_GOAL := help" in text
    out = subprocess.run(["make", "-s", "-C", str(ROOT)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for target in ["report", "test", "lab", "fuzz", "check", "bench", "refresh-notebooks", "clean"]:
        assert f"make {target}" in out.stdout


def test_pytest_processes_start_without_compiling_the_rfc3987_grammar():
    """``make test`` names tests/fast_start.py first: nbval's nbformat is then imported without
    the RFC 3987 grammar (about 2 s in every pytest process), and the plugins still load."""
    import importlib.metadata

    try:
        importlib.metadata.distribution("rfc3987-syntax")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("rfc3987-syntax is not installed here: nothing to skip")
    assert "$(FAST_START) tests" in (ROOT / "Makefile").read_text()
    cmd = [sys.executable, "-X", "importtime", "-m", "pytest", "-p", "fast_start", "--co", "-q"]
    out = subprocess.run(
        [*cmd, "-p", "no:cacheprovider", "tests/fast_start.py"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    imported = {
        line.split("|")[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")
    }
    assert {"nbformat", "nbval.kernel", "xdist.plugin"} <= imported, out.stdout + out.stderr[-2000:]
    assert "rfc3987_syntax.syntax_helpers" not in imported


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make report" in readme
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "make test"
    for documented in ["sofstat check", "make fuzz", "load_period", "rapport.pdf", "targets:"]:
        assert documented in readme, documented


def test_public_api():
    for name in [
        "read_staffing",
        "read_guideline",
        "staff_per_manager",
        "check_totals",
        "read_survey",
        "read_sick_leave",
        "accumulated_sick_rate",
        "load_period",
        "load_catalog",
        "InputError",
        "CatalogError",
    ]:
        assert callable(getattr(sofstat, name)), name
    assert issubclass(sofstat.InputError, ValueError)


# --- one home per rule (issue: the layout) --------------------------------------------


def _source(path) -> str:
    return path.read_text(encoding="utf-8")


def test_no_module_is_over_about_400_lines():
    long = {p.relative_to(LIB).as_posix(): n for p in MODULES if (n := len(_source(p).splitlines())) > 420}
    assert long == {}


def test_imports_inside_functions_say_why():
    unexplained = []
    for path in MODULES:
        lines = _source(path).splitlines()
        for node in ast.walk(ast.parse(_source(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        here = lines[inner.lineno - 1]
                        above = lines[inner.lineno - 2] if inner.lineno > 1 else ""
                        if "#" not in here and not above.strip().startswith("#"):
                            unexplained.append(f"{path.relative_to(LIB)}:{inner.lineno}")
    assert unexplained == []


def test_only_the_chart_module_makes_figures():
    makers = re.compile(r"plt\.(subplots|figure)\(|\bFigure\(")
    found = [p.relative_to(LIB).as_posix() for p in MODULES if makers.search(_source(p))]
    assert found and all(name.startswith("present/charts/") for name in found), found


def test_group_sizes_are_compared_with_thresholds_only_in_disclosure():
    pattern = re.compile(
        r"(employees|respondents|size)[^\n]{0,40}(<=?|>=?)[^\n]{0,20}(min_|max_hidden|MIN_|MAX_HIDDEN)"
    )
    found = [p.relative_to(LIB).as_posix() for p in MODULES if pattern.search(_source(p))]
    assert found in ([], ["disclosure.py"])
    thresholds = re.compile(r"\b(min_employees_age|min_respondents|max_hidden_sick_leave)\s*[<>]")
    assert [p.relative_to(LIB).as_posix() for p in MODULES if thresholds.search(_source(p))] in (
        [],
        ["disclosure.py"],
    )


def test_swedish_labels_are_never_parsed_outside_the_vocabulary():
    from sofstat.vocabulary import SWEDISH

    labels = {label for mapping in SWEDISH.values() for label in mapping.values() if len(label) > 3}
    compare = re.compile(r"""(==|!=|startswith\(|endswith\(|\bin\s*\(|\.isin\()\s*\(?\s*["']([^"']+)["']""")
    offending = []
    for path in MODULES:
        if path.name == "vocabulary.py":
            continue
        for m in compare.finditer(_source(path)):
            if m.group(2) in labels:
                offending.append(f"{path.relative_to(LIB)}: {m.group(0)}")
    assert offending == []


def test_board_code_and_guideline_maximum_written_once():
    assert [p.name for p in MODULES if re.search(r"""["']52["']""", _source(p))] == ["config.py"]
    retyped = [
        p.relative_to(LIB).as_posix() for p in MODULES if re.search(r"grundtal \+ 10|\+ 10\b", _source(p))
    ]
    assert all(name == "config.py" or name.startswith("present/charts/") for name in retyped), retyped


def test_a_shared_build_is_read_again_only_as_its_manifest_lists_it(baseline_report, tmp_path):
    """The tests' cache of report builds (conftest.shared_build) checks a kept build before reuse."""
    import shutil

    from conftest import _done

    copy = tmp_path / "copy"
    shutil.copytree(baseline_report.parent, copy)
    assert _done(copy) == json.loads((copy / "complete.json").read_text(encoding="utf-8"))
    (copy / baseline_report.name / "figures" / "02_medelalder.svg").write_text("<svg/>", encoding="utf-8")
    assert _done(copy) is None  # a changed file: built again
    shutil.copytree(baseline_report.parent, copy, dirs_exist_ok=True)
    assert _done(copy) is not None
    (copy / "complete.json").write_text('{"report": "2024', encoding="utf-8")  # cut off mid-write
    assert _done(copy) is None


def test_make_bench_reads_every_tests_time_and_sums_it_per_file(tmp_path):
    """Section 6 of make bench: JUnit XML to (file, test, seconds), and the arithmetic of its why."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    xml = tmp_path / "j.xml"
    xml.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_a" name="test_x" time="3.5"/>'
        '<testcase classname="tests.test_a.TestGroup" name="test_y" time="0.5"/>'
        '<testcase classname="notebooks.00_sammanfattning.ipynb" name="Cell 1" time="2.0"/>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    assert bench._junit_failures(xml) == []
    failing = tmp_path / "f.xml"
    failing.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_a" name="test_x" time="1"><failure message="no"/></testcase>'
        '<testcase classname="tests.test_a" name="test_y" time="1"/>'
        '<testcase classname="tests.test_b.TestGroup" name="test_z" time="1"><error message="x"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    assert bench._junit_failures(failing) == ["tests/test_a.py::test_x", "tests/test_b.py::test_z"]
    assert bench._junit_failures(tmp_path / "missing.xml") == []
    cases = bench._junit(xml)
    assert cases == [
        ("tests/test_a.py", "test_x", 3.5),
        ("tests/test_a.py", "test_y", 0.5),
        ("notebooks/00_sammanfattning.ipynb", "Cell 1", 2.0),
    ]

    def proc(wall, cpu):
        return bench.Proc(["make", "test"], wall, cpu, 0, "", "")

    runs = {"first": proc(90, 150), "warm": [proc(40, 70), proc(44, 66), proc(42, 68)]}
    runs |= {"cases": [cases] * 3, "nocov": proc(30, 50), "nocov_cases": cases[:1]}
    text = "\n".join(bench.render_tests(runs, 2, ""))
    assert "| **warm, median** | **42.00** | **68.00** |" in text
    assert "**missed** by 12.00 s (42.00 s against ≤ 30 s)" in text
    assert "at least 34.00 s of wall time" in text and "already 4.00 s above the goal" in text
    assert "costs 18.00 s of CPU (26 % of the suite's)" in text
    assert "| `tests/test_a.py` | 2 | 4.00 | 67 % |" in text
    assert "The other 39.00 s of the warm run" in text  # 42 - 6 / 2


def test_make_bench_explains_a_missed_national_function_by_bare_operations_of_its_length():
    """Section 4 of make bench: the why of a function whose time per row grew, from references."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    results = {
        "disclosure.sick_leave_hidden": [(14500, 174000, 0.0004, 1, 0), (145000, 1740000, 0.0080, 1, 0)],
        "size.staff_per_manager": [(14500, 14647, 0.02, 1, 0), (145000, 146465, 0.2, 1, 0)],
    }
    labels = list(bench.REFERENCES)
    references = {labels[0]: {174000: 1e-4, 1740000: 3e-3}, labels[1]: {174000: 1e-3, 1740000: 1.2e-2}}
    r = {"sizes": [(14500, 145), (145000, 1450)], "results": results, "load": (1, 1), "cache": 32 * 2**20}
    text = "\n".join(bench.render_national({**r, "references": references}, 5))
    assert (
        "| `disclosure.sick_leave_hidden` | 174,000 | 0.4 | 0.002 | 1,740,000 | 8.0 | 0.005 | 2.00 |" in text
    )
    assert "| `size.staff_per_manager` | 14,647 |" in text and "| 1.00 | met |" in text
    assert f"{labels[0]}, a factor 3.00 per row; {labels[1]}, a factor 1.20 per row" in text
    assert "up to 3.00× per row, over the goal of 1.5×" in text
    # references that stay flat explain nothing: the function is then not excused by them
    flat = {label: {174000: 1e-4, 1740000: 1e-3} for label in labels}
    text = "\n".join(bench.render_national({**r, "references": flat}, 5))
    assert "a factor 1.00 per row" in text and "the machine itself" not in text
    assert "measured, not explained" in text
    # the bare operations themselves: one per input length, each a working function
    for kind in bench.REFERENCES.values():
        out = bench.reference_case(kind, 120)()
        assert len(out if kind == "pass" else out[0]) == 120


def test_make_bench_says_whether_a_verdict_lies_within_the_alternated_pairs_spread():
    """Sections 1 and 3 of make bench: a median's verdict with the spread of the pairs' own ratios."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert bench.spread([1.10, 1.20, 1.30], 1.15) == (
        "the 3 alternated pairs ranged from 1.10 to 1.30, 1 of 3 within the goal: the goal lies within "
        "the pairs' spread, so the verdict follows the machine's state at the time"
    )
    assert (
        bench.spread([1.2, 1.3], 1.15)
        == "the 2 alternated pairs ranged from 1.20 to 1.30, 0 of 2 within the goal"
    )
    row = bench.ReaderRow("read_sick_leave", 1_000_000, 3, 3.1, 1.0, 20, 10, (2.8, 3.1, 3.4))
    small = bench.ReaderRow("read_sick_leave", 1_000, 3, 0.01, 0.001, 2, 1, (9.0, 10.0, 11.0))
    r = {"rows": [small, row], "profiles": {}, "profile_rows": 0, "load": ("1", "1")}
    text = "\n".join(bench.render_readers(r, 3, False))
    assert (
        "- Time at 1,000,000 rows: 3.1× read_csv: **missed** by 3 % (3.10 against ≤ 3.00) "
        "(the 3 alternated pairs ranged from 2.80 to 3.40, 1 of 3 within the goal: the goal lies" in text
    )
    runs = [bench.Proc(["x"], w, c, 0, "", "") for w, c in [(9.0, 11.0), (11.0, 12.0)]]
    floors = [bench.Proc(["y"], w, c, 0, "", "") for w, c in [(8.0, 10.0), (8.0, 10.0)]]
    b = bench.Build(2, True, 2, 1, runs, floors, [], "1", "1")
    text = "\n".join(bench.render_build(b, None))
    assert "(the 2 alternated pairs ranged from 1.12 to 1.38, 1 of 2 within the goal: the goal lies" in text
    assert (
        "CPU: report ÷ floor = 1.15: **met** (1.15 ≤ 1.15) (the 2 alternated pairs ranged from 1.10 to 1.20"
        in text
    )


def test_make_bench_says_what_the_host_took_and_how_fast_memory_came(tmp_path, monkeypatch):
    """make bench: the steal time from /proc/stat, and the memory probe's sentence, or nothing."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    stat = tmp_path / "stat"
    stat.write_text("cpu  38428 1904 20816 413612 388 0 135 520 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")
    real_path = bench.Path
    monkeypatch.setattr(bench, "Path", lambda p: real_path(stat) if p == "/proc/stat" else real_path(p))
    assert bench.steal() == 520 / bench.os.sysconf("SC_CLK_TCK")
    stat.write_text("cpu  1 2 3\n")  # (a system that does not count steal time)
    assert bench.steal() is None
    monkeypatch.setattr(bench.os, "cpu_count", lambda: 2)
    assert (
        bench.steal_text(5.2, 6.7, 10.0)
        == " CPU time taken by the host meanwhile (steal): 1.50 s, 8 % of the cores' time."
    )
    assert bench.steal_text(None, 6.7, 10.0) == ""
    assert bench._probe_sentence(None, None) == ""
    text = bench._probe_sentence((3.43, 0.04), None)
    assert text.startswith(
        " A new process writing 1 GiB it has just allocated took 3.43 s (writing it again: 0.04 s) "
    )
    assert "before and not measured after" in text


_ORPHANS = """
import ctypes, json, subprocess, sys
sys.path.insert(0, sys.argv[1])
import reaper, run as bench
out = {"subreaper": reaper.become_subreaper()}
bench.SUBREAPER = out["subreaper"]
# a parent that starts a child burning 0.3 s of CPU and leaves without waiting for it
child = "import time\\nwhile time.process_time() < 0.3: pass"
parent = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {child!r}])"
p = bench.run_process([sys.executable, "-c", parent], bench.ROOT)
out["counted"] = [p.code, p.orphans, p.orphan_cpu, p.cpu, bench.orphans_text({"these runs": [p]})]
out["left"] = reaper.children()
# an orphan that outlives the timeout, and whose own child, in a session of its own, outlives it
# too: both are killed, the second once the first is (it is handed over only then), and reaped
grandchild = "import time; time.sleep(60)"
child = (
    "import subprocess, sys, time; "
    f"subprocess.Popen([sys.executable, '-c', {grandchild!r}], start_new_session=True); "
    "print('started', flush=True); time.sleep(60)"
)
parent = (
    "import subprocess, sys; "
    f"subprocess.Popen([sys.executable, '-c', {child!r}], stdout=subprocess.PIPE).stdout.readline()"
)
subprocess.run([sys.executable, "-c", parent], check=True, timeout=60)
out["killed"] = reaper.reap(timeout=0.3)[1:]
# no longer the subreaper: the orphan and its CPU are lost to os.wait4, and the text says so
ctypes.CDLL(None).prctl(reaper.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
bench.SUBREAPER = False
napper = "import time; time.sleep(1)"
q = bench.run_process([sys.executable, "-c", f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {napper!r}])"], bench.ROOT)
out["lost"] = [q.orphans, q.cpu, bench.orphans_text({"these runs": [q]})]
print(json.dumps(out))
"""


def test_make_bench_counts_the_cpu_of_processes_that_outlive_their_parent():
    """Chromium's zygotes outlive the browser: os.wait4 alone would not see their CPU. The bench
    (in a process of its own here, so that no pytest worker becomes a subreaper) reaps them."""
    out = json.loads(
        subprocess.run(
            [sys.executable, "-c", _ORPHANS, str(ROOT / "benchmarks")],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    )
    if not out["subreaper"]:
        pytest.skip("this system refuses prctl(PR_SET_CHILD_SUBREAPER)")
    code, orphans, orphan_cpu, cpu, text = out["counted"]
    assert code == 0 and orphans == 1 and orphan_cpu >= 0.3  # the orphan's own CPU, counted
    assert cpu - orphan_cpu < 0.3  # which os.wait4 on its parent alone would have missed
    assert "reaped by this benchmark as their child subreaper" in text
    assert "in these runs 1 such process per run, with" in text
    assert out["left"] == []  # nothing left unreaped
    assert out["killed"] == [2, 2]  # both outlived the timeout: killed and reaped, none waited for
    orphans, cpu, text = out["lost"]
    assert orphans == 0 and text.startswith("not counting processes that outlived their parent")


def test_make_bench_times_every_analysis_function_or_says_why_not():
    """Section 4 of make bench: every public function of sofstat.analysis is in the national table
    (checked on a small synthetic organisation) or named in NOT_TIMED with its reason, never both."""
    import importlib
    import inspect
    import pkgutil

    import sofstat.analysis
    from sofstat.readers.survey import read_questions

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    public = set()
    for info in pkgutil.iter_modules(sofstat.analysis.__path__):
        module = importlib.import_module(f"sofstat.analysis.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                public.add(f"{info.name}.{name}")
    cases = bench.national_cases(synth.national(300, 3), read_questions())
    timed = {name for name, *_ in cases}
    for name, fn, _rows, ok in cases:
        assert ok(fn()), name
    analysis_timed = {t for t in timed if not t.startswith("disclosure.")}
    assert public - analysis_timed - set(bench.NOT_TIMED) == set()
    assert analysis_timed & set(bench.NOT_TIMED) == set()
    assert set(bench.NOT_TIMED) <= public and analysis_timed <= public
    assert {"values.sick_values", "movement.movement_table", "attainment.attainment_table"} <= timed
