"""The summary section: "I korthet", key figures, indicators per period, goal
attainment, changed units and data quality."""

from __future__ import annotations

import pandas as pd

from ..analysis.indicators import indicator
from ..analysis.period import PeriodResults
from ..vocabulary import (
    ActivityStatus,
    Attainment,
    Direction,
    Significance,
    UnitChange,
    Verdict,
    counted,
    labels,
    month_label,
)
from .format import fmt_approx, fmt_count, fmt_int, fmt_number, fmt_percent, fmt_share, fmt_signed
from .labels import indicator_label, reference, unit_word
from .markup import Html, Text, h, join
from .size import totals_findings
from .table import Column, Table

VERDICT = labels(Verdict)
ATTAINMENT = labels(Attainment)
DIRECTION = labels(Direction)
STATUS_ORDER = [
    ActivityStatus.IN_PLACE,
    ActivityStatus.PLANNED,
    ActivityStatus.ONGOING,
    ActivityStatus.DONE,
    ActivityStatus.CANCELLED,
]
SIGNIFICANCE = labels(Significance)
CHANGE = labels(UnitChange)
#: A mark per verdict that reads without colour: a symbol (hidden from screen readers) and words.
MARKS = {
    Verdict.RIGHT_WAY.value: ("✔", "rätt"),
    Verdict.WRONG_WAY.value: ("✘", "fel"),
    Verdict.UNCHANGED.value: ("=", "oforandrat"),
    Verdict.NOT_ASSESSABLE.value: ("≈", "neutral"),
    Verdict.NOT_COMPARABLE.value: ("≠", "neutral"),
    Verdict.BASELINE_ONLY.value: ("•", "neutral"),
    Verdict.MISSING.value: ("–", "neutral"),
}


def _value_text(value: float, approximate: bool, ind) -> str:
    if value != value:
        return "–"
    if approximate:
        return fmt_approx(value)
    return fmt_percent(value, ind.decimals) if ind.percent else fmt_number(value, ind.decimals)


def _avser(v) -> str:
    """What a value refers to, in words, for the workbook (never a bare number)."""
    ref = reference(v)
    ref = f"år {ref}" if ref.isdigit() else ref
    return (fmt_approx(v.value) + ", " if v.approximate else "") + ref


def _kind(ind) -> Column:
    """How a value of ``ind`` is stored in the workbook: a percentage, a count or a ratio."""
    if ind.percent:
        return Column("pct", ind.decimals)
    return Column("int") if ind.decimals == 0 else Column("dec", ind.decimals)


def _comparable(r) -> bool:
    return r["change"] == r["change"] and r["verdict"] != Verdict.NOT_COMPARABLE


def _change_text(r, ind) -> str:
    if not _comparable(r):
        return "–"
    if r["baseline_approximate"] or r["latest_approximate"]:
        return fmt_signed(r["change"], 0, unit_word(ind)) + " (osäkert)"
    return fmt_signed(r["change"], ind.decimals, unit_word(ind))


def verdict_text(r) -> str:
    """The verdict in words, with the test's result for survey shares."""
    text = VERDICT[r["verdict"]]
    if r["significance"] != Significance.NOT_TESTED:
        text += f", {SIGNIFICANCE[r['significance']]}"
    return text


