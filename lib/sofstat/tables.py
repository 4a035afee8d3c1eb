"""Builders of the report's Swedish tables and sentences (notebooks call these)."""

from __future__ import annotations

import pandas as pd

from . import guideline as gl
from .numbers import fmt_int, fmt_number, fmt_share
from .present import INT, Table, dec

_MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()
_MEASURES = {"employees": "Tillsvidareanställda", "fte": "Årsarbetare", "mean_age": "Medelålder"}


def month_label(period: str) -> str:
    """``"2024-03"`` -> ``"mars 2024"``; other strings are returned as they are."""
    try:
        year, month = period.split("-")
        return f"{_MONTHS[int(month) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return period


def units_table(spm: pd.DataFrame) -> Table:
    """Employees per manager per unit against the guideline (table ``enheter``)."""
    data = pd.DataFrame(
        {
            "Enhetskod": spm["unit_code"],
            "Enhet": spm["unit_name"],
            "Avdelning": spm["department_name"],
            "Tillsvidareanställda": spm["employees"],
            "Årsarbetare": spm["fte"],
            "Chefer": spm["managers"],
            "Medarbetare per chef": spm["employees_per_manager"],
            "Årsarbetare per chef": spm["fte_per_manager"],
            "Grundtal": spm["guideline_base"],
            "Maxgräns": spm["guideline_max"],
            "Status": spm["status"],
        }
    )
    return Table(
        "enheter",
        "Tillsvidareanställda medarbetare per chef och enhet",
        data,
        {
            "Tillsvidareanställda": INT,
            "Årsarbetare": dec(2),
            "Chefer": INT,
            "Medarbetare per chef": dec(1),
            "Årsarbetare per chef": dec(1),
            "Grundtal": INT,
            "Maxgräns": INT,
        },
        [
            "Grundtal enligt SOF:s riktlinje för storlek på chefsområden (tabell 1). "
            "Maxgräns = grundtal + 10, det mesta riktlinjen medger när påverkande faktorer (tabell 2) stöder det.",
            "Status: inom grundtal (≤ grundtal), över grundtal (≤ maxgräns), över maxgräns (> maxgräns).",
        ],
    )


def departments_table(summary: pd.DataFrame) -> Table:
    """Per-department roll-up of :func:`sofstat.department_summary` (``avdelningar``)."""
    data = pd.DataFrame(
        {
            "Avdelning": summary["department_name"],
            "Riktlinjens avdelning": summary["area"].replace("", "–"),
            "Grundtal": summary["guideline_base"],
            "Enheter": summary["units"],
            "Chefer": summary["managers"],
            "Tillsvidareanställda": summary["employees"],
            "Medarbetare per chef": summary["employees_per_manager"],
            "Median per enhet": summary["median_employees_per_manager"],
            "Högst per enhet": summary["max_employees_per_manager"],
            "Inom grundtal": summary["within_base"],
            "Över grundtal": summary["over_base"],
            "Över maxgräns": summary["over_max"],
        }
    )
    return Table(
        "avdelningar",
        "Medarbetare per chef per avdelning",
        data,
        {
            "Grundtal": INT,
            "Enheter": INT,
            "Chefer": INT,
            "Tillsvidareanställda": INT,
            "Medarbetare per chef": dec(1),
            "Median per enhet": dec(1),
            "Högst per enhet": dec(1),
            "Inom grundtal": INT,
            "Över grundtal": INT,
            "Över maxgräns": INT,
        },
        [
            "Medarbetare per chef = avdelningens tillsvidareanställda i enheterna ÷ antal chefer i enheterna.",
            "Inom/över grundtal och över maxgräns räknas i antal enheter.",
        ],
    )


