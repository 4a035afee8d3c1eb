"""Movement from the baseline: verdicts, the test for a real survey change, Wilson
intervals, approximate bands, and the synthetic second period's movement table.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sofstat.analysis.indicators import indicator
from sofstat.analysis.movement import movement_table, significance, values_long, verdict
from sofstat.analysis.survey import approximate_band, two_proportion_p, wilson_interval
from sofstat.analysis.values import Value
from sofstat.vocabulary import Significance, UnitChange, Verdict

SHARE = indicator("share_units_within_base")  # up is better, 1 decimal
OVER_MAX = indicator("units_over_max")  # down is better, whole numbers
SICK = indicator("sick.enhetschefer")  # down is better, 2 decimals
SURVEY = indicator("survey.aterhamtning.chefer")  # up is better, 1 decimal
TWO_THIRDS = Value(200 / 3, approximate=True, published=True)  # "ungefär 2/3" (the plan)


def _sig2(x: float) -> float:
    """``x`` to two significant digits."""
    return float(f"{x:.2g}")


# --- verdicts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ind", "base", "last", "expected"),
    [
        (SHARE, 47 / 59 * 100, 48 / 59 * 100, Verdict.RIGHT_WAY),
        (SHARE, 48 / 59 * 100, 47 / 59 * 100, Verdict.WRONG_WAY),
        (OVER_MAX, 1, 0, Verdict.RIGHT_WAY),  # fewer is better
        (OVER_MAX, 1, 2, Verdict.WRONG_WAY),
        (OVER_MAX, 1, 1, Verdict.UNCHANGED),
        # the change is rounded to the decimals the report prints it with before its direction is read:
        (SHARE, 80.0, 80.04, Verdict.UNCHANGED),  # printed "±0,0 procentenheter"
        (SHARE, 80.0, 79.96, Verdict.UNCHANGED),
        (SHARE, 80.0, 80.06, Verdict.RIGHT_WAY),  # "+0,1"
        (SICK, 2.26, 2.264, Verdict.UNCHANGED),  # "±0,00"
        (SICK, 2.26, 2.266, Verdict.WRONG_WAY),  # "+0,01": more sick leave
        (indicator("median_employees_per_manager"), 23.0, 23.04, Verdict.UNCHANGED),
    ],
)
def test_verdict(ind, base, last, expected):
    assert verdict(ind, Value(base), Value(last), only_baseline=False) == expected


def test_verdict_baseline_only_and_missing():
    assert verdict(SHARE, Value(79.7), None, only_baseline=True) == Verdict.BASELINE_ONLY
    assert verdict(SHARE, Value(79.7), None, only_baseline=False) == Verdict.MISSING
    assert verdict(SHARE, None, Value(79.7), only_baseline=False) == Verdict.MISSING
    assert verdict(SHARE, None, None, only_baseline=True) == Verdict.MISSING


def test_values_for_different_parts_of_the_year_are_not_comparable():
    full_2023 = Value(2.26, months=12, published=True)
    jan_sep_2024 = Value(100 * 2010 / 94530, months=9, through="2024-09")
    assert verdict(SICK, full_2023, jan_sep_2024, only_baseline=False) == Verdict.NOT_COMPARABLE
    assert verdict(SICK, full_2023, Value(2.0, months=12), only_baseline=False) == Verdict.RIGHT_WAY


def test_approximate_band():
    # "ca 2/3" lies between the midpoints to 1/2 and 3/4: 58,3–70,8 %
    low, high = approximate_band(200 / 3)
    assert (low, high) == pytest.approx(((50 + 200 / 3) / 2, (200 / 3 + 75) / 2))
    assert (round(low, 1), round(high, 1)) == (58.3, 70.8)
    assert approximate_band(50.0) == pytest.approx((125 / 3, 175 / 3))  # ca hälften: 41,7–58,3
    assert approximate_band(25.0) == pytest.approx((125 / 6, 175 / 6))  # 1/4: half the gap to 1/3 either side
    assert approximate_band(40.0) == (35.0, 45.0)  # not a simple fraction: ± 5


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (70.2, Verdict.NOT_ASSESSABLE),  # inside 58,3–70,8
        (61.0, Verdict.NOT_ASSESSABLE),  # inside, though lower
        (66.7, Verdict.NOT_ASSESSABLE),
        (70.8, Verdict.NOT_ASSESSABLE),  # 70,8 < 70,833…
        (72.0, Verdict.NOT_ASSESSABLE),  # above the band, but 72 % of 60 is 59,6–81,8 %: overlaps it
        (55.0, Verdict.NOT_ASSESSABLE),  # below, but 42,5–66,9 % overlaps the band
    ],
)
def test_change_from_an_approximate_baseline(latest, expected):
    assert verdict(SURVEY, TWO_THIRDS, Value(latest, respondents=60), only_baseline=False) == expected


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (72.0, Verdict.NOT_ASSESSABLE),  # 72 % of 1 200 is 69,4–74,5 %: still reaches into 58,3–70,8
        (75.0, Verdict.RIGHT_WAY),  # 72,5–77,4 %: wholly above the band
        (55.0, Verdict.WRONG_WAY),  # 52,2–57,8 %: wholly below it
    ],
)
def test_change_from_an_approximate_baseline_needs_the_whole_interval_outside(latest, expected):
    assert verdict(SURVEY, TWO_THIRDS, Value(latest, respondents=1200), only_baseline=False) == expected
    # without a number of respondents the share is taken as it stands: outside the band, it moved
    assert verdict(SURVEY, TWO_THIRDS, Value(latest), only_baseline=False) == (
        Verdict.RIGHT_WAY if latest > 70.9 else Verdict.WRONG_WAY
    )


def test_two_approximate_values():
    assert verdict(SURVEY, TWO_THIRDS, TWO_THIRDS, only_baseline=False) == Verdict.NOT_ASSESSABLE
    half = Value(50.0, approximate=True)
    assert verdict(SURVEY, half, TWO_THIRDS, only_baseline=False) == Verdict.RIGHT_WAY
    assert verdict(SURVEY, TWO_THIRDS, half, only_baseline=False) == Verdict.WRONG_WAY


def test_verdict_codes_are_counted_only_for_comparisons():
    assert {v for v in Verdict if v.counted} == {Verdict.RIGHT_WAY, Verdict.WRONG_WAY, Verdict.UNCHANGED}


# --- a real change: the two-proportion test ------------------------------------


def test_two_proportion_test():
    # 66 % -> 70 % among 40 and 40: pooled 68 %, z = 0,04 / √(0,68 · 0,32 · 2/40) = 0,38
    assert _sig2(two_proportion_p(66, 40, 70, 40)) == 0.70
    # the same change among 1 200 and 1 200: z = 2,10
    assert _sig2(two_proportion_p(66, 1200, 70, 1200)) == 0.036
    assert two_proportion_p(70, 1200, 66, 1200) == pytest.approx(two_proportion_p(66, 1200, 70, 1200))
    assert math.isnan(two_proportion_p(66, None, 70, 40))
    assert math.isnan(two_proportion_p(0, 40, 0, 40))  # no spread: no test


def test_significance_codes():
    def sig(base, last, ind=SURVEY):
        return significance(ind, base, last)

    code, p = sig(Value(66, respondents=40), Value(70, respondents=40))
    assert code == Significance.NOT_SIGNIFICANT and _sig2(p) == 0.70
    code, p = sig(Value(66, respondents=1200), Value(70, respondents=1200))
    assert code == Significance.SIGNIFICANT and _sig2(p) == 0.036
    # not tested: an approximate value, an unknown number of respondents, or not a survey share
    assert sig(TWO_THIRDS, Value(72, respondents=60))[0] == Significance.NOT_TESTED
    assert sig(Value(66), Value(70, respondents=40))[0] == Significance.NOT_TESTED
    assert sig(Value(66, respondents=40), None)[0] == Significance.NOT_TESTED
    assert sig(Value(66), Value(70), SHARE)[0] == Significance.NOT_TESTED


# --- the Wilson interval --------------------------------------------------------


def test_wilson_interval_by_hand():
    # 70 % of 40, z = 1,959964 (95 %), z² = 3,841459:
    #   centre = (p + z²/2n) / (1 + z²/n) = (0,7 + 0,0480182) / 1,0960365 = 0,6824757
    #   half   = z · √(p(1 − p)/n + z²/4n²) / (1 + z²/n)
    #          = 1,959964 · √(0,00525 + 0,00060022) / 1,0960365 = 0,1367759
    #   -> 0,6824757 ∓ 0,1367759 = 54,57 % … 81,93 %
    z, n, p = 1.959964, 40, 0.70
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    by_hand = (round(100 * (centre - half), 2), round(100 * (centre + half), 2))
    assert by_hand == (54.57, 81.93)
    low, high = wilson_interval(70, 40)
    assert (round(low, 2), round(high, 2)) == by_hand


def test_wilson_interval_edges():
    low, high = wilson_interval(0, 40)
    assert low == pytest.approx(0, abs=1e-9) and 0 < high < 10  # never below 0 %, unlike p ± z·√(p(1−p)/n)
    assert wilson_interval(100, 40)[1] == pytest.approx(100)
    assert all(math.isnan(x) for x in wilson_interval(70, 0))
    assert all(math.isnan(x) for x in wilson_interval(70, None))


# --- the synthetic second period -------------------------------------------------


def test_synthetic_movement_table(synthetic):
    """SYNTHETIC 2024-H2 (tests/fixtures/synthetic) against the real baseline 2024-H1."""
    m = synthetic.movement.set_index("id")
    assert list(m.index[:5]) == [
        "share_units_within_base",
        "units_over_max",
        "median_employees_per_manager",
        "max_employees_per_manager",
        "managers",
    ]
    row = m.loc["share_units_within_base"]
    assert row["baseline"] == pytest.approx(100 * 47 / 59)
    assert row["latest"] == pytest.approx(100 * 48 / 59)  # 5200313 closed (within), 5200315 new (within)
    assert row["change"] == pytest.approx(100 / 59)
    assert row["verdict"] == Verdict.RIGHT_WAY and row["latest_period"] == "2024-H2"
    assert m.loc["units_over_max", ["baseline", "latest", "verdict"]].tolist() == [1, 0, "right_way"]
    assert m.loc["managers", ["baseline", "latest", "verdict"]].tolist() == [69, 70, "right_way"]
    assert m.loc["max_employees_per_manager", "baseline"] == 44  # Tingsbrogården, 1 manager
    assert m.loc["max_employees_per_manager", "latest"] == pytest.approx(115 / 3)  # Pjäsen, 3 managers
    assert m.loc["max_employees_per_manager", "verdict"] == Verdict.RIGHT_WAY

    sick = m.loc["sick.enhetschefer"]
    assert sick["baseline"] == 2.26  # full year 2023, published in the plan
    assert sick["latest"] == pytest.approx(100 * 2010 / 94530)  # January–September 2024
    assert sick["verdict"] == Verdict.NOT_COMPARABLE
    assert "sick.avdelningschefer" not in m.index  # 8 employees: hidden

    survey = m.loc[[i for i in m.index if i.startswith("survey.")]]
    assert (
        survey["verdict"].to_dict()
        == {
            "survey.leder_arbetsgruppen.medarbetare": "not_assessable",  # ca 2/3 -> 70,2 %
            "survey.delaktig_beslut.medarbetare": "not_assessable",  # ca 2/3 -> 61,0 %
            "survey.rimlig_stress.chefer": "baseline_only",  # no 2024 figure
            "survey.aterhamtning.chefer": "not_assessable",  # ca 2/3 -> 72,0 % of 60: 59,6–81,8 % overlaps the band
            "survey.kompetensutveckling.chefer": "not_assessable",  # ca 2/3 -> 66,7 %
        }
    )
    assert (survey["significance"] == Significance.NOT_TESTED).all()  # approximate baseline: no test
    assert survey["baseline_approximate"].all() and not survey["latest_approximate"].any()


def test_synthetic_unit_changes(synthetic):
    [(before, after, ch)] = synthetic.unit_changes
    assert (before, after) == ("2024-H1", "2024-H2")
    assert dict(zip(ch["unit_code"], ch["changes"], strict=True)) == {
        "5200303": (UnitChange.MANAGERS_CHANGED,),
        "5200305": (UnitChange.MANAGERS_CHANGED,),
        "5200306": (UnitChange.RENAMED,),
        "5200313": (UnitChange.CLOSED,),
        "5200314": (UnitChange.MANAGERS_CHANGED,),
        "5200315": (UnitChange.NEW,),
    }
    by = ch.set_index("unit_code")
    assert by.loc["5200303", ["managers_before", "managers_after"]].tolist() == [1, 2]
    assert by.loc["5200305", ["managers_before", "managers_after"]].tolist() == [1, 2]
    assert by.loc["5200314", ["managers_before", "managers_after"]].tolist() == [4, 3]
    assert by.loc["5200306", ["name_before", "name_after"]].tolist() == ["Kilåkern", "Kilåkerns äldreboende"]
    assert by.loc["5200313", "employees_before"] == 30 and pd.isna(by.loc["5200313", "employees_after"])
    assert by.loc["5200315", ["name_after", "employees_after"]].tolist() == ["Nya enheten", 30]


def test_baseline_alone_has_only_baseline_verdicts(baseline):
    m = baseline.movement
    assert len(m) == 11
    assert (m["verdict"] == Verdict.BASELINE_ONLY).all()
    assert m["change"].isna().all() and (m["latest_period"] == "").all()
    assert baseline.unit_changes == []


def test_movement_table_takes_the_latest_period_that_has_a_value():
    values = {
        "2024-H1": {"managers": Value(69)},
        "2024-H2": {"managers": Value(70)},
        "2025-H1": {},
    }
    t = movement_table([indicator("managers")], values).iloc[0]
    assert (t["latest"], t["latest_period"], t["verdict"]) == (70, "2024-H2", "right_way")
    long = values_long(values)
    assert long[["period", "id", "value"]].values.tolist() == [
        ["2024-H1", "managers", 69],
        ["2024-H2", "managers", 70],
    ]
