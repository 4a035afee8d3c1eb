"""Project set-up: environment files agree, lib/ is tracked, notebooks are thin."""

from __future__ import annotations

import ast
import re
import subprocess
import tomllib

import nbformat
import pytest
import yaml

from sofstat import paths
from sofstat.report import declared_parameters, report_notebooks

ROOT = paths.PROJECT_ROOT


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
    assert [p.name[:2] for p in notebooks][:2] == ["01", "02"] or notebooks[0].name.startswith("00")
    for nb_path in notebooks:
        params = declared_parameters(nb_path)  # raises unless plain literals
        assert "period" in params and "output_dir" in params
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert "sys.path" not in cell.source
            lines = [line for line in cell.source.splitlines() if not line.startswith("%")]
            tree = ast.parse("\n".join(lines))
            defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
            assert not defs, f"{nb_path.name}: define functions in sofstat, not in notebooks"


def test_makefile_default_goal_is_help():
    text = (ROOT / "Makefile").read_text()
    assert ".DEFAULT_GOAL := help" in text
    out = subprocess.run(["make", "-s", "-C", str(ROOT)], capture_output=True, text=True)
    if out.returncode == 0:
        for target in ["report", "test", "lab", "refresh-notebooks"]:
            assert f"make {target}" in out.stdout


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make report" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_public_api():
    import sofstat

    for name in [
        "read_staffing",
        "read_guideline",
        "staff_per_manager",
        "check_totals",
        "read_survey",
        "read_sick_leave",
        "accumulated_sick_rate",
        "InputError",
    ]:
        assert callable(getattr(sofstat, name)), name
    assert issubclass(sofstat.InputError, ValueError)
