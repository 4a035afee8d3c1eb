"""The presentation layer asserted directly: Swedish formats, escaping, the report's tables and charts.

nbval compares the notebooks' stored outputs; these tests pin the values
themselves, so that a wrong number cannot be refreshed into the notebooks
without a test noticing.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from sofstat.present import age, charts, outcomes, programme, size, summary
from sofstat.present.format import fmt_approx, fmt_int, fmt_number, fmt_percent, fmt_share, fmt_signed
from sofstat.present.markup import Html, Text, esc, h, join
from sofstat.present.table import PAYLOAD_VERSION, Column, Table
from sofstat.report.workbook import build_workbook, number_format

HOSTILE = '<img src=x onerror="alert(1)">&\'"'


# --- formats --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1555, 0, "1 555"),
        (1498.42, 2, "1 498,42"),
        (30.85, 1, "30,9"),  # half away from zero, as official statistics round
        (2.5, 0, "3"),
        (-3.0, 0, "\u22123"),
        (-0.04, 1, "0,0"),  # no minus sign on a rounded zero
        (1234567.891, 2, "1 234 567,89"),
        (float("nan"), 1, "–"),
        (None, 1, "–"),
        (float("inf"), 1, "–"),
        (pd.NA, 0, "–"),
    ],
)
def test_fmt_number(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


def test_other_formats():
    assert fmt_int(69) == "69"
    assert fmt_percent(2.26, 2) == "2,26 %"
    assert fmt_percent(None) == "–"
    assert fmt_share(47, 59, 1) == "47 av 59 (79,7 %)"
    assert fmt_share(1, 0) == "–"
    assert fmt_approx(200 / 3) == "ca 2/3"
    assert fmt_approx(50.0) == "ca hälften"
    assert fmt_approx(40.0) == "ca 40 %"
    assert fmt_signed(1.694, 1, "procentenheter") == "+1,7 procentenheter"
    assert fmt_signed(-6, 0) == "\u22126"
    assert fmt_signed(0.04, 1) == "±0,0"


# --- escaping by construction ------------------------------------------------------


def test_markup_escapes_every_value_that_is_not_markup():
    assert esc(HOSTILE) == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#x27;&quot;"
    out = h("<p>{a} {b}</p>", a=HOSTILE, b=Html("<em>ok</em>"))
    assert "<img" not in out and "<em>ok</em>" in out
    assert join([HOSTILE, Html("<br>")]) == esc(HOSTILE) + Html("<br>")
    assert isinstance(out, Html) and isinstance(esc("x"), Html)
    assert Text(h("<p>{x}</p>", x=HOSTILE)).plain == f"{HOSTILE}"


def test_table_html_escapes_names_and_captions():
    data = pd.DataFrame({"Enhet": [HOSTILE], "Antal": [3]})
    table = Table("t", HOSTILE, data, {"Antal": Column("int")}, [HOSTILE])
    page = table.to_html()
    assert "<img" not in page and "onerror=&quot;" in page
    assert '<th scope="col" class="tal">Antal</th>' in page
    assert '<th scope="row" class="">&lt;img' in page
    assert page.count("<caption>") == 1


# --- the size section, on the published Table 3 ------------------------------------


def test_units_table_rows_for_table_3(baseline):
    table = size.units_table(baseline.spm)
    shown = table.formatted().set_index("Enhet")
    assert len(shown) == 59
    assert shown.loc["Pjäsen"].tolist() == ["SÄBO", "115", "4", "28,8", "30", "40", "inom grundtal"]
    assert shown.loc["Tingsbrogården", "Status"] == "över maxgräns"
    assert shown.loc["Tingsbrogården", "Medarbetare per chef"] == "44,0"
    # the workbook holds the columns the page leaves out, as numbers
    payload = table.to_payload()
    names = [c["name"] for c in payload["columns"]]
    assert names[:5] == ["Enhet", "Enhetskod", "Avdelning", "Tillsvidareanställda", "Årsarbetare"]
    pjasen = next(r for r in payload["rows"] if r[0] == "Pjäsen")
    assert pjasen[1] == 5200314 and pjasen[4] == pytest.approx(105.46) and pjasen[6] == pytest.approx(28.75)


def test_departments_and_over_base(baseline):
    depts = size.departments_table(baseline.departments).formatted().set_index("Avdelning")
    assert depts.loc["Hela förvaltningen", "Medarbetare per chef"] == "22,5"
    assert depts.loc["SÄBO", "Över maxgräns"] == "1"
    over = size.over_base_table(baseline.spm).formatted()
    assert over["Enhet"].iloc[0] == "Tingsbrogården" and len(over) == 12
    text = size.named_units(baseline.spm, "over_max").plain
    assert text == "Enheter med status över maxgräns (1): Tingsbrogården (SÄBO, 44,0)."


def test_totals_table_reports_the_published_discrepancy(baseline):
    table = size.totals_table(baseline.totals).formatted()
    fte = table[(table["Kod"] == "52") & (table["Mått"] == "Årsarbetare")].iloc[0]
    assert (fte["Publicerat"], fte["Summerat"], fte["Skillnad"], fte["Utöver avrundning"]) == (
        "1 498,42",
        "1 497,42",
        "1",
        "ja",
    )
    hr_age = table[(table["Kod"] == "52010") & (table["Mått"] == "Medelålder")].iloc[0]
    assert hr_age["Publicerat"] == "–" and hr_age["Utöver avrundning"] == "–"  # would reveal a hidden unit
    assert "Årsarbetare: publicerat 1 498,42" in size.totals_findings(baseline.totals).plain.replace(
        "årsarbetare", "Årsarbetare"
    )


def test_age_tables_hide_small_units(baseline):
    table = age.age_units_table(baseline.age_units, 5)
    shown = table.formatted().set_index("Enhet")
    assert shown.loc["Ekonomienhet", "Medelålder"] == "färre än 5 anställda"  # 3 employees
    assert shown.loc["Administrativ enhet", "Medelålder"] == "49,8"
    row = next(r for r in table.to_payload()["rows"] if r[0] == "Ekonomienhet")
    assert row[-1] is None  # empty in the workbook, the reason in the notes
    depts = age.age_departments_table(baseline.age_departments, 5).formatted().set_index("Avdelning")
    assert depts.loc["HR-Avdelning", "Medelålder, publicerad"] == "–"
    assert depts.loc["Hela förvaltningen", "Medelålder, publicerad"] == "47,2"


def test_debris_is_listed(baseline):
    text = size.debris_text(baseline.staffing).plain
    assert "68 tabellrader" in text and "5 rader som inte är data" in text
    kinds = size.debris_table(baseline.staffing).formatted()["Tolkad som"].tolist()
    assert kinds == ["tabellrubrik", "kolumnrubrik", "kolumnrubrik", "kolumnrubrik", "kolumnrubrik"]


# --- outcomes ------------------------------------------------------------------------


def test_survey_table_hidden_and_approximate_cells(synthetic):
    table = outcomes.survey_table(synthetic.survey_wide, synthetic.questions, 5)
    shown = table.formatted()
    hidden = shown[shown["Enhet"] == "5200305"].iloc[0]
    assert hidden["Positiv (4–5), %"].startswith("visas inte") and hidden["Neutral (3), %"] == "–"
    first = shown.iloc[0]
    assert first["Positiv (4–5), %"] == "ca 2/3" and first["Svarande"] == "okänt"
    assert shown.iloc[1]["95 % konfidensintervall"] == "67,4 %–72,8 %"
    rows = table.to_payload()["rows"]
    cols = [c["name"] for c in table.to_payload()["columns"]]
    base = dict(zip(cols, rows[0], strict=True))
    assert base["Positiv (4–5), %"] == pytest.approx(200 / 3) and base["Ungefärligt"] == "ca 2/3"
    small = dict(zip(cols, rows[-1], strict=True))
    assert small["Positiv (4–5), %"] is None and small["Svarande"] == 4


def test_sick_tables(synthetic):
    shown = outcomes.sick_yearly_table(synthetic.sick.rates, 10).formatted()
    assert shown["Ackumulerat sjuktal, %"].tolist() == ["visas inte", "2,26 %", "2,13 %"]
    assert shown["Avser"].tolist() == ["januari–september", "helår (publicerat)", "januari–september"]
    monthly = outcomes.sick_monthly_table(synthetic.sick.monthly).formatted()
    small = monthly[monthly["Grupp"] == "avdelningschefer"]
    assert set(small["Ackumulerat sjuktal, %"]) == {"–"}
    text = outcomes.sick_summary(synthetic.sick).plain
    assert "2,13 % (2024, januari–september)" in text and "utgångsläge 2023 (helår): 2,26 %" in text


# --- the summary -----------------------------------------------------------------------


def test_in_brief_and_key_figures(baseline, synthetic):
    text = summary.in_brief(baseline).plain
    assert text.startswith("Perioden 2024-H1 är utgångsläget")
    assert "47 av 59 (79,7 %)" in text and "inte fastställt några målvärden" in text
    assert 3 <= text.count(". ") + 1 <= 6
    cards = summary.key_figures(synthetic)
    assert cards.plain.count("Förändring:") == len(synthetic.movement)
    assert "✔" in str(cards.body) and "åt rätt håll" in cards.plain  # a symbol and the words
    assert 'aria-hidden="true"' in str(cards.body)


def test_indicators_table_has_one_row_per_indicator(synthetic):
    table = summary.indicators_table(synthetic)
    shown = table.formatted().set_index("Indikator")
    assert shown.loc["Andel enheter inom grundtal", "2024-H1 (utgångsläge)"] == "79,7 % (mars 2024)"
    assert shown.loc["Andel enheter inom grundtal", "2024-H2"] == "81,4 % (september 2024)"
    assert (
        shown.loc["Ackumulerat sjuktal, enhetschefer", "Bedömning"] == "ej jämförbart (olika delar av året)"
    )
    assert len(table.data) == len(synthetic.movement)


def test_attainment_table_without_targets_invents_none(baseline):
    shown = summary.attainment_table(baseline).formatted()
    assert set(shown["Status"]) == {"mål ej fastställt"}
    assert set(shown["Mål"]) == {"ej fastställt"}


# --- charts ----------------------------------------------------------------------------


def test_chart_alternatives_state_key_numbers(baseline, synthetic):
    staff = charts.staff_per_manager_chart(baseline.spm)
    assert "47 enheter är inom grundtal, 11 över grundtal och 1 över maxgräns" in staff.alt
    assert "Tingsbrogården med 44,0" in staff.alt
    age = charts.mean_age_chart(baseline.age_units, baseline.age_departments)
    assert "från 38,6 år (BoF Utredning och Insats) till 55,1 år (SOF OOF Område 9)" in age.alt
    sick = charts.sick_chart(synthetic.sick.rates, synthetic.sick.monthly)
    assert "enhetschefer 2023 (helår): 2,26 %" in sick.alt and "1 grupp visas inte" in sick.alt
    for chart in (staff, age, sick):
        chart.figure.clf()


def test_trend_chart_draws_no_line_across_non_comparable_periods(synthetic):
    keys = [p.key for p in synthetic.periods]
    chart = charts.trend_chart(synthetic.movement, synthetic.values_long, keys, synthetic.questions)
    axes = {
        ax.get_title(loc="left").replace("\n", " "): ax
        for ax in chart.figure.axes
        if ax.get_title(loc="left")
    }
    sick = next(ax for title, ax in axes.items() if title.startswith("Ackumulerat sjuktal"))
    joined = [ln for ln in sick.get_lines() if len(set(ln.get_xdata())) > 1 and ln.get_linestyle() == "-"]
    assert joined == []  # January–September 2024 is not joined to the full year 2023
    share = next(ax for title, ax in axes.items() if title.startswith("Andel enheter inom grundtal"))
    assert any(len(set(ln.get_xdata())) == 2 for ln in share.get_lines())  # comparable: joined
    for title, ax in axes.items():
        low, high = ax.get_ylim()
        assert low >= 0, title
        if "Enheter över maxgräns" in title:
            assert high - low >= 4
        if title.startswith("Andel"):
            assert high - low >= 20 and high <= 100
    chart.figure.clf()


def _svg_paths(svg: str) -> list[dict[str, str]]:
    import re

    return [dict(re.findall(r'([\w:-]+)="([^"]*)"', tag)) for tag in re.findall(r"<path\b[^>]*>", svg, re.S)]


def _points(d: str) -> list[tuple[float, float]]:
    import re

    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
    return list(zip(nums[0::2], nums[1::2], strict=True))


def test_svg_hatches_are_clipped_lines_not_patterns(tmp_path):
    """Chromium prints an SVG pattern fill as a picture: the charts' hatches are lines, each tile
    the pattern's own lines moved by whole tiles, covering the shape and clipped to it."""
    import matplotlib.pyplot as plt
    from matplotlib.hatch import get_path

    from sofstat.present.charts import Chart, save

    charts.setup()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh([0, 1], [3, 5], color=["#e69f00", "#0072b2"], hatch="//", edgecolor="white")
    ax.fill_between([0, 1, 2], [0, 1, 0], [1, 2, 1], hatch="x", facecolor="none", edgecolor="#444444")
    chart = Chart("hatch", fig, "")
    _, paths = save(chart, tmp_path / "a")
    svg = paths[1].read_text(encoding="utf-8")
    assert "<pattern" not in svg and "url(#h" not in svg
    save(chart, tmp_path / "b")
    assert (tmp_path / "b.svg").read_bytes() == paths[1].read_bytes()  # deterministic
    plt.close(fig)

    elements = _svg_paths(svg)
    clips = dict(__import__("re").findall(r'<clipPath id="(k[^"]+)">\s*<path d="([^"]+)"', svg))
    hatched = [e for e in elements if e.get("clip-path", "").startswith("url(#k")]
    assert len(hatched) == 3  # two bars and one band
    size = 72
    for line in hatched:
        shape = _points(clips[line["clip-path"][5:-1]])
        xs, ys = [x for x, _ in shape], [y for _, y in shape]
        pts = _points(line["d"])
        # the tiles cover the shape's extent ...
        assert min(x for x, _ in pts) <= min(xs) and max(x for x, _ in pts) >= max(xs)
        assert min(y for _, y in pts) <= min(ys) and max(y for _, y in pts) >= max(ys)
        # ... and each is the pattern's tile, moved by a whole number of tiles
        pattern = "//" if "stroke: #ffffff" in line["style"] else "x"
        tile = get_path(pattern, 6)
        own = {(round(x * size, 3), round(size - y * size, 3)) for x, y in tile.vertices}
        assert {(round(x % size, 3), round(y % size, 3)) for x, y in pts} <= own | {
            (round(x % size, 3), round(y % size, 3)) for x, y in own
        }
    # the bars keep their colours as fills of their own
    fills = {e["style"].split("fill: ")[1].split(";")[0] for e in elements if "fill: #" in e.get("style", "")}
    assert {"#e69f00", "#0072b2"} <= fills


