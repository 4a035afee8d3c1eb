"""The report command end to end, on the real baseline and a synthetic second period."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sofstat import movement as mv
from sofstat import paths
from sofstat.catalog import CatalogError, load_catalog
from sofstat.report import ReportError, build_report, build_workbook
from sofstat.survey import read_questions

SYNTHETIC = paths.TESTS_DIR / "fixtures" / "synthetic"
CATALOG = SYNTHETIC / "periods.yml"
NOTEBOOKS = [
    "00_sammanfattning.ipynb",
    "01_chefsomradenas_storlek.ipynb",
    "02_alder.ipynb",
    "03_chefers_sjukfranvaro.ipynb",
    "04_medarbetarundersokning.ipynb",
]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The synthetic 2024-H2 report built twice into two folders."""
    out = []
    for name in ("a", "b"):
        root = tmp_path_factory.mktemp(name)
        out.append(build_report("2024-H2", CATALOG, root, log=lambda *_: None))
    return out


def test_output_files(two_builds):
    report = two_builds[0]
    assert report.name == "2024-H2"
    names = sorted(p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file())
    for nb in NOTEBOOKS:
        assert nb in names
    for fig in ["00_utveckling", "01_medarbetare_per_chef", "02_medelalder", "03_sjuktal", "04_enkat"]:
        assert f"figures/{fig}.png" in names and f"figures/{fig}.svg" in names
    assert {"index.html", "tables.xlsx", "manifest.json"} <= set(names)
    assert not any(n.startswith("tables/") for n in names)


def test_manifest(two_builds):
    m = json.loads((two_builds[0] / "manifest.json").read_text())
    assert m["period"] == "2024-H2"
    assert m["baseline_period"] == "2024-H1"
    roles = {i["role"]: i for i in m["inputs"]}
    assert roles["staffing"]["path"] == "tests/fixtures/synthetic/2024-09/tabell3_syntetisk_2024-09.txt"
    assert roles["guideline"]["path"] == "data/raw/2024-03/tabell1_grundtal.csv"  # carried over
    import hashlib

    assert (
        roles["staffing"]["sha256"]
        == hashlib.sha256((SYNTHETIC / "2024-09" / "tabell3_syntetisk_2024-09.txt").read_bytes()).hexdigest()
    )
    params = m["parameters"]["02_alder.ipynb"]
    assert params["min_employees_age"] == 5 and params["period"] == "2024-H2"
    assert m["parameters"]["04_medarbetarundersokning.ipynb"]["baseline_survey_path"].startswith(
        "data/raw/2023/"
    )
    assert m["sofstat_version"]
    assert "built_at" in m and m["built_at"].endswith("Z")
    assert "git_commit" in m
    files = {f["path"] for f in m["files"]}
    assert "index.html" in files and "tables.xlsx" in files


