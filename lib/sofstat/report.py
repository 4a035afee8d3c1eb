"""The half-yearly report: a period's inputs in, a finished report out.

``python -m sofstat report --period 2024-H1`` runs every report notebook
(``notebooks/NN_*.ipynb``) with papermill for that period and writes
``reports/<period>/``: ``index.html`` (no code), the executed notebooks,
``figures/`` (PNG and SVG), ``tables.xlsx`` and ``manifest.json``.

It builds in a temporary folder next to the target and moves it into place
only when every notebook succeeded; on failure the earlier report is left
untouched and the failed build is kept in ``reports/<period>.failed/``.
Everything but the manifest's build time is byte-for-byte reproducible.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import html
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

# papermill, nbclient and jupyter_client are not safe to import for the first
# time from several threads at once (a worker could see the partially
# initialised jupyter_client.manager); import them here, once, in the thread
# that imports this module, before any worker starts.
import papermill as pm
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

from . import __version__, paths
from .catalog import ROLES, Period, find_period, load_catalog

NOTEBOOK_PATTERN = re.compile(r"^\d\d_.+\.ipynb$")
#: Parameter names the report fills in, by input role.
ROLE_PARAMETERS = {f"{role}_path": role for role in ROLES}
FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_XLSX_TIME = "2000-01-01T00:00:00Z"
PACKAGES = ["pandas", "matplotlib", "papermill", "nbconvert", "openpyxl", "numpy"]


class ReportError(RuntimeError):
    """The report could not be built; the message says which notebook and cell."""


def report_notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks that make up the report, in order (``NN_*.ipynb``)."""
    folder = folder or paths.NOTEBOOKS_DIR
    return sorted(p for p in folder.iterdir() if NOTEBOOK_PATTERN.match(p.name))


def declared_parameters(notebook: Path) -> dict[str, object]:
    """Names and default values in a notebook's ``parameters`` cell.

    Returns:
        ``{name: value}`` for each plain assignment of a literal.

    Raises:
        ReportError: when the notebook has no parameters cell, or the cell
            holds anything but assignments of literals.
    """
    import ast

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            out = {}
            for node in ast.parse(cell.source).body:
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                    raise ReportError(f"{notebook.name}: parameters cell may only assign literals")
                try:
                    out[node.targets[0].id] = ast.literal_eval(node.value)
                except (ValueError, AttributeError):
                    raise ReportError(
                        f"{notebook.name}: parameter {ast.unparse(node)!r} is not a plain literal"
                    ) from None
            return out
    raise ReportError(f"{notebook.name}: no cell tagged 'parameters'")


def period_parameters(period: Period, catalog: Path, baseline: Period | None = None) -> dict[str, object]:
    """Every parameter the report can give a notebook for ``period``.

    ``<role>_path`` is the period's input, ``baseline_<role>_path`` the
    baseline period's ("" where there is none). Paths are written relative
    to the project root when inside it, so that two clones build identical
    reports.
    """
    baseline = baseline or period
    values: dict[str, object] = {"period": period.key, "catalog_path": paths.display_path(catalog)}
    for name, role in ROLE_PARAMETERS.items():
        values[name] = paths.display_path(period.inputs[role]) if role in period.inputs else ""
        values[f"baseline_{name}"] = (
            paths.display_path(baseline.inputs[role]) if role in baseline.inputs else ""
        )
    values["output_dir"] = "."
    return values


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what differs between runs: papermill's timings and paths,
    execution timestamps, and the injected cell's random id."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    return nb


@dataclass
class _Job:
    notebook: Path
    output: Path
    parameters: dict[str, object]
    cwd: Path


def _execute(job: _Job) -> str | None:
    """Run one notebook with papermill; return None or an error description."""
    try:
        pm.execute_notebook(
            str(job.notebook),
            str(job.output),
            parameters=job.parameters,
            # The kernel's working folder, set through nbclient rather than
            # papermill's cwd=, which changes the whole process's folder and so
            # cannot be used from several threads at once.
            resources={"metadata": {"path": str(job.cwd)}},
            kernel_name="python3",
            progress_bar=False,
            record_timing=False,
        )
    except PapermillExecutionError as exc:
        first = (exc.source or "").strip().splitlines()[:1]
        return (
            f"notebook {job.notebook.name} failed in cell {exc.cell_index} "
            f"(In [{exc.exec_count}]: {first[0] if first else ''!s}): {exc.ename}: {exc.evalue}"
        )
    except Exception as exc:  # kernel died, bad parameters, ...
        return f"notebook {job.notebook.name} failed: {type(exc).__name__}: {exc}"
    nb = nbformat.read(job.output, as_version=4)
    nbformat.write(normalise_notebook(nb), job.output)
    return None


