"""The programme section: activities by status and department, needs without
an activity, and what changed since the last period (from the plan's register)."""

from __future__ import annotations

import pandas as pd

from ..analysis.period import PeriodResults
from ..analysis.programme import Programme
from ..analysis.size import department_names as _names
from ..vocabulary import ActivityStatus, PlanLevel, Starting, counted, labels
from .format import fmt_count, fmt_int
from .markup import Text, bullets, h, join
from .table import Column, Table

STATUS = labels(ActivityStatus)
LEVEL = labels(PlanLevel)
STARTING = labels(Starting)


def department_names(p: PeriodResults) -> dict[str, str]:
    """Department names of the period's staffing table, by code."""
    return _names(p.staffing_of(p.period.key))


def _department(code: str, names: dict[str, str]) -> str:
    return "Alla avdelningar" if not code else names.get(code, f"Avdelning {code}")


def _furthest(status: str) -> str:
    """What the furthest activity answering a need has done, in words."""
    return f"{STATUS[status]} aktivitet" if status else "ingen aktivitet ännu"


def overview(prog: Programme, period: str, baseline: bool) -> Text:
    """Sentences on the register: how many activities by status, needs without activity."""
    st = prog.by_status
    needs = prog.needs[prog.needs["kind"] == "need"]
    conclusions = prog.needs[prog.needs["kind"] == "conclusion"]
    statuses = [a for a in ActivityStatus if st[a]]
    parts = [
        h(
            "<p>Registret för {p} har {n}: {parts}.</p>",
            p=period,
            n=fmt_count(len(prog.activities), "aktivitet", "aktiviteter"),
            parts=", ".join(counted(int(st[a]), a) for a in statuses) or "inga",
        ),
        h(
            "<p>Dialogerna i avdelningarnas ledningsgrupper (avsnitt 3 i planen) gav {n} behov; {a} av dem har en "
            "aktivitet kopplad till sig, varav {d} genomförd eller pågående. Av planens {c} gemensamma slutsatser "
            "(avsnitt 4) nämns {ca} av en aktivitet, varav {cd} genomförd eller pågående.</p>",
            n=fmt_int(len(needs)),
            a=fmt_int(int(needs["answered"].sum())),
            d=fmt_int(
                int(needs["activity_status"].isin([ActivityStatus.DONE, ActivityStatus.ONGOING]).sum())
            ),
            c=fmt_int(len(conclusions)),
            ca=fmt_int(int(conclusions["answered"].sum())),
            cd=fmt_int(
                int(conclusions["activity_status"].isin([ActivityStatus.DONE, ActivityStatus.ONGOING]).sum())
            ),
        ),
    ]
    if baseline:
        parts.append(
            h(
                "<p>Statusen i utgångsläget är bara det som planen själv anger: befintliga insatser (avsnitt 2) och "
                "planens delar med datum (avsnitt 5). Planen kopplar inte de befintliga insatserna till behoven.</p>"
            )
        )
    return Text(join(parts))


def status_table(prog: Programme, department_names: dict[str, str]) -> Table:
    """Activities by department and status (``aktiviteter_status``)."""
    statuses = [s.value for s in ActivityStatus]
    by = prog.by_department.reindex(columns=statuses, fill_value=0)
    data = pd.DataFrame({"Avdelning": [_department(c, department_names) for c in by.index]})
    for s in statuses:
        data[STATUS[s].capitalize()] = by[s].to_numpy()
    data["Totalt"] = by.sum(axis=1).to_numpy()
    total = {
        "Avdelning": "Totalt",
        **{STATUS[s].capitalize(): int(by[s].sum()) for s in statuses},
        "Totalt": int(by.to_numpy().sum()),
    }
    data = pd.concat([data, pd.DataFrame([total])], ignore_index=True)
    return Table(
        "aktiviteter_status",
        "Programmets aktiviteter per avdelning och status",
        data,
        {c: Column("int") for c in data.columns[1:]},
        ["Alla avdelningar = aktiviteter för hela förvaltningen eller regionen."],
    )


