"""read_sick_leave in both shapes, the ratio-of-sums rule, errors; the 2023 baseline.

Which groups and months are hidden (ten or fewer employees, year to date after
a small month, unknown size unless published) is tested in test_disclosure.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from sofstat import InputError, accumulated_sick_rate, config
from sofstat.analysis.sickleave import combine, yearly_rates
from sofstat.readers.sickleave import read_sick_leave, read_sick_leave_files

BASELINE = config.RAW_DIR / "2023" / "sjuktal_chefer_2023_v2.csv"
BASELINE_V1 = config.RAW_DIR / "2023" / "sjuktal_chefer_2023.csv"
MONTHLY = "månad;grupp;sjuktimmar;ordinarie_timmar;antal_anställda"


def _write(tmp_path, text: str, encoding: str = "utf-8", name: str = "sjuk.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_baseline_2023_rate():
    df = read_sick_leave(BASELINE)
    assert df.attrs["shape"] == "rates"
    assert df[["year", "group", "rate"]].values.tolist() == [[2023, "enhetschefer", 2.26]]
    assert df["employees"].isna().all()
    assert df["published"].tolist() == [True]
    # the källa column names the sentence of the plan the figure is quoted from
    assert df["source"].item() == (
        "SOF:s plan juni 2024, avsnitt 2, Ackumulerat sjuktal för enhetschefer inom SOF: "
        '"Det ackumulerade sjuktalet för chefer 2023 var 2,26%"'
    )


def test_v1_baseline_is_kept_unpublished():
    df = read_sick_leave(BASELINE_V1)
    assert df[["year", "group", "rate"]].values.tolist() == [[2023, "enhetschefer", 2.26]]
    assert df["published"].tolist() == [False]
    assert df["source"].item() == "data/raw/2023/sjuktal_chefer_2023.csv"


def test_ratio_of_sums_not_mean_of_rates(tmp_path):
    # January: 10 of 1 000 hours (1 %); February: 90 of 3 000 hours (3 %).
    # Accumulated to February: 100 / 4 000 = 2,5 %, not the mean 2 %.
    text = f"{MONTHLY}\n2025-02;enhetschefer;90;3 000;70\n2025-01;enhetschefer;10;1 000,0;70\n"
    acc = accumulated_sick_rate(read_sick_leave(_write(tmp_path, text)))
    assert acc["month"].tolist() == ["2025-01", "2025-02"]
    assert acc["accumulated_rate"].tolist() == pytest.approx([1.0, 2.5])
    assert acc["sick_hours_ytd"].tolist() == [10.0, 100.0]
    assert acc["ordinary_hours_ytd"].tolist() == [1000.0, 4000.0]
    assert acc["months_included"].tolist() == [1, 2]


def test_accumulation_restarts_each_january_and_per_group(tmp_path):
    text = "\n".join(
        [
            MONTHLY,
            "2024-01;chefer;20;1000;12",
            "2024-02;chefer;40;1000;12",
            "2025-01;chefer;5;500;12",
            "2025-01;avdelningschefer;1;100;8",
        ]
    )
    acc = accumulated_sick_rate(read_sick_leave(_write(tmp_path, text, "cp1252")))
    by = acc.set_index(["group", "month"])["accumulated_rate"]
    assert by[("chefer", "2024-02")] == pytest.approx(3.0)
    assert by[("chefer", "2025-01")] == pytest.approx(1.0)
    assert by[("avdelningschefer", "2025-01")] == pytest.approx(1.0)
    yr = yearly_rates(read_sick_leave(_write(tmp_path, text)))
    assert yr[["group", "year", "through_month", "months_included"]].values.tolist() == [
        ["avdelningschefer", 2025, "2025-01", 1],
        ["chefer", 2024, "2024-02", 2],
        ["chefer", 2025, "2025-01", 1],
    ]
    assert yr["rate"].tolist() == pytest.approx([1.0, 3.0, 1.0])
    assert yr["from_hours"].all() and not yr["published"].any()


def test_synthetic_period_rate_is_a_ratio_of_sums(synthetic):
    """SYNTHETIC 2024 hours: 2 010 sick of 94 530 ordinary hours, January–September."""
    r = synthetic.sick.rates.set_index(["group", "year"])
    row = r.loc[("enhetschefer", 2024)]
    assert row["rate"] == pytest.approx(100 * 2010 / 94530)
    assert row["through_month"] == "2024-09" and row["months_included"] == 9
    assert r.loc[("enhetschefer", 2023), "rate"] == 2.26  # the baseline file, combined


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_rates_shape_in_each_encoding(tmp_path, encoding):
    p = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\r\n2024;enhetschefer;3,1;69\r\n", encoding)
    df = read_sick_leave(p)
    assert df[["year", "group", "rate", "employees"]].values.tolist() == [[2024, "enhetschefer", 3.1, 69]]
    with pytest.raises(ValueError, match="needs monthly hours"):
        accumulated_sick_rate(df)


def test_rate_with_percent_sign(tmp_path):
    p = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\n2024;enhetschefer;3,1 %;69\n")
    assert read_sick_leave(p)["rate"].tolist() == [3.1]


def test_xlsx_rate_formatted_as_percent(tmp_path):
    wb = Workbook()
    wb.active.append(["år", "grupp", "sjuktal"])
    wb.active.append([2024, "enhetschefer", 0.031])
    wb.active["C2"].number_format = "0.0%"
    p = tmp_path / "r.xlsx"
    wb.save(p)
    assert read_sick_leave(p)["rate"].tolist() == pytest.approx([3.1])


def test_xlsx_monthly(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["månad", "grupp", "sjuktimmar", "ordinarie_timmar"])
    wb.active.append(["2025-01", "chefer", 12.5, 1250])
    p = tmp_path / "s.xlsx"
    wb.save(p)
    df = read_sick_leave(p)
    assert df["rate"].tolist() == [1.0]


def test_read_files_combines_baseline_and_period(tmp_path):
    p = _write(tmp_path, f"{MONTHLY}\n2024-01;enhetschefer;30;1000;69\n2024-02;enhetschefer;10;1000;69\n")
    frames = read_sick_leave_files([str(BASELINE), "", str(p), str(p)])
    assert len(frames) == 2  # empty entries skipped, a file named twice read once
    sick = combine(frames)
    assert sick.rates[["year", "rate"]].values.tolist() == [[2023, 2.26], [2024, 2.0]]
    assert len(sick.monthly) == 2
    none = combine(read_sick_leave_files(["", ""]))
    assert none.rates.empty and none.monthly is None


def test_later_file_wins_for_the_same_group_and_year(tmp_path):
    a = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\n2024;chefer;3,0;40\n", name="a.csv")
    b = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\n2024;chefer;2,5;40\n", name="b.csv")
    assert combine(read_sick_leave_files([str(a), str(b)])).rates["rate"].tolist() == [2.5]


@pytest.mark.parametrize(
    ("header", "line", "reason"),
    [
        (MONTHLY, "2025-13;chefer;1;10;", "month '2025-13' is not YYYY-MM"),
        (MONTHLY, "2025-01;chefer;11;10;", "sick hours (11) above ordinary hours (10)"),
        (MONTHLY, "2025-01;chefer;-1;10;", "negative sjuktimmar"),
        (MONTHLY, "2025-01;chefer;1;0;", "ordinary hours are zero"),
        (MONTHLY, "2025-01;;1;10;", "empty group"),
        (MONTHLY, "2025-01;chefer;ett;10;", "sjuktimmar 'ett' is not a number"),
        (MONTHLY, "2025-01;chefer;1;10;", "2025-01 chefer appears twice"),
        (
            MONTHLY,
            "2025-03;chefer;1;10;",
            "group 'chefer' has 2025-03 but not 2025-02: monthly hours are summed",
        ),
        ("år;grupp;sjuktal", "2025;chefer;101", "rate 101 % above 100"),
        ("år;grupp;sjuktal", "25;chefer;1", "year '25'"),
        (
            "år;grupp;sjuktal;antal_anställda;publicerad",
            "2025;chefer;1;;kanske",
            "publicerad must be ja or nej",
        ),
    ],
)
def test_errors(tmp_path, header, line, reason):
    first = "2025-01;chefer;1;10;" if header == MONTHLY else "2024;chefer;1" + ";" * header.count(";", 15)
    p = _write(tmp_path, f"{header}\n{first}\n{line}\n")
    with pytest.raises(InputError) as info:
        read_sick_leave(p)
    assert str(info.value).startswith(f"{p}, line 3: {reason}")
    assert line in str(info.value)


def test_months_must_follow_each_other_from_january(tmp_path):
    rows = [
        "2024-01;A;1;100;20",
        "2024-02;A;1;100;20",
        "2024-05;A;1;100;20",  # 2024-03 and 2024-04 missing
        "2024-06;A;1;100;20",
        "2024-03;B;1;100;20",  # B starts in March
        "2025-01;B;1;100;20",  # a new year starts again in January: fine
        "2025-02;B;1;100;20",
    ]
    with pytest.raises(InputError) as info:
        read_sick_leave(_write(tmp_path, "\n".join([MONTHLY, *rows])))
    assert [(p.line, p.reason.split(":")[0]) for p in info.value.problems] == [
        (4, "group 'A' has 2024-05 but not 2024-03 to 2024-04"),
        (6, "group 'B' has 2024-03 but not 2024-01 to 2024-02"),
    ]
    # in any order of lines, the same months are complete
    ok = read_sick_leave(_write(tmp_path, "\n".join([MONTHLY, *reversed(rows[:2] + rows[5:])])))
    assert sorted(ok["month"]) == ["2024-01", "2024-02", "2025-01", "2025-02"]


def test_unknown_header(tmp_path):
    with pytest.raises(InputError, match="header is neither"):
        read_sick_leave(_write(tmp_path, "period;grupp;värde\n2024;x;1\n"))


def test_yearly_employees_is_the_smallest_month(tmp_path):
    rows = [f"2024-{m:02d};g;{10 * m};1000;{12 if m < 6 else 9}" for m in range(1, 8)]
    yearly = yearly_rates(read_sick_leave(_write(tmp_path, "\n".join([MONTHLY, *rows]))))
    assert yearly["employees"].tolist() == [9]  # the smallest month decides
    assert yearly["rate"].tolist() == pytest.approx([100 * 280 / 7000])


def test_bad_counts(tmp_path):
    p = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\n2024;chefer;2,0;-3\n")
    with pytest.raises(InputError, match="line 2: negative antal_anställda"):
        read_sick_leave(p)
    p = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\n2024;chefer;2,0;många\n")
    with pytest.raises(InputError, match="line 2: antal_anställda 'många' is not a number"):
        read_sick_leave(p)


# --- the bulk reading (readers/fast.py) gives what reading every cell as text gives ---


def _sick_read(path):
    try:
        return read_sick_leave(path)
    except InputError as exc:
        return [(p.line, p.text, p.reason) for p in exc.problems]


SICK_VARIANTS = {
    "monthly": (
        MONTHLY,
        [f"2024-{m % 12 + 1:02d};grupp {m // 12};{m % 50},5;{1000 + m};{m % 40}" for m in range(600)],
    ),
    "monthly, damaged": (
        MONTHLY,
        [f"2024-{m % 12 + 1:02d};grupp {m // 12};{m % 50},5;{1000 + m};" for m in range(600)]
        + [
            "2024-13;x;1;10;",
            "2024-01;grupp 0;1;10;",
            "2024-02;;11;10;",
            " 2024-03 ;\u00a0y;1 000;2 000,5;3",
        ],
    ),
    "rates": (
        "år;grupp;sjuktal;antal_anställda;publicerad;källa",
        [f"{2000 + y % 25};g{y};{y % 9},{y % 10} %;{y};ja;" for y in range(600)],
    ),
}


@pytest.mark.parametrize("variant", list(SICK_VARIANTS))
def test_a_large_file_reads_in_bulk_as_cell_by_cell(tmp_path, monkeypatch, variant):
    from sofstat.readers import fast

    header, rows = SICK_VARIANTS[variant]
    p = _write(tmp_path, "\n".join([header, *rows]) + "\n")
    bulk = _sick_read(p)
    monkeypatch.setattr(fast, "read_regular", lambda *args, **kwargs: None)  # every cell as text
    slow = _sick_read(p)
    assert isinstance(bulk, list) == isinstance(slow, list) == ("damaged" in variant)
    if isinstance(bulk, list):
        assert bulk == slow
    else:
        pd.testing.assert_frame_equal(bulk, slow, check_exact=True)
        assert bulk.attrs == slow.attrs


def test_the_linear_proof_of_no_gap_agrees_with_the_month_sets():
    """_gaps_possible (count and sum per group and year) says "no gap" exactly when every
    group's months of a year are 1, 2, ..., n; rows in any order, the dense and the sparse keys."""
    import numpy as np

    from sofstat.readers.sickleave import _gaps_possible

    keys = np.array([f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)], dtype=object)
    year_by = np.array([int(k[:4]) for k in keys])
    rng = np.random.default_rng(7)
    for trial in range(300):
        groups, codes = [], []
        sets = {}
        for g in range(int(rng.integers(1, 6))):
            for y in (0, 1):
                months = sorted(rng.choice(12, size=int(rng.integers(0, 5)), replace=False) + 1)
                if trial % 3 == 0:  # mostly without a gap
                    months = list(range(1, len(months) + 1))
                sets[(g, y)] = months
                for m in months:
                    groups.append(g * (10**6 if trial % 2 else 1))  # odd trials: sparse group codes
                    codes.append(y * 12 + m - 1)
        if not codes:
            continue
        order = rng.permutation(len(codes))
        groups, codes = np.array(groups)[order], np.array(codes)[order]
        months = np.array([int(k[5:7]) for k in keys])[codes]
        used = np.unique(codes)
        want = any(ms != list(range(1, len(ms) + 1)) for ms in sets.values())
        assert _gaps_possible(groups, year_by, used, codes, months) == want, sets