def _warm_up() -> None:
    """Load what the parent needs after the notebooks (nbconvert's templates,
    openpyxl) while the kernels work, so it is not on the critical path."""
    from openpyxl import Workbook  # noqa: F401

    HTMLExporter(template_name="lab").from_notebook_node(nbformat.v4.new_notebook())


def run_notebooks(jobs: list[_Job], workers: int = 1, log=print, while_waiting=None) -> list[str]:
    """Run the jobs, ``workers`` at a time; return the error descriptions.

    ``while_waiting`` (optional) is called in this thread once the jobs are
    under way.
    """
    errors: list[str] = []
    if workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs, start=1):
            log(f"[{i}/{len(jobs)}] running {job.notebook.name}")
            err = _execute(job)
            if err:
                return [err]
        return errors
    # Threads are enough: the work happens in the kernels, which are processes.
    with cf.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {}
        for i, job in enumerate(jobs, start=1):
            log(f"[{i}/{len(jobs)}] running {job.notebook.name}")
            futures[pool.submit(_execute, job)] = job
        if while_waiting is not None:
            while_waiting()
        for fut in cf.as_completed(futures):
            err = fut.result()
            if err:
                errors.append(err)
    return sorted(errors)


# --- HTML ---------------------------------------------------------------

_CSS = """
body { max-width: 1100px; margin: 0 auto; padding: 0 1.5em 3em; font-family: "DejaVu Sans", Arial, sans-serif; }
table.sofstat { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
div.tabell table.sofstat th, div.tabell table.sofstat td { padding: 0.2em 0.6em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
div.tabell table.sofstat thead th { background: #f2f2f2; }
div.tabell table.sofstat td.tal, div.tabell table.sofstat th.tal { text-align: right; white-space: nowrap; }
p.fotnot { font-size: 0.8em; color: #444; margin: 0.2em 0; }
p.rubrik { margin-bottom: 0.2em; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
nav.innehall { background: #f7f7f7; padding: 0.5em 1em; border-left: 4px solid #0072B2; }
footer.om { margin-top: 3em; font-size: 0.8em; color: #444; border-top: 1px solid #ccc; }
div.tabell { overflow-x: auto; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  div.tabell { overflow: visible; }
  div.tabell table.sofstat { font-size: 7pt; }
  div.tabell table.sofstat td.tal, div.tabell table.sofstat th.tal { white-space: normal; }
  nav.innehall { display: none; }
  img { page-break-inside: avoid; }
}
"""


def _title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def build_html(
    notebooks: list[tuple[str, nbformat.NotebookNode]],
    period: Period,
    inputs: list[dict],
    thresholds: dict[str, object] | None = None,
) -> str:
    """One HTML page with every section, no code and no prompts.

    ``thresholds`` holds the small-group parameters the notebooks used
    (``min_employees_age``, ``min_respondents``, ``max_hidden_group_size``).

    Returns:
        The page, deterministic for the same notebooks.
    """
    thresholds = thresholds or {}
    merged = nbformat.v4.new_notebook()
    merged.metadata = notebooks[0][1].metadata if notebooks else {}
    toc = []
    body_cells = []
    for i, (name, nb) in enumerate(notebooks, start=1):
        anchor = f"avsnitt-{name[:2]}"
        toc.append(f'<li><a href="#{anchor}">{html.escape(_title_of(nb, name))}</a></li>')
        body_cells.append(nbformat.v4.new_markdown_cell(f'<a id="{anchor}"></a>', id=f"{anchor}-anchor"))
        for cell in nb.cells:
            cell = nbformat.from_dict(cell)
            cell.id = f"{name[:2]}-{cell.get('id', len(body_cells))}"
            if cell.cell_type == "code":
                cell.outputs = [
                    o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
                ]
            body_cells.append(cell)
        del i
    cover = (
        "# Uppföljning av programmet för att stärka enhetscheferna\n\n"
        f"**Socialförvaltningen, Region Gotland – rapport till socialnämnden, {period.title}.**\n\n"
        "Uppdrag: SON 2024-02-08 §17 (SON 2024/29), resultat halvårsvis under 2024–2027. "
        "Underlaget och dess källor redovisas sist i rapporten.\n\n"
        '<nav class="innehall"><b>Innehåll</b><ol>' + "".join(toc) + "</ol></nav>"
    )
    sources = "".join(
        f"<li>{html.escape(i['role_sv'])}: <code>{html.escape(i['path'])}</code> "
        f"(SHA-256 {i['sha256'][:12]}…)</li>"
        for i in inputs
    )
    footer = (
        '<footer class="om"><h2>Om rapporten</h2>'
        f"<p>Rapportperiod {html.escape(period.key)}. Framtagen med sofstat {__version__} "
        "ur följande underlag (fullständiga kontrollsummor i manifest.json):</p>"
        f"<ul>{sources}</ul>"
        f"<p>Små grupper redovisas inte: medelålder för färre än {thresholds.get('min_employees_age', 5)} "
        f"anställda, enkätresultat för färre än {thresholds.get('min_respondents', 5)} svarande och "
        f"sjukfrånvaro för grupper om {thresholds.get('max_hidden_group_size', 10)} eller färre "
        "(gränserna är parametrar).</p></footer>"
    )
    merged.cells = [
        nbformat.v4.new_markdown_cell(cover, id="omslag"),
        *body_cells,
        nbformat.v4.new_markdown_cell(footer, id="om-rapporten"),
    ]
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    page, _ = exporter.from_notebook_node(merged)
    page = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)
    page = re.sub(
        r"<title>.*?</title>", f"<title>SON-rapport {html.escape(period.key)}</title>", page, flags=re.S
    )
    page = re.sub(r"<html[^>]*>", '<html lang="sv">', page, count=1)
    page = page.replace("</head>", f"<style>{_CSS}</style>\n</head>", 1)
    return page