def in_brief(p: PeriodResults) -> Text:
    """ "I korthet": 3–5 sentences a board member reads first."""
    keys = [x.key for x in p.periods]
    s = p.summary
    m = p.movement
    table_month = month_label(p.staffing_of(p.period.key)["period"].iloc[0])
    sentences = [
        h(
            "I {month} hade {share} enheter högst så många tillsvidareanställda per chef som riktlinjens grundtal; "
            "{over} låg över maxgränsen.",
            month=table_month,
            share=fmt_share(s["units_within_base"], s["units"], 1),
            over=fmt_count(s["units_over_max"], "enhet", "enheter"),
        )
    ]
    if len(keys) == 1:
        sentences.insert(
            0, h("Perioden {k} är utgångsläget; förändring kan visas från nästa halvår.", k=keys[0])
        )
    else:
        compared = m[m["verdict"].isin([Verdict.RIGHT_WAY, Verdict.WRONG_WAY, Verdict.UNCHANGED])]
        n = lambda v: int((compared["verdict"] == v).sum())  # noqa: E731
        sentences.insert(
            0,
            h(
                "Jämfört med utgångsläget {b} har {r} av {c} jämförbara indikatorer rört sig åt rätt håll till {k}, "
                "{w} åt fel håll och {u} är oförändrade; {x} kan inte bedömas ännu.",
                b=keys[0],
                r=fmt_int(n(Verdict.RIGHT_WAY)),
                c=fmt_int(len(compared)),
                k=keys[-1],
                w=fmt_int(n(Verdict.WRONG_WAY)),
                u=fmt_int(n(Verdict.UNCHANGED)),
                x=fmt_int(len(m) - len(compared)),
            ),
        )
    with_target = m[m["attainment"] != Attainment.NO_TARGET]
    if with_target.empty:
        sentences.append(
            h(
                "Socialnämnden har ännu inte fastställt några målvärden; rapporten visar därför riktning, inte måluppfyllelse."
            )
        )
    else:
        counts = with_target["attainment"].value_counts()
        sentences.append(
            h(
                "Av {n} med mål från socialnämnden har {a} nått målet, {b} är i fas, {c} ligger efter plan och "
                "{d} kan inte bedömas ännu.",
                n=fmt_count(len(with_target), "indikator", "indikatorer"),
                a=fmt_int(counts.get(Attainment.ACHIEVED, 0)),
                b=fmt_int(counts.get(Attainment.ON_TRACK, 0)),
                c=fmt_int(counts.get(Attainment.BEHIND, 0)),
                d=fmt_int(counts.get(Attainment.NOT_ASSESSABLE, 0)),
            )
        )
    prog = p.programme
    if len(prog.activities):
        needs = prog.needs[prog.needs["kind"] == "need"]
        st = prog.by_status
        sentences.append(
            h(
                "Programmets register har {n}: {parts}; {e} av {f} behov från ledningsgruppernas dialoger har ännu "
                "ingen aktivitet kopplad till sig.",
                n=fmt_count(len(prog.activities), "aktivitet", "aktiviteter"),
                parts=", ".join(counted(int(st[a]), a) for a in STATUS_ORDER if st[a]),
                e=fmt_int(int((~needs["answered"]).sum())),
                f=fmt_int(len(needs)),
            )
        )
    return Text(h("<p>{s}</p>", s=join(sentences, " ")))


def key_figures(p: PeriodResults) -> Text:
    """The key-figure panel: each indicator, its latest value, the change and a mark."""
    cards = []
    for _, r in p.movement.iterrows():
        ind = indicator(r["id"])
        latest = r["latest"] == r["latest"]
        key = r["latest_period"] if latest else p.periods[0].key
        v = p.values[key][r["id"]]
        value = _value_text(v.value, v.approximate, ind)
        period = f"{key}: avser {reference(v)}" + (", publicerat av källan" if v.published else "")
        symbol, tone = MARKS[r["verdict"]]
        cards.append(
            h(
                '<li class="kort"><span class="namn">{name}</span><span class="varde">{value}</span>'
                '<span class="period">{period}</span><span class="forandring">Förändring: {change}</span>'
                '<span class="bedomning {tone}"><span aria-hidden="true">{symbol}</span> {verdict}</span>{target}</li>',
                name=indicator_label(ind, p.questions),
                value=value,
                period=period,
                change=_change_text(r, ind),
                tone=tone,
                symbol=symbol,
                verdict=verdict_text(r),
                target=_target_line(r, ind),
            )
        )
    return Text(h('<ul class="nyckeltal" aria-label="Nyckeltal">{c}</ul>', c=join(cards)))


def _target_line(r, ind) -> Html:
    if r["attainment"] == Attainment.NO_TARGET:
        return h('<span class="mal">Mål: ej fastställt</span>')
    return h(
        '<span class="mal">Mål: {v} till {by} – {status}</span>',
        v=_value_text(r["target"], False, ind),
        by=r["target_by"],
        status=ATTAINMENT[r["attainment"]],
    )


