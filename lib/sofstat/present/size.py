"""Swedish tables and text on the size of managers' areas, mean age and the totals check."""

from __future__ import annotations

import pandas as pd

from .. import config
from ..vocabulary import Level, Measure, Status, labels, month_label
from .format import fmt_int, fmt_number, fmt_share
from .labels import WHOLE
from .markup import Text, bullets, h, join
from .table import Column, Table

INT, CODE = Column("int"), Column("code")
STATUS = labels(Status)
MEASURES = labels(Measure)


def dec(decimals: int, page: bool = True) -> Column:
    return Column("dec", decimals, page=page)


def source_line(staffing: pd.DataFrame, period: str) -> Text:
    """The data: table month and rows read."""
    counts = staffing["level"].value_counts()
    return Text(
        h(
            "<p>Rapportperiod <strong>{p}</strong>. Underlag: tillsvidareanställda per chefsområde, {m}: "
            "{n} rader – {b} nämnd, {d} avdelningar, {u} enheter (källan står i Om rapporten).</p>",
            p=period,
            m=month_label(staffing["period"].iloc[0]),
            n=fmt_int(len(staffing)),
            b=fmt_int(counts.get(Level.BOARD, 0)),
            d=fmt_int(counts.get(Level.DEPARTMENT, 0)),
            u=fmt_int(counts.get(Level.UNIT, 0)),
        )
    )


def size_summary(ind: dict) -> Text:
    """The headline indicators as a list."""
    units, managers = ind["units"], ind["managers"]
    return Text(
        bullets(
            [
                h(
                    "<strong>Enheter inom grundtal:</strong> {v}.",
                    v=fmt_share(ind["units_within_base"], units, 1),
                ),
                h(
                    "<strong>Chefer vars enhet är inom grundtal:</strong> {v}.",
                    v=fmt_share(ind["managers_within_base"], managers, 1),
                ),
                h(
                    "<strong>Enheter över grundtal men inom maxgräns:</strong> {v}.",
                    v=fmt_int(ind["units_over_base"]),
                ),
                h("<strong>Enheter över maxgräns:</strong> {v}.", v=fmt_int(ind["units_over_max"])),
                h(
                    "<strong>Medarbetare per chef, median över enheterna:</strong> {m}; <strong>högst:</strong> {x}.",
                    m=fmt_number(ind["median_employees_per_manager"], 1),
                    x=fmt_number(ind["max_employees_per_manager"], 1),
                ),
            ]
        )
    )


def units_table(spm: pd.DataFrame) -> Table:
    """Employees per manager per unit against the guideline (``enheter``)."""
    data = pd.DataFrame(
        {
            "Enhet": spm["unit_name"],
            "Enhetskod": spm["unit_code"].astype("int64"),
            "Avdelning": spm["department_name"],
            "Tillsvidare­anställda": spm["employees"],
            "Årsarbetare": spm["fte"],
            "Chefer": spm["managers"],
            "Medarbetare per chef": spm["employees_per_manager"],
            "Årsarbetare per chef": spm["fte_per_manager"],
            "Grundtal": spm["guideline_base"],
            "Maxgräns": spm["guideline_max"],
            "Status": spm["status"].map(STATUS),
        }
    )
    return Table(
        "enheter",
        "Tillsvidareanställda medarbetare per chef och enhet",
        data,
        {
            "Enhetskod": Column("code", page=False),
            "Tillsvidare­anställda": INT,
            "Årsarbetare": dec(2, page=False),
            "Chefer": INT,
            "Medarbetare per chef": dec(1),
            "Årsarbetare per chef": dec(1, page=False),
            "Grundtal": INT,
            "Maxgräns": INT,
        },
        [
            "Grundtal enligt SOF:s riktlinje för storlek på chefsområden (tabell 1). "
            f"Maxgräns = grundtal + {config.MAX_ADJUSTMENT}, det mesta riktlinjen medger när påverkande faktorer "
            "(tabell 2) stöder det.",
            "Status: inom grundtal (≤ grundtal), över grundtal (≤ maxgräns), över maxgräns (> maxgräns).",
            "Enhetskod, årsarbetare och årsarbetare per chef finns i tabellfilen (tables.xlsx).",
        ],
    )


