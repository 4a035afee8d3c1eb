"""Table 1-2, staff per manager against the guideline, and the totals check."""

from __future__ import annotations

import pytest
from conftest import TABLE2

import sofstat
from sofstat import InputError


def test_guideline_table1(guideline):
    assert dict(zip(guideline["area"], guideline["base"], strict=True)) == {
        "Hemtjänsten": 30,
        "Hemsjukvården": 30,
        "Omsorgen om personer med funktionsnedsättning": 25,
        "Boende för ensamkommande unga": 20,
        "Individ- och familjeomsorgen": 25,
        "Särskilda boenden": 30,
        "Myndighetsavdelningen": 25,
        "Övriga områden inom socialförvaltningen": 25,
    }


def test_factors_table2():
    f = sofstat.read_factors(TABLE2)
    assert len(f) == 10
    assert f.loc[5].tolist() == ["Stödfunktioner såsom ekonomi och HR", "Används", "Används inte"]
    assert (f["factor"] == "Verksamhetens komplexitet").sum() == 2


def test_department_map_covers_every_department(staffing):
    m = sofstat.read_department_map()
    depts = set(staffing.loc[staffing["level"] == "enhet", "department_code"])
    assert depts == set(m["department_code"])


def test_staff_per_manager_values(spm):
    assert len(spm) == 59
    by = spm.set_index("unit_code")
    assert by.loc["5200314", "employees_per_manager"] == pytest.approx(28.75)
    assert by.loc["5200314", "fte_per_manager"] == pytest.approx(105.46 / 4)
    assert by.loc["5200525", "employees_per_manager"] == pytest.approx(67 / 3)
    assert by.loc["5200305", "status"] == "över maxgräns"  # Tingsbrogården 44 > 40
    assert by.loc["5200313", "status"] == "inom grundtal"  # Åvallegården 30 = base
    assert by.loc["5200303", "status"] == "över grundtal"
    assert by.loc["5200512", ["guideline_base", "guideline_max", "status"]].tolist() == [
        25,
        35,
        "över grundtal",
    ]
    # departments Table 1 does not name fall under "Övriga områden"
    assert by.loc["5200801", "area"] == "Övriga områden inom socialförvaltningen"
    assert by.loc["5201002", "guideline_base"] == 25
    assert by.loc["5200102", "department_name"] == "Avdelning 52001 (ingen egen rad i tabell 3)"
    assert spm["status"].value_counts().to_dict() == {
        "inom grundtal": 47,
        "över grundtal": 11,
        "över maxgräns": 1,
    }


def test_summary_indicators(spm):
    ind = sofstat.summary_indicators(spm)
    assert ind["units"] == 59
    assert ind["managers"] == 69
    assert ind["units_within_base"] == 47
    assert ind["share_units_within_base"] == pytest.approx(100 * 47 / 59)
    assert ind["managers_within_base"] == 56
    assert ind["units_over_max"] == 1
    assert ind["median_employees_per_manager"] == 23.0
    assert ind["max_employees_per_manager"] == 44.0


def test_department_summary(spm):
    d = sofstat.department_summary(spm).set_index("department_code")
    assert d.loc[
        "52003", ["units", "managers", "employees", "within_base", "over_base", "over_max"]
    ].tolist() == [
        11,
        16,
        494,
        6,
        4,
        1,
    ]
    assert d.loc["52003", "employees_per_manager"] == pytest.approx(494 / 16)
    assert d.loc["52", "department_name"] == "Hela förvaltningen"
    assert d.loc["52", "employees"] == 1555


def test_unmapped_department_falls_under_other(staffing, guideline):
    m = sofstat.read_department_map()
    m = m[m["department_code"] != "52008"]
    s = sofstat.staff_per_manager(staffing, guideline, m)
    assert set(s.loc[s["department_code"] == "52008", "area"]) == {"Övriga områden inom socialförvaltningen"}


def test_guideline_errors(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("avdelning;antal_medarbetare_per_chef\nHemtjänsten;tretti\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"g.csv, line 2: base is not a whole number: 'Hemtjänsten;tretti'"):
        sofstat.read_guideline(p)


def test_check_totals(staffing):
    c = sofstat.check_totals(staffing)
    assert len(c) == 27  # (1 board + 8 departments) x 3 measures
    assert list(c.columns) == [
        "unit_code",
        "unit_name",
        "measure",
        "published",
        "summed",
        "difference",
        "beyond_rounding",
        "rows_summed",
    ]
    bad = c[c["beyond_rounding"]]
    assert bad[["unit_code", "measure"]].values.tolist() == [["52", "fte"]]
    row = bad.iloc[0]
    assert row["published"] == 1498.42
    assert row["summed"] == pytest.approx(1497.42)
    assert row["difference"] == pytest.approx(1.0)
    board = c[(c["unit_code"] == "52") & (c["measure"] == "employees")].iloc[0]
    assert board["summed"] == 1555  # 8 departments + the two 52001 units
    assert board["rows_summed"] == 10
    age = c[(c["unit_code"] == "52002") & (c["measure"] == "mean_age")].iloc[0]
    assert age["summed"] == pytest.approx((6 * 48.7 + 20 * 44.0 + 17 * 42.4 + 17 * 50.1) / 60, abs=1e-4)
    assert not age["beyond_rounding"]


def test_check_totals_flags_changed_row(table3_text):
    text = table3_text.replace(
        "5200202 Handläggarenheten 20 20,00 44,0", "5200202 Handläggarenheten 21 20,00 44,0"
    )
    c = sofstat.check_totals(sofstat.read_staffing(text))
    flagged = set(map(tuple, c.loc[c["beyond_rounding"], ["unit_code", "measure"]].values.tolist()))
    # the board sums department rows, so only the department disagrees with its units
    assert flagged == {("52", "fte"), ("52002", "employees")}