def indicators_table(p: PeriodResults) -> Table:
    """Each indicator's value per period, what it refers to, and the verdict (``utveckling``)."""
    keys = [x.key for x in p.periods]
    heads = {k: f"{k} (utgångsläge)" if i == 0 else k for i, k in enumerate(keys)}
    rows, kinds = [], []
    shown: dict[str, list[str | None]] = {h: [] for h in heads.values()}
    shown["Förändring sedan utgångsläget"] = []
    for _, r in p.movement.iterrows():
        ind = indicator(r["id"])
        row = {"Indikator": indicator_label(ind, p.questions)}
        for k in keys:
            v = p.values[k].get(r["id"])
            row[heads[k]] = v.value if v is not None else None
            row[f"{k}, avser"] = None if v is None else _avser(v)
            shown[heads[k]].append(
                None if v is None else f"{_value_text(v.value, v.approximate, ind)} ({reference(v)})"
            )
        row["Förändring sedan utgångsläget"] = r["change"] if _comparable(r) else None
        shown["Förändring sedan utgångsläget"].append(_change_text(r, ind))
        row["Önskad riktning"] = DIRECTION[r["better"]]
        row["Bedömning"] = verdict_text(r)
        rows.append(row)
        kinds.append(ind)
    order = [
        "Indikator",
        *[c for k in keys for c in (heads[k], f"{k}, avser")],
        "Förändring sedan utgångsläget",
    ]
    data = pd.DataFrame(rows, columns=[*order, "Önskad riktning", "Bedömning"])
    cols = {heads[k]: Column("dec", 2) for k in keys}
    cols.update({f"{k}, avser": Column("text", page=False) for k in keys})
    cols["Förändring sedan utgångsläget"] = Column("dec", 2)
    cell_kinds = {heads[k]: [_kind(i) for i in kinds] for k in keys}
    cell_kinds["Förändring sedan utgångsläget"] = [
        Column("dec", i.decimals) if i.percent or i.decimals else Column("int") for i in kinds
    ]
    notes = [
        "Inom parentes: vad värdet avser (tabellens månad, enkätens år, sjuktalets år och månader). Värden för olika "
        "delar av året jämförs inte, och för dem anges ingen förändring.",
        "Ungefärliga värden (källan anger t.ex. ”ungefär 2/3”) skrivs med ca; förändringen mot dem bedöms bara när den "
        "är större än det ungefärliga värdets marginal (se Om rapporten).",
        "Förändringar i enkätandelar prövas statistiskt: säkerställd = skillnaden är större än slumpen ger (5 % nivå).",
        "I tabellfilen står varje värde som tal; för ett ungefärligt värde står talet som källans bråk motsvarar "
        "(2/3 = 66,67 %) och i kolumnen ”avser” orden källan använder (ca 2/3).",
    ]
    return Table(
        "utveckling",
        "Indikatorer per period jämfört med utgångsläget",
        data,
        cols,
        notes,
        shown,
        cell_kinds=cell_kinds,
    )


