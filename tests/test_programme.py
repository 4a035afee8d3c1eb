"""The programme register: the plan's dialogues, needs, conclusions and activities
(data/raw/plan_2024-06, counts as in its README and the plan), and a SYNTHETIC update."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SYNTHETIC

import sofstat
from sofstat import InputError, config
from sofstat.analysis.programme import register
from sofstat.readers.programme import (
    ACTIVITY_HEADER,
    read_activities,
    read_conclusions,
    read_dialogues,
    read_needs,
)
from sofstat.vocabulary import ActivityStatus, PlanLevel, Starting

HEADER = ";".join([*ACTIVITY_HEADER, "kommentar"])
ORG, LEAD = Starting.ORGANISATION, Starting.LEADERSHIP


def test_dialogues():
    d = read_dialogues()
    assert d[["dialog_id", "section", "department", "department_code", "date"]].values.tolist() == [
        ["D1", "3.1", "Hemsjukvården", "52006", "2024-04-29"],
        ["D2", "3.2", "Myndighetsavdelningen", "52002", "2024-05-02"],
        ["D3", "3.3", "Hemtjänsten", "52004", "2024-05-02"],
        ["D4", "3.4", "Särskilda boenden", "52003", "2024-05-03"],
        ["D5", "3.5", "Individ- och familjeomsorgen", "52007", "2024-05-06"],
        ["D6", "3.6", "Omsorgen om personer med funktionsnedsättning", "52005", "2024-05-17"],
    ]


def test_dialogue_departments_are_table3_departments(staffing):
    depts = set(staffing.loc[staffing["level"] == "department", "unit_code"])
    assert set(read_dialogues()["department_code"]) <= depts


def test_needs_per_dialogue_and_starting_point():
    n = read_needs()
    assert len(n) == 51
    assert n["starting"].value_counts().to_dict() == {ORG: 41, LEAD: 10}
    counts = n.groupby(["dialog_id", "starting"]).size().unstack(fill_value=0)
    assert {d: (int(r[ORG]), int(r[LEAD])) for d, r in counts.iterrows()} == {
        "D1": (5, 4),
        "D2": (2, 0),
        "D3": (6, 2),
        "D4": (11, 0),
        "D5": (7, 2),
        "D6": (10, 2),
    }
    # ids say dialogue, starting point and order in the source
    assert n["need_id"].iloc[:6].tolist() == ["D1-O1", "D1-O2", "D1-O3", "D1-O4", "D1-O5", "D1-L1"]
    assert (n["need_id"].str.slice(0, 2) == n["dialog_id"]).all()
    assert n.loc[n["need_id"] == "D1-O2", "need"].item() == "Behöver kunskaper om avvikelsehantering"
    assert "Det  borde" in n.loc[n["need_id"] == "D6-O7", "need"].item()  # the source's double space


def test_conclusions():
    c = read_conclusions()
    assert c["conclusion_id"].tolist() == ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]
    assert c["starting"].tolist() == [ORG] * 4 + [LEAD] * 3
    assert c["conclusion"].str.endswith(".").all()


def test_baseline_activities():
    a = read_activities(config.PLAN_DIR / "aktiviteter_2024-06.csv")
    assert len(a) == 16
    assert a["activity_id"].tolist() == [f"B{i}" for i in range(1, 14)] + ["P1", "P2", "P3"]
    assert a["status"].value_counts().to_dict() == {"befintlig": 13, "planerad": 2, "genomford": 1}
    assert a.loc[a["status"] == ActivityStatus.DONE, "activity_id"].tolist() == ["P1"]
    assert a["level"].value_counts().to_dict() == {
        PlanLevel.REGION: 11,
        PlanLevel.ADMINISTRATION: 4,
        PlanLevel.ADMINISTRATION_AND_DEPARTMENT: 1,
    }
    by = a.set_index("activity_id")
    assert by.loc["P2", ["needs", "planned", "done", "status"]].tolist() == [
        "S1,S2,S3,S4,S5,S6,S7",
        "2024-12-04",
        "",
        "planerad",
    ]
    assert by.loc["P1", ["planned", "done"]].tolist() == ["2024-06-13", ""]  # done, date not given
    assert (a["department_code"] == "").all()


def test_baseline_programme(baseline):
    prog = baseline.programme
    assert prog.by_status.to_dict() == {
        "befintlig": 13,
        "planerad": 2,
        "pagaende": 0,
        "genomford": 1,
        "installd": 0,
    }
    needs = prog.needs.set_index("id")
    assert needs["kind"].value_counts().to_dict() == {"need": 51, "conclusion": 7}
    # only the workshop (P2) names anything: the seven conclusions
    assert needs.index[needs["answered"]].tolist() == ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]
    assert prog.changes.empty
    assert len(prog.dialogues) == 6


def test_synthetic_update(synthetic):
    """SYNTHETIC 2024-H2 (aktiviteter_2024-12_syntetisk.csv): P2 done; A1 planned, A2 ongoing, A3 cancelled."""
    prog = synthetic.programme
    acts = prog.activities.set_index("activity_id")
    assert len(acts) == 19  # 16 from the plan, 3 new
    assert acts.index.tolist()[-4:] == ["P3", "A1", "A2", "A3"]  # P2 keeps its place
    assert acts.loc["P2", ["status", "done", "period"]].tolist() == ["genomford", "2024-11-20", "2024-H2"]
    assert acts.loc["P1", "period"] == "2024-H1"
    assert prog.by_status.to_dict() == {
        "befintlig": 13,
        "planerad": 2,
        "pagaende": 1,
        "genomford": 2,
        "installd": 1,
    }
    by_dept = prog.by_department
    assert by_dept.loc["", ["befintlig", "planerad", "genomford"]].tolist() == [13, 1, 2]
    assert by_dept.loc["52006", "planerad"] == 1
    assert by_dept.loc["52004", "pagaende"] == 1
    assert by_dept.loc["52005", "installd"] == 1
    assert int(by_dept.to_numpy().sum()) == 19

    needs = prog.needs.set_index("id")
    answered = needs.index[needs["answered"]].tolist()
    assert answered == ["D1-O2", "D3-O6", "S1", "S2", "S3", "S4", "S5", "S6", "S7"]
    assert not needs.loc["D6-L2", "answered"]  # A3 is cancelled: it answers nothing
    without = needs[(needs["kind"] == "need") & ~needs["answered"]]
    assert len(without) == 49
    assert without.groupby("dialog_id").size().to_dict() == {
        "D1": 8,
        "D2": 2,
        "D3": 7,
        "D4": 11,
        "D5": 9,
        "D6": 12,
    }

    assert prog.changes[["activity_id", "status_before", "status"]].values.tolist() == [
        ["P2", "planerad", "genomford"],
        ["A1", "", "planerad"],
        ["A2", "", "pagaende"],
        ["A3", "", "installd"],
    ]


def test_register_later_row_updates_earlier():
    a = read_activities(f"{HEADER}\nX1;Test;forvaltning;;S1;2024-10;;planerad;\nX2;Två;enhet;;;;;planerad;\n")
    b = read_activities(f"{HEADER}\nX1;Test;forvaltning;;S1;2024-10;2024-11-02;genomford;\n")
    r = register([a.assign(period="2024-H1"), b.assign(period="2024-H2")])
    assert r[["activity_id", "status", "period"]].values.tolist() == [
        ["X1", "genomford", "2024-H2"],
        ["X2", "planerad", "2024-H1"],
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("X1;Test;forvaltning;;S1;;;klar;", "status 'klar' is not one of befintlig, planerad"),
        ("X1;Test;forvaltning;;S1,D9-O1;;;planerad;", "unknown need ids: D9-O1"),
        ("X1;Test;forvaltning;;S1;2024-13-01;;planerad;", "planerad '2024-13-01' is not a date"),
        ("X1;Test;forvaltning;;S1;2024-02-30;;planerad;", "planerad '2024-02-30' is not a date"),
        ("X1;Test;forvaltning;;S1;;2024-11-31;genomford;", "genomford '2024-11-31' is not a date"),
        ("X1;Test;forvaltning;;S1;4 dec;;planerad;", "planerad '4 dec' is not a date"),
        ("X1;Test;forvaltning;;S1;;2024-10-01;planerad;", "a done date needs status genomford"),
        ("X1;Test;kommun;;S1;;;planerad;", "niva 'kommun' is not one of region"),
        ("X1;Test;avdelning;5200;S1;;;planerad;", "avdelning must be a 5-digit department code"),
        ("X1;;forvaltning;;S1;;;planerad;", "empty activity"),
        ("P1;Test;forvaltning;;S1;;;planerad;", "aktivitet_id 'P1' is empty, malformed or repeated"),
    ],
)
def test_bad_activity_row_names_the_line(row, reason):
    text = f"{HEADER}\nP1;Första;forvaltning;;;2024-02-29;;planerad;\n{row}\n"  # 2024 is a leap year
    with pytest.raises(InputError) as info:
        read_activities(text)
    assert info.value.line == 3
    assert str(info.value).startswith(f"<text>, line 3: {reason}")
    assert row in str(info.value)


def _catalog_with_activities(tmp_path, activities) -> Path:
    """The synthetic catalogue, with 2024-H2's activities file replaced (absolute paths)."""
    raw = config.RAW_DIR
    text = f"""periods:
  2024-H1:
    staffing: {raw}/2024-03/tabell3_tillsvidareanstallda_2024-03.txt
    guideline: {raw}/2024-03/tabell1_grundtal.csv
    activities: {config.PLAN_DIR}/aktiviteter_2024-06.csv
  2024-H2:
    staffing: {SYNTHETIC}/2024-09/tabell3_syntetisk_2024-09.txt
    activities: {activities}
"""
    cat = tmp_path / "periods.yml"
    cat.write_text(text, encoding="utf-8")
    return cat


def test_bad_file_in_a_catalogue_fails_when_the_programme_is_computed(tmp_path):
    bad = tmp_path / "aktiviteter.csv"
    bad.write_text(f"{HEADER}\nA9;SYNTETISK;forvaltning;;S1;;;klar;\n", encoding="utf-8")
    p = sofstat.load_period("2024-H2", _catalog_with_activities(tmp_path, bad))
    with pytest.raises(InputError, match=r"aktiviteter.csv, line 2: status 'klar'"):
        _ = p.programme


def test_empty_activity_file_in_a_later_period(tmp_path):
    """A later period whose file has the header only changes nothing (it used to fail on iloc[0])."""
    empty = tmp_path / "aktiviteter.csv"
    empty.write_text(HEADER + "\n", encoding="utf-8")
    prog = sofstat.load_period("2024-H2", _catalog_with_activities(tmp_path, empty)).programme
    assert len(prog.activities) == 16 and prog.changes.empty
    assert prog.by_status["befintlig"] == 13