def departments_table(summary: pd.DataFrame) -> Table:
    """Per-department roll-up (``avdelningar``)."""
    names = summary["department_name"].where(~summary["whole"], WHOLE)
    data = pd.DataFrame(
        {
            "Avdelning": names,
            "Riktlinjens avdelning": summary["area"].replace("", None),
            "Grundtal": summary["guideline_base"],
            "Enheter": summary["units"],
            "Chefer": summary["managers"],
            "Tillsvidare­anställda": summary["employees"],
            "Medarbetare per chef": summary["employees_per_manager"],
            "Median per enhet": summary["median_employees_per_manager"],
            "Högst per enhet": summary["max_employees_per_manager"],
            "Inom grundtal": summary["within_base"],
            "Över grundtal": summary["over_base"],
            "Över maxgräns": summary["over_max"],
        }
    )
    cols = {
        c: INT
        for c in [
            "Grundtal",
            "Enheter",
            "Chefer",
            "Tillsvidare­anställda",
            "Inom grundtal",
            "Över grundtal",
            "Över maxgräns",
        ]
    }
    cols.update({"Medarbetare per chef": dec(1), "Median per enhet": dec(1), "Högst per enhet": dec(1)})
    cols["Riktlinjens avdelning"] = Column("text", page=False)
    return Table(
        "avdelningar",
        "Medarbetare per chef per avdelning",
        data,
        cols,
        [
            "Medarbetare per chef = avdelningens tillsvidareanställda i enheterna ÷ antal chefer i enheterna.",
            "Inom/över grundtal och över maxgräns räknas i antal enheter. Riktlinjens avdelning finns i tabellfilen.",
        ],
    )


def over_base_table(spm: pd.DataFrame) -> Table:
    """The units above their base, largest first (``over_grundtal``)."""
    over = spm[spm["status"] != Status.WITHIN_BASE].sort_values(
        ["employees_per_manager", "unit_code"], ascending=[False, True], kind="stable"
    )
    data = pd.DataFrame(
        {
            "Enhet": over["unit_name"],
            "Avdelning": over["department_name"],
            "Medarbetare per chef": over["employees_per_manager"],
            "Grundtal": over["guideline_base"],
            "Över grundtal med": over["employees_per_manager"] - over["guideline_base"],
            "Status": over["status"].map(STATUS),
        }
    ).reset_index(drop=True)
    return Table(
        "over_grundtal",
        "Enheter över grundtalet",
        data,
        {"Medarbetare per chef": dec(1), "Grundtal": INT, "Över grundtal med": dec(1)},
    )


def named_units(spm: pd.DataFrame, status: Status) -> Text:
    """A sentence naming the units with ``status`` (or saying there are none)."""
    g = spm[spm["status"] == status].sort_values(
        ["employees_per_manager", "unit_code"], ascending=[False, True], kind="stable"
    )
    word = STATUS[str(status)]
    if g.empty:
        return Text(h("<p>Inga enheter har status <em>{s}</em>.</p>", s=word))
    names = [
        f"{r.unit_name} ({r.department_name}, {fmt_number(r.employees_per_manager, 1)})"
        for r in g.itertuples()
    ]
    return Text(
        h(
            "<p>Enheter med status <em>{s}</em> ({n}): {names}.</p>",
            s=word,
            n=fmt_int(len(g)),
            names="; ".join(names),
        )
    )


