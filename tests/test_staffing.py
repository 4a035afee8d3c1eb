"""read_staffing on the real published Table 3 and on every accepted variant."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import TABLE3
from published_table3 import PUBLISHED
from published_table3 import swedish as _sv

import sofstat
from sofstat import config
from sofstat.readers.published import debris_kind, starts_like_row
from sofstat.readers.source import load_text, read_table
from sofstat.readers.staffing import CSV_COLUMNS, ReadLog

HOSTILE = config.TESTS_DIR / "fixtures" / "hostile"


def test_reads_all_68_rows_in_table_order(staffing):
    assert len(staffing) == 68
    assert staffing["level"].value_counts().to_dict() == {"unit": 59, "department": 8, "board": 1}
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
        line = f"{code} {name}{marker} {_sv(emp)}{star} {_sv(fte, 2)} {_sv(age, 1)}"
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
    assert by.loc["52"].tolist() == ["2024-03", "Socialnämnd", "board", "52", 1555, 1498.42, 47.2, 1]
    assert by.loc["52003", "level"] == "department"
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
    assert staffing.loc[staffing["level"] == "unit", "managers"].sum() == 69


def test_period_from_path_title_and_argument(table3_text):
    assert sofstat.read_staffing(TABLE3)["period"].unique().tolist() == ["2024-03"]
    assert sofstat.read_staffing(table3_text)["period"].iloc[0] == "2024-03"  # from the title
    assert sofstat.read_staffing(TABLE3, period="2024-09")["period"].iloc[0] == "2024-09"


def test_source_lines_are_recorded(staffing):
    log = staffing.attrs["read"]
    assert isinstance(log, ReadLog)
    assert log.source == str(TABLE3)
    spans = log.lines
    assert spans.shape == (68, 2)
    assert spans[0].tolist() == [10, 10]
    assert spans[-1].tolist() == [142, 143]  # the wrapped name


def test_every_line_of_the_real_table_is_accounted_for(staffing, table3_text):
    """Rows, debris and blank lines together are every line of the file, each once."""
    lines = load_text(table3_text).lines
    log = staffing.attrs["read"]
    covered = [n for first, last in log.lines.tolist() for n in range(first, last + 1)]
    debris = [n for n, _, _ in log.debris]
    assert len(covered) == len(set(covered)) == 69  # 68 rows, one of them on two lines
    assert [(n, kind) for n, kind, _ in log.debris] == [
        (1, "tabellrubrik"),
        (4, "kolumnrubrik"),
        (5, "kolumnrubrik"),
        (7, "kolumnrubrik"),
        (8, "kolumnrubrik"),
    ]
    assert log.blank == 69
    assert len(covered) + len(debris) + log.blank == len(lines) == 143
    rest = set(range(1, len(lines) + 1)) - set(covered) - set(debris)
    assert all(not lines[n - 1].strip() for n in rest)
    for n, kind, text in log.debris:
        assert text == lines[n - 1] and debris_kind(text) == kind
    assert all(starts_like_row(lines[first - 1]) for first, _ in log.lines.tolist())


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


def test_utf16_with_bom_reads_like_utf8(table3_text, tmp_path):
    p = tmp_path / "t_2024-03.txt"
    for encoding in ("utf-16", "utf-16-be"):
        data = table3_text.encode(encoding)
        p.write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)
        df = sofstat.read_staffing(p)
        assert df[["unit_code", "unit_name", "employees", "fte", "mean_age", "managers"]].values.tolist() == [
            list(r) for r in PUBLISHED
        ]


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
    log = df.attrs["read"]
    assert log.lines.tolist() == [[8, 8], [10, 10], [11, 13], [14, 14]]
    assert [(n, kind) for n, kind, _ in log.debris] == [
        (1, "tabellrubrik"),
        (3, "sidhuvud eller sidfot (text utan siffror)"),
        (4, "sidhuvud (årtal)"),
        (5, "sidnummer"),
        (6, "sidhuvud eller sidfot (text utan siffror)"),
        (7, "sidhuvud eller sidfot (text utan siffror)"),
    ]
    # lines 2 and 9 are blank; line 12, blank inside the wrapped row, belongs to the row
    assert log.blank == 2
    covered = sum(last - first + 1 for first, last in log.lines.tolist())
    assert covered + len(log.debris) + log.blank == 6 + 6 + 2 == len(text.splitlines())


def test_a_blank_line_inside_a_wrapped_row_is_counted_once(table3_text):
    """Found by the fuzzer: the blank line was both part of the row and counted as blank."""
    text = table3_text.replace("5201002 Rekryterings- och \n", "5201002 Rekryterings- och \n\n")
    df = sofstat.read_staffing(text)
    log = df.attrs["read"]
    assert log.lines[-1].tolist() == [142, 144]
    assert df["unit_name"].iloc[-1] == "Rekryterings- och bemanningsenheten"
    covered = sum(last - first + 1 for first, last in log.lines.tolist())
    assert covered + len(log.debris) + log.blank == len(load_text(text).lines) == 144


def test_headcount_of_three_digits_after_name_ending_in_digit():
    text = "Tabell 3. mars 2024\n5200101 Område 1 115 105,46 45,8\n5200102 X 1 555 1 498,42 47,2\n"
    df = sofstat.read_staffing(text)
    assert df["unit_name"].tolist() == ["Område 1", "X"]
    assert df["employees"].tolist() == [115, 1555]


#: The input header as the README documents it (written out here, not imported: the test checks the contract).
INPUT_HEADER = [
    "enhetskod",
    "enhetsnamn",
    "antal_tillsvidareanställda",
    "antal_årsarbetare",
    "medelålder",
    "antal_chefer",
]


def _csv(rows: list[str]) -> str:
    return "\r\n".join([";".join(INPUT_HEADER), *rows]) + "\r\n"


def test_csv_in_swedish_excel_form(tmp_path):
    p = tmp_path / "bemanning_2024-09.csv"
    content = _csv(
        [
            "52;Socialnämnd;1 555;1 498,42;47,2;",
            "5200307;Roma Äldreboende;56;54,80;45,6;2",
            '5200314;"Pjäsen, ""del""";115*;105,46;45,8;4',
            "5200409;Htj Södra Visby 1;29;27,87;45,2;",
            ";;;;;",
        ]
    )
    p.write_bytes(("\ufeff" + content).encode("utf-8"))
    df = sofstat.read_staffing(p)
    assert df["period"].unique().tolist() == ["2024-09"]
    assert df["employees"].tolist() == [1555, 56, 115, 29]
    assert df["managers"].tolist() == [1, 2, 4, 1]
    assert df["unit_name"].tolist()[2] == 'Pjäsen, "del"'
    assert df.attrs["read"].lines[:, 0].tolist() == [2, 3, 4, 5]
    p.write_bytes(content.encode("cp1252"))
    assert sofstat.read_staffing(p)["fte"].tolist() == [1498.42, 54.80, 105.46, 27.87]


