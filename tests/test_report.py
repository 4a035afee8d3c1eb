"""The report command end to end: files, provenance, determinism.

The report builds are shared session fixtures (conftest.py): the tests here
read them; only the tests of determinism build again. Failures are in
test_report_failures.py, locking, kills and threads in test_report_concurrency.py.
"""

import hashlib
import html
import json
import re
from pathlib import Path

import pytest
from conftest import SYNTHETIC, SYNTHETIC_CATALOG, _build

import sofstat
from sofstat import config
from sofstat.errors import ReportError
from sofstat.report import notebooks as nbs
from sofstat.report.page import text as page_text
from sofstat.report.pdf import chromium, print_pdf

NOTEBOOKS = [
    "00_sammanfattning.ipynb",
    "01_chefsomradenas_storlek.ipynb",
    "02_alder.ipynb",
    "03_chefers_sjukfranvaro.ipynb",
    "04_medarbetarundersokning.ipynb",
    "05_programmet.ipynb",
]
FIGURES = ["00_utveckling", "01_medarbetare_per_chef", "02_medelalder", "03_sjuktal", "04_enkat", "05_behov"]


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _body(page: str) -> str:
    """The page without the head (CSS) and the closing "Om underlaget" part."""
    start = page.index("<body>")
    return page[start : page.index('<h3 id="om-underlaget">')]


def test_output_files(baseline_report):
    names = _files(baseline_report)
    assert baseline_report.name == "2024-H1"
    for nb in NOTEBOOKS:
        assert nb in names
    for fig in FIGURES:
        assert f"figures/{fig}.png" in names and f"figures/{fig}.svg" in names
    expected = {"index.html", "tables.xlsx", "manifest.json", "build.log"}
    if chromium():
        expected.add("rapport.pdf")
    assert expected <= set(names)
    assert not any(n.startswith("tables/") for n in names)
    assert not [
        p for p in baseline_report.parent.iterdir() if p.name.startswith(f".{baseline_report.name}.build-")
    ]


def test_manifest(synthetic_report):
    m = json.loads((synthetic_report / "manifest.json").read_text())
    assert m["period"] == "2024-H2" and m["baseline_period"] == "2024-H1"
    assert m["sofstat_version"] == sofstat.__version__
    assert m["thresholds"] == {"min_employees_age": 5, "min_respondents": 5, "max_hidden_sick_leave": 10}
    roles = {(i["role"], i["period"]): i for i in m["inputs"]}
    staffing = roles[("staffing", "2024-H2")]
    assert staffing["path"] == "tests/fixtures/synthetic/2024-09/tabell3_syntetisk_2024-09.txt"
    assert (
        staffing["sha256"]
        == hashlib.sha256((SYNTHETIC / "2024-09" / "tabell3_syntetisk_2024-09.txt").read_bytes()).hexdigest()
    )
    assert (
        roles[("staffing", "2024-H1")]["path"] == "data/raw/2024-03/tabell3_tillsvidareanstallda_2024-03.txt"
    )
    for role, path in config.REFERENCE_FILES.items():  # read by every report, whatever the catalogue
        ref = roles[(role, None)]
        assert ref["path"] == path.relative_to(config.PROJECT_ROOT).as_posix()
        assert ref["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert {role for role, _ in roles} >= {
        "survey_questions",
        "plan_needs",
        "plan_dialogues",
        "plan_conclusions",
    }
    page = (synthetic_report / "index.html").read_text(encoding="utf-8")
    labels = page_text()["roles"]
    for i in m["inputs"]:  # each with its Swedish name in "Om underlaget"
        assert f"<li>{labels[i['role']]}: {i['path']} (SHA-256 {i['sha256'][:16]}…)</li>" in page
    assert m["parameters"]["02_alder.ipynb"]["period"] == "2024-H2"
    assert m["parameters"]["02_alder.ipynb"]["catalog_path"] == "tests/fixtures/synthetic/periods.yml"
    assert m["built_at"].endswith("Z") and "git_commit" in m
    files = {f["path"]: f["sha256"] for f in m["files"]}
    assert "index.html" in files and "build.log" not in files
    assert files["index.html"] == hashlib.sha256((synthetic_report / "index.html").read_bytes()).hexdigest()