def activities_table(prog: Programme, department_names: dict[str, str]) -> Table:
    """Every activity in the register (``aktiviteter``)."""
    a = prog.activities
    data = pd.DataFrame(
        {
            "Aktivitet": a["activity"],
            "Id": a["activity_id"],
            "Nivå": a["level"].map(LEVEL),
            "Avdelning": [_department(c, department_names) for c in a["department_code"]],
            "Behov": a["needs"].replace("", None),
            "Planerad": a["planned"].replace("", None),
            "Genomförd": a["done"].replace("", None),
            "Status": a["status"].map(STATUS),
            "Kommentar": a["comment"].replace("", None),
        }
    )
    return Table(
        "aktiviteter",
        "Programmets aktiviteter",
        data,
        {
            "Id": Column("text", page=False),
            "Planerad": Column("date"),
            "Genomförd": Column("date"),
            "Kommentar": Column("text", page=False),
        },
        [
            "Behov = id för behov (D…) och slutsatser (S…) som aktiviteten svarar mot. Kommentarer finns i tabellfilen."
        ],
    )


def needs_table(prog: Programme, dialogues: pd.DataFrame) -> Table:
    """The needs from the dialogues and whether an activity answers them (``behov``)."""
    n = prog.needs[prog.needs["kind"] == "need"]
    dept = dict(zip(dialogues["dialog_id"], dialogues["department"], strict=True))
    date = dict(zip(dialogues["dialog_id"], dialogues["date"], strict=True))
    data = pd.DataFrame(
        {
            "Id": n["id"],
            "Behov": n["text"],
            "Avdelning": n["dialog_id"].map(dept),
            "Dialog": n["dialog_id"].map(date),
            "Utgångspunkt": n["starting"].map(STARTING),
            "Aktivitet": [_furthest(x) for x in n["activity_status"]],
        }
    )
    return Table(
        "behov",
        "Behov från dialogerna i avdelningarnas ledningsgrupper",
        data,
        {"Id": Column("text", nowrap=True), "Dialog": Column("date")},
        [
            "Ur planens avsnitt 3, punkterna under ”Utvecklingsmöjligheter”, ordagrant. Id: D = dialog, O = "
            "organisatoriska förutsättningar, L = ledarens utveckling. Aktivitet: status för den aktivitet som kommit "
            "längst av dem som nämner behovet."
        ],
    )


def conclusions_text(prog: Programme) -> Text:
    """The plan's common conclusions, marked when an activity answers them."""
    c = prog.needs[prog.needs["kind"] == "conclusion"]
    items = [
        h(
            "<strong>{i}</strong> {t} <em>({s}; {a})</em>",
            i=r.id,
            t=r.text,
            s=STARTING[r.starting],
            a=_furthest(r.activity_status),
        )
        for r in c.itertuples()
    ]
    return Text(bullets(items) if items else h("<p>Inga slutsatser i registret.</p>"))


def changes_text(prog: Programme, previous: str | None) -> Text:
    """What changed in the register since the previous period."""
    if previous is None:
        return Text(h("<p>Utgångsläget: inga tidigare perioder att jämföra med.</p>"))
    if prog.changes.empty:
        return Text(h("<p>Inga nya aktiviteter och inga ändrade statusar sedan {p}.</p>", p=previous))
    items = [
        h(
            "<strong>{a}</strong>: {b} → {s}",
            a=r.activity.rstrip(". "),
            b=STATUS.get(r.status_before, "ny"),
            s=STATUS[r.status],
        )
        if r.status_before
        else h("<strong>{a}</strong>: ny ({s})", a=r.activity.rstrip(". "), s=STATUS[r.status])
        for r in prog.changes.itertuples()
    ]
    return Text(join([h("<p>Sedan {p}:</p>", p=previous), bullets(items)]))
