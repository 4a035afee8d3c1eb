"""Swedish tables, sentences and chart for the summary notebook (movement)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from . import figures
from .movement import UP, PeriodData
from .numbers import fmt_int, fmt_number
from .outcome_tables import fmt_approx_share
from .present import INT, Table
from .tables import totals_findings


def _value(v: float, row: pd.Series, approximate: bool) -> str:
    if v != v:
        return "–"
    if approximate and row["unit"] == "%":
        return fmt_approx_share(v, True)
    text = fmt_number(v, int(row["decimals"]))
    return f"{text} %" if row["unit"] == "%" else text


def _change(v: float, row: pd.Series) -> str:
    if v != v:
        return "–"
    d = 0 if row["approximate"] else int(row["decimals"])
    text = fmt_number(abs(v), d)
    sign = "+" if round(v, d) > 0 else ("\u2212" if round(v, d) < 0 else "±")
    unit = " procentenheter" if row["percentage_points"] else ""
    return f"{sign}{text}{unit}"


def movement_display(mt: pd.DataFrame, keys: list[str]) -> Table:
    """Indicators per period beside the baseline, the change and the verdict (``utveckling``)."""
    data = pd.DataFrame({"Indikator": mt["indicator"]})
    for i, k in enumerate(keys):
        label = f"{k} (utgångsläge)" if i == 0 else k
        data[label] = [_value(r[k], r, bool(r[f"approx:{k}"])) for _, r in mt.iterrows()]
    data["Förändring sedan utgångsläget"] = [_change(r["change"], r) for _, r in mt.iterrows()]
    data["Önskad riktning"] = mt["better"].map({UP: "upp", "ned": "ned"})
    data["Bedömning"] = mt["verdict"]
    notes = [
        "Utgångsläget är den första perioden i periodkatalogen (data/periods.yml). Enheter jämförs på enhetskod.",
        "Ungefärliga värden (källan anger t.ex. ”ungefär 2/3”) skrivs med ca; förändringar mot dem är osäkra "
        "och räknas i hela procentenheter.",
    ]
    for _, r in mt.iterrows():
        refs = [f"{k}: {r[f'note:{k}']}" for k in keys if r[f"note:{k}"]]
        if r["key"] == "share_units_within_base":
            notes.append("Storleken på chefsområden avser tabellmånaden – " + "; ".join(refs) + ".")
        elif r["key"].startswith(("sick:", "survey:")) and len(set(r[f"note:{k}"] for k in keys)) > 1:
            notes.append(f"{r['indicator']} avser – " + "; ".join(refs) + ".")
    return Table("utveckling", "Indikatorer per period jämfört med utgångsläget", data, {}, notes)


def movement_long(mt: pd.DataFrame, keys: list[str]) -> Table:
    """The same indicators as numbers, one row per indicator and period (``indikatorer``)."""
    rows = []
    for _, r in mt.iterrows():
        for k in keys:
            if r[k] == r[k]:
                approx = bool(r[f"approx:{k}"])
                value = fmt_approx_share(r[k], True) if approx else round(r[k], 4)
                rows.append(
                    {
                        "Period": k,
                        "Indikator": r["indicator"],
                        "Värde": value,
                        "Ungefärligt": "ja" if approx else "nej",
                    }
                )
    data = pd.DataFrame(rows, columns=["Period", "Indikator", "Värde", "Ungefärligt"])
    return Table(
        "indikatorer",
        "Indikatorernas värden per period (för vidare bearbetning)",
        data,
        {"Värde": _long_value},
        ["Ungefärliga värden står som källan anger dem (ca 2/3), inte som tal med decimaler."],
    )


def _long_value(v: object) -> str:
    if isinstance(v, str):
        return v
    return fmt_int(v) if float(v).is_integer() else fmt_number(v, 2)


def movement_summary(mt: pd.DataFrame, keys: list[str]) -> str:
    """Swedish Markdown: how many indicators moved the right way."""
    if len(keys) == 1:
        return (
            f"Perioden **{keys[0]}** är utgångsläget. Alla {fmt_int(len(mt))} indikatorer har hittills bara "
            "utgångsläget; förändring kan visas från nästa halvår."
        )
    counted = mt[~mt["verdict"].str.startswith(("endast", "saknas", "ej jämförbart"))]
    right = counted["verdict"].str.startswith("åt rätt håll").sum()
    wrong = counted["verdict"].str.startswith("åt fel håll").sum()
    same = counted["verdict"].str.startswith("oförändrat").sum()
    only = mt["verdict"].str.startswith("endast").sum()
    unlike = mt["verdict"].str.startswith("ej jämförbart").sum()
    lines = [
        f"Jämfört med utgångsläget **{keys[0]}** har {fmt_int(right)} av {fmt_int(len(counted))} jämförbara "
        f"indikatorer rört sig åt rätt håll till **{keys[-1]}**, {fmt_int(wrong)} åt fel håll och "
        f"{fmt_int(same)} är oförändrade."
    ]
    if unlike:
        noun = "indikator" if unlike == 1 else "indikatorer"
        lines.append(
            f"{fmt_int(unlike)} {noun} kan inte jämföras ännu: värdena avser olika delar av året "
            "(t.ex. januari–september mot helår)."
        )
    if only:
        noun = "indikator" if only == 1 else "indikatorer"
        lines.append(f"{fmt_int(only)} {noun} har hittills bara utgångsläget (inga nya uppgifter).")
    return "\n\n".join(lines)


def unit_changes_table(changes: pd.DataFrame, before: str, after: str) -> Table:
    """New, closed and renamed units and changed manager counts (``enhetsforandringar``)."""
    data = pd.DataFrame(
        {
            "Enhetskod": changes["unit_code"],
            "Förändring": changes["change"],
            f"Namn {before}": changes["name_before"],
            f"Namn {after}": changes["name_after"],
            f"Chefer {before}": changes["managers_before"],
            f"Chefer {after}": changes["managers_after"],
            f"Anställda {before}": changes["employees_before"],
            f"Anställda {after}": changes["employees_after"],
        }
    )
    fmts = {c: INT for c in data.columns if c.startswith(("Chefer", "Anställda"))}
    return Table(
        "enhetsforandringar",
        f"Förändrade enheter mellan {before} och {after}",
        data,
        fmts,
        ["Enheter matchas på enhetskod. – = enheten fanns inte den perioden."],
    )


def quality_markdown(data: list[PeriodData], mt: pd.DataFrame) -> str:
    """Data quality: totals checks per period and the approximations used."""
    out = []
    for d in data:
        out.append(
            f"**{d.period.key}** (tabell för {d.staffing['period'].iloc[0]}): {totals_findings(d.totals)}"
        )
    approx = mt[mt["approximate"]]
    if len(approx):
        out.append(
            "**Ungefärliga värden** i jämförelsen: "
            + "; ".join(approx["indicator"])
            + ". Källan anger dem som ”ungefär …”; de redovisas med ca och förändringar mot dem är osäkra."
        )
    return "\n\n".join(out)


def movement_chart(mt: pd.DataFrame, keys: list[str]) -> plt.Figure:
    """Small multiples: each indicator over the periods, baseline dashed;
    approximate values (the source says "ungefär") drawn as hollow points."""
    figures.setup()
    n = len(mt)
    cols = 3
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(9, 2.1 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    for ax, (_, r) in zip(axes.flat, mt.iterrows(), strict=False):
        vals = [r[k] for k in keys]
        xs = list(range(len(keys)))
        ax.plot(xs, vals, color="#0072B2")
        for x, v, k in zip(xs, vals, keys, strict=True):
            approx = bool(r[f"approx:{k}"])  # hollow marker: the source gives only "ungefär"
            ax.plot([x], [v], marker="o", color="#0072B2", markerfacecolor="white" if approx else "#0072B2")
        if vals[0] == vals[0]:
            ax.axhline(vals[0], color="#999999", linestyle="dashed", linewidth=0.8)
        label = r["indicator"].replace("Andel positiva: ", "Positiva: ")
        title = label if len(label) <= 44 else label[:42] + "…"
        ax.set_title(
            title + (" (ca)" if r["approximate"] else ""), fontsize=7, loc="left", fontweight="normal"
        )
        ax.set_xticks(xs, keys, fontsize=7)
        ax.set_xlim(-0.5, max(len(keys) - 0.5, 1.5))
        if r["decimals"] == 0:
            shown = [v for v in vals if v == v]
            if shown:
                ax.set_ylim(min(shown) - 1, max(shown) + 1)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        figures.swedish_axis(ax.yaxis, min(int(r["decimals"]), 2))
        ax.tick_params(axis="y", labelsize=7)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.93, bottom=0.08, hspace=0.75, wspace=0.3)
    return fig


def unit_change_tables(data: list[PeriodData]) -> list[Table]:
    """One :func:`unit_changes_table` per pair of consecutive periods."""
    from .movement import unit_changes

    return [
        unit_changes_table(unit_changes(a.staffing, b.staffing), a.period.key, b.period.key)
        for a, b in zip(data, data[1:], strict=False)
    ]