def test_source_date_epoch_fixes_the_build_time(tmp_path, monkeypatch):
    from sofstat.report.manifest import write_manifest

    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733270400")
    first = write_manifest(tmp_path, {"period": "2024-H2"}).read_bytes()
    assert json.loads(first)["built_at"] == "2024-12-04T00:00:00Z"
    assert write_manifest(tmp_path, {"period": "2024-H2"}).read_bytes() == first  # the same bytes
    for bad in ("igår", "²", "١٧٣٣", "-1", "1.5"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(ReportError, match="SOURCE_DATE_EPOCH must be whole seconds"):
            write_manifest(tmp_path, {})
    # and a build stops before it starts, leaving nothing behind
    with pytest.raises(ReportError, match="SOURCE_DATE_EPOCH"):
        sofstat.report.build_report(None, None, tmp_path / "out", log=lambda *_: None, pdf=False)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_builds_are_byte_identical(tmp_path_factory, monkeypatch, synthetic_report):
    """A second build, its notebooks each in a kernel of its own, is the same bytes as the shared
    build, whose notebooks shared a kernel per worker (each kernel put back as new between them)."""
    run = nbs.run_notebooks
    kernels_each: list[bool] = []

    def kernel_each(*args, **kwargs):
        kernels_each.append(True)
        return run(*args, **kwargs, share_kernels=False)

    monkeypatch.setattr(nbs, "run_notebooks", kernel_each)
    again = _build(tmp_path_factory, "again", "2024-H2", SYNTHETIC_CATALOG, pdf=False)
    assert kernels_each == [True]
    a, b = synthetic_report, again
    skip = {"build.log", "rapport.pdf"}
    assert [f for f in _files(a) if f not in skip] == [f for f in _files(b) if f not in skip]
    for rel in _files(b):
        if rel in skip:
            continue
        if rel == "manifest.json":
            ma, mb = (json.loads((r / rel).read_text()) for r in (a, b))
            for m in (ma, mb):
                m.pop("built_at")
                m["files"] = [f for f in m["files"] if f["path"] != "rapport.pdf"]
            assert ma == mb
        else:
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


@pytest.mark.skipif(
    not chromium(), reason="headless Chromium is not installed (make test installs it as root)"
)
def test_pdf_is_byte_identical(tmp_path, synthetic_report):
    out = tmp_path / "again.pdf"
    print_pdf(synthetic_report / "index.html", out)
    assert out.read_bytes() == (synthetic_report / "rapport.pdf").read_bytes()


def test_the_pdf_is_printed_by_the_headless_shell_where_there_is_one(tmp_path, monkeypatch):
    for name in ["google-chrome", "chromium", "chromium-headless-shell"]:
        exe = tmp_path / name
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium() == str(tmp_path / "chromium-headless-shell")
    (tmp_path / "chromium-headless-shell").unlink()
    assert chromium() == str(tmp_path / "chromium")  # Debian's browser, where the shell is missing
    (tmp_path / "chromium").unlink()
    assert chromium() == str(tmp_path / "google-chrome")
    (tmp_path / "google-chrome").unlink()
    assert chromium() is None


def test_index_html_is_swedish_without_code_or_script(baseline_report):
    page = (baseline_report / "index.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')
    assert "<title>Uppföljning av programmet för att stärka enhetscheferna – 2024-H1</title>" in page
    head = html.unescape(page[: page.index("<style>")])
    assert "Content-Security-Policy" in head and "default-src 'none'" in head and "script-src" not in head
    for code in ["<script", "import sofstat", "out.table(", "In&nbsp;[", "jp-InputArea", "Traceback"]:
        assert code not in page
    body = _body(page)
    for developer_text in [
        "data/periods.yml",
        "data/raw/",
        ".csv",
        ".txt",
        "catalog_path",
        "min_respondents",
    ]:
        assert developer_text not in body, developer_text
    headings = re.findall(r"<h([1-4])[^>]*>(.*?)</h\1>", page)
    assert headings[0] == ("1", "Uppföljning av programmet för att stärka enhetscheferna")
    levels = [int(level) for level, _ in headings]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))  # headings in order
    texts = [t for _, t in headings]
    assert texts.index("I korthet") < texts.index("Chefsområdenas storlek")
    assert "47 av 59 (79,7 %)" in page and "ca 2/3" in page
    assert "mål ej fastställt" in page or "Mål: ej fastställt" in page
    assert "Ny som chef (tidigare Vägen till ledarskap)" in page  # the register from the plan
    assert page.count("<figure") == len(FIGURES)
    assert 'alt=""' not in page and "No description" not in page


def test_one_table_per_fact(baseline_report):
    page = (baseline_report / "index.html").read_text(encoding="utf-8")
    captions = re.findall(r"<caption>(.*?)</caption>", page)
    assert len(captions) == len(set(captions))
    assert "för vidare bearbetning" not in page


def test_synthetic_report_shows_targets_intervals_and_programme(synthetic_report):
    page = (synthetic_report / "index.html").read_text(encoding="utf-8")
    for words in [
        "uppnått",
        "i fas",
        "ej bedömbart",
        "säkerställd",
        "95 % konfidensintervall",
        "Mål: 90,0 % till 2027-H2",
    ]:
        assert words in page, words
    assert "SON 2025-06-12 § 85" in page
    assert "Förändringar sedan förra perioden" in page and "Sedan 2024-H1:" in page
    assert "ej jämförbart (olika delar av året)" in page