def test_builds_are_byte_identical(two_builds):
    a, b = two_builds
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        if rel.name == "manifest.json":
            ma, mb = (json.loads((r / rel).read_text()) for r in (a, b))
            ma.pop("built_at"), mb.pop("built_at")
            assert ma == mb
        else:
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_index_html_is_swedish_without_code(two_builds):
    page = (two_builds[0] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page
    assert "<title>SON-rapport 2024-H2</title>" in page
    for heading in [
        "Sammanfattning: förflyttning mot målet",
        "Chefsområdenas storlek",
        "Ålder",
        "Chefers sjukfrånvaro",
        "Medarbetarundersökningen",
        "Förändrade enheter",
        "Datakvalitet",
    ]:
        assert heading in page
    for code in ["import sofstat", "out.table(", "In&nbsp;[", '<div class="jp-CodeMirrorEditor', "<script"]:
        assert code not in page
    assert "Tingsbrogården" in page
    assert "ca 2/3" in page and "66,7 %" not in page.split("Medarbetarundersökningen")[0]


def test_movement_on_synthetic_period():
    data = mv.load_periods(load_catalog(CATALOG), "2024-H2")
    mt = mv.movement_table(data, read_questions()).set_index("key")
    assert mt.loc["share_units_within_base", "2024-H1"] == pytest.approx(100 * 47 / 59)
    assert mt.loc["share_units_within_base", "2024-H2"] == pytest.approx(100 * 48 / 59)
    assert mt.loc["units_over_max", ["2024-H1", "2024-H2"]].tolist() == [1.0, 0.0]
    assert mt.loc["managers", ["2024-H1", "2024-H2"]].tolist() == [69.0, 70.0]
    assert mt.loc["max_employees_per_manager", "2024-H2"] == pytest.approx(115 / 3)
    assert mt.loc["units_over_max", "verdict"] == "åt rätt håll"
    # Jan-Sep 2024: sum of sick hours / sum of ordinary hours
    assert mt.loc["sick:enhetschefer", "2024-H2"] == pytest.approx(100 * 2010 / 94530)
    assert "sick:avdelningschefer" not in mt.index  # 8 employees: hidden
    # January-September 2024 is not compared with the full year 2023
    assert mt.loc["sick:enhetschefer", "verdict"] == "ej jämförbart (olika delar av året)"
    assert (
        mt.loc["survey:delaktig_beslut:medarbetare", "verdict"] == "åt fel håll (osäkert: ungefärligt värde)"
    )
    assert mt.loc["survey:rimlig_stress:chefer", "verdict"] == "endast utgångsläge hittills"
    assert mt.loc["survey:kompetensutveckling:chefer", "verdict"].startswith("oförändrat")
    changes = mv.unit_changes(data[0].staffing, data[1].staffing).set_index("unit_code")["change"].to_dict()
    assert changes == {
        "5200303": "ändrat antal chefer",
        "5200305": "ändrat antal chefer",
        "5200306": "namnbyte",
        "5200313": "nedlagd",
        "5200314": "ändrat antal chefer",
        "5200315": "ny",
    }


def test_baseline_only_says_so():
    data = mv.load_periods(load_catalog(), "2024-H1")
    mt = mv.movement_table(data, read_questions())
    assert set(mt["verdict"]) == {"endast utgångsläge hittills"}
    assert len(mt) == 11


def _broken_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(SYNTHETIC, folder)
    (folder / "periods.yml").write_text(
        (folder / "periods.yml").read_text().replace("../../../data/", str(paths.DATA_DIR) + "/"),
        encoding="utf-8",
    )
    t3 = folder / "2024-09" / "tabell3_syntetisk_2024-09.txt"
    t3.write_text(t3.read_text().replace("5200308 Syrengården 23 22,20 50,0", "5200308 Syrengården 23 22,20"))
    return folder / "periods.yml"


def test_failure_keeps_earlier_report_and_exits_nonzero(tmp_path):
    out = tmp_path / "reports"
    earlier = out / "2024-H2"
    earlier.mkdir(parents=True)
    (earlier / "index.html").write_text("earlier good report")
    catalog = _broken_catalog(tmp_path)
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "sofstat",
            "report",
            "--period",
            "2024-H2",
            "--catalog",
            str(catalog),
            "--output-dir",
            str(out),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert res.returncode == 1
    assert "running 01_chefsomradenas_storlek.ipynb" in res.stdout
    assert "notebook 00_sammanfattning.ipynb failed in cell" in res.stderr
    assert "notebook 01_chefsomradenas_storlek.ipynb failed in cell" in res.stderr
    assert "InputError" in res.stderr and "5200308 Syrengården 23 22,20" in res.stderr
    assert (earlier / "index.html").read_text() == "earlier good report"
    failed = out / "2024-H2.failed"
    assert (failed / "01_chefsomradenas_storlek.ipynb").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp folder left


def test_bad_catalog(tmp_path):
    p = tmp_path / "periods.yml"
    p.write_text("periods:\n  2024-H1:\n    staffing: nope.txt\n")
    with pytest.raises(CatalogError, match="no such file: nope.txt"):
        load_catalog(p)
    with pytest.raises(CatalogError, match="no period '2030-H1'"):
        build_report("2030-H1", CATALOG, tmp_path)
    assert isinstance(ReportError("x"), RuntimeError)


def test_workbook_neutralises_formulas(tmp_path):
    table = {
        "name": "t",
        "title": "Test",
        "columns": ["Enhet", "Värde"],
        "rows": [["=SUM(A1:A9)", 1.5], ["+46 70", 2], ["-x", None], ["@cmd", 3], ["Vanlig", 4]],
        "footnotes": ["=not a formula either"],
        "decimals": {"Värde": 1},
    }
    f = tmp_path / "t.json"
    f.write_text(json.dumps(table), encoding="utf-8")
    data = build_workbook([f])
    assert data == build_workbook([f])  # reproducible
    z = zipfile.ZipFile(__import__("io").BytesIO(data))
    sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    xml = "".join(z.read(n).decode() for n in sheets)
    assert "<f>" not in xml and "<f " not in xml
    from openpyxl import load_workbook

    wb = load_workbook(__import__("io").BytesIO(data))
    ws = wb["t"]
    assert ws["A4"].value == "=SUM(A1:A9)" and ws["A4"].data_type == "s"
    assert ws["B4"].value == 1.5 and ws["B4"].number_format == "#,##0.0"
    assert wb["Innehåll"]["A2"].value == "t"
