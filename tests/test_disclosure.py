"""The small-group rules (sofstat.disclosure), tested here once: boundaries, unknown sizes,
secondary suppression of mean age, and year-to-date sick leave after a small month.

Defaults (sofstat.config): mean age hidden below 5 employees, survey below 5
respondents, sick leave at 10 employees or fewer. A figure whose group size is
unknown is hidden unless its row says its source already published it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import SYNTHETIC_CATALOG

import sofstat
from sofstat import config, disclosure
from sofstat.analysis.age import age_by_department
from sofstat.analysis.sickleave import monthly_with_hidden, yearly_rates
from sofstat.analysis.survey import survey_wide
from sofstat.readers.sickleave import read_sick_leave
from sofstat.readers.survey import read_questions, read_survey

NA = pd.NA


def _s(values, dtype="Int64") -> pd.Series:
    return pd.Series(values, dtype=dtype)


def test_defaults():
    assert config.THRESHOLDS == {"min_employees_age": 5, "min_respondents": 5, "max_hidden_sick_leave": 10}


# --- mean age: fewer than 5 employees --------------------------------------


def test_age_boundary():
    assert disclosure.age_hidden(_s([4, 5, 0, 1, 6, NA])).tolist() == [True, False, True, True, False, True]
    assert disclosure.age_hidden(_s([9, 10]), min_employees_age=10).tolist() == [True, False]


def test_age_keeps_the_index():
    size = pd.Series([4, 5], index=["5201001", "5201002"])
    assert disclosure.age_hidden(size).to_dict() == {"5201001": True, "5201002": False}


# --- survey: fewer than 5 respondents --------------------------------------


def test_survey_boundary():
    assert disclosure.survey_hidden(_s([4, 5, 0, 1200])).tolist() == [True, False, True, False]
    assert disclosure.survey_hidden(_s([9, 10]), min_respondents=10).tolist() == [True, False]


def test_survey_unknown_respondents_hidden_unless_published():
    n = _s([NA, NA, 4, 5])
    assert disclosure.survey_hidden(n).tolist() == [True, True, True, False]
    published = pd.Series([False, True, True, True])
    # a published figure of unknown size is shown; a known small group never, published or not
    assert disclosure.survey_hidden(n, published).tolist() == [True, False, True, False]
    # a missing published flag is "not published"
    assert disclosure.survey_hidden(_s([NA]), pd.Series([None], dtype="object")).tolist() == [True]


# --- sick leave: 10 or fewer employees --------------------------------------


def test_sick_leave_boundary():
    assert disclosure.sick_leave_hidden(_s([10, 11, 0, 69])).tolist() == [True, False, True, False]
    assert disclosure.sick_leave_hidden(_s([20, 21]), max_hidden_sick_leave=20).tolist() == [True, False]


def test_sick_leave_unknown_size_hidden_unless_published():
    size = _s([NA, NA, 10, 11])
    published = pd.Series([False, True, True, False])
    assert disclosure.sick_leave_hidden(size).tolist() == [True, True, True, False]
    assert disclosure.sick_leave_hidden(size, published).tolist() == [True, False, True, False]


# --- year to date after a small month ----------------------------------------


def test_year_to_date_hidden_from_a_small_month_on():
    month_hidden = pd.Series([False, True, False, False, False, False])
    group = pd.Series(["g", "g", "g", "g", "h", "h"])
    year = pd.Series([2024, 2024, 2024, 2025, 2024, 2024])
    # g: hidden from February to the end of 2024, shown again from January 2025; h untouched
    assert disclosure.year_to_date_hidden(month_hidden, group, year).tolist() == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]


def test_small_month_hides_its_own_figure_and_the_rest_of_the_year():
    """February has 9 employees: its own hours are hidden, and every accumulated rate
    from February on (January–March less January–January would give February)."""
    text = "\n".join(
        [
            "månad;grupp;sjuktimmar;ordinarie_timmar;antal_anställda",
            "2024-01;g;10;1000;12",
            "2024-02;g;20;1000;9",
            "2024-03;g;30;1000;11",
            "2025-01;g;10;1000;11",
        ]
    )
    acc = monthly_with_hidden(read_sick_leave(text))
    assert acc["month_hidden"].tolist() == [False, True, False, False]
    assert acc["ytd_hidden"].tolist() == [False, True, True, False]
    yearly = yearly_rates(read_sick_leave(text)).set_index("year")
    assert yearly.loc[2024, "hidden"] and not yearly.loc[2025, "hidden"]
    assert yearly.loc[2024, "employees"] == 9
    # with 8 as the limit, 9 employees is enough
    assert not monthly_with_hidden(read_sick_leave(text), 8)["ytd_hidden"].any()


def test_published_rate_of_unknown_size_is_shown_only_when_published():
    """The plan's 2,26 % (2023, group size not given): v2 marks it published, v1 does not."""
    v2 = yearly_rates(read_sick_leave(config.RAW_DIR / "2023" / "sjuktal_chefer_2023_v2.csv"))
    v1 = yearly_rates(read_sick_leave(config.RAW_DIR / "2023" / "sjuktal_chefer_2023.csv"))
    assert v2["hidden"].tolist() == [False] and v2["published"].tolist() == [True]
    assert v1["hidden"].tolist() == [True]
    # a published rate of a known group of 10 is still hidden
    ten = read_sick_leave("år;grupp;sjuktal;antal_anställda;publicerad\n2024;g;2,0;10;ja\n")
    assert yearly_rates(ten)["hidden"].tolist() == [True]


