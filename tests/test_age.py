"""Swedish numbers in input, and mean age per unit and department (Table 3, March 2024).

Which groups are hidden, and why, is tested once in test_disclosure.py; here:
the roll-up values, and that the hidden figures really are gone from every
table the analysis returns. Number formatting (fmt_number, …) is tested
with the presentation.
"""

from __future__ import annotations

import math

import pytest

from sofstat import check_totals
from sofstat.analysis.age import age_by_department, age_by_unit, hide_ages_in_check
from sofstat.readers.numbers import parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 555", 1555),
        ("1\u00a0555", 1555),
        ("1\u202f555", 1555),
        ("47,2", 47.2),
        ("1 498,42", 1498.42),
        ("−3", -3),
        ("12", 12),
        ("2.5", 2.5),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1 55", "12a", "", "1,2,3", "1  555", "٣", "1" * 16])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_number_integer():
    assert parse_number("1 555", integer=True) == 1555
    assert isinstance(parse_number("1 555", integer=True), int)
    with pytest.raises(ValueError, match="not a whole number"):
        parse_number("47,2", integer=True)


def test_age_by_unit(staffing):
    u = age_by_unit(staffing).set_index("unit_code")
    assert len(u) == 59
    assert u.index[u["suppressed"]].tolist() == ["5200102", "5201001"]  # 3 employees each
    assert math.isnan(u.loc["5200102", "mean_age"]) and math.isnan(u.loc["5201001", "mean_age"])
    assert u.loc["5200601", "mean_age"] == 53.3  # 5 employees: shown
    assert u.loc["5200303", ["department_name", "employees", "mean_age"]].tolist() == ["SÄBO", 33, 46.8]
    assert age_by_unit(staffing, min_employees_age=10)["suppressed"].sum() == 6  # 3, 6, 5, 8, 7, 3
    assert not age_by_unit(staffing, min_employees_age=0)["suppressed"].any()


def test_age_by_department_roll_up(staffing):
    d = age_by_department(staffing).set_index("department_code")
    assert d.index.tolist() == [
        "52001",
        "52002",
        "52003",
        "52004",
        "52005",
        "52006",
        "52007",
        "52008",
        "52010",
        "52",
    ]
    assert d.loc["52003", "published_mean_age"] == 47.4
    assert d.loc["52003", "weighted_mean_age"] == pytest.approx(47.4279, abs=1e-4)
    assert d.loc["52003", ["employees", "units", "units_shown"]].tolist() == [494, 11, 11]
    assert d.loc["52005", ["min_unit_age", "max_unit_age"]].tolist() == [43.8, 55.1]
    assert d.loc["52005", "range"] == pytest.approx(55.1 - 43.8)
    assert d.loc["52004", "median_unit_age"] == pytest.approx(44.7)  # 12 units: mean of 44,6 and 44,8
    # hidden departments (see test_disclosure): nothing of their own mean is left
    assert d.index[d["suppressed"]].tolist() == ["52001", "52010"]
    for code in ("52001", "52010"):
        assert math.isnan(d.loc[code, "published_mean_age"])
        assert math.isnan(d.loc[code, "weighted_mean_age"])
    # the spread of a hidden department covers only the unit shown
    assert d.loc["52010", ["units", "units_shown", "min_unit_age", "max_unit_age"]].tolist() == [
        2,
        1,
        47.5,
        47.5,
    ]
    # the whole administration is shown; its roll-up weights every unit, hidden ones included
    assert d.loc["52", "whole"] and not d["whole"].iloc[:-1].any()
    assert d.loc["52", "published_mean_age"] == 47.2
    assert d.loc["52", "weighted_mean_age"] == pytest.approx(47.2224, abs=1e-4)
    assert d.loc["52", ["employees", "units", "units_shown"]].tolist() == [1555, 59, 57]


def test_totals_check_does_not_reveal_hidden_ages(staffing):
    c = hide_ages_in_check(check_totals(staffing), staffing).set_index(["unit_code", "measure"])
    assert c.loc[("52010", "mean_age"), "hidden"]
    for col in ("published", "summed", "difference"):
        assert math.isnan(c.loc[("52010", "mean_age"), col])
    assert not c.loc[("52010", "mean_age"), "beyond_rounding"]
    assert c.loc[("52010", "employees"), "published"] == 15  # other measures stay
    assert c.loc[("52", "mean_age"), "published"] == 47.2
    assert c["hidden"].sum() == 1  # 52001 has no row of its own in the check


def test_period_hides_ages_in_its_staffing_table(baseline):
    shown = baseline.staffing.set_index("unit_code")["mean_age"]
    assert shown[["5200102", "5201001", "52010"]].isna().all()
    assert shown.isna().sum() == 3
    assert shown["52"] == 47.2
    # the analyst's own view keeps them
    raw = baseline.staffing_of("2024-H1").set_index("unit_code")["mean_age"]
    assert raw["5201001"] == 37.7 and raw["52010"] == 45.5