def over_base_table(spm: pd.DataFrame) -> Table:
    """The units above their base, largest first (``over_grundtal``)."""
    over = spm[spm["status"] != gl.STATUS_WITHIN].sort_values(
        ["employees_per_manager", "unit_code"], ascending=[False, True], kind="stable"
    )
    data = pd.DataFrame(
        {
            "Enhet": over["unit_name"],
            "Avdelning": over["department_name"],
            "Medarbetare per chef": over["employees_per_manager"],
            "Grundtal": over["guideline_base"],
            "Över grundtal med": over["employees_per_manager"] - over["guideline_base"],
            "Status": over["status"],
        }
    ).reset_index(drop=True)
    return Table(
        "over_grundtal",
        "Enheter över grundtalet",
        data,
        {"Medarbetare per chef": dec(1), "Grundtal": INT, "Över grundtal med": dec(1)},
    )


def size_summary(ind: dict) -> str:
    """Swedish sentences (Markdown) with the headline indicators."""
    units, managers = ind["units"], ind["managers"]
    lines = [
        f"- **Enheter inom grundtal:** {fmt_share(ind['units_within_base'], units, 1)}.",
        f"- **Chefer vars enhet är inom grundtal:** {fmt_share(ind['managers_within_base'], managers, 1)}.",
        f"- **Enheter över grundtal men inom maxgräns:** {fmt_int(ind['units_over_base'])}.",
        f"- **Enheter över maxgräns:** {fmt_int(ind['units_over_max'])}.",
        f"- **Medarbetare per chef, median över enheterna:** "
        f"{fmt_number(ind['median_employees_per_manager'], 1)}; "
        f"**högst:** {fmt_number(ind['max_employees_per_manager'], 1)}.",
    ]
    return "\n".join(lines)


def named_units(spm: pd.DataFrame, status: str) -> str:
    """A Swedish sentence naming the units with ``status`` (or saying there are none)."""
    g = spm[spm["status"] == status].sort_values(
        ["employees_per_manager", "unit_code"], ascending=[False, True], kind="stable"
    )
    if g.empty:
        return f"Inga enheter har status *{status}*."
    names = [
        f"{r.unit_name} ({r.department_name}, {fmt_number(r.employees_per_manager, 1)})"
        for r in g.itertuples()
    ]
    return f"Enheter med status *{status}* ({fmt_int(len(g))}): " + "; ".join(names) + "."


def _compact(v: object) -> str:
    """Up to two decimals, trailing zeros dropped: ``1 555``, ``1 498,42``, ``47,21``."""
    text_ = fmt_number(v, 2)
    return text_.rstrip("0").rstrip(",") if "," in text_ else text_


def totals_table(check: pd.DataFrame) -> Table:
    """All rows of :func:`sofstat.check_totals` in Swedish (``kontroll_summor``)."""
    data = pd.DataFrame(
        {
            "Kod": check["unit_code"],
            "Rad i tabellen": check["unit_name"],
            "Mått": check["measure"].map(_MEASURES),
            "Publicerat": check["published"],
            "Summerat": check["summed"],
            "Skillnad": check["difference"],
            "Rader": check["rows_summed"],
            "Utöver avrundning": [
                "–" if h else ("ja" if b else "nej")
                for b, h in zip(
                    check["beyond_rounding"],
                    check.get("hidden", pd.Series(False, index=check.index)),
                    strict=True,
                )
            ],
        }
    )
    notes = []
    if "hidden" in check and check["hidden"].any():
        notes.append(
            "– för medelålder: visas inte, eftersom en dold enhets medelålder annars kunde räknas fram "
            "(samma regel som i avsnittet om ålder)."
        )
    return Table(
        "kontroll_summor",
        "Kontroll: stämmer avdelningarnas och nämndens summor med raderna under dem?",
        data,
        {"Publicerat": _compact, "Summerat": _compact, "Skillnad": _compact, "Rader": INT},
        notes
        + [
            "Medelålder summeras som medelvärde vägt med antal tillsvidareanställda. "
            "Utöver avrundning: tillsvidareanställda – varje skillnad; årsarbetare – mer än 0,01 per "
            "summerad rad; medelålder – mer än 0,1 år. Nämndens summa = avdelningarna + enheter utan "
            "egen avdelningsrad.",
        ],
    )