def test_survey_of_unknown_size_shown_only_when_published():
    q = read_questions()
    v2 = survey_wide(
        read_survey(config.RAW_DIR / "2023" / "medarbetarundersokning_2023_utgangslage_v2.csv"), q
    )
    v1 = survey_wide(read_survey(config.RAW_DIR / "2023" / "medarbetarundersokning_2023_utgangslage.csv"), q)
    assert len(v2) == len(v1) == 5
    assert not v2["hidden"].any() and v2["positive"].notna().all()
    assert v1["hidden"].all() and v1["positive"].isna().all()


# --- secondary suppression of a department's mean age ---------------------


def test_table3_departments_hidden_secondarily(staffing):
    """Table 3 (March 2024): HR-enhet 5201001 and Ekonomienhet 5200102 have 3 employees
    each, so their mean age is hidden. Their departments' mean age must go too:

    - 52010 HR-Avdelning publishes 45,5 for 15 employees, and its other unit,
      Rekryterings- och bemanningsenheten, shows 47,5 for 12. So the hidden unit's mean
      age is (15 · 45,5 − 12 · 47,5) / 3 = 37,5, the published 37,7 within the rounding
      of the two means to one decimal (at most (15 + 12) · 0,05 / 3 = 0,45).
    - 52001 has no row in Table 3, but the report would show its mean rolled up from
      its units, (3 · 53,3 + 12 · 49,8) / 15; with 5200105's 49,8 shown, 53,3 follows.

    The whole administration is shown: its hidden units in hidden departments have
    3 + 3 = 6 employees, so what the board's mean can reveal is the mean of six.
    """
    raw = staffing.set_index("unit_code")
    revealed = (15 * raw.loc["52010", "mean_age"] - 12 * raw.loc["5201002", "mean_age"]) / 3
    assert revealed == pytest.approx(37.5)
    assert abs(revealed - raw.loc["5201001", "mean_age"]) <= (15 + 12) * 0.05 / 3

    units = staffing[staffing["level"] == "unit"]
    unit_hidden = disclosure.age_hidden(units["employees"])
    assert units.loc[unit_hidden.to_numpy(), "unit_code"].tolist() == ["5200102", "5201001"]
    depts, board = disclosure.department_ages_hidden(
        units["department_code"], units["employees"], unit_hidden
    )
    assert depts[depts].index.tolist() == ["52001", "52010"]
    assert len(depts) == 9 and not board

    d = age_by_department(staffing).set_index("department_code")
    assert math.isnan(d.loc["52010", "published_mean_age"]) and math.isnan(
        d.loc["52001", "weighted_mean_age"]
    )
    assert d.loc["52", "published_mean_age"] == 47.2