def attainment_table(p: PeriodResults) -> Table:
    """Target, due period, value now, share of the distance covered and status (``maluppfyllelse``)."""
    rows = []
    for _, r in p.movement.iterrows():
        ind = indicator(r["id"])
        has = r["attainment"] != Attainment.NO_TARGET
        now = r["latest"] if r["latest"] == r["latest"] else r["baseline"]
        now_approx = r["latest_approximate"] if r["latest"] == r["latest"] else r["baseline_approximate"]
        rows.append(
            {
                "Indikator": indicator_label(ind, p.questions),
                "Mål": r["target"] if has else None,
                "Mål senast": r["target_by"] if has else None,
                "Utgångsläge": r["baseline"],
                "Värde nu": now,
                "Ungefärligt": ", ".join(
                    f"{what} {fmt_approx(v)}"
                    for what, v, a in (
                        ("utgångsläge", r["baseline"], r["baseline_approximate"]),
                        ("nu", now, now_approx),
                    )
                    if a
                )
                or None,
                "Avklarad sträcka, %": 100 * r["progress"]
                if has and r["progress"] == r["progress"]
                else None,
                "Tid som gått, %": 100 * r["time_share"] if has else None,
                "Status": ATTAINMENT[r["attainment"]],
                "Beslut": r["target_source"] if has else None,
            }
        )
    data = pd.DataFrame(rows)
    shown = {
        "Mål": [
            "ej fastställt" if v is None or v != v else _value_text(v, False, indicator(r["id"]))
            for v, (_, r) in zip(data["Mål"], p.movement.iterrows(), strict=True)
        ],
        "Utgångsläge": [
            _value_text(r["baseline"], r["baseline_approximate"], indicator(r["id"]))
            for _, r in p.movement.iterrows()
        ],
        "Värde nu": [
            _value_text(
                v,
                (r["latest_approximate"] if r["latest"] == r["latest"] else r["baseline_approximate"]),
                indicator(r["id"]),
            )
            for v, (_, r) in zip(data["Värde nu"], p.movement.iterrows(), strict=True)
        ],
    }
    return Table(
        "maluppfyllelse",
        "Måluppfyllelse: mål, värde nu och status",
        data,
        {
            "Mål": Column("dec", 1),
            "Mål senast": Column("text", nowrap=True),
            "Utgångsläge": Column("dec", 2),
            "Värde nu": Column("dec", 2),
            "Ungefärligt": Column("text", page=False),
            "Avklarad sträcka, %": Column("dec", 0),
            "Tid som gått, %": Column("dec", 0),
        },
        [
            "Mål ej fastställt: socialnämnden har inte beslutat något målvärde för indikatorn, och rapporten anger inget eget.",
            "Avklarad sträcka = (värde nu − utgångsläge) ÷ (mål − utgångsläge). Tid som gått = andel av halvåren från "
            "utgångsläget till målets halvår. Regeln för status står i Om rapporten.",
        ],
        shown,
        cell_kinds={
            c: [_kind(indicator(i)) for i in p.movement["id"]] for c in ("Mål", "Utgångsläge", "Värde nu")
        },
    )


def unit_changes_tables(p: PeriodResults) -> list[Table]:
    """New, closed and renamed units and changed manager counts between consecutive periods."""
    out = []
    for before, after, ch in p.unit_changes:
        data = pd.DataFrame(
            {
                "Enhet": [
                    a if isinstance(a, str) else b
                    for a, b in zip(ch["name_after"], ch["name_before"], strict=True)
                ],
                "Enhetskod": ch["unit_code"].astype("int64"),
                "Förändring": [", ".join(CHANGE[c] for c in cs) for cs in ch["changes"]],
                f"Namn {before}": ch["name_before"],
                f"Namn {after}": ch["name_after"],
                f"Chefer {before}": ch["managers_before"],
                f"Chefer {after}": ch["managers_after"],
                f"Anställda {before}": ch["employees_before"],
                f"Anställda {after}": ch["employees_after"],
            }
        )
        counts = [f"{what} {k}" for what in ("Chefer", "Anställda") for k in (before, after)]
        cols = {c: Column("int") for c in counts}
        cols["Enhetskod"] = Column("code")
        out.append(
            Table(
                f"enhetsforandringar_{after}",
                f"Förändrade enheter mellan {before} och {after}",
                data,
                cols,
                ["Enheter matchas på enhetskod. – = enheten fanns inte den perioden."],
            )
        )
    return out


def quality(p: PeriodResults) -> Text:
    """Data quality: the totals check per period and the approximations used."""
    parts = []
    for x in p.periods:
        staffing = p.staffing_of(x.key)
        results = p if x.key == p.period.key else PeriodResults(p.catalog, x, p.thresholds, p.disclosed)
        parts.append(
            h(
                "<p><strong>{k}</strong> (tabell för {m}):</p>",
                k=x.key,
                m=month_label(staffing["period"].iloc[0]),
            )
        )
        parts.append(totals_findings(results.totals).body)
    approx = p.movement[p.movement["approximate"]]
    if len(approx):
        names = [indicator_label(indicator(i), p.questions) for i in approx["id"]]
        parts.append(
            h(
                "<p><strong>Ungefärliga värden</strong> i jämförelsen: {n}. Källan anger dem som ”ungefär …”; de redovisas "
                "med ca och jämförs bara när förändringen är större än deras marginal.</p>",
                n="; ".join(names),
            )
        )
    return Text(join(parts))


def baseline_only_note(p: PeriodResults) -> Text:
    """Said when only the baseline exists."""
    if len(p.periods) > 1:
        return Text(Html(""))
    return Text(h("<p>Bara utgångsläget finns hittills; inga förändringar att visa.</p>"))
