"""read_staffing on the real published Table 3 and on every accepted variant."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import TABLE3
from published_table3 import PUBLISHED

import sofstat
from sofstat.numbers import fmt_number


def test_reads_all_68_rows_in_table_order(staffing):
    assert len(staffing) == 68
    assert staffing["level"].value_counts().to_dict() == {"enhet": 59, "avdelning": 8, "nämnd": 1}
    assert list(staffing["unit_code"]) == [r[0] for r in PUBLISHED]


def test_every_number_exact(staffing):
    got = list(
        staffing[["unit_code", "unit_name", "employees", "fte", "mean_age", "managers"]].itertuples(
            index=False, name=None
        )
    )
    assert got == PUBLISHED


def test_expected_rows_appear_in_the_source(table3_text):
    """The known-good values, written back the published way, are in the source text."""
    flat = " ".join(table3_text.split())
    for code, name, emp, fte, age, managers in PUBLISHED:
        marker = f" (*{managers} chefer)" if managers > 1 else ""
        star = "*" if managers > 1 else ""
        line = f"{code} {name}{marker} {fmt_number(emp)}{star} {fmt_number(fte, 2)} {fmt_number(age, 1)}"
        assert line in flat, line


def test_columns_and_types(staffing):
    assert list(staffing.columns) == [
        "period",
        "unit_code",
        "unit_name",
        "level",
        "department_code",
        "employees",
        "fte",
        "mean_age",
        "managers",
    ]
    assert staffing["employees"].dtype == "int64"
    assert staffing["managers"].dtype == "int64"
    assert staffing["fte"].dtype == "float64"
    assert staffing["mean_age"].dtype == "float64"
    for col in ["period", "unit_code", "unit_name", "level", "department_code"]:
        assert all(isinstance(v, str) for v in staffing[col])


def test_board_department_and_unit_rows(staffing):
    by = staffing.set_index("unit_code")
    assert by.loc["52"].tolist() == ["2024-03", "Socialnämnd", "nämnd", "52", 1555, 1498.42, 47.2, 1]
    assert by.loc["52003", "level"] == "avdelning"
    assert by.loc["52003", "department_code"] == "52003"
    assert by.loc["5200102", "department_code"] == "52001"  # no department row of its own
    assert by.loc["5200314", "unit_name"] == "Pjäsen"
    assert by.loc["5200314", "managers"] == 4
    assert by.loc["5200525", "managers"] == 3
    assert by.loc["5200307", "unit_name"] == "Roma Äldreboende"
    assert by.loc["5201002", "unit_name"] == "Rekryterings- och bemanningsenheten"  # wrapped
    assert by.loc["5200412", "unit_name"] == "Htj Norra Visby"  # leading space in source
    assert by.loc["5200409", "unit_name"] == "Htj Södra Visby 1"  # name ending in a digit
    assert by.loc["5200303", "unit_name"] == "Fältgatan 75 / DV"
    # 7 units have more than one manager: 10 managers beyond one per row
    assert staffing["managers"].sum() == 68 + 10
    assert staffing.loc[staffing["level"] == "enhet", "managers"].sum() == 69


def test_period_from_path_title_and_argument(table3_text):
    assert sofstat.read_staffing(TABLE3)["period"].unique().tolist() == ["2024-03"]
    assert sofstat.read_staffing(table3_text)["period"].iloc[0] == "2024-03"  # from the title
    assert sofstat.read_staffing(TABLE3, period="2024-09")["period"].iloc[0] == "2024-09"


def test_source_lines_are_recorded(staffing):
    spans = staffing.attrs["source_lines"]
    assert len(spans) == 68
    assert spans[0].tolist() == [10, 10]
    assert spans[-1].tolist() == [142, 143]  # the wrapped name


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_no_break_spaces_in_numbers(table3_text, space):
    text = table3_text.replace("1 555", f"1{space}555").replace("1 498,42", f"1{space}498,42")
    df = sofstat.read_staffing(text)
    assert df.loc[0, "employees"] == 1555
    assert df.loc[0, "fte"] == 1498.42


def test_crlf_bytes_and_cp1252(table3_text, tmp_path):
    crlf = table3_text.replace("\n", "\r\n")
    # board 1 555 + departments 1 540 + units 1 555
    assert sofstat.read_staffing(crlf)["employees"].sum() == 1555 + 1540 + 1555
    p = tmp_path / "2024-03" / "t.txt"
    p.parent.mkdir()
    p.write_bytes(crlf.encode("cp1252"))
    df = sofstat.read_staffing(p)
    assert df.loc[df["unit_code"] == "52003", "unit_name"].item() == "SÄBO"
    assert sofstat.read_staffing(("\ufeff" + table3_text).encode("utf-8")).shape == (68, 9)


def test_blank_lines_debris_and_space_before_code():
    text = (
        "Tabell 3. Antal tillsvidareanställda medarbetare per chef, september 2025\n\n"
        "Socialförvaltningens plan för att stärka enhetschefer\n  2024-2027\n   4 (15)\nÄr\nen\n"
        "52 Socialnämnd 40 38,00 45,0\n\n   52001 Avdelning 40 38,00 45,0\n"
        "5200101 Lång enhet med namn som\n\nfortsätter 20 19,00 44,0\n"
        "5200102 Enhet 2 (*2 chefer) 20* 19,00 46,0\n"
    )
    df = sofstat.read_staffing(text)
    assert df["unit_code"].tolist() == ["52", "52001", "5200101", "5200102"]
    assert df["period"].iloc[0] == "2025-09"
    assert df.loc[2, "unit_name"] == "Lång enhet med namn som fortsätter"
    assert df.loc[3, "unit_name"] == "Enhet 2"
    assert df.loc[3, "managers"] == 2


def test_headcount_of_three_digits_after_name_ending_in_digit():
    text = "Tabell mars 2024\n5200101 Område 1 115 105,46 45,8\n5200102 X 1 555 1 498,42 47,2\n"
    df = sofstat.read_staffing(text)
    assert df["unit_name"].tolist() == ["Område 1", "X"]
    assert df["employees"].tolist() == [115, 1555]


def _csv(rows: list[str]) -> str:
    header = "enhetskod;enhetsnamn;antal_tillsvidareanställda;antal_årsarbetare;medelålder;antal_chefer"
    return "\r\n".join([header, *rows]) + "\r\n"


def test_csv_in_swedish_excel_form(tmp_path):
    p = tmp_path / "bemanning_2024-09.csv"
    content = _csv(
        [
            "52;Socialnämnd;1 555;1 498,42;47,2;",
            "5200307;Roma Äldreboende;56;54,80;45,6;2",
            '5200314;"Pjäsen; del";115*;105,46;45,8;4',
            "5200409;Htj Södra Visby 1;29;27,87;45,2;",
            ";;;;;",
        ]
    )
    p.write_bytes(("\ufeff" + content).encode("utf-8"))
    df = sofstat.read_staffing(p)
    assert df["period"].unique().tolist() == ["2024-09"]
    assert df["employees"].tolist() == [1555, 56, 115, 29]
    assert df["managers"].tolist() == [1, 2, 4, 1]
    assert df["unit_name"].tolist()[2] == "Pjäsen; del"
    p.write_bytes(content.encode("cp1252"))
    assert sofstat.read_staffing(p)["fte"].tolist() == [1498.42, 54.80, 105.46, 27.87]


def test_xlsx(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "enhetskod",
            "enhetsnamn",
            "antal_tillsvidareanställda",
            "antal_årsarbetare",
            "medelålder",
            "antal_chefer",
        ]
    )
    ws.append(["52", "Socialnämnd", 1555, 1498.42, 47.2, None])
    ws.append(["5200307", "Roma Äldreboende", 56, 54.8, 45.6, 2])
    p = tmp_path / "bemanning.xlsx"
    wb.save(p)
    df = sofstat.read_staffing(p, period="2025-03")
    assert df["employees"].tolist() == [1555, 56]
    assert df["fte"].tolist() == [1498.42, 54.8]
    assert df["managers"].tolist() == [1, 2]
    assert df["level"].tolist() == ["nämnd", "enhet"]


def test_result_is_a_plain_dataframe(staffing):
    assert isinstance(staffing, pd.DataFrame)
    assert staffing.index.tolist() == list(range(68))
