"""Swedish tables and text for the survey and managers' sick leave."""

from __future__ import annotations

import pandas as pd

from ..analysis.sickleave import SickLeave
from ..vocabulary import Category, month_label
from .format import fmt_approx, fmt_int, fmt_percent
from .labels import GROUPS, year_span
from .markup import Text, bullets, h, join
from .table import Column, Table

POS, NEU, NEG = (c.value for c in Category)


def _question_text(questions: pd.DataFrame) -> dict[str, str]:
    return dict(zip(questions["question_id"], questions["text"], strict=True))


def _scope(unit: str) -> str:
    return "hela förvaltningen" if len(unit) == 2 else f"enhet {unit}"


def survey_table(wide: pd.DataFrame, questions: pd.DataFrame, min_respondents: int) -> Table:
    """Survey shares per question, group and year, with the positive share's interval (``enkat``)."""
    text = _question_text(questions)
    data = pd.DataFrame(
        {
            "Fråga": wide["question_id"].map(text),
            "År": wide["year"],
            "Grupp": wide["group"].map(GROUPS),
            "Enhet": wide["unit_code"].astype("int64"),
            "Positiv (4–5), %": wide[POS],
            "95 % intervall, från": wide["low"],
            "95 % intervall, till": wide["high"],
            "Neutral (3), %": wide[NEU],
            "Negativ (1–2), %": wide[NEG],
            "Svarande": wide["respondents"],
            "Ungefärligt": [
                fmt_approx(v) if a and not hd else None
                for v, a, hd in zip(wide[POS], wide["approximate"], wide["hidden"], strict=True)
            ],
            "Publicerat av källan": ["ja" if p else "nej" for p in wide["published"]],
        }
    )
    hidden_text = "visas inte (få eller okänt antal svarande)"
    shown = {
        "Positiv (4–5), %": [
            hidden_text if hd else (fmt_approx(v) if a else None)
            for v, a, hd in zip(wide[POS], wide["approximate"], wide["hidden"], strict=True)
        ],
        "Svarande": ["okänt" if n is pd.NA or n != n else None for n in wide["respondents"]],
    }
    interval = [
        None if lo != lo else f"{fmt_percent(lo, 1)}–{fmt_percent(hi, 1)}"
        for lo, hi in zip(wide["low"], wide["high"], strict=True)
    ]
    data.insert(5, "95 % konfidensintervall", interval)
    notes = [
        "Andel av de svarande. Positiv = svar 4–5, neutral = 3, negativ = 1–2 på en femgradig skala. "
        "95 % konfidensintervall (Wilson) för andelen positiva där antalet svarande är känt.",
    ]
    if wide["approximate"].any():
        notes.append(
            "Ungefärligt = källan anger bara en ungefärlig andel (”ungefär 2/3”, ”ungefär hälften”), som här återges "
            "med ca; i tabellfilen står talet (66,7) i sin kolumn och ca-formen bredvid. Källan delar inte upp resten "
            "på neutral och negativ; där står –."
        )
    if wide["hidden"].any():
        notes.append(
            f"Resultat för grupper med färre än {fmt_int(min_respondents)} svarande, eller okänt antal svarande som inte publicerats av källan, visas inte; i tabellfilen är cellerna tomma."
        )
    notes.append("Enhet 52 = hela socialförvaltningen.")
    for src, g in wide.groupby("source", sort=False):
        qs = ", ".join(dict.fromkeys(g["question_id"].map(text)))
        notes.append(f"Källa för {qs}: {src}")
    return Table(
        "enkat",
        "Medarbetarundersökningen: andel positiva, neutrala och negativa svar",
        data,
        {
            "År": Column("code"),
            "Enhet": Column("code"),
            "Positiv (4–5), %": Column("dec", 1),
            "95 % konfidensintervall": Column("text", book=False),
            "95 % intervall, från": Column("dec", 1, page=False),
            "95 % intervall, till": Column("dec", 1, page=False),
            "Neutral (3), %": Column("dec", 1),
            "Negativ (1–2), %": Column("dec", 1),
            "Svarande": Column("int"),
            "Ungefärligt": Column("text", page=False),
            "Publicerat av källan": Column("text", page=False),
        },
        notes,
        shown,
    )


def survey_summary(wide: pd.DataFrame, questions: pd.DataFrame) -> Text:
    """One sentence per question and group for the latest year."""
    text = _question_text(questions)
    items = []
    for (_q, group, unit), g in wide.groupby(["question_id", "group", "unit_code"], sort=False):
        last = g.sort_values("year").iloc[-1]
        if last["hidden"]:
            share = "visas inte (få eller okänt antal svarande)"
        elif last["approximate"]:
            share = f"{fmt_approx(last[POS])} positiva"
        else:
            share = f"{fmt_percent(last[POS], 1)} positiva"
            if last["low"] == last["low"]:
                share += (
                    f" (95 % konfidensintervall {fmt_percent(last['low'], 1)}–{fmt_percent(last['high'], 1)})"
                )
        if last["published"]:
            share += ", publicerat av källan"
        items.append(
            h(
                "<strong>{q}</strong> – {g}, {scope}, {y}: {s}.",
                q=text.get(last["question_id"], last["question_id"]),
                g=GROUPS.get(group, group),
                scope=_scope(unit),
                y=last["year"],
                s=share,
            )
        )
    return Text(bullets(items) if items else h("<p>Inga enkätresultat för perioden.</p>"))


