"""Swedish tables, sentences and charts for the survey and managers' sick leave."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from . import figures
from .numbers import fmt_int, fmt_percent
from .present import INT, Table, dec, pct
from .sickleave import MAX_HIDDEN_GROUP_SIZE, accumulated_sick_rate, hidden_mask, yearly_rates
from .survey import CATEGORIES

#: Fractions the source uses for approximate shares, and how to say them.
_FRACTIONS = [(25.0, "1/4"), (100 / 3, "1/3"), (50.0, "hälften"), (200 / 3, "2/3"), (75.0, "3/4")]
MIN_RESPONDENTS = 5
GROUP_SV = {"medarbetare": "Medarbetare", "chefer": "Chefer"}


def fmt_approx_share(share: float, approximate: bool) -> str:
    """A share as the report says it: ``ca 2/3`` or ``ca hälften`` for an
    approximate share the source gave as a fraction, ``ca 40 %`` for another
    approximate share, ``66,7 %`` for an exact one."""
    if share is None or share != share:
        return "–"
    if approximate:
        for value, label in _FRACTIONS:
            if abs(share - value) < 0.05:
                return f"ca {label}"
        return f"ca {fmt_percent(share, 0)}"
    return fmt_percent(share, 1)


def _share_cell(v: object) -> str:
    return v if isinstance(v, str) else fmt_percent(v, 1)


def survey_wide(survey: pd.DataFrame, questions: pd.DataFrame, min_respondents: int) -> pd.DataFrame:
    """One row per year, question, group and unit with the three categories.

    Returns:
        Columns ``year``, ``question_id``, ``question``, ``group``,
        ``unit_code``, ``positiv``/``neutral``/``negativ`` (float or NaN),
        ``respondents``, ``approximate``, ``hidden`` (fewer than
        ``min_respondents``; shares set to NaN) and ``source``; ordered as
        the question catalogue, then group, unit and year.
    """
    keys = ["year", "question_id", "group", "unit_code"]
    wide = survey.pivot_table(index=keys, columns="category", values="share", aggfunc="sum")
    wide = wide.reindex(columns=CATEGORIES)
    meta = survey.groupby(keys).agg(
        respondents=("respondents", "first"), approximate=("approximate", "any"), source=("source", "first")
    )
    wide = wide.join(meta).reset_index()
    wide["hidden"] = wide["respondents"].notna() & (wide["respondents"] < min_respondents)
    wide["hidden"] = wide["hidden"].fillna(False).astype(bool)
    for c in CATEGORIES:
        wide[c] = wide[c].astype("float64").where(~wide["hidden"])
    order = {q: i for i, q in enumerate(questions["question_id"])}
    text = dict(zip(questions["question_id"], questions["text"], strict=True))
    wide["question"] = wide["question_id"].map(text)
    wide["_o"] = wide["question_id"].map(order)
    wide = wide.sort_values(["_o", "group", "unit_code", "year"], kind="stable").drop(columns="_o")
    cols = ["year", "question_id", "question", "group", "unit_code", *CATEGORIES]
    return wide[[*cols, "respondents", "approximate", "hidden", "source"]].reset_index(drop=True)


def survey_table(wide: pd.DataFrame, min_respondents: int) -> Table:
    """The survey shares per question and group (``enkat``)."""

    def cell(row, cat):
        v = row[cat]
        if row["hidden"]:
            return "–"
        if row["approximate"]:
            return fmt_approx_share(v, True) if v == v else "–"
        return v

    data = pd.DataFrame(
        {
            "År": wide["year"],
            "Fråga": wide["question"],
            "Grupp": wide["group"].map(GROUP_SV),
            "Enhet": wide["unit_code"],
            "Positiv (4–5), %": [cell(r, "positiv") for _, r in wide.iterrows()],
            "Neutral (3), %": [cell(r, "neutral") for _, r in wide.iterrows()],
            "Negativ (1–2), %": [cell(r, "negativ") for _, r in wide.iterrows()],
            "Svarande": [
                f"färre än {min_respondents}" if h else r
                for h, r in zip(wide["hidden"], wide["respondents"], strict=True)
            ],
            "Ungefärlig": wide["approximate"].map({True: "ja", False: "nej"}),
        }
    )
    notes = ["Andel av de svarande. Positiv = svar 4–5, neutral = 3, negativ = 1–2 på en femgradig skala."]
    if wide["approximate"].any():
        notes.append(
            "Ungefärlig = källan anger bara en ungefärlig andel (”ungefär 2/3”, ”ungefär hälften”), som här "
            "återges med ca. Källan delar inte upp resten på neutral och negativ; där står –."
        )
    if wide["hidden"].any():
        notes.append(
            f"– för grupper med färre än {fmt_int(min_respondents)} svarande: resultatet visas inte."
        )
    notes.append("Enhet 52 = hela socialförvaltningen.")
    for src, g in wide.groupby("source", sort=False):
        qs = ", ".join(dict.fromkeys(g["question"]))
        notes.append(f"Källa för {qs}: {src}")
    return Table(
        "enkat",
        "Medarbetarundersökningen: andel positiva, neutrala och negativa svar",
        data,
        {
            "År": lambda v: str(v),
            "Positiv (4–5), %": _share_cell,
            "Neutral (3), %": _share_cell,
            "Negativ (1–2), %": _share_cell,
            "Svarande": lambda v: v if isinstance(v, str) else fmt_int(v),
        },
        notes,
    )


def missing_questions(wide: pd.DataFrame, questions: pd.DataFrame) -> str:
    """Swedish Markdown listing catalogue questions with no figures."""
    missing = questions[~questions["question_id"].isin(wide["question_id"])]
    if missing.empty:
        return "Alla frågor i frågekatalogen har resultat."
    items = [
        f"- *{r.text}* ({GROUP_SV.get(r.group, r.group).lower()}): ingen siffra i underlaget."
        for r in missing.itertuples()
    ]
    return "Frågor som ställs men saknar redovisade siffror:\n\n" + "\n".join(items)


def survey_summary(wide: pd.DataFrame) -> str:
    """One Swedish sentence per question and group for the latest year."""
    lines = []
    for (_qid, group, unit), g in wide.groupby(["question_id", "group", "unit_code"], sort=False):
        last = g.sort_values("year").iloc[-1]
        if last["hidden"]:
            share = "visas inte (få svarande)"
        else:
            share = fmt_approx_share(last["positiv"], bool(last["approximate"])) + " positiva"
        scope = "hela förvaltningen" if unit == "52" else f"enhet {unit}"
        lines.append(
            f"- **{last['question']}** – {GROUP_SV[group].lower()}, {scope}, {last['year']}: {share}."
        )
    return "\n".join(lines)


def survey_chart(wide: pd.DataFrame, title: str = "") -> plt.Figure:
    """Stacked horizontal bars: positive, neutral, negative per question,
    group and year. Approximate shares are labelled with ``ca``; where the
    source gives only the positive share, the rest is one hatched segment."""
    figures.setup()
    shown = wide[~wide["hidden"]].reset_index(drop=True)
    n = max(len(shown), 1)
    fig, ax = plt.subplots(figsize=(8, 0.55 * n + 1.6))
    labels = []
    for i, r in shown.iterrows():
        y = n - 1 - i
        left = 0.0
        for cat in CATEGORIES:
            v = r[cat]
            if v == v:
                ax.barh(y, v, left=left, color=figures.CATEGORY_COLOURS[cat], height=0.6)
                text_ = fmt_approx_share(v, bool(r["approximate"]))
                ax.text(left + v / 2, y, text_, ha="center", va="center", fontsize=7, color="black")
                left += v
        if left < 99.5:
            rest = 100 - left
            ax.barh(y, rest, left=left, color="white", edgecolor="#888888", hatch="///", height=0.6)
            ax.text(left + rest / 2, y, "ej uppdelat", ha="center", va="center", fontsize=7, color="#333333")
        labels.append(f"{r['question']}\n({GROUP_SV[r['group']].lower()}, {r['year']})")
    ax.set_yticks([n - 1 - i for i in range(len(shown))], labels, fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Andel av de svarande, %")
    figures.swedish_axis(ax.xaxis)
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=k.capitalize()) for k, c in figures.CATEGORY_COLOURS.items()]
    handles.append(
        Patch(
            facecolor="white",
            edgecolor="#888888",
            hatch="///",
            label="Neutral eller negativ, ej uppdelat i källan",
        )
    )
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7, frameon=False
    )
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


# --- sick leave ---------------------------------------------------------


def sick_yearly_table(rates: pd.DataFrame, max_hidden: int = MAX_HIDDEN_GROUP_SIZE) -> Table:
    """Accumulated sick-leave rate per group and year (``sjuktal_ar``)."""
    hidden = rates["employees"].notna() & (rates["employees"] <= max_hidden)
    hidden = hidden.fillna(False).astype(bool)
    data = pd.DataFrame(
        {
            "År": rates["year"],
            "Grupp": rates["group"],
            "Ackumulerat sjuktal, %": rates["rate"].where(~hidden),
            "Till och med": [
                "helår (publicerat)" if not fh else _month_label(m)
                for m, fh in zip(rates["through_month"], rates["from_hours"], strict=True)
            ],
            "Antal anställda": rates["employees"],
        }
    )
    notes = ["Ackumulerat sjuktal = sjuktimmar ÷ ordinarie timmar från januari, i procent."]
    if hidden.any():
        notes.append(
            f"– = visas inte: gruppen har {fmt_int(max_hidden)} eller färre anställda någon månad under året "
            "(samma regel som för sjukfrånvaro i årsredovisningen)."
        )
    if rates["employees"].isna().any():
        notes.append("Antal anställda – = gruppens storlek anges inte i underlaget.")
    else:
        notes.append("Antal anställda = det minsta antalet under årets månader.")
    return Table(
        "sjuktal_ar",
        "Chefers ackumulerade sjuktal per år",
        data,
        {"År": lambda v: str(v), "Ackumulerat sjuktal, %": pct(2), "Antal anställda": INT},
        notes,
    )


def sick_monthly_table(monthly: pd.DataFrame, max_hidden: int = MAX_HIDDEN_GROUP_SIZE) -> Table:
    """Accumulated rate per group and month, with the summed hours (``sjuktal_manad``)."""
    acc = accumulated_sick_rate(monthly)
    month_hidden, ytd_hidden = hidden_mask(acc, max_hidden)
    data = pd.DataFrame(
        {
            "Månad": [_month_label(m) for m in acc["month"]],
            "Grupp": acc["group"],
            "Sjuktimmar": acc["sick_hours"].where(~month_hidden),
            "Ordinarie timmar": acc["ordinary_hours"].where(~month_hidden),
            "Sjuktimmar från januari": acc["sick_hours_ytd"].where(~ytd_hidden),
            "Ordinarie timmar från januari": acc["ordinary_hours_ytd"].where(~ytd_hidden),
            "Ackumulerat sjuktal, %": acc["accumulated_rate"].where(~ytd_hidden),
            "Antal anställda": acc["employees"],
        }
    )
    notes = [
        "Ackumulerat sjuktal = summan av sjuktimmar ÷ summan av ordinarie timmar från januari (inte ett medelvärde av månadernas sjuktal)."
    ]
    if ytd_hidden.any():
        notes.append(
            f"– = visas inte: gruppen har {fmt_int(max_hidden)} eller färre anställda den månaden; då visas inte "
            "heller årets ackumulerade siffror från och med den månaden (de skulle avslöja månaden)."
        )
    return Table(
        "sjuktal_manad",
        "Chefers ackumulerade sjuktal per månad",
        data,
        {
            "Sjuktimmar": dec(1),
            "Ordinarie timmar": dec(1),
            "Sjuktimmar från januari": dec(1),
            "Ordinarie timmar från januari": dec(1),
            "Ackumulerat sjuktal, %": pct(2),
            "Antal anställda": INT,
        },
        notes,
    )


def sick_summary(rates: pd.DataFrame, baseline: pd.DataFrame, max_hidden: int = MAX_HIDDEN_GROUP_SIZE) -> str:
    """Swedish Markdown: latest accumulated rate per group next to the baseline."""
    lines = []
    for group, g in rates.groupby("group", sort=False):
        last = g.sort_values("year").iloc[-1]
        if pd.notna(last["employees"]) and last["employees"] <= max_hidden:
            value = "visas inte (liten grupp)"
        else:
            when = "helår" if not last["from_hours"] else f"januari–{_month_name(last['through_month'])}"
            value = f"{fmt_percent(last['rate'], 2)} ({when} {last['year']})"
        base = baseline[baseline["group"] == group].sort_values("year")
        if len(base) and not (base.iloc[0]["year"] == last["year"] and len(g) == 1):
            b = base.iloc[0]
            value += f"; utgångsläge {b['year']}: {fmt_percent(b['rate'], 2)}"
        lines.append(f"- **Ackumulerat sjuktal, {group}:** {value}.")
    return "\n".join(lines) if lines else "Inga uppgifter om sjukfrånvaro för perioden."


def _month_label(month: str) -> str:
    from .tables import month_label

    return month_label(str(month))


def _month_name(month: str) -> str:
    from .tables import month_label

    return month_label(month).split(" ")[0]


def sick_chart(
    rates: pd.DataFrame, monthly: pd.DataFrame | None, max_hidden: int = MAX_HIDDEN_GROUP_SIZE
) -> plt.Figure:
    """Bars of the accumulated rate per year and group; with monthly hours,
    also the accumulated rate month by month."""
    figures.setup()
    show = rates[
        ~(rates["employees"].notna() & (rates["employees"] <= max_hidden)).fillna(False).astype(bool)
    ]
    has_monthly = monthly is not None and len(monthly) > 0
    fig, axes = plt.subplots(
        1, 2 if has_monthly else 1, figsize=(8 if has_monthly else 5, 3.2), squeeze=False
    )
    ax = axes[0][0]
    labels = [f"{g}\n{y}" for g, y in zip(show["group"], show["year"], strict=True)]
    ax.bar(range(len(show)), show["rate"], color="#0072B2", width=0.6)
    for i, v in enumerate(show["rate"]):
        ax.text(i, v, fmt_percent(v, 2), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(show)), labels, fontsize=8)
    ax.set_xlim(-0.8, max(len(show), 3) - 0.2)
    ax.set_ylabel("Ackumulerat sjuktal, %")
    ax.set_ylim(0, max([*show["rate"].tolist(), 1.0]) * 1.25)
    figures.swedish_axis(ax.yaxis, 1)
    ax.set_title("Per år", loc="left")
    if has_monthly:
        acc = accumulated_sick_rate(monthly)
        acc = acc[~hidden_mask(acc, max_hidden)[1]]
        ax2 = axes[0][1]
        for (group, year), g in acc.groupby(["group", "year"], sort=False):
            ax2.plot(
                g["month"].str.slice(5, 7).astype(int),
                g["accumulated_rate"],
                marker="o",
                label=f"{group} {year}",
            )
        ax2.set_xticks(
            range(1, 13),
            [m[:3] for m in "jan feb mar apr maj jun jul aug sep okt nov dec".split()],
            fontsize=7,
        )
        ax2.set_ylabel("Ackumulerat sjuktal, %")
        figures.swedish_axis(ax2.yaxis, 1)
        ax2.set_title("Månad för månad (från januari)", loc="left")
        ax2.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


__all__ = [
    "fmt_approx_share",
    "missing_questions",
    "sick_chart",
    "sick_monthly_table",
    "sick_summary",
    "sick_yearly_table",
    "survey_chart",
    "survey_summary",
    "survey_table",
    "survey_wide",
    "yearly_rates",
]
