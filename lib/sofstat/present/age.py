"""Swedish tables and text on mean age (small groups hidden by :mod:`sofstat.disclosure`)."""

from __future__ import annotations

import pandas as pd

from .format import fmt_int, fmt_number
from .labels import WHOLE
from .markup import Text, bullets, h
from .size import INT, dec
from .table import Column, Table


def age_threshold_line(min_employees_age: int) -> Text:
    return Text(
        h(
            "<p>Medelåldern visas inte för grupper med färre än {n} tillsvidareanställda.</p>",
            n=fmt_int(min_employees_age),
        )
    )


def age_summary(depts: pd.DataFrame, units: pd.DataFrame, min_employees_age: int) -> Text:
    """The administration's mean age and its spread."""
    whole = depts.iloc[-1]
    shown = units.dropna(subset=["mean_age"])
    if shown.empty:
        return Text(
            h(
                "<p>Alla enheter har färre än {n} tillsvidareanställda; ingen medelålder visas.</p>",
                n=fmt_int(min_employees_age),
            )
        )
    young = shown.loc[shown["mean_age"].idxmin()]
    old = shown.loc[shown["mean_age"].idxmax()]
    first = (
        h(
            "<strong>Medelålder, hela förvaltningen:</strong> {p} år enligt tabellen; vägd från enheterna {w} år.",
            p=fmt_number(whole["published_mean_age"], 1),
            w=fmt_number(whole["weighted_mean_age"], 2),
        )
        if not whole["suppressed"]
        else h("<strong>Medelålder, hela förvaltningen:</strong> dold (små grupper).")
    )
    return Text(
        bullets(
            [
                first,
                h(
                    "<strong>Spridning mellan enheterna</strong> ({n} enheter med minst {m} tillsvidareanställda): "
                    "från {a} år ({an}) till {b} år ({bn}); median {md} år.",
                    n=fmt_int(len(shown)),
                    m=fmt_int(min_employees_age),
                    a=fmt_number(young["mean_age"], 1),
                    an=young["unit_name"],
                    b=fmt_number(old["mean_age"], 1),
                    bn=old["unit_name"],
                    md=fmt_number(shown["mean_age"].median(), 1),
                ),
                h(
                    "<strong>Dolda:</strong> {n} enheter har färre än {m} tillsvidareanställda; deras medelålder visas inte.",
                    n=fmt_int(int(units["suppressed"].sum())),
                    m=fmt_int(min_employees_age),
                ),
            ]
        )
    )


def age_departments_table(depts: pd.DataFrame, min_employees_age: int) -> Table:
    """Mean age per department with its spread (``medelalder_avdelningar``)."""
    data = pd.DataFrame(
        {
            "Avdelning": depts["department_name"].where(~depts["whole"], WHOLE),
            "Tillsvidare­anställda": depts["employees"],
            "Enheter": depts["units"],
            "Medelålder, publicerad": depts["published_mean_age"],
            "Medelålder, vägd": depts["weighted_mean_age"],
            "Enheter som visas": depts["units_shown"],
            "Lägsta enhet": depts["min_unit_age"],
            "Median enhet": depts["median_unit_age"],
            "Högsta enhet": depts["max_unit_age"],
            "Spännvidd": depts["range"],
        }
    )
    notes = [
        "Vägd medelålder = enheternas medelålder vägd med antal tillsvidareanställda (alla enheter).",
        f"Lägsta, median, högsta och spännvidd avser enheter med minst {fmt_int(min_employees_age)} tillsvidareanställda.",
    ]
    hidden = depts[depts["suppressed"]]
    if len(hidden):
        names = ", ".join(hidden["department_name"].where(~hidden["whole"], WHOLE))
        notes.append(
            f"– i avdelningens medelålder ({names}): dold, eftersom en dold enhets medelålder annars kunde räknas fram "
            "ur avdelningens medelålder och de enheter som visas (de dolda enheterna har tillsammans färre än "
            f"{fmt_int(min_employees_age)} anställda)."
        )
    no_row = depts[~depts["suppressed"] & depts["published_mean_age"].isna()]
    if len(no_row):
        notes.append(
            "– i publicerad medelålder ("
            + ", ".join(no_row["department_name"])
            + "): ingen egen rad i tabellen."
        )
    cols = {
        "Tillsvidare­anställda": INT,
        "Enheter": INT,
        "Medelålder, publicerad": dec(1),
        "Medelålder, vägd": dec(2),
        "Enheter som visas": INT,
        "Lägsta enhet": dec(1),
        "Median enhet": dec(1),
        "Högsta enhet": dec(1),
        "Spännvidd": dec(1),
    }
    return Table(
        "medelalder_avdelningar",
        "Medelålder per avdelning och spridningen mellan enheterna",
        data,
        cols,
        notes,
    )


def age_bands_table(units: pd.DataFrame) -> Table:
    """How many units (shown ones) fall in each five-year band of mean age (``aldersgrupper``)."""
    edges = [0, 40, 45, 50, 55, 200]
    names = ["under 40", "40–44,9", "45–49,9", "50–54,9", "55 och äldre"]
    shown = units.dropna(subset=["mean_age"])
    bands = pd.cut(shown["mean_age"], edges, right=False, labels=names)
    counts = bands.value_counts().reindex(names, fill_value=0)
    data = pd.DataFrame({"Medelålder, år": names, "Enheter": counts.to_numpy()})
    return Table(
        "aldersgrupper",
        "Enheter efter medelålder",
        data,
        {"Enheter": INT},
        ["Enheter vars medelålder visas."],
    )


def age_units_table(units: pd.DataFrame, min_employees_age: int) -> Table:
    """Mean age per unit, hidden for small units (``medelalder_enheter``)."""
    data = pd.DataFrame(
        {
            "Enhet": units["unit_name"],
            "Enhetskod": units["unit_code"].astype("int64"),
            "Avdelning": units["department_name"],
            "Tillsvidare­anställda": units["employees"],
            "Medelålder": units["mean_age"],
        }
    )
    shown = {
        "Medelålder": [f"färre än {min_employees_age} anställda" if s else None for s in units["suppressed"]]
    }
    notes = []
    if units["suppressed"].any():
        notes.append(
            f"Medelåldern visas inte för enheter med färre än {fmt_int(min_employees_age)} tillsvidareanställda "
            f"({fmt_int(int(units['suppressed'].sum()))} enheter); i tabellfilen är cellen tom."
        )
    return Table(
        "medelalder_enheter",
        "Medelålder per enhet, tillsvidareanställda",
        data,
        {"Enhetskod": Column("code", page=False), "Tillsvidare­anställda": INT, "Medelålder": dec(1)},
        notes,
        shown,
    )