# --- Excel --------------------------------------------------------------


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
    out, n = base, 2
    while out.lower() in used:
        suffix = f"_{n}"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(out.lower())
    return out


def safe_cell_text(value: str) -> bool:
    """True when Excel could take ``value`` for a formula (=, +, -, @ first)."""
    return value[:1] in ("=", "+", "-", "@")


def build_workbook(table_files: list[Path]) -> bytes:
    """``tables.xlsx`` from the tables the notebooks saved: one sheet each,
    Swedish headings, numbers as numbers, formula-like text kept as text.

    Returns:
        The workbook's bytes, with fixed timestamps (reproducible).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    index = wb.create_sheet("Innehåll")
    used.add("innehåll")
    index.append(["Blad", "Tabell"])
    index["A1"].font = index["B1"].font = Font(bold=True)
    for file in table_files:
        t = json.loads(file.read_text(encoding="utf-8"))
        ws = wb.create_sheet(_sheet_name(t["name"], used))
        index.append([ws.title, t["title"]])
        ws.append([t["title"]])
        ws["A1"].font = Font(bold=True)
        ws.append([])
        ws.append(t["columns"])
        for cell in ws[3]:
            cell.font = Font(bold=True)
        decimals = t.get("decimals", {})
        for row in t["rows"]:
            ws.append([None if v is None else v for v in row])
            for col, cell in zip(t["columns"], ws[ws.max_row], strict=True):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
                    if safe_cell_text(cell.value):
                        cell.quotePrefix = True
                elif isinstance(cell.value, int | float) and col in decimals:
                    d = decimals[col]
                    cell.number_format = "#,##0" + ("." + "0" * d if d else "")
        if t.get("footnotes"):
            ws.append([])
            for note in t["footnotes"]:
                ws.append([note])
                ws.cell(ws.max_row, 1).data_type = "s"
        ws.freeze_panes = "A4"
        for i, col in enumerate(t["columns"], start=1):
            width = max([len(str(col))] + [len(str(r[i - 1])) for r in t["rows"] if r[i - 1] is not None])
            ws.column_dimensions[ws.cell(3, i).column_letter].width = min(max(8, width + 2), 60)
    created = dt.datetime(2000, 1, 1)
    wb.properties.created = created
    wb.properties.creator = "sofstat"
    buf = io.BytesIO()
    wb.save(buf)
    return _fix_zip(buf.getvalue())


def _fix_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and a fixed core.xml modified time."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms)",
                    rb"\g<1>" + FIXED_XLSX_TIME.encode() + rb"\g<2>",
                    payload,
                )
            zi = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, payload)
    return out.getvalue()


# --- the command --------------------------------------------------------

ROLE_SV = {
    "staffing": "Tillsvidareanställda per chefsområde (tabell 3)",
    "guideline": "Riktlinjens grundtal (tabell 1)",
    "guideline_factors": "Påverkande faktorer (tabell 2)",
    "department_map": "Avdelningarnas rad i riktlinjen",
    "survey": "Medarbetarundersökningen",
    "sick_leave": "Chefers sjukfrånvaro",
}


def _git_commit() -> tuple[str | None, bool | None]:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=paths.PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head, bool(dirty)
    except (OSError, subprocess.CalledProcessError):
        return None, None


def _package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def build_report(
    period_key: str | None = None,
    catalog: str | Path | None = None,
    output_dir: str | Path | None = None,
    workers: int | None = None,
    notebooks_dir: Path | None = None,
    log=print,
) -> Path:
    """Build ``<output_dir>/<period>/`` and return its path.

    Args:
        period_key: the period to report; default the latest in the catalogue.
        catalog: the catalogue; default ``data/periods.yml``.
        output_dir: where reports go; default ``reports/``.
        workers: notebooks run at once; default the number of cores (at most
            the number of notebooks).
        notebooks_dir: where the report notebooks are; default ``notebooks/``.
        log: where progress lines go.

    Returns:
        The finished report's folder.

    Raises:
        ReportError: when a notebook fails (the message names notebook, cell
            and error; the failed build is kept in ``<period>.failed/``).
        CatalogError: for a bad catalogue.
    """
    catalog_path = Path(catalog) if catalog else paths.PERIODS_FILE
    catalog_path = catalog_path.resolve()
    periods = load_catalog(catalog_path)
    period = find_period(periods, period_key)
    out_root = Path(output_dir).resolve() if output_dir else paths.REPORTS_DIR
    out_root.mkdir(parents=True, exist_ok=True)
    final = out_root / period.key
    failed = out_root / f"{period.key}.failed"
    tmp = Path(tempfile.mkdtemp(prefix=f".{period.key}.", dir=out_root))
    try:
        notebooks = report_notebooks(notebooks_dir)
        offered = period_parameters(period, catalog_path, periods[0])
        jobs, used_params = [], {}
        for nb in notebooks:
            declared = declared_parameters(nb)
            params = {k: v for k, v in offered.items() if k in declared}
            used_params[nb.name] = {**declared, **params}
            jobs.append(_Job(nb, tmp / nb.name, params, tmp))
        n = workers or min(os.cpu_count() or 1, len(jobs))
        log(f"Building report {period.key} ({len(jobs)} notebooks, {n} at a time) into {final}")
        errors = run_notebooks(jobs, n, log, while_waiting=_warm_up)
        if errors:
            if failed.exists():
                shutil.rmtree(failed)
            tmp.rename(failed)
            raise ReportError(
                "; ".join(errors)
                + f". The failed build is kept in {failed}; "
                + (
                    f"the earlier report in {final} is untouched."
                    if final.exists()
                    else "no report was written."
                )
            )
        inputs = [
            {
                "role": role,
                "role_sv": ROLE_SV[role],
                "path": paths.display_path(period.inputs[role]),
                "sha256": _sha256(period.inputs[role]),
            }
            for role in ROLES
            if role in period.inputs
        ]
        executed = [(nb.name, nbformat.read(tmp / nb.name, as_version=4)) for nb in notebooks]
        thresholds = {k: v for params in used_params.values() for k, v in params.items()}
        (tmp / "index.html").write_text(build_html(executed, period, inputs, thresholds), encoding="utf-8")
        tables_dir = tmp / "tables"
        table_files = sorted(tables_dir.glob("*.json")) if tables_dir.exists() else []
        (tmp / "tables.xlsx").write_bytes(build_workbook(table_files))
        if tables_dir.exists():
            shutil.rmtree(tables_dir)
        commit, dirty = _git_commit()
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        manifest = {
            "period": period.key,
            "title": period.title,
            "catalog": paths.display_path(catalog_path),
            "baseline_period": periods[0].key,
            "inputs": [{k: v for k, v in i.items() if k != "role_sv"} for i in inputs],
            "parameters": used_params,
            "sofstat_version": __version__,
            "git_commit": commit,
            "git_dirty": dirty,
            "python": platform.python_version(),
            "packages": _package_versions(),
            "files": [{"path": p.relative_to(tmp).as_posix(), "sha256": _sha256(p)} for p in files],
            "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        old = out_root / f".{period.key}.old"
        if old.exists():
            shutil.rmtree(old)
        if final.exists():
            final.rename(old)
        tmp.chmod(0o755)
        tmp.rename(final)
        if old.exists():
            shutil.rmtree(old)
        if failed.exists():
            shutil.rmtree(failed)
        log(f"Report written: {final}")
        return final
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def refresh_notebooks(notebooks_dir: Path | None = None, log=print) -> None:
    """Re-execute the report notebooks in place with their default parameters
    (the stored outputs nbval compares against), normalised like the report.

    Raises:
        ReportError: when a notebook fails; no notebook is overwritten then.
    """
    notebooks = report_notebooks(notebooks_dir)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        jobs = [_Job(nb, tmp / nb.name, {}, nb.parent) for nb in notebooks]
        errors = run_notebooks(jobs, min(os.cpu_count() or 1, len(jobs)), log)
        if errors:
            raise ReportError("; ".join(errors))
        for nb in notebooks:
            out = nbformat.read(tmp / nb.name, as_version=4)
            nbformat.write(out, nb)
            log(f"refreshed {paths.display_path(nb)}")


def main_report(args) -> int:
    """Entry point of ``sofstat report``; returns the exit code."""
    from .catalog import CatalogError

    try:
        build_report(args.period, args.catalog, args.output_dir, args.jobs)
    except (ReportError, CatalogError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
