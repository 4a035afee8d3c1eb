"""read_survey: Swedish Excel exports in every encoding, categories, errors; the baseline."""

from __future__ import annotations

import pytest

from sofstat import InputError, paths
from sofstat.outcome_tables import fmt_approx_share, survey_wide
from sofstat.survey import read_questions, read_survey, read_survey_files

HEADER = "år;fråga;grupp;enhet;svar;andel;antal_svar"
BASELINE = paths.RAW_DIR / "2023" / "medarbetarundersokning_2023_utgangslage.csv"

ANSWERS = [
    "2024;leder_arbetsgruppen;medarbetare;52;1;5,0 %;1 200",
    "2024;leder_arbetsgruppen;medarbetare;52;2;10,5%;1 200",
    "2024;leder_arbetsgruppen;medarbetare;52;3;20,0;1 200",
    "2024;leder_arbetsgruppen;medarbetare;52;4;34,5;1 200",
    "2024;leder_arbetsgruppen;medarbetare;52;5;30;1 200",
    "2024;kompetensutveckling;chefer;52003;positiv;61,2;16",
    "2024;kompetensutveckling;chefer;52003;neutral;20,1;16",
    "2024;kompetensutveckling;chefer;52003;negativ;18,7;16",
    "2024;aterhamtning;chefer;5200305;positiv;75;4",
]


def _write(tmp_path, text: str, encoding: str, name: str = "enkat.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_reads_export_in_each_encoding(tmp_path, encoding, newline):
    p = _write(tmp_path, newline.join([HEADER, *ANSWERS]) + newline, encoding)
    df = read_survey(p)
    assert list(df.columns) == [
        "year",
        "question_id",
        "group",
        "unit_code",
        "category",
        "share",
        "respondents",
        "approximate",
        "source",
    ]
    lead = df[df["question_id"] == "leder_arbetsgruppen"].set_index("category")["share"]
    assert lead.to_dict() == pytest.approx({"negativ": 15.5, "neutral": 20.0, "positiv": 64.5})
    assert df["respondents"].tolist()[:3] == [1200, 1200, 1200]
    assert str(df["respondents"].dtype) == "Int64"
    comp = df[(df["question_id"] == "kompetensutveckling")]
    assert comp["unit_code"].unique().tolist() == ["52003"]
    assert comp["share"].sum() == pytest.approx(100.0)
    assert not df["approximate"].any()
    assert df["source"].unique().tolist() == [str(p)] or df["source"].iloc[0].endswith("enkat.csv")
    assert df["year"].dtype == "int64"


def test_xlsx(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(";") + ["ungefärlig", "källa"])
    ws.append([2024, "delaktig_beslut", "medarbetare", "52", 5, 40.5, 800, "nej", "Enkätverktyget"])
    ws.append([2024, "delaktig_beslut", "medarbetare", "52", 4, 25, 800, "nej", "Enkätverktyget"])
    p = tmp_path / "e.xlsx"
    wb.save(p)
    df = read_survey(p)
    assert df[["category", "share", "respondents", "source"]].values.tolist() == [
        ["positiv", 65.5, 800, "Enkätverktyget"]
    ]


def test_baseline_holds_the_source_statements():
    df = read_survey(BASELINE)
    assert df["year"].unique().tolist() == [2023]
    assert df["approximate"].all()
    assert df["category"].unique().tolist() == ["positiv"]
    shares = dict(zip(df["question_id"], df["share"], strict=True))
    assert shares == pytest.approx(
        {
            "leder_arbetsgruppen": 200 / 3,
            "delaktig_beslut": 200 / 3,
            "rimlig_stress": 50.0,
            "aterhamtning": 200 / 3,
            "kompetensutveckling": 200 / 3,
        }
    )
    assert df["respondents"].isna().all()
    groups = dict(zip(df["question_id"], df["group"], strict=True))
    assert groups["leder_arbetsgruppen"] == "medarbetare" and groups["aterhamtning"] == "chefer"
    assert all(s.startswith("SOF:s plan juni 2024, avsnitt 2") for s in df["source"])
    assert "läst som cheferna" in df.loc[df["question_id"] == "rimlig_stress", "source"].item()
    # the source asks about prerequisites but gives no figure: no row, no invented value
    assert "forutsattningar" not in set(df["question_id"])


def test_question_catalogue():
    q = read_questions()
    assert q["question_id"].tolist() == [
        "leder_arbetsgruppen",
        "delaktig_beslut",
        "rimlig_stress",
        "aterhamtning",
        "forutsattningar",
        "kompetensutveckling",
    ]


def test_approximate_shares_are_said_as_the_source_says_them():
    assert fmt_approx_share(200 / 3, True) == "ca 2/3"
    assert fmt_approx_share(50.0, True) == "ca hälften"
    assert fmt_approx_share(40.0, True) == "ca 40 %"
    assert fmt_approx_share(200 / 3, False) == "66,7 %"


def test_small_groups_hidden(tmp_path):
    p = _write(tmp_path, "\n".join([HEADER, *ANSWERS]), "utf-8")
    wide = survey_wide(read_survey(p), read_questions(), min_respondents=5)
    small = wide[wide["unit_code"] == "5200305"].iloc[0]
    assert small["hidden"] and small["positiv"] != small["positiv"]  # NaN
    big = wide[wide["unit_code"] == "52003"].iloc[0]
    assert not big["hidden"] and big["positiv"] == pytest.approx(61.2)


def test_read_survey_files_later_wins(tmp_path):
    a = _write(tmp_path, f"{HEADER}\n2024;delaktig_beslut;medarbetare;52;positiv;60;\n", "utf-8", "a.csv")
    b = _write(tmp_path, f"{HEADER}\n2024;delaktig_beslut;medarbetare;52;positiv;62;\n", "utf-8", "b.csv")
    df = read_survey_files([str(a), "", str(b), str(b)])
    assert df["share"].tolist() == [62.0]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("2024;okand_fraga;medarbetare;52;positiv;60;", "unknown question id 'okand_fraga'"),
        ("2024;delaktig_beslut;politiker;52;positiv;60;", "unknown group 'politiker'"),
        ("2024;delaktig_beslut;medarbetare;52;positiv;101;", "share 101 outside 0–100"),
        ("2024;delaktig_beslut;medarbetare;52;positiv;-1;", "share -1 outside 0–100"),
        ("2024;delaktig_beslut;medarbetare;52;6;10;", "answer '6' is not 1–5"),
        ("24;delaktig_beslut;medarbetare;52;positiv;10;", "year '24'"),
        ("2024;delaktig_beslut;medarbetare;5x;positiv;10;", "unit code '5x'"),
        ("2024;delaktig_beslut;medarbetare;52;positiv;mycket;", "share 'mycket' is not a number"),
    ],
)
def test_errors_name_file_line_and_text(tmp_path, line, reason):
    p = _write(tmp_path, f"{HEADER}\n2024;delaktig_beslut;medarbetare;52;negativ;5;\n{line}\n", "utf-8")
    with pytest.raises(InputError) as info:
        read_survey(p)
    assert str(info.value) == f"{p}, line 3: {reason}" + str(info.value).split(reason, 1)[1]
    assert reason in str(info.value) and line in str(info.value)