def totals_findings(check: pd.DataFrame) -> str:
    """Swedish Markdown summarising :func:`sofstat.check_totals`."""
    bad = check[check["beyond_rounding"]]
    n_rows = check["unit_code"].nunique()
    if bad.empty:
        return (
            f"Alla {fmt_int(n_rows)} summarader (nämnden och avdelningarna) stämmer med raderna under dem, "
            "inom avrundning."
        )
    out = [
        f"{fmt_int(len(bad))} av {fmt_int(len(check))} kontroller visar en skillnad utöver avrundning:",
        "",
    ]
    for r in bad.itertuples():
        d = 2 if r.measure == "fte" else (0 if r.measure == "employees" else 2)
        out.append(
            f"- **{r.unit_code} {r.unit_name}**, {_MEASURES[r.measure].lower()}: publicerat "
            f"{fmt_number(r.published, d)}, raderna under summerar till {fmt_number(r.summed, d)} "
            f"(skillnad {fmt_number(r.difference, d)})."
        )
    out += ["", "Uppgifterna redovisas som de publicerats; skillnaden är inte rättad."]
    return "\n".join(out)


def age_units_table(units: pd.DataFrame, min_employees: int) -> Table:
    """Mean age per unit, hidden for small units (``medelalder_enheter``)."""
    data = pd.DataFrame(
        {
            "Enhetskod": units["unit_code"],
            "Enhet": units["unit_name"],
            "Avdelning": units["department_name"],
            "Tillsvidareanställda": units["employees"],
            "Medelålder": units["mean_age"],
        }
    )
    notes = []
    if units["suppressed"].any():
        notes.append(
            f"– = medelåldern visas inte för enheter med färre än {fmt_int(min_employees)} "
            f"tillsvidareanställda ({fmt_int(int(units['suppressed'].sum()))} enheter)."
        )
    return Table(
        "medelalder_enheter",
        "Medelålder per enhet, tillsvidareanställda",
        data,
        {"Tillsvidareanställda": INT, "Medelålder": dec(1)},
        notes,
    )


def age_departments_table(depts: pd.DataFrame, min_employees: int) -> Table:
    """Mean age per department with its spread (``medelalder_avdelningar``)."""
    data = pd.DataFrame(
        {
            "Avdelning": depts["department_name"],
            "Tillsvidareanställda": depts["employees"],
            "Enheter": depts["units"],
            "Medelålder, publicerad": depts["published_mean_age"],
            "Medelålder, vägd från enheterna": depts["weighted_mean_age"],
            "Enheter som visas": depts["units_shown"],
            "Lägsta enhet": depts["min_unit_age"],
            "Median enhet": depts["median_unit_age"],
            "Högsta enhet": depts["max_unit_age"],
            "Spännvidd": depts["range"],
        }
    )
    notes = [
        "Vägd medelålder = enheternas medelålder vägd med antal tillsvidareanställda (alla enheter).",
        f"Lägsta, median, högsta och spännvidd avser enheter med minst {fmt_int(min_employees)} "
        "tillsvidareanställda.",
    ]
    hidden = depts[depts["suppressed"]]
    if len(hidden):
        notes.append(
            "– i avdelningens medelålder (" + ", ".join(hidden["department_name"]) + "): dold, eftersom "
            "en dold enhets medelålder annars kunde räknas fram ur avdelningens medelålder och de enheter "
            f"som visas (de dolda enheterna har tillsammans färre än {fmt_int(min_employees)} anställda)."
        )
    no_row = depts[~depts["suppressed"] & depts["published_mean_age"].isna()]
    if len(no_row):
        notes.append(
            "– i publicerad medelålder ("
            + ", ".join(no_row["department_name"])
            + "): ingen egen rad i tabell 3."
        )
    return Table(
        "medelalder_avdelningar",
        "Medelålder per avdelning och spridningen mellan enheterna",
        data,
        {
            "Tillsvidareanställda": INT,
            "Enheter": INT,
            "Medelålder, publicerad": dec(1),
            "Medelålder, vägd från enheterna": dec(2),
            "Enheter som visas": INT,
            "Lägsta enhet": dec(1),
            "Median enhet": dec(1),
            "Högsta enhet": dec(1),
            "Spännvidd": dec(1),
        },
        notes,
    )


