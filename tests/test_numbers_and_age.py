"""Swedish numbers and mean age with small groups hidden."""

from __future__ import annotations

import math

import pytest

from sofstat.age import age_by_department, age_by_unit
from sofstat.numbers import fmt_int, fmt_number, fmt_percent, fmt_share, parse_number


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


@pytest.mark.parametrize("text", ["1 55", "12a", "", "1,2,3", "1  555"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_format_swedish():
    assert fmt_number(1498.42, 2) == "1 498,42"
    assert fmt_int(1555) == "1 555"
    assert fmt_int(1234567) == "1 234 567"
    assert fmt_number(-0.001, 2) == "0,00"
    assert fmt_number(-1.5, 1) == "\u22121,5"
    assert fmt_number(float("nan")) == "–"
    assert fmt_number(None) == "–"
    assert fmt_percent(2.26, 2) == "2,26 %"
    assert fmt_share(47, 59) == "47 av 59 (80 %)"
    assert fmt_share(0, 0) == "–"


def test_age_by_unit_hides_small_units(staffing):
    u = age_by_unit(staffing).set_index("unit_code")
    hidden = u.index[u["suppressed"]].tolist()
    assert hidden == ["5200102", "5201001"]  # 3 employees each
    assert math.isnan(u.loc["5200102", "mean_age"])
    assert u.loc["5200601", "mean_age"] == 53.3  # 5 employees: shown
    assert age_by_unit(staffing, min_employees=10)["suppressed"].sum() == 6  # 3, 6, 5, 8, 7, 3


def test_age_by_department_roll_up_and_secondary_suppression(staffing):
    d = age_by_department(staffing).set_index("department_code")
    assert d.loc["52003", "published_mean_age"] == 47.4
    assert d.loc["52003", "weighted_mean_age"] == pytest.approx(47.4279, abs=1e-4)
    assert d.loc["52005", ["min_unit_age", "max_unit_age"]].tolist() == [43.8, 55.1]
    # 52001 and 52010 each hold one hidden unit of 3: their mean would reveal it
    assert d.index[d["suppressed"]].tolist() == ["52001", "52010"]
    assert math.isnan(d.loc["52010", "published_mean_age"])
    # hidden units together (3 + 3) reach the threshold: the whole is shown
    assert d.loc["52", "published_mean_age"] == 47.2
    assert d.loc["52", "weighted_mean_age"] == pytest.approx(47.2224, abs=1e-4)
    assert d.loc["52", "units_shown"] == 57


def test_rounding_is_half_away_from_zero():
    assert fmt_number(30.85, 1) == "30,9"  # 30.85 is 30.8499... as a binary float
    assert fmt_number(2.5, 0) == "3"
    assert fmt_number(-2.5, 0) == "\u22123"
    assert fmt_number(float("inf"), 1) == "–"


def test_totals_check_does_not_reveal_hidden_ages(staffing):
    from sofstat import check_totals
    from sofstat.age import hide_ages_in_check

    c = hide_ages_in_check(check_totals(staffing), staffing).set_index(["unit_code", "measure"])
    assert c.loc[("52010", "mean_age"), "hidden"]
    assert math.isnan(c.loc[("52010", "mean_age"), "published"])
    assert math.isnan(c.loc[("52010", "mean_age"), "summed"])
    assert c.loc[("52010", "employees"), "published"] == 15  # other measures stay
    assert c.loc[("52", "mean_age"), "published"] == 47.2