def _compact(v: object) -> str:
    text = fmt_number(v, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def totals_table(check: pd.DataFrame) -> Table:
    """Every row of the totals check (``kontroll_summor``)."""
    hidden = check["hidden"] if "hidden" in check else pd.Series(False, index=check.index)
    data = pd.DataFrame(
        {
            "Rad i tabellen": check["unit_name"],
            "Kod": check["unit_code"].astype("int64"),
            "Mått": check["measure"].map(MEASURES),
            "Publicerat": check["published"],
            "Summerat": check["summed"],
            "Skillnad": check["difference"],
            "Rader": check["rows_summed"],
            "Utöver avrundning": [
                "–" if hd else ("ja" if b else "nej")
                for b, hd in zip(check["beyond_rounding"], hidden, strict=True)
            ],
        }
    )
    shown = {c: [_compact(v) for v in data[c]] for c in ("Publicerat", "Summerat", "Skillnad")}
    notes = []
    if hidden.any():
        notes.append(
            "– för medelålder: visas inte, eftersom en dold enhets medelålder annars kunde räknas fram "
            "(samma regel som i avsnittet om ålder)."
        )
    notes.append(
        "Medelålder summeras som medelvärde vägt med antal tillsvidareanställda. Utöver avrundning: "
        "tillsvidareanställda – varje skillnad; årsarbetare – mer än 0,01 per summerad rad; medelålder – mer än "
        "0,1 år. Nämndens summa = avdelningarna + enheter utan egen avdelningsrad."
    )
    return Table(
        "kontroll_summor",
        "Kontroll: stämmer avdelningarnas och nämndens summor med raderna under dem?",
        data,
        {"Kod": CODE, "Publicerat": dec(2), "Summerat": dec(2), "Skillnad": dec(2), "Rader": INT},
        notes,
        shown,
    )


def totals_findings(check: pd.DataFrame) -> Text:
    """What the totals check found, in sentences."""
    bad = check[check["beyond_rounding"]]
    if bad.empty:
        n = check["unit_code"].nunique()
        return Text(
            h(
                "<p>Alla {n} summarader (nämnden och avdelningarna) stämmer med raderna under dem, inom avrundning.</p>",
                n=fmt_int(n),
            )
        )
    items = []
    for r in bad.itertuples():
        d = 0 if r.measure == Measure.EMPLOYEES else 2
        items.append(
            h(
                "<strong>{code} {name}</strong>, {measure}: publicerat {p}, raderna under summerar till {s} (skillnad {d}).",
                code=r.unit_code,
                name=r.unit_name,
                measure=MEASURES[r.measure].lower(),
                p=fmt_number(r.published, d),
                s=fmt_number(r.summed, d),
                d=fmt_number(r.difference, d),
            )
        )
    return Text(
        join(
            [
                h(
                    "<p>{n} av {m} kontroller visar en skillnad utöver avrundning:</p>",
                    n=fmt_int(len(bad)),
                    m=fmt_int(len(check)),
                ),
                bullets(items),
                h("<p>Uppgifterna redovisas som de publicerats; skillnaden är inte rättad.</p>"),
            ]
        )
    )


def debris_text(staffing: pd.DataFrame) -> Text:
    """Which lines of the staffing file were read as page debris, not rows."""
    log = staffing.attrs.get("read")
    if log is None:
        return Text(h("<p>Alla rader i underlaget lästes som tabellrader.</p>"))
    kinds = pd.Series([k for _, k, _ in log.debris], dtype="str").value_counts()
    parts = [f"{kind}: {fmt_int(n)}" for kind, n in kinds.items()]
    spans = log.lines[:, 1] - log.lines[:, 0] + 1 if len(log.lines) else log.lines
    in_rows = int(spans.sum()) if len(log.lines) else 0
    return Text(
        h(
            "<p>Alla {total} rader i underlaget är redovisade: {rows} tabellrader på {in_rows} rader i filen (där ett "
            "namn som brutits över flera rader räknas med), {blank} tomma rader och {n} rader som inte är data "
            "({kinds}). Ingen rad har hoppats över utan att redovisas.</p>",
            total=fmt_int(in_rows + log.blank + len(log.debris)),
            rows=fmt_int(len(staffing)),
            in_rows=fmt_int(in_rows),
            blank=fmt_int(log.blank),
            n=fmt_int(len(log.debris)),
            kinds="; ".join(parts) if parts else "inga",
        )
    )


def debris_table(staffing: pd.DataFrame) -> Table:
    """Every non-blank line of the staffing file that was not a row (``ovrigt_i_underlaget``)."""
    log = staffing.attrs.get("read")
    debris = log.debris if log is not None else []
    data = pd.DataFrame(
        {
            "Rad i filen": [d[0] for d in debris],
            "Tolkad som": [d[1] for d in debris],
            "Text": [d[2].strip() for d in debris],
        },
        columns=["Rad i filen", "Tolkad som", "Text"],
    )
    return Table(
        "ovrigt_i_underlaget", "Rader i underlaget som inte är tabellrader", data, {"Rad i filen": CODE}
    )
