"""Movement towards the goal: each period's indicators against the baseline.

The baseline is the first period of the catalogue. For every period up to
the one reported, the same indicators are computed from that period's own
inputs, so adding a half-year means adding files and a catalogue entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .age import hide_ages_in_check
from .catalog import Period
from .guideline import read_department_map, read_guideline, staff_per_manager, summary_indicators
from .sickleave import read_sick_leave, yearly_rates
from .staffing import check_totals, read_staffing
from .survey import read_questions, read_survey

UP, DOWN = "upp", "ned"


@dataclass(frozen=True)
class Indicator:
    """What an indicator is and which way is better."""

    key: str
    label: str
    better: str  # UP or DOWN
    decimals: int
    unit: str  # "%" or "" (a count or ratio)
    percentage_points: bool = False


STAFFING_INDICATORS = [
    Indicator("share_units_within_base", "Andel enheter inom grundtal", UP, 1, "%", True),
    Indicator("units_over_max", "Enheter över maxgräns", DOWN, 0, ""),
    Indicator("median_employees_per_manager", "Medarbetare per chef, median över enheterna", DOWN, 1, ""),
    Indicator("max_employees_per_manager", "Medarbetare per chef, högsta enhet", DOWN, 1, ""),
    Indicator("managers", "Antal enhetschefer (fler = mindre chefsområden)", UP, 0, ""),
]


@dataclass
class PeriodData:
    """Everything read for one period, and its indicator values."""

    period: Period
    staffing: pd.DataFrame
    spm: pd.DataFrame
    totals: pd.DataFrame
    # key -> (value, approximate, note[, scope]); values with different scopes
    # (e.g. January-September against a full year) are not compared
    values: dict[str, tuple]


def _indicators_for(
    period: Period, questions: pd.DataFrame, min_respondents: int, max_hidden: int, min_employees_age: int
) -> PeriodData:
    staffing = read_staffing(period.inputs["staffing"])
    dmap = read_department_map(period.inputs.get("department_map"))
    spm = staff_per_manager(staffing, read_guideline(period.inputs["guideline"]), dmap)
    ind = summary_indicators(spm)
    values: dict[str, tuple[float, bool, str]] = {
        i.key: (float(ind[i.key]), False, staffing["period"].iloc[0]) for i in STAFFING_INDICATORS
    }
    if "sick_leave" in period.inputs:
        rates = yearly_rates(read_sick_leave(period.inputs["sick_leave"]))
        for group, g in rates.groupby("group", sort=False):
            last = g.sort_values("year").iloc[-1]
            if pd.notna(last["employees"]) and last["employees"] <= max_hidden:
                continue
            note = f"{last['year']}" + ("" if not last["from_hours"] else f" t.o.m. {last['through_month']}")
            months = 12 if not last["from_hours"] else int(last["months_included"])
            values[f"sick:{group}"] = (float(last["rate"]), False, note, f"{months} månader")
    if "survey" in period.inputs:
        survey = read_survey(period.inputs["survey"], questions)
        pos = survey[(survey["category"] == "positiv") & (survey["unit_code"].str.len() == 2)]
        for (qid, group), g in pos.groupby(["question_id", "group"], sort=False):
            last = g.sort_values("year").iloc[-1]
            if pd.notna(last["respondents"]) and last["respondents"] < min_respondents:
                continue
            values[f"survey:{qid}:{group}"] = (
                float(last["share"]),
                bool(last["approximate"]),
                str(last["year"]),
            )
    totals = hide_ages_in_check(check_totals(staffing), staffing, min_employees_age)
    return PeriodData(period, staffing, spm, totals, values)


def indicator_catalogue(data: list[PeriodData], questions: pd.DataFrame) -> list[Indicator]:
    """Every indicator that some period has, in report order."""
    keys = dict.fromkeys(k for d in data for k in d.values)
    out = list(STAFFING_INDICATORS)
    for k in keys:
        if k.startswith("sick:"):
            out.append(Indicator(k, f"Ackumulerat sjuktal, {k[5:]}", DOWN, 2, "%", True))
    text = dict(zip(questions["question_id"], questions["text"], strict=True))
    for qid in questions["question_id"]:
        for k in keys:
            if k.startswith(f"survey:{qid}:"):
                group = k.split(":")[2]
                out.append(Indicator(k, f"Andel positiva: {text[qid]} ({group})", UP, 1, "%", True))
    return out


def load_periods(
    periods: list[Period],
    upto: str,
    min_respondents: int = 5,
    max_hidden: int = 10,
    min_employees_age: int = 5,
) -> list[PeriodData]:
    """Read every period from the first up to and including ``upto``.

    Raises:
        KeyError: when ``upto`` is not in ``periods``.
        InputError: when an input cannot be read.
    """
    keys = [p.key for p in periods]
    if upto not in keys:
        raise KeyError(f"period {upto!r} is not in the catalogue ({', '.join(keys)})")
    questions = read_questions()
    return [
        _indicators_for(p, questions, min_respondents, max_hidden, min_employees_age)
        for p in periods[: keys.index(upto) + 1]
    ]


def verdict(
    ind: Indicator,
    base: float | None,
    last: float | None,
    approximate: bool,
    only_baseline: bool,
    comparable: bool = True,
) -> str:
    """Swedish verdict on the change from the baseline to the latest value."""
    if only_baseline:
        return "endast utgångsläge hittills"
    if base is None or last is None:
        return "saknas för någon period"
    if not comparable:
        return "ej jämförbart (olika delar av året)"
    # an approximate value ("ungefär 2/3") is at best precise to whole percent
    diff = round(last - base, 0 if approximate else ind.decimals + (1 if ind.unit else 0))
    if diff == 0:
        text = "oförändrat"
    elif (diff > 0) == (ind.better == UP):
        text = "åt rätt håll"
    else:
        text = "åt fel håll"
    if approximate:
        text += " (osäkert: ungefärligt värde)"
    return text


def movement_table(data: list[PeriodData], questions: pd.DataFrame) -> pd.DataFrame:
    """Indicators side by side: one row per indicator, one column per period.

    Returns:
        Columns ``key``, ``indicator`` (Swedish label), ``better`` (``upp``/
        ``ned``), one column per period key (value as float, NaN when
        missing), ``approx:<period>`` (that value is approximate),
        ``note:<period>`` (what the value refers to: the table's month, the
        survey year, the sick-leave year and months), ``approximate`` (any
        value approximate), ``change`` (latest
        minus baseline; NaN with only the baseline), ``verdict`` (Swedish) and
        ``decimals``/``unit``/``percentage_points`` for formatting.
    """
    inds = indicator_catalogue(data, questions)
    keys = [d.period.key for d in data]
    rows = []
    for ind in inds:
        vals = [d.values.get(ind.key) for d in data]
        nums = [v[0] if v else float("nan") for v in vals]
        approx = any(v[1] for v in vals if v)
        present = [v for v in vals if v]
        base = vals[0][0] if vals[0] else None
        later = [v for v in vals[1:] if v]
        latest = later[-1] if later else None  # the latest period that has the indicator
        last = latest[0] if latest else None
        only_baseline = len(data) == 1 or len(present) == 1 and vals[0] is not None
        scopes = {v[3] for v in (vals[0], latest) if v and len(v) > 3}
        comparable = len(scopes) <= 1
        change = float("nan") if only_baseline or base is None or last is None else last - base
        rows.append(
            {
                "key": ind.key,
                "indicator": ind.label,
                "better": ind.better,
                **dict(zip(keys, nums, strict=True)),
                **{f"approx:{k}": bool(v and v[1]) for k, v in zip(keys, vals, strict=True)},
                **{f"note:{k}": (v[2] if v else "") for k, v in zip(keys, vals, strict=True)},
                "approximate": approx,
                "change": change,
                "verdict": verdict(ind, base, last, approx, only_baseline, comparable),
                "decimals": ind.decimals,
                "unit": ind.unit,
                "percentage_points": ind.percentage_points,
            }
        )
    return pd.DataFrame(rows)


def unit_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Units matched by code between two staffing tables.

    Returns:
        One row per unit that is new, closed, renamed or has a changed number
        of managers, sorted by code: ``unit_code``, ``change`` (``ny``,
        ``nedlagd``, ``namnbyte``, ``ändrat antal chefer``; a unit can have
        both of the last two, comma-separated), ``name_before``,
        ``name_after``, ``managers_before``, ``managers_after``,
        ``employees_before``, ``employees_after``.
    """
    b = before[before["level"] == "enhet"].set_index("unit_code")
    a = after[after["level"] == "enhet"].set_index("unit_code")
    rows = []
    for code in sorted(set(b.index) | set(a.index)):
        in_b, in_a = code in b.index, code in a.index
        changes = []
        if not in_b:
            changes.append("ny")
        elif not in_a:
            changes.append("nedlagd")
        else:
            if b.loc[code, "unit_name"] != a.loc[code, "unit_name"]:
                changes.append("namnbyte")
            if b.loc[code, "managers"] != a.loc[code, "managers"]:
                changes.append("ändrat antal chefer")
        if changes:
            rows.append(
                {
                    "unit_code": code,
                    "change": ", ".join(changes),
                    "name_before": b.loc[code, "unit_name"] if in_b else None,
                    "name_after": a.loc[code, "unit_name"] if in_a else None,
                    "managers_before": int(b.loc[code, "managers"]) if in_b else None,
                    "managers_after": int(a.loc[code, "managers"]) if in_a else None,
                    "employees_before": int(b.loc[code, "employees"]) if in_b else None,
                    "employees_after": int(a.loc[code, "employees"]) if in_a else None,
                }
            )
    cols = [
        "unit_code",
        "change",
        "name_before",
        "name_after",
        "managers_before",
        "managers_after",
        "employees_before",
        "employees_after",
    ]
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[4:]:
        out[c] = out[c].astype("Int64")
    return out