__all__ = [
    "age_bands_table",
    "age_departments_table",
    "age_summary",
    "source_line",
    "age_units_table",
    "departments_table",
    "month_label",
    "named_units",
    "over_base_table",
    "size_summary",
    "totals_findings",
    "totals_table",
    "units_table",
]


def source_line(staffing: pd.DataFrame, period: str) -> str:
    """Swedish Markdown line naming the data: month, rows read, source file."""
    counts = staffing["level"].value_counts()
    from .paths import display_path

    src = staffing.attrs.get("source", "")
    src_text = display_path(src) if src and src != "<text>" else "text"
    return (
        f"Rapportperiod **{period}**. Underlag: tillsvidareanställda per chefsområde, "
        f"{month_label(staffing['period'].iloc[0])} (SOF:s plan juni 2024, tabell 3): "
        f"{fmt_int(len(staffing))} rader – {fmt_int(counts.get('nämnd', 0))} nämnd, "
        f"{fmt_int(counts.get('avdelning', 0))} avdelningar, {fmt_int(counts.get('enhet', 0))} enheter. "
        f"Fil: `{src_text}`."
    )


def age_threshold_line(min_employees: int) -> str:
    """Swedish sentence stating the small-group rule for mean age."""
    return f" Medelåldern visas inte för grupper med färre än {fmt_int(min_employees)} tillsvidareanställda."


def age_summary(depts: pd.DataFrame, units: pd.DataFrame, min_employees: int) -> str:
    """Swedish Markdown with the administration's mean age and its spread."""
    whole = depts.iloc[-1]
    shown = units.dropna(subset=["mean_age"])
    if shown.empty:
        return f"Alla enheter har färre än {fmt_int(min_employees)} tillsvidareanställda; ingen medelålder visas."
    young = shown.loc[shown["mean_age"].idxmin()]
    old = shown.loc[shown["mean_age"].idxmax()]
    return "\n".join(
        [
            f"- **Medelålder, hela förvaltningen:** {fmt_number(whole['published_mean_age'], 1)} år enligt "
            f"tabellen; vägd från enheterna {fmt_number(whole['weighted_mean_age'], 2)} år."
            if not whole["suppressed"]
            else "- **Medelålder, hela förvaltningen:** dold (små grupper).",
            f"- **Spridning mellan enheterna** ({fmt_int(len(shown))} enheter med minst "
            f"{fmt_int(min_employees)} tillsvidareanställda): från {fmt_number(young['mean_age'], 1)} år "
            f"({young['unit_name']}) till {fmt_number(old['mean_age'], 1)} år ({old['unit_name']}); "
            f"median {fmt_number(shown['mean_age'].median(), 1)} år.",
            f"- **Dolda:** {fmt_int(int(units['suppressed'].sum()))} enheter har färre än "
            f"{fmt_int(min_employees)} tillsvidareanställda; deras medelålder visas inte.",
        ]
    )


def age_bands_table(units: pd.DataFrame) -> Table:
    """How many units (shown ones) fall in each five-year band of mean age."""
    edges = [0, 40, 45, 50, 55, 200]
    labels = ["under 40", "40–44,9", "45–49,9", "50–54,9", "55 och äldre"]
    shown = units.dropna(subset=["mean_age"])
    bands = pd.cut(shown["mean_age"], edges, right=False, labels=labels)
    counts = bands.value_counts().reindex(labels, fill_value=0)
    emp = shown.groupby(bands, observed=False)["employees"].sum().reindex(labels, fill_value=0)
    data = pd.DataFrame(
        {
            "Enheternas medelålder, år": labels,
            "Enheter": counts.tolist(),
            "Tillsvidareanställda": emp.tolist(),
        }
    )
    return Table(
        "medelalder_intervall",
        "Enheter efter medelålder",
        data,
        {"Enheter": INT, "Tillsvidareanställda": INT},
        ["Enheter vars medelålder inte visas ingår inte."],
    )
