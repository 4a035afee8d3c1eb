"""read_survey: Swedish Excel exports in every encoding, categories, errors; the baseline; survey_wide.

Which survey groups are hidden is tested in test_disclosure.py; how approximate
shares are printed ("ca 2/3") with the presentation.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sofstat import InputError, config
from sofstat.analysis.survey import survey_wide
from sofstat.readers.survey import read_questions, read_survey, read_survey_files
from sofstat.vocabulary import Category, Respondents

HEADER = "år;fråga;grupp;enhet;svar;andel;antal_svar"
BASELINE = config.RAW_DIR / "2023" / "medarbetarundersokning_2023_utgangslage_v2.csv"
BASELINE_V1 = config.RAW_DIR / "2023" / "medarbetarundersokning_2023_utgangslage.csv"

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


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
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
        "published",
        "source",
    ]
    lead = df[df["question_id"] == "leder_arbetsgruppen"].set_index("category")["share"]
    assert lead.to_dict() == pytest.approx(
        {Category.NEGATIVE: 15.5, Category.NEUTRAL: 20.0, Category.POSITIVE: 64.5}
    )
    assert df["respondents"].tolist()[:3] == [1200, 1200, 1200]
    assert str(df["respondents"].dtype) == "Int64"
    comp = df[(df["question_id"] == "kompetensutveckling")]
    assert comp["unit_code"].unique().tolist() == ["52003"]
    assert comp["share"].sum() == pytest.approx(100.0)
    assert set(df["group"]) == {Respondents.EMPLOYEES, Respondents.MANAGERS}
    assert not df["approximate"].any()
    assert not df["published"].any()  # no publicerad column: nothing is cited as published
    assert df["source"].unique().tolist() == [config.display_path(p)]
    assert df["year"].dtype == "int64"


def test_xlsx(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(";") + ["ungefärlig", "källa", "publicerad"])
    ws.append([2024, "delaktig_beslut", "medarbetare", "52", 5, 40.5, 800, "nej", "Enkätverktyget", "ja"])
    ws.append([2024, "delaktig_beslut", "medarbetare", "52", 4, 25, 800, "nej", "Enkätverktyget", "ja"])
    p = tmp_path / "e.xlsx"
    wb.save(p)
    df = read_survey(p)
    assert df[["category", "share", "respondents", "published", "source"]].values.tolist() == [
        ["positive", 65.5, 800, True, "Enkätverktyget"]
    ]


def test_baseline_holds_the_source_statements():
    df = read_survey(BASELINE)
    assert df["year"].unique().tolist() == [2023]
    assert df["approximate"].all()
    assert df["published"].all()  # v2: every figure is quoted from the published plan
    assert df["category"].unique().tolist() == [Category.POSITIVE]
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


def test_v1_baseline_is_kept_and_differs_only_in_published():
    v1, v2 = read_survey(BASELINE_V1), read_survey(BASELINE)
    assert not v1["published"].any()
    assert v1.drop(columns="published").equals(v2.drop(columns="published"))


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
    assert q["group"].tolist() == ["medarbetare", "medarbetare", "chefer", "chefer", "chefer", "chefer"]


def test_survey_wide(tmp_path):
    p = _write(tmp_path, "\n".join([HEADER, *ANSWERS]), "utf-8")
    wide = survey_wide(read_survey(p), read_questions()).set_index("unit_code")
    # in the order of the question catalogue
    assert wide["question_id"].tolist() == ["leder_arbetsgruppen", "aterhamtning", "kompetensutveckling"]
    row = wide.loc["52"]
    assert row[["positive", "neutral", "negative"]].tolist() == pytest.approx([64.5, 20.0, 15.5])
    assert row["respondents"] == 1200 and not row["hidden"]
    assert (row["low"], row["high"]) == pytest.approx((61.75, 67.15), abs=0.01)  # Wilson, n = 1 200
    assert wide.loc["52003", "positive"] == pytest.approx(61.2)


def test_read_survey_files_later_wins(tmp_path):
    a = _write(tmp_path, f"{HEADER}\n2024;delaktig_beslut;medarbetare;52;positiv;60;\n", "utf-8", "a.csv")
    b = _write(tmp_path, f"{HEADER}\n2024;delaktig_beslut;medarbetare;52;positiv;62;\n", "utf-8", "b.csv")
    df = read_survey_files([str(a), "", str(b), str(b)])
    assert df["share"].tolist() == [62.0]
    assert read_survey_files(["", ""]).empty


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
    assert str(info.value).startswith(f"{p}, line 3: {reason}")
    assert line in str(info.value)
    assert info.value.line == 3


def test_header_differs(tmp_path):
    p = _write(tmp_path, "år;fråga;grupp;svar;andel\n2024;x;y;1;2\n", "utf-8")
    with pytest.raises(InputError, match=r"line 1: header differs"):
        read_survey(p)


def test_published_must_be_ja_or_nej(tmp_path):
    p = _write(
        tmp_path,
        f"{HEADER};ungefärlig;källa;publicerad\n2024;delaktig_beslut;medarbetare;52;4;30;;;;kanske\n",
        "utf-8",
    )
    with pytest.raises(InputError, match="line 2: publicerad must be ja or nej, not 'kanske'"):
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


def test_a_category_given_as_its_word_and_as_answers_is_rejected(tmp_path):
    rows = [
        "2024;delaktig_beslut;medarbetare;52;neutral;10;",
        "2024;delaktig_beslut;medarbetare;52;2;5;",
        "2024;delaktig_beslut;medarbetare;52;negativ;5;",  # 1–2 given already: counted twice
        "2024;delaktig_beslut;medarbetare;52;3;10;",  # neutral given already
        "2024;delaktig_beslut;chefer;52;negativ;5;",  # another group: its own
        "2024;delaktig_beslut;chefer;52;4;5;",
        "2024;delaktig_beslut;chefer;52;positiv;5;",
    ]
    with pytest.raises(InputError) as info:
        read_survey(_write(tmp_path, "\n".join([HEADER, *rows]), "utf-8"))
    assert [(p.line, p.reason.split(",")[0]) for p in info.value.problems] == [
        (4, "answer 'negativ': 1"),
        (5, "answer '3': 3 and 'neutral' both given for this question and group"),
        (8, "answer 'positiv': 4"),
    ]
    assert "1, 2 and 'negativ' both given" in info.value.problems[0].reason
    # words for some categories and answers for others: nothing counted twice
    fine = [
        rows[0],
        rows[1],
        "2024;delaktig_beslut;medarbetare;52;1;5;",
        "2024;delaktig_beslut;medarbetare;52;positiv;80;",
    ]
    df = read_survey(_write(tmp_path, "\n".join([HEADER, *fine]), "utf-8"))
    assert df.set_index("category")["share"].to_dict() == {
        "neutral": 10.0,
        "negative": 10.0,
        "positive": 80.0,
    }


def test_respondents_must_agree(tmp_path):
    rows = ["2024;delaktig_beslut;medarbetare;52;4;30;100", "2024;delaktig_beslut;medarbetare;52;5;30;90"]
    p = _write(tmp_path, "\n".join([HEADER, *rows]), "utf-8")
    with pytest.raises(InputError, match="antal_svar 90 differs from 100"):
        read_survey(p)


def test_fraction_is_approximate(tmp_path):
    p = _write(tmp_path, f"{HEADER};ungefärlig\n2024;delaktig_beslut;medarbetare;52;positiv;2/3;;\n", "utf-8")
    assert read_survey(p)["approximate"].tolist() == [True]
    assert read_survey(p)["share"].tolist() == pytest.approx([200 / 3])
    p = _write(
        tmp_path, f"{HEADER};ungefärlig\n2024;delaktig_beslut;medarbetare;52;positiv;2/3;;nej\n", "utf-8"
    )
    with pytest.raises(InputError, match="fraction is approximate"):
        read_survey(p)
    p = _write(tmp_path, f"{HEADER}\n2024;delaktig_beslut;medarbetare;52;positiv;2/0;\n", "utf-8")
    with pytest.raises(InputError, match="share '2/0' is not a fraction"):
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


# --- the bulk reading (readers/fast.py) gives what reading every cell as text gives ---


def _big_survey(groups: int = 200) -> list[str]:
    """Groups of five answers (over 10 000 characters): shares summing to 100 per group."""
    out = []
    questions = [("leder_arbetsgruppen", "medarbetare"), ("kompetensutveckling", "chefer")]
    for g in range(groups):
        qid, group = questions[g % 2]
        unit = f"{5200000 + g // 2:07d}"
        for answer, share in enumerate(["10,5", "9,5", "20,0", "30,0", "30,0"], start=1):
            out.append(f"2024;{qid};{group};{unit};{answer};{share};{g % 90 + 10}")
    return out


def _survey_read(path):
    try:
        return read_survey(path)
    except InputError as exc:
        return [(p.line, p.text, p.reason) for p in exc.problems]


SURVEY_VARIANTS = {
    "plain": lambda rows: rows,
    "words as written": lambda rows: [
        *rows,
        "2024;delaktig_beslut; Medarbetare ;52;Positiv;28,2 %;",
        '2024;delaktig_beslut;"medarbetare";52;NEGATIV;2/3;',
        "2024;delaktig_beslut;medarbetare;52;neutral;5,1;",
        ";;;;;;",
    ],
    "errors": lambda rows: [
        *rows[:-2],
        "2024;delaktig_beslut;medarbetare;52;positiv;60;100",
        "2024;delaktig_beslut;medarbetare;52;positiv;60;90",
        "24;okand;politiker;5x;6;mycket;-1",
        "2024;leder_arbetsgruppen;medarbetare;5200000;1;1e2;",
    ],
}


@pytest.mark.parametrize("variant", list(SURVEY_VARIANTS))
def test_a_large_survey_reads_in_bulk_as_cell_by_cell(tmp_path, monkeypatch, variant):
    from sofstat.readers import fast

    rows = SURVEY_VARIANTS[variant](_big_survey())
    p = _write(tmp_path, "\n".join([HEADER, *rows]) + "\n", "utf-8")
    bulk = _survey_read(p)
    monkeypatch.setattr(fast, "read_regular", lambda *args, **kwargs: None)  # every cell as text
    slow = _survey_read(p)
    assert isinstance(bulk, list) == isinstance(slow, list) == (variant == "errors")
    if isinstance(bulk, list):
        assert bulk == slow
    else:
        pd.testing.assert_frame_equal(bulk, slow, check_exact=True)


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize("extra", ["", ";ungefärlig;källa;publicerad"])
def test_every_column_has_its_dtype_read_either_way(tmp_path, monkeypatch, bulk, extra):
    from sofstat.readers import fast

    if not bulk:
        monkeypatch.setattr(fast, "read_regular", lambda *args, **kwargs: None)  # every cell as text
    rows = [a + (";nej;SCB;ja" if extra else "") for a in ANSWERS[5:8]]
    df = read_survey(_write(tmp_path, "\n".join([HEADER + extra, *rows]) + "\n", "utf-8"))
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        "year": "int64",
        "question_id": "str",
        "group": "str",
        "unit_code": "str",
        "category": "str",
        "share": "float64",
        "respondents": "Int64",
        "approximate": "bool",
        "published": "bool",
        "source": "str",
    }
    assert df["published"].tolist() == [bool(extra)] * 3