def test_header_differs(tmp_path):
    p = _write(tmp_path, "år;fråga;grupp;svar;andel\n2024;x;y;1;2\n", "utf-8")
    with pytest.raises(InputError, match=r"line 1: header differs"):
        read_survey(p)


def test_categories_over_100_5(tmp_path):
    rows = [
        "2024;delaktig_beslut;medarbetare;52;positiv;70;",
        "2024;delaktig_beslut;medarbetare;52;negativ;30,6;",
    ]
    p = _write(tmp_path, "\n".join([HEADER, *rows]), "utf-8")
    with pytest.raises(InputError, match=r"line 3: categories of this group add up to 100.6 %"):
        read_survey(p)
    rows[1] = "2024;delaktig_beslut;medarbetare;52;negativ;30,4;"
    p = _write(tmp_path, "\n".join([HEADER, *rows]), "utf-8")
    assert read_survey(p)["share"].sum() == pytest.approx(100.4)


def test_three_categories_under_99_5(tmp_path):
    rows = [
        "2024;delaktig_beslut;medarbetare;52;positiv;60;",
        "2024;delaktig_beslut;medarbetare;52;neutral;20;",
        "2024;delaktig_beslut;medarbetare;52;negativ;19,4;",
    ]
    p = _write(tmp_path, "\n".join([HEADER, *rows]), "utf-8")
    with pytest.raises(InputError, match=r"line 4: the three categories of this group add up to 99.4 %"):
        read_survey(p)
    # two of three given: no lower bound
    p = _write(tmp_path, "\n".join([HEADER, *rows[:2]]), "utf-8")
    assert len(read_survey(p)) == 2


def test_respondents_must_agree(tmp_path):
    rows = ["2024;delaktig_beslut;medarbetare;52;4;30;100", "2024;delaktig_beslut;medarbetare;52;5;30;90"]
    p = _write(tmp_path, "\n".join([HEADER, *rows]), "utf-8")
    with pytest.raises(InputError, match="antal_svar 90 differs from 100"):
        read_survey(p)


def test_fraction_is_approximate(tmp_path):
    p = _write(tmp_path, f"{HEADER};ungefärlig\n2024;delaktig_beslut;medarbetare;52;positiv;2/3;;\n", "utf-8")
    assert read_survey(p)["approximate"].tolist() == [True]
    p = _write(
        tmp_path, f"{HEADER};ungefärlig\n2024;delaktig_beslut;medarbetare;52;positiv;2/3;;nej\n", "utf-8"
    )
    with pytest.raises(InputError, match="fraction is approximate"):
        read_survey(p)


def test_xlsx_percent_formatted_cells(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(";"))
    ws.append([2024, "delaktig_beslut", "medarbetare", "52", "positiv", 0.702, 900])
    ws["F2"].number_format = "0.0%"
    p = tmp_path / "p.xlsx"
    wb.save(p)
    assert read_survey(p)["share"].tolist() == pytest.approx([70.2])
