"""Table 1-2, staff per manager against the guideline, and the totals check (real published values)."""

from __future__ import annotations

import pytest
from conftest import TABLE2

import sofstat
from sofstat import InputError
from sofstat.vocabulary import Level, Measure, Status

OTHER = "Övriga områden inom socialförvaltningen"


def test_guideline_table1(guideline):
    assert dict(zip(guideline["area"], guideline["base"], strict=True)) == {
        "Hemtjänsten": 30,
        "Hemsjukvården": 30,
        "Omsorgen om personer med funktionsnedsättning": 25,
        "Boende för ensamkommande unga": 20,
        "Individ- och familjeomsorgen": 25,
        "Särskilda boenden": 30,
        "Myndighetsavdelningen": 25,
        OTHER: 25,
    }


def test_factors_table2():
    f = sofstat.read_factors(TABLE2)
    assert len(f) == 10
    assert f.loc[5].tolist() == ["Stödfunktioner såsom ekonomi och HR", "Används", "Används inte"]
    assert (f["factor"] == "Verksamhetens komplexitet").sum() == 2


def test_department_map_covers_every_department(staffing, department_map):
    depts = set(staffing.loc[staffing["level"] == Level.UNIT, "department_code"])
    assert depts == set(department_map["department_code"])
    assert len(depts) == 9


def test_staff_per_manager_values(spm):
    assert len(spm) == 59
    by = spm.set_index("unit_code")
    assert by.loc["5200314", "employees_per_manager"] == pytest.approx(28.75)
    assert by.loc["5200314", "fte_per_manager"] == pytest.approx(105.46 / 4)
    assert by.loc["5200525", "employees_per_manager"] == pytest.approx(67 / 3)
    assert by.loc["5200305", "status"] == Status.OVER_MAX  # Tingsbrogården 44 > 30 + 10
    assert by.loc["5200313", "status"] == Status.WITHIN_BASE  # Åvallegården 30 = base
    assert by.loc["5200303", "status"] == Status.OVER_BASE  # 33 > 30
    assert by.loc["5200512", ["guideline_base", "guideline_max", "status"]].tolist() == [
        25,
        35,
        "over_base",
    ]
    # departments Table 1 does not name fall under "Övriga områden"
    assert by.loc["5200801", "area"] == OTHER
    assert by.loc["5201002", "guideline_base"] == 25
    assert by.loc["5200102", "department_name"] == "Avdelning 52001 (utan egen rad i tabellen)"
    assert spm["status"].value_counts().to_dict() == {"within_base": 47, "over_base": 11, "over_max": 1}


def test_summary_indicators(spm):
    ind = sofstat.summary_indicators(spm)
    assert ind["units"] == 59
    assert ind["managers"] == 69
    assert ind["units_within_base"] == 47
    assert ind["share_units_within_base"] == pytest.approx(100 * 47 / 59)
    assert ind["managers_within_base"] == 56
    assert ind["share_managers_within_base"] == pytest.approx(100 * 56 / 69)
    assert ind["units_over_base"] == 11
    assert ind["units_over_max"] == 1
    assert ind["median_employees_per_manager"] == 23.0
    assert ind["max_employees_per_manager"] == 44.0


def test_department_summary(spm):
    d = sofstat.department_summary(spm).set_index("department_code")
    assert d.loc[
        "52003", ["units", "managers", "employees", "within_base", "over_base", "over_max"]
    ].tolist() == [11, 16, 494, 6, 4, 1]
    assert d.loc["52003", "employees_per_manager"] == pytest.approx(494 / 16)
    # the last row is the whole administration: no name of its own (presentation names it)
    assert d.index[-1] == "52"
    assert d.loc["52", "whole"] and not d.loc["52003", "whole"]
    assert d.loc["52", "department_name"] == ""
    assert d.loc["52", "employees"] == 1555
    assert d.loc["52", ["units", "managers", "within_base"]].tolist() == [59, 69, 47]


def test_staff_per_manager_needs_the_department_map(staffing, guideline):
    with pytest.raises(TypeError):
        sofstat.staff_per_manager(staffing, guideline)  # type: ignore[call-arg]


def test_unmapped_department_falls_under_other(staffing, guideline, department_map):
    m = department_map[department_map["department_code"] != "52008"]
    s = sofstat.staff_per_manager(staffing, guideline, m)
    assert set(s.loc[s["department_code"] == "52008", "area"]) == {OTHER}


def test_map_naming_an_area_table1_lacks(staffing, guideline, department_map):
    m = department_map.copy()
    m.loc[m["department_code"] == "52003", "area"] = "Äldreboenden"
    with pytest.raises(InputError, match="names areas that Table 1 does not have: Äldreboenden"):
        sofstat.staff_per_manager(staffing, guideline, m)


def test_table1_without_other_row(staffing, guideline, department_map):
    g = guideline[guideline["area"] != OTHER]
    with pytest.raises(InputError, match="names areas that Table 1 does not have: Övriga"):
        sofstat.staff_per_manager(staffing, g, department_map)
    # without the map's Övriga rows, 52001, 52008 and 52010 are unmapped and need Table 1's row
    m = department_map[department_map["area"] != OTHER]
    with pytest.raises(InputError, match="has no row 'Övriga områden inom socialförvaltningen'"):
        sofstat.staff_per_manager(staffing, g, m)


def test_guideline_errors(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("avdelning;antal_medarbetare_per_chef\nHemtjänsten;tretti\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"g.csv, line 2: base 'tretti' is not a number: 'Hemtjänsten;tretti'"
    ):
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
    assert c["measure"].tolist()[:3] == [Measure.EMPLOYEES, Measure.FTE, Measure.MEAN_AGE]
    bad = c[c["beyond_rounding"]]
    assert bad[["unit_code", "measure"]].values.tolist() == [["52", "fte"]]
    row = bad.iloc[0]
    assert row["published"] == 1498.42
    assert row["summed"] == pytest.approx(1497.42)
    assert row["difference"] == pytest.approx(1.0)
    board = c[(c["unit_code"] == "52") & (c["measure"] == Measure.EMPLOYEES)].iloc[0]
    assert board["summed"] == 1555  # 8 departments + the two 52001 units
    assert board["rows_summed"] == 10
    age = c[(c["unit_code"] == "52002") & (c["measure"] == Measure.MEAN_AGE)].iloc[0]
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


def test_baseline_period_gives_the_same_numbers(baseline, spm):
    """load_period computes the same table as the functions called one by one."""
    assert baseline.spm.equals(spm)
    assert baseline.summary == sofstat.summary_indicators(spm)
