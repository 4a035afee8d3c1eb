"""Synthetic inputs for the benchmarks, generated on the fly and never committed.

Nothing here is data about anyone: codes, names and numbers are drawn from a
seeded random generator, so every run times the same inputs.

- :func:`staffing` — the staffing table in the published text form (page
  debris every 40 rows, 5 % units with several managers, 10 % names ending in
  a number, 1 % names wrapped onto the next line) and the same rows as CSV;
- :func:`survey` — a survey export (answers 1–5, shares summing to 100 per group);
- :func:`sick_leave` — monthly sick-leave hours;
- :func:`national` — reader-shaped frames for a national-size organisation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

_PLACES = ["Visby", "Slite", "Hemse", "Klintehamn", "Roma", "Fårösund", "Ljugarn", "Burgsvik"]
_KINDS = ["Hemtjänst", "Särskilt boende", "Område", "Team", "Enhet", "Boende", "Daglig verksamhet"]
DEBRIS = ["", "Socialförvaltningens plan för att stärka enhetschefer  ", "  2024-2027 ", "   4 (15) ", ""]
STAFFING_HEADER = "enhetskod;enhetsnamn;antal_tillsvidareanställda;antal_årsarbetare;medelålder;antal_chefer"
SURVEY_HEADER = "år;fråga;grupp;enhet;svar;andel;antal_svar"
SICK_HEADER = "månad;grupp;sjuktimmar;ordinarie_timmar;antal_anställda"


def _dec(x: float, d: int) -> str:
    return f"{x:.{d}f}".replace(".", ",")


@dataclass
class Staffing:
    """A synthetic staffing table: the published text, the same rows as CSV, and the rows."""

    text: str
    csv: str
    code: list[str]
    name: list[str]
    employees: list[int]
    fte: list[float]
    age: list[float]
    managers: list[int]
    debris_lines: int
    wrapped: int
    several_managers: int
    name_with_number: int


def staffing(n: int, seed: int = 20240613) -> Staffing:
    """``n`` unit rows in the published form and as CSV (``;``, decimal comma).

    The text has the table title (``… mars 2024``, which gives the period),
    page debris after every 40 rows (a blank line, the running header
    'Socialförvaltningens plan för att stärka enhetschefer', '2024-2027',
    '4 (15)', a blank line), 5 % units with several managers written
    ``Name (*N chefer) 56* …``, 10 % names ending in a number and 1 % names
    wrapped onto the next line. The CSV holds the same rows with the number of
    managers in ``antal_chefer`` (names without the marker).
    """
    rnd = random.Random(seed)
    lines = ["Tabell 3. Antal tillsvidareanställda medarbetare per chef, mars 2024 ", "", "Antal ", ""]
    s = Staffing("", "", [], [], [], [], [], [], 0, 0, 0, 0)
    csv = [STAFFING_HEADER]
    for i in range(n):
        code = f"{5000000 + i:07d}"
        managers = rnd.choice([2, 3]) if rnd.random() < 0.05 else 1
        emp = rnd.randint(5, 60) * managers
        fte = round(emp * rnd.uniform(0.85, 1.0), 2)
        age = round(rnd.uniform(35, 55), 1)
        name = f"{rnd.choice(_KINDS)} {rnd.choice(_PLACES)}"
        if rnd.random() < 0.10:
            name += f" {rnd.randint(1, 12)}"
            s.name_with_number += 1
        marker = f" (*{managers} chefer)" if managers > 1 else ""
        star = "*" if managers > 1 else ""
        s.several_managers += managers > 1
        nums = f"{emp}{star} {_dec(fte, 2)} {_dec(age, 1)} "
        if rnd.random() < 0.01:
            lines += [f"{code} {name} och", f"samverkan{marker} {nums}"]
            name += " och samverkan"
            s.wrapped += 1
        else:
            lines.append(f"{code} {name}{marker} {nums}")
        if i % 40 == 39:
            lines += DEBRIS
            s.debris_lines += sum(1 for d in DEBRIS if d.strip())
        s.code.append(code)
        s.name.append(name)
        s.employees.append(emp)
        s.fte.append(fte)
        s.age.append(age)
        s.managers.append(managers)
        csv.append(f"{code};{name};{emp};{_dec(fte, 2)};{_dec(age, 1)};{managers}")
    s.text = "\n".join(lines) + "\n"
    s.csv = "\n".join(csv) + "\n"
    return s


@dataclass
class Survey:
    """A synthetic survey export and what the reader should make of it."""

    csv: str
    rows: int
    groups: int
    #: (year, question, group, unit, positive share, respondents) of the first groups
    first: list[tuple]


def survey(n: int, questions: pd.DataFrame, seed: int = 2023) -> Survey:
    """``n`` rows (a multiple of 5): for each unit (7-digit codes) and each question
    of the catalogue, the five answers 1–5 of the question's group
    (``medarbetare``/``chefer``) with shares (one decimal) that sum to 100."""
    if n % 5:
        raise ValueError("survey rows come in groups of five answers")
    rnd = random.Random(seed)
    qs = list(zip(questions["question_id"], questions["group"], strict=True))
    out = [SURVEY_HEADER]
    first = []
    for g in range(n // 5):
        unit = f"{5000000 + g // len(qs):07d}"
        qid, group = qs[g % len(qs)]
        cuts = sorted(rnd.randint(0, 1000) for _ in range(4))
        tenths = [b - a for a, b in zip([0, *cuts], [*cuts, 1000], strict=True)]
        respondents = rnd.randint(1, 120)
        for answer, t in enumerate(tenths, start=1):
            out.append(f"2023;{qid};{group};{unit};{answer};{t // 10},{t % 10};{respondents}")
        if len(first) < 5:
            first.append((2023, qid, group, unit, (tenths[3] + tenths[4]) / 10, respondents))
    return Survey("\n".join(out) + "\n", n, n // 5, first)


@dataclass
class SickLeave:
    csv: str
    rows: int
    #: (month, group, sick hours, ordinary hours, employees) of the first rows
    first: list[tuple]


def sick_leave(n: int, seed: int = 2024) -> SickLeave:
    """``n`` rows of monthly hours: one group per unit, January to December 2024, in turn."""
    rnd = random.Random(seed)
    out = [SICK_HEADER]
    first = []
    for i in range(n):
        group = f"enhet {5000000 + i // 12:07d}"
        month = f"2024-{i % 12 + 1:02d}"
        employees = rnd.randint(1, 60)
        ordinary = round(employees * rnd.uniform(120, 170), 1)
        sick = round(ordinary * rnd.uniform(0, 0.12), 1)
        out.append(f"{month};{group};{_dec(sick, 1)};{_dec(ordinary, 1)};{employees}")
        if len(first) < 5:
            first.append((month, group, sick, ordinary, employees))
    return SickLeave("\n".join(out) + "\n", n, first)


# --- national size -----------------------------------------------------------

OTHER_AREA = "Övriga områden inom socialförvaltningen"
AREAS = [
    ("Hemtjänsten", 30),
    ("Hemsjukvården", 30),
    ("Omsorgen om personer med funktionsnedsättning", 25),
    ("Särskilda boenden", 25),
    ("Individ- och familjeomsorgen", 20),
    ("Myndighetsavdelningen", 25),
    (OTHER_AREA, 25),
]


@dataclass
class National:
    """Reader-shaped frames of a national-size organisation."""

    units: int
    departments: int
    boards: int
    staffing: pd.DataFrame  # as read_staffing returns it
    after: pd.DataFrame  # the same a period later, with a few changes
    changes: int  # units new, closed, renamed or with changed managers between the two
    guideline: pd.DataFrame  # as read_guideline returns it (a synthetic Table 1)
    department_map: pd.DataFrame  # as read_department_map returns it
    survey: pd.DataFrame  # as read_survey returns it: 6 rows per unit
    monthly: pd.DataFrame  # as read_sick_leave returns it: 12 monthly rows per unit


def national(units: int, departments: int, seed: int = 145) -> National:
    """``units`` units in ``departments`` departments (under boards of up to 100
    departments each: 5-digit department codes, 7-digit unit codes), with
    department and board rows holding their units' totals, 12 monthly
    sick-leave rows per unit, and 6 survey rows (two questions, three categories) per unit and per board."""
    from sofstat.readers.staffing import COLUMNS, ReadLog

    if units % departments or units // departments > 100:
        raise ValueError("units must be a multiple of departments, at most 100 per department")
    rng = np.random.default_rng(seed)
    per = units // departments
    dept_idx = np.arange(departments)
    board_of_dept = 10 + dept_idx // 100
    dept_codes = np.char.add(board_of_dept.astype(str), np.char.zfill((dept_idx % 100).astype(str), 3))
    unit_dept = np.repeat(dept_idx, per)
    unit_codes = np.char.add(
        dept_codes[unit_dept], np.char.zfill(np.tile(np.arange(per), departments).astype(str), 2)
    )
    managers = np.where(rng.random(units) < 0.05, rng.integers(2, 4, units), 1)
    employees = rng.integers(1, 61, units) * managers
    fte = np.round(employees * rng.uniform(0.85, 1.0, units), 2)
    age = np.round(rng.uniform(30, 58, units), 1)
    kinds = np.array(_KINDS)[rng.integers(0, len(_KINDS), units)]
    places = np.array(_PLACES)[rng.integers(0, len(_PLACES), units)]
    unit_names = np.char.add(np.char.add(kinds, " "), places)

    u = pd.DataFrame(
        {"code": unit_codes, "name": unit_names, "dept": unit_dept, "emp": employees, "fte": fte, "age": age}
    )
    u["w"] = u["emp"] * u["age"]
    d = u.groupby("dept", sort=True).agg(emp=("emp", "sum"), fte=("fte", "sum"), w=("w", "sum"))
    d["age"] = (d["w"] / d["emp"]).round(1)
    d["fte"] = d["fte"].round(2)
    d["board"] = board_of_dept
    b = d.groupby("board", sort=True).agg(emp=("emp", "sum"), fte=("fte", "sum"), w=("w", "sum"))
    b["age"] = (b["w"] / b["emp"]).round(1)
    b["fte"] = b["fte"].round(2)

    rows = {k: [] for k in ("code", "name", "level", "emp", "fte", "age", "managers")}

    def add(code, name, level, emp, fte_, age_, mgr):
        rows["code"].append(code)
        rows["name"].append(name)
        rows["level"].append(level)
        rows["emp"].append(int(emp))
        rows["fte"].append(float(fte_))
        rows["age"].append(float(age_))
        rows["managers"].append(int(mgr))

    u_by_dept = np.split(np.arange(units), departments)
    for board, brow in b.iterrows():
        add(f"{board}", f"Nämnd {board}", "board", brow["emp"], brow["fte"], brow["age"], 1)
        for k in np.flatnonzero(board_of_dept == board).tolist():
            drow = d.loc[k]
            add(
                dept_codes[k],
                f"Avdelning {dept_codes[k]}",
                "department",
                drow["emp"],
                drow["fte"],
                drow["age"],
                1,
            )
            for j in u_by_dept[k].tolist():
                add(unit_codes[j], unit_names[j], "unit", employees[j], fte[j], age[j], managers[j])
    staffing = _staffing_frame(rows, COLUMNS, ReadLog)

    # a period later: 10 closed, 10 new, 10 renamed, 10 with another number of managers
    unit_rows = np.flatnonzero(staffing["level"].to_numpy() == "unit")
    pick = rng.choice(unit_rows, size=30, replace=False)
    after = staffing.copy()
    after.loc[pick[:10], "unit_name"] = after.loc[pick[:10], "unit_name"] + " ny"
    after.loc[pick[10:20], "managers"] = after.loc[pick[10:20], "managers"] + 1
    after = after.drop(index=pick[20:30]).reset_index(drop=True)
    new = after[after["level"] == "unit"].head(10).copy()
    new["unit_code"] = [f"99{k:05d}" for k in range(len(new))]
    new["department_code"] = new["unit_code"].str.slice(0, 5)
    after = pd.concat([after, new], ignore_index=True)
    after = after.astype({c: staffing[c].dtype for c in staffing.columns})
    after.attrs = dict(staffing.attrs)

    guideline = pd.DataFrame(
        {
            "area": pd.Series([a for a, _ in AREAS], dtype="str"),
            "base": np.array([x for _, x in AREAS], "int64"),
        }
    )
    guideline.attrs["source"] = "synthetic Table 1"
    department_map = pd.DataFrame(
        {
            "department_code": pd.Series(dept_codes, dtype="str"),
            "department_label": pd.Series([f"Avdelning {c}" for c in dept_codes], dtype="str"),
            "area": pd.Series([AREAS[k % len(AREAS)][0] for k in range(departments)], dtype="str"),
        }
    )
    department_map.attrs["source"] = "synthetic department map"

    # survey: per unit and per board (a whole administration: a code of 2 digits, as '52'),
    # two questions (one per group) x three categories
    questions = [("leder_arbetsgruppen", "medarbetare"), ("forutsattningar", "chefer")]
    cats = ["negative", "neutral", "positive"]
    answering = np.concatenate([unit_codes, b.index.astype(str).to_numpy()])
    n_groups = len(answering) * len(questions)
    cuts = np.sort(rng.integers(0, 1001, (n_groups, 2)), axis=1)
    tenths = np.column_stack([cuts[:, 0], cuts[:, 1] - cuts[:, 0], 1000 - cuts[:, 1]])
    respondents = rng.integers(1, 121, n_groups)
    g_unit = np.repeat(answering, len(questions))
    g_q = np.tile([q for q, _ in questions], len(answering))
    g_grp = np.tile([g for _, g in questions], len(answering))
    survey = pd.DataFrame(
        {
            "year": np.full(n_groups * 3, 2024, dtype="int64"),
            "question_id": pd.Series(np.repeat(g_q, 3), dtype="str"),
            "group": pd.Series(np.repeat(g_grp, 3), dtype="str"),
            "unit_code": pd.Series(np.repeat(g_unit, 3), dtype="str"),
            "category": pd.Series(np.tile(cats, n_groups), dtype="str"),
            "share": (tenths.reshape(-1) / 10).astype("float64"),
            "respondents": pd.array(np.repeat(respondents, 3), dtype="Int64"),
            "approximate": np.zeros(n_groups * 3, dtype=bool),
            "published": np.zeros(n_groups * 3, dtype=bool),
            "source": pd.Series(["<text>"] * (n_groups * 3), dtype="str"),
        }
    )

    # sick leave: 12 months per unit, the unit's headcount as the group's size
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    ordinary = np.round(np.repeat(employees, 12) * rng.uniform(120, 170, units * 12), 1)
    sick = np.round(ordinary * rng.uniform(0, 0.12, units * 12), 1)
    monthly = pd.DataFrame(
        {
            "year": np.full(units * 12, 2024, dtype="int64"),
            "month": pd.Series(np.tile(months, units), dtype="str"),
            "group": pd.Series(np.repeat(unit_codes, 12), dtype="str"),
            "sick_hours": sick,
            "ordinary_hours": ordinary,
            "rate": 100 * sick / ordinary,
            "employees": pd.array(np.repeat(employees, 12), dtype="Int64"),
            "published": np.zeros(units * 12, dtype=bool),
            "source": pd.Series(["<text>"] * (units * 12), dtype="str"),
        }
    )
    monthly.attrs["shape"] = "monthly"
    return National(
        units, departments, len(b), staffing, after, 40, guideline, department_map, survey, monthly
    )


def _staffing_frame(rows: dict, columns: list[str], read_log) -> pd.DataFrame:
    codes = pd.Series(rows["code"], dtype="str")
    df = pd.DataFrame(
        {
            "period": pd.Series(["2024-03"] * len(codes), dtype="str"),
            "unit_code": codes,
            "unit_name": pd.Series(rows["name"], dtype="str"),
            "level": pd.Series(rows["level"], dtype="str"),
            "department_code": codes.str.slice(0, 5),
            "employees": np.asarray(rows["emp"], dtype="int64"),
            "fte": np.asarray(rows["fte"], dtype="float64"),
            "mean_age": np.asarray(rows["age"], dtype="float64"),
            "managers": np.asarray(rows["managers"], dtype="int64"),
        }
    )[columns]
    lines = np.column_stack([np.arange(1, len(df) + 1)] * 2).astype("int64")
    df.attrs["read"] = read_log("<synthetic>", lines, [], 0)
    return df


def national_as_csv(nat: National) -> tuple[str, str, str]:
    """The national frames written back as input files (staffing CSV, survey CSV,
    monthly sick-leave CSV), to check that the frames are what the readers make of them."""
    s = nat.staffing
    staffing_csv = [STAFFING_HEADER] + [
        f"{c};{n};{e};{_dec(f, 2)};{_dec(a, 1)};{m}"
        for c, n, e, f, a, m in zip(
            s["unit_code"],
            s["unit_name"],
            s["employees"],
            s["fte"],
            s["mean_age"],
            s["managers"],
            strict=True,
        )
    ]
    words = {"negative": "negativ", "neutral": "neutral", "positive": "positiv"}
    v = nat.survey
    survey_csv = [SURVEY_HEADER] + [
        f"{y};{q};{g};{u};{words[c]};{_dec(sh, 1)};{r}"
        for y, q, g, u, c, sh, r in zip(
            v["year"],
            v["question_id"],
            v["group"],
            v["unit_code"],
            v["category"],
            v["share"],
            v["respondents"],
            strict=True,
        )
    ]
    m = nat.monthly
    sick_csv = [SICK_HEADER] + [
        f"{mo};{g};{_dec(sh, 1)};{_dec(oh, 1)};{e}"
        for mo, g, sh, oh, e in zip(
            m["month"], m["group"], m["sick_hours"], m["ordinary_hours"], m["employees"], strict=True
        )
    ]
    return tuple("\n".join(x) + "\n" for x in (staffing_csv, survey_csv, sick_csv))