def test_csv_numbers_with_no_break_spaces_tabs_and_quotes(tmp_path):
    p = tmp_path / "bemanning_2024-09.csv"
    p.write_text(_csv(['52;Socialnämnd;"1\u00a0555";1\u202f498,42;47,2;', "5200101;A\tB;3;3;40;"]), "utf-8")
    df = sofstat.read_staffing(p)
    assert df["employees"].tolist() == [1555, 3]
    assert df["fte"].tolist() == [1498.42, 3.0]
    assert df["unit_name"].tolist() == ["Socialnämnd", "A B"]


def test_xlsx(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(INPUT_HEADER)
    ws.append(["52", "Socialnämnd", 1555, 1498.42, 47.2, None])
    ws.append(["5200307", "Roma Äldreboende", 56, 54.8, 45.6, 2])
    ws.append([None, None, None, None, None, None])
    ws.append([5200308, "Syrengården", 23, 20.1 + 2.1, 50, None])  # 22.200000000000003: Excel shows 22,2
    p = tmp_path / "bemanning.xlsx"
    wb.save(p)
    df = sofstat.read_staffing(p, period="2025-03")
    assert df["employees"].tolist() == [1555, 56, 23]
    assert df["fte"].tolist() == [1498.42, 54.8, 22.2]
    assert df["managers"].tolist() == [1, 2, 1]
    assert df["level"].tolist() == ["board", "unit", "unit"]
    assert df["unit_code"].tolist() == ["52", "5200307", "5200308"]
    assert df.attrs["read"].lines[:, 0].tolist() == [2, 3, 5]


def test_xlsx_with_a_wrong_declared_size_reads_only_its_cells(tmp_path):
    """Found by the fuzzer: a sheet declaring A1:XFD1048576 made every row 16 384 cells (seconds per file)."""
    import io
    import re
    import time
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(INPUT_HEADER)
    for code, name, emp, fte, age, managers in PUBLISHED:
        ws.append([code, name, emp, fte, age, managers if managers > 1 else None])
    buffer = io.BytesIO()
    wb.save(buffer)
    p = tmp_path / "bemanning_2024-03.xlsx"
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(p, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            zout.writestr(info, data)
    start = time.perf_counter()
    df = sofstat.read_staffing(p)
    print(f"read in {time.perf_counter() - start:.3f} s")  # was about 1 s for 68 rows; no limit asserted
    got = df[["unit_code", "unit_name", "employees", "fte", "mean_age", "managers"]].values.tolist()
    assert got == [list(r) for r in PUBLISHED]
    table = read_table(p, CSV_COLUMNS)
    assert table.cells[2] == "52;Socialnämnd;1555;1498.42;47.2"  # the cells it has, not 16 384


def test_result_is_a_plain_dataframe(staffing):
    assert isinstance(staffing, pd.DataFrame)
    assert staffing.index.tolist() == list(range(68))


def test_hostile_fixture_names_are_read_as_plain_text():
    """The hostile copy of Table 3 (tests/fixtures/hostile) reads as 68 rows, names kept verbatim."""
    df = sofstat.read_staffing(HOSTILE / "2024-03" / "tabell3_fientlig_2024-03.txt")
    assert len(df) == 68
    by = df.set_index("unit_code")["unit_name"]
    assert by["5200102"] == '<a href="javascript:alert(5)">x</a>'
    assert by["5200305"] == '<b onmouseover="alert(6)">Fet</b>'
    assert by["5200307"] == "<script>alert(7)</script>"
    assert by["5200409"] == "$\\alpha$ & \"citat\" 'apostrof'"
    assert by["5200602"] == "=SUM(A1:A9)"
    original = sofstat.read_staffing(TABLE3)
    numbers = ["unit_code", "employees", "fte", "mean_age", "managers"]
    pd.testing.assert_frame_equal(df[numbers], original[numbers])


# --- the bulk readings (readers/fast.py, readers/bulk.py) give what the line-by-line ones give ---


def _big_text(rows: int = 300) -> str:
    """A table of over 10 000 characters holding every shape: markers and stars, wrapped names,
    page debris, thousands spaced, decimal points, no-break and double spaces, names ending in a
    number or holding a comma, lines the bulk reading leaves to the line-by-line one."""
    lines = ["Tabell 3. Antal tillsvidareanställda medarbetare per chef, mars 2024 ", "", "Antal "]
    for i in range(rows):
        code = f"{5200000 + i:07d}"
        shape = i % 12
        if shape == 0:
            lines.append(f"{code} Enhet {i} (*2 chefer) 40* 38,50 45,5 ")
        elif shape == 1:
            lines += [f"{code} Lång enhet och ", "", f"samverkan {i % 7 + 2} 2,00 44,0"]
        elif shape == 2:
            lines += [
                "",
                "Socialförvaltningens plan för att stärka enhetschefer  ",
                "  2024-2027 ",
                "   4 (15) ",
            ]
            lines.append(f"{code} Särskilt boende 1 029 99,50 45,0 ")  # FTE far above 29: "1 029" is 1029
        elif shape == 3:
            lines.append(f" {code}  Hemtjänst\u00a0Visby  12 11.5 40.2")
        elif shape == 4:
            lines.append(f"{code} Pjäsen, del 2 (*3 chefer) 115* 105,46 45,8")
        elif shape == 5:
            lines.append(f"{code} Område {i} 1 555 1 498,42 47,2")
        elif shape == 6:
            lines.append(f"{code} Roma (* 4 Chefer ) 56 54,80 45,6 ")
        else:
            lines.append(f"{code} Team {i} {i % 50 + 10} {i % 50 + 5},25 {30 + i % 40},0 ")
    return "\n".join(lines) + "\n"


def _as_read(text_or_error):
    if isinstance(text_or_error, Exception):
        return [(p.line, p.text, p.reason) for p in text_or_error.problems]
    df = text_or_error
    return (
        df.to_dict("list"),
        df.attrs["read"].lines.tolist(),
        df.attrs["read"].debris,
        df.attrs["read"].blank,
    )


def _read(source):
    try:
        return sofstat.read_staffing(source)
    except sofstat.InputError as exc:
        return exc


DAMAGE = [
    ("5200010 Team 10 20 15,25 40,0", "5200010 Team 10 20 25,25 40,0"),  # FTE above headcount
    ("5200011 Team 11 21 16,25 41,0", "5200011 Team 11 21* 16,25 41,0"),  # * without a marker
    ("5200019 Team 19 29 24,25 49,0", "5200019 12 29 24,25 49,0"),  # a name without a letter
    ("5200020 Team 20 30 25,25 50,0", "5200020 Team 20 - 30 25,25 50,0"),  # a minus apart
    ("5200021 Team 21 31 26,25 51,0", "5200021 Team 21 31 26,25 51,0 5200022 X 1 1,00 40,0"),
    ("5200023 Team 23 33 28,25 53,0", "5200023 Team 23 33 28,25 53,0000000000000001"),
    ("5200031 Team 31 41 36,25 61,0", "5200031 Team 31 41 36,25 61"),
    ("5200032 Team 32 42 37,25 62,0", "5200008 Team 32 42 37,25 62,0"),  # a repeated code
    ("5200033 Team 33 43 38,25 63,0", "520033 Team 33 43 38,25 63,0"),
]


@pytest.mark.parametrize("damaged", [False, True])
def test_a_large_text_reads_in_bulk_as_line_by_line(monkeypatch, damaged):
    from sofstat.readers import published

    text = _big_text()
    if damaged:
        for old, new in DAMAGE:
            text = text.replace(old, new, 1)
    assert len(text) > config.MAX_LINE_LENGTH  # (the bytes kept by the check, the lines cut out lazily)
    bulk = _read(text)
    assert isinstance(bulk, sofstat.InputError) == damaged
    monkeypatch.setattr(published, "read_bulk", lambda *args: None)  # the regular expression's pass
    assert _as_read(bulk) == _as_read(_read(text))
    rows, _ = published.read_published(load_text(text)) if not damaged else (None, None)
    if not damaged:
        reference = published.Rows()
        from sofstat.readers.source import Problems

        lines = load_text(text).lines
        published._read_rest(lines, [False] * len(lines), reference, Problems("<text>"))
        got = list(
            zip(
                rows.code,
                rows.name,
                rows.employees,
                rows.fte,
                rows.age,
                rows.managers,
                rows.first,
                strict=True,
            )
        )
        assert got == list(
            zip(
                reference.code,
                reference.name,
                reference.employees,
                reference.fte,
                reference.age,
                reference.managers,
                reference.first,
                strict=True,
            )
        )


def test_a_text_beyond_latin1_is_read_by_the_regular_expression(table3_text):
    """A minus sign (U+2212) anywhere: the bulk reading steps aside, the result is the same."""
    text = table3_text.replace("Kilåkern", "Kilåkern \u2212 ny")
    df = sofstat.read_staffing(text)
    assert df.loc[df["unit_code"] == "5200306", "unit_name"].item() == "Kilåkern \u2212 ny"
    assert len(df) == 68


def _big_csv(rows: int = 400) -> list[str]:
    out = []
    for i in range(rows):
        code = f"{5200000 + i:07d}"
        out.append(f"{code};Enhet {i % 37};{i % 60 + 5};{i % 60 + 4},{i % 100:02d};{30 + i % 40},{i % 10};")
    return out


CSV_VARIANTS = {
    "plain": lambda rows: rows,
    "blank rows and managers": lambda rows: [*rows[:5], ";;;;;", *rows[5:], "5201000;Fyra;40;38,5;45,0;4"],
    "quotes and spaces": lambda rows: [
        *rows,
        '5201000;" Pjäsen, ""del"" ";115*;105,46;45,8;4',
        "5201001; Roma ;3;3;40;",
    ],
    "points and thousands": lambda rows: [
        *rows,
        "52;Socialnämnd;1 555;1 498,42;47,2;",
        "5201000;X;3;2.5;40.5;",
    ],
    "a number of 16 digits": lambda rows: [*rows, "5201000;X;3;2,123456789012345;40;"],
    "two commas": lambda rows: [*rows, "5201000;X;3;2,1,2;40;"],
    "codes": lambda rows: [*rows, "5200007;Dubblett;3;3;40;", "520;Kort;3;3;40;", "52x0001;Bokstav;3;3;40;"],
    "a marker in a name": lambda rows: [*rows, "5201000;Roma (*2 chefer);56*;54,80;45,6;"],
    "empty cells": lambda rows: [*rows, "5201000;;3;;;", "5201001;Y;;3;40;"],
}


@pytest.mark.parametrize("variant", list(CSV_VARIANTS))
def test_a_large_csv_reads_in_bulk_as_cell_by_cell(tmp_path, monkeypatch, variant):
    from sofstat.readers import fast

    rows = CSV_VARIANTS[variant](_big_csv())
    p = tmp_path / "bemanning_2024-03.csv"
    p.write_text("\n".join([";".join(CSV_COLUMNS), *rows]) + "\n", encoding="utf-8")
    bulk = _read(p)
    if variant == "plain":
        table = read_table(p, CSV_COLUMNS, text_columns={"enhetskod", "enhetsnamn"}, codes={"enhetskod"})
        assert table.regular is not None and "enhetskod" in table.regular.digits
        assert table.frame["antal_årsarbetare"].dtype == "float64"
    monkeypatch.setattr(fast, "read_regular", lambda *args, **kwargs: None)  # every cell as text
    assert _as_read(bulk) == _as_read(_read(p))