# --- programme -------------------------------------------------------------------------


def test_programme_tables(baseline):
    prog = baseline.programme
    names = programme.department_names(baseline)
    status = programme.status_table(prog, names).formatted().set_index("Avdelning")
    assert status.loc["Totalt", "Befintlig"] == "13" and status.loc["Totalt", "Totalt"] == "16"
    needs = programme.needs_table(prog, prog.dialogues).formatted()
    assert len(needs) == 51 and set(needs["Aktivitet"]) == {"ingen aktivitet ännu"}
    assert programme.changes_text(prog, None).plain.startswith("Utgångsläget")


# --- the table contract and the workbook --------------------------------------------------


def _is_number(text: str) -> bool:
    try:
        float(text.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return False
    return True


def test_payload_round_trip_and_version():
    data = pd.DataFrame({"Tillsvidare\u00adanställda": [1, 2], "Namn": ["a", "=b"]})
    table = Table("x", "X", data, {"Tillsvidare\u00adanställda": Column("int")}, ["not"])
    payload = json.loads(json.dumps(table.to_payload()))
    assert payload["columns"][0]["name"] == "Tillsvidareanställda"  # the soft hyphen is for the page only
    back = Table.from_payload(payload)
    assert back.data.iloc[1, 1] == "=b" and back.column("Tillsvidareanställda").kind == "int"
    with pytest.raises(ValueError, match="version"):
        Table.from_payload({**payload, "version": PAYLOAD_VERSION + 1})


def test_payload_reads_back_without_pandas_as_the_values_json_holds():
    """What the workbook reads (sofstat.present.payload): the same values and kinds as the Table,
    from a module that needs no pandas, with pandas' NA, None and NaN all missing."""
    from sofstat.present import payload as pl

    data = pd.DataFrame(
        {"År": [2024, 2025], "Andel": [61.5, float("nan")], "Antal": pd.array([3, None], "Int64")}
    )
    kinds = {"Andel": [Column("pct", 1), Column("dec", 2)]}
    table = Table("t", "T", data, {"År": Column("code"), "Antal": Column("int")}, ["not"], cell_kinds=kinds)
    back = pl.read_payload(json.loads(json.dumps(table.to_payload())))
    assert (back.name, back.title, back.headings, back.footnotes) == (
        "t",
        "T",
        ["År", "Andel", "Antal"],
        ["not"],
    )
    assert back.rows == [[2024, 61.5, 3], [2025, None, None]]
    assert back.column("År").kind == "code" and back.column("Andel").kind == "text"
    assert [(k.kind, k.decimals) for k in back.cell_kinds["Andel"]] == [("pct", 1), ("dec", 2)]
    assert [pl.missing(v) for v in (None, float("nan"), pd.NA, 0, "", 0.0)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    res = subprocess.run(
        [sys.executable, "-c", "import sys, sofstat.present.payload; print('pandas' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.stdout.strip() == "False", res.stderr


def test_workbook_is_data(tmp_path, synthetic):
    tables = [
        summary.indicators_table(synthetic),
        outcomes.survey_table(synthetic.survey_wide, synthetic.questions, 5),
        outcomes.sick_yearly_table(synthetic.sick.rates, 10),
        size.totals_table(synthetic.totals),
        Table("farlig", "Farlig", pd.DataFrame({"Text": ["=SUM(A1:A9)", "+46 70", "@cmd", HOSTILE]})),
    ]
    files = []
    for k, t in enumerate(tables):
        f = tmp_path / f"{k:02d}.json"
        f.write_text(json.dumps(t.to_payload(f"{k:02d}_{t.name}"), ensure_ascii=False), encoding="utf-8")
        files.append(f)
    data = build_workbook(files)
    assert data == build_workbook(files)  # reproducible bytes
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "Innehåll"
    index = wb["Innehåll"]
    assert index["A4"].hyperlink.location == "'00_utveckling'!A1" or index["A4"].hyperlink.target.endswith(
        "A1"
    )
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$3:$3"
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, str) and ws.title != "04_farlig":
                    assert not _is_number(cell.value), (ws.title, cell.coordinate, cell.value)
    survey = wb["01_enkat"]
    heads = [c.value for c in survey[3]]
    first = {k: v.value for k, v in zip(heads, survey[4], strict=True)}
    assert first["Positiv (4–5), %"] == pytest.approx(200 / 3) and first["Ungefärligt"] == "ca 2/3"
    assert first["År"] == 2023 and first["Enhet"] == 52
    sick = wb["02_sjuktal_ar"]
    rate = sick["C6"]
    assert rate.value == pytest.approx(0.0212631, rel=1e-4) and rate.number_format == "0.00 %"
    farlig = wb["04_farlig"]
    assert farlig["A4"].value == "=SUM(A1:A9)" and farlig["A4"].data_type == "s" and farlig["A4"].quotePrefix
    assert number_format("dec", 1) == "#,##0.0" and number_format("code", 0) == "0"
    assert not math.isnan(sum(c.value for c in survey["E"][3:] if isinstance(c.value, float)))