def test_table3_with_a_higher_threshold(staffing):
    """With 10 as the threshold six units are hidden (3, 6, 5, 8, 7 and 3 employees):
    Kvalitetsavdelning 52008 (8 + 7 = 15 hidden together) is shown, since only the
    mean of fifteen follows from it; 52001 and 52010 (3 each) and 52006 (5) are hidden,
    and so is 52002 (6). The whole: 3 + 6 + 5 + 3 = 17 hidden in hidden departments: shown."""
    d = age_by_department(staffing, min_employees_age=10).set_index("department_code")
    assert d.index[d["suppressed"]].tolist() == ["52001", "52002", "52006", "52010"]
    assert not d.loc["52008", "suppressed"] and not d.loc["52", "suppressed"]


@pytest.mark.parametrize(
    ("sizes", "dept_hidden", "board_hidden"),
    [
        # dept A: hidden units 3 + 3 = 6 -> shown; B: 4 -> hidden; the whole: 4 -> hidden
        ({"A": [3, 3, 20], "B": [4, 30]}, {"A": False, "B": True}, True),
        # B and C each hide 4 (below 5): both hidden; 4 + 4 = 8 in hidden departments -> the whole shown
        ({"A": [30], "B": [4, 30], "C": [4, 30]}, {"A": False, "B": True, "C": True}, False),
        # a department of fewer than 5 in all is hidden; with B, 4 + 4 -> the whole shown
        ({"A": [30], "B": [4], "C": [4, 30]}, {"A": False, "B": True, "C": True}, False),
        # no hidden unit: nothing hidden
        ({"A": [5, 30], "B": [12]}, {"A": False, "B": False}, False),
    ],
)
def test_secondary_suppression_cases(sizes, dept_hidden, board_hidden):
    dept = pd.Series([d for d, units in sizes.items() for _ in units])
    emp = pd.Series([n for units in sizes.values() for n in units])
    hidden, board = disclosure.department_ages_hidden(dept, emp, disclosure.age_hidden(emp))
    assert hidden.to_dict() == dept_hidden
    assert board is board_hidden


def test_hidden_unit_of_unknown_size_hides_its_department():
    """Its size is the department's total less the units shown, so a department mean
    would reveal it: cautiously, it counts as a small unit (and so hides the whole)."""
    dept = pd.Series(["A", "A", "B"])
    emp = pd.Series([None, 30, 40], dtype="Float64")
    hidden, board = disclosure.department_ages_hidden(dept, emp, disclosure.age_hidden(emp))
    assert hidden.to_dict() == {"A": True, "B": False}
    assert board


# --- the rules as the report applies them ----------------------------------------


def test_report_hides_the_synthetic_small_groups(synthetic):
    """SYNTHETIC 2024-H2: avdelningschefer are 8 (≤ 10) every month; 5200305 has 4 respondents."""
    rates = synthetic.sick.rates.set_index(["group", "year"])
    assert rates.loc[("avdelningschefer", 2024), "hidden"]
    assert not rates.loc[("enhetschefer", 2024), "hidden"]
    assert not rates.loc[("enhetschefer", 2023), "hidden"]  # unknown size, published by the plan
    monthly = synthetic.sick.monthly
    assert monthly.loc[monthly["group"] == "avdelningschefer", ["month_hidden", "ytd_hidden"]].all().all()
    assert not monthly.loc[monthly["group"] == "enhetschefer", "ytd_hidden"].any()
    assert "sick.avdelningschefer" not in synthetic.values["2024-H2"]
    small = synthetic.survey_wide[synthetic.survey_wide["unit_code"] == "5200305"].iloc[0]
    assert small["hidden"] and math.isnan(small["positive"]) and math.isnan(small["negative"])


def test_analyst_view_and_raised_thresholds():
    shown = sofstat.load_period("2024-H2", SYNTHETIC_CATALOG, disclosed=False)
    assert not shown.age_units["suppressed"].any()
    assert not shown.sick.rates["hidden"].any()
    assert not shown.survey_wide["hidden"].any()
    strict = sofstat.load_period("2024-H1", thresholds={"min_employees_age": 10})
    assert strict.age_units["suppressed"].sum() == 6