SICK_DTYPES = {
    "year": "int64",
    "month": "str",
    "group": "str",
    "sick_hours": "float64",
    "ordinary_hours": "float64",
    "rate": "float64",
    "employees": "Int64",
    "published": "bool",
    "source": "str",
}


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize(
    "text",
    [
        "månad;grupp;sjuktimmar;ordinarie_timmar\n2025-01;chefer;12,5;1250\n2025-02;chefer;10;1000\n",
        "månad;grupp;sjuktimmar;ordinarie_timmar;antal_anställda\n2025-01;chefer;12,5;1250;7\n",
        "år;grupp;sjuktal;antal_anställda\n2024;enhetschefer;3,1;69\n",
        "år;grupp;sjuktal;antal_anställda;publicerad;källa\n2024;enhetschefer;3,1 %;69;ja;SCB\n2023;x;2;;nej;\n",
    ],
)
def test_every_column_has_its_dtype_in_both_shapes_read_either_way(tmp_path, monkeypatch, text, bulk):
    from sofstat.readers import fast

    if not bulk:
        monkeypatch.setattr(fast, "read_regular", lambda *args, **kwargs: None)  # every cell as text
    df = read_sick_leave(_write(tmp_path, text))
    assert {c: str(t) for c, t in df.dtypes.items()} == SICK_DTYPES


def test_as_dtypes_converts_only_the_columns_that_differ():
    from sofstat.readers.cells import as_dtypes

    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [1.0, None]})
    assert as_dtypes(df, {"a": "int64", "b": "str"}) is df  # nothing to convert: the frame itself
    out = as_dtypes(df, {"a": "Int64", "b": "str", "c": "Int64"})
    assert {c: str(t) for c, t in out.dtypes.items()} == {"a": "Int64", "b": "str", "c": "Int64"}
    assert out["c"].isna().tolist() == [False, True] and out["a"].tolist() == [1, 2]
    assert str(df["a"].dtype) == "int64"  # the frame given is left as it was