def missing_questions(wide: pd.DataFrame, questions: pd.DataFrame) -> Text:
    """The catalogue's questions that have no figures."""
    missing = questions[~questions["question_id"].isin(wide["question_id"])]
    if missing.empty:
        return Text(h("<p>Alla frågor i frågekatalogen har resultat.</p>"))
    items = [
        h("<em>{t}</em> ({g}): ingen siffra i underlaget.", t=r.text, g=GROUPS.get(r.group, r.group))
        for r in missing.itertuples()
    ]
    return Text(join([h("<p>Frågor som ställs men saknar redovisade siffror:</p>"), bullets(items)]))


def sick_yearly_table(rates: pd.DataFrame, max_hidden_sick_leave: int) -> Table:
    """Accumulated sick-leave rate per group and year (``sjuktal_ar``)."""
    data = pd.DataFrame(
        {
            "Grupp": rates["group"],
            "År": rates["year"],
            "Ackumulerat sjuktal, %": rates["rate"].where(~rates["hidden"]),
            "Avser": [
                year_span(m) + (" (publicerat)" if p else "")
                for m, p in zip(rates["months_included"], rates["published"], strict=True)
            ],
            "Till och med": [
                month_label(m) if isinstance(m, str) else "helår" for m in rates["through_month"]
            ],
            "Antal anställda": rates["employees"],
            "Källa": rates["source"],
        }
    )
    shown = {
        "Ackumulerat sjuktal, %": ["visas inte" if hd else None for hd in rates["hidden"]],
        "Antal anställda": ["okänt" if e is pd.NA or e != e else None for e in rates["employees"]],
    }
    notes = [
        "Ackumulerat sjuktal = sjuktimmar ÷ ordinarie timmar från januari, i procent. Olika delar av året jämförs inte."
    ]
    if rates["hidden"].any():
        notes.append(
            f"Visas inte: gruppen har {fmt_int(max_hidden_sick_leave)} eller färre anställda någon månad under året, "
            "eller okänt antal utan att siffran publicerats av källan."
        )
    published = rates[rates["published"]]
    for src in dict.fromkeys(published["source"]):
        years = ", ".join(str(y) for y in dict.fromkeys(published.loc[published["source"] == src, "year"]))
        notes.append(f"Publicerat ({years}) = siffran återges som den publicerats. Källa: {src}")
    notes.append("Antal anställda = det minsta antalet under årets månader.")
    return Table(
        "sjuktal_ar",
        "Chefers ackumulerade sjuktal per år",
        data,
        {
            "År": Column("code"),
            "Ackumulerat sjuktal, %": Column("pct", 2),
            "Antal anställda": Column("int"),
            "Källa": Column("text", page=False),
        },
        notes,
        shown,
    )


def sick_monthly_table(monthly: pd.DataFrame) -> Table:
    """Accumulated rate per group and month with the summed hours (``sjuktal_manad``)."""
    mh, yh = monthly["month_hidden"].to_numpy(), monthly["ytd_hidden"].to_numpy()
    data = pd.DataFrame(
        {
            "Grupp": monthly["group"],
            "Månad": [month_label(m) for m in monthly["month"]],
            "Sjuktimmar": monthly["sick_hours"].where(~mh),
            "Ordinarie timmar": monthly["ordinary_hours"].where(~mh),
            "Sjuktimmar från januari": monthly["sick_hours_ytd"].where(~yh),
            "Ordinarie timmar från januari": monthly["ordinary_hours_ytd"].where(~yh),
            "Ackumulerat sjuktal, %": monthly["accumulated_rate"].where(~yh),
            "Antal anställda": monthly["employees"],
        }
    )
    notes = [
        "Timmarna är summor ur lönesystemet (hela gruppen, inget urval); därför anges inget osäkerhetsintervall."
    ]
    if yh.any():
        notes.append(
            "– = visas inte: gruppen är för liten den månaden; ackumulerade värden från den månaden visas inte heller, eftersom skillnaden mellan två månader annars skulle avslöja den."
        )
    return Table(
        "sjuktal_manad",
        "Ackumulerat sjuktal månad för månad",
        data,
        {
            "Sjuktimmar": Column("int"),
            "Ordinarie timmar": Column("int"),
            "Sjuktimmar från januari": Column("int"),
            "Ordinarie timmar från januari": Column("int"),
            "Ackumulerat sjuktal, %": Column("pct", 2),
            "Antal anställda": Column("int"),
        },
        notes,
    )


def no_monthly_hours() -> Text:
    return Text(h("<p>Underlaget har inga månadsvisa timmar, bara sjuktal per år.</p>"))


def sick_summary(sick: SickLeave) -> Text:
    """One line per group: the latest rate and the earliest (the baseline) beside it."""
    items = []
    for group, g in sick.rates.groupby("group", sort=False):
        last = g.iloc[-1]
        if last["hidden"]:
            items.append(
                h("<strong>Ackumulerat sjuktal, {g}:</strong> visas inte (liten eller okänd grupp).", g=group)
            )
            continue
        value = f"{fmt_percent(last['rate'], 2)} ({last['year']}, {year_span(last['months_included'])})"
        if last["published"]:
            value += ", publicerat av källan"
        base = g[~g["hidden"]]
        if len(base) and base.iloc[0]["year"] != last["year"]:
            b = base.iloc[0]
            value += (
                f"; utgångsläge {b['year']} ({year_span(b['months_included'])}): {fmt_percent(b['rate'], 2)}"
            )
        items.append(h("<strong>Ackumulerat sjuktal, {g}:</strong> {v}.", g=group, v=value))
    return Text(bullets(items) if items else h("<p>Inga uppgifter om sjukfrånvaro för perioden.</p>"))
