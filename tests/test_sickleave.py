"""read_sick_leave in both shapes, the ratio-of-sums rule, errors; the 2023 baseline."""

from __future__ import annotations

import pytest

from sofstat import InputError, paths
from sofstat.sickleave import accumulated_sick_rate, read_sick_leave, read_sick_leave_files, yearly_rates

BASELINE = paths.RAW_DIR / "2023" / "sjuktal_chefer_2023.csv"
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
            "2024-11;chefer;20;1000;12",
            "2024-12;chefer;40;1000;12",
            "2025-01;chefer;5;500;12",
            "2025-01;avdelningschefer;1;100;8",
        ]
    )
    acc = accumulated_sick_rate(read_sick_leave(_write(tmp_path, text, "cp1252")))
    by = acc.set_index(["group", "month"])["accumulated_rate"]
    assert by[("chefer", "2024-12")] == pytest.approx(3.0)
    assert by[("chefer", "2025-01")] == pytest.approx(1.0)
    assert by[("avdelningschefer", "2025-01")] == pytest.approx(1.0)
    yr = yearly_rates(read_sick_leave(_write(tmp_path, text)))
    assert yr[["group", "year", "through_month"]].values.tolist() == [
        ["avdelningschefer", 2025, "2025-01"],
        ["chefer", 2024, "2024-12"],
        ["chefer", 2025, "2025-01"],
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_rates_shape_in_each_encoding(tmp_path, encoding):
    p = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\r\n2024;enhetschefer;3,1 %;69\r\n", encoding)
    df = read_sick_leave(p)
    assert df[["year", "group", "rate", "employees"]].values.tolist() == [[2024, "enhetschefer", 3.1, 69]]
    with pytest.raises(ValueError, match="needs monthly hours"):
        accumulated_sick_rate(df)


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
    rates, monthly = read_sick_leave_files([str(BASELINE), str(p)])
    assert rates[["year", "rate"]].values.tolist() == [[2023, 2.26], [2024, 2.0]]
    assert len(monthly) == 2
    empty, none = read_sick_leave_files(["", ""])
    assert empty.empty and none is None


@pytest.mark.parametrize(
    ("header", "line", "reason"),
    [
        (MONTHLY, "2025-13;chefer;1;10;", "month '2025-13' is not YYYY-MM"),
        (MONTHLY, "2025-01;chefer;11;10;", "sick hours (11) above ordinary hours (10)"),
        (MONTHLY, "2025-01;chefer;-1;10;", "negative sjuktimmar"),
        (MONTHLY, "2025-01;chefer;1;0;", "ordinary hours are zero"),
        (MONTHLY, "2025-01;;1;10;", "empty group"),
        (MONTHLY, "2025-01;chefer;ett;10;", "sjuktimmar 'ett' is not a number"),
        (MONTHLY, "2025-02;chefer;1;10;", "2025-02 chefer appears twice (first on line 2)"),
        ("år;grupp;sjuktal", "2025;chefer;101", "rate 101 % above 100"),
        ("år;grupp;sjuktal", "25;chefer;1", "year '25'"),
    ],
)
def test_errors(tmp_path, header, line, reason):
    first = "2025-02;chefer;1;10;" if header == MONTHLY else "2024;chefer;1"
    p = _write(tmp_path, f"{header}\n{first}\n{line}\n")
    with pytest.raises(InputError) as info:
        read_sick_leave(p)
    assert str(info.value).startswith(f"{p}, line 3: {reason}")
    assert line in str(info.value)


def test_unknown_header(tmp_path):
    with pytest.raises(InputError, match="header differs"):
        read_sick_leave(_write(tmp_path, "period;grupp;värde\n2024;x;1\n"))


def test_small_month_hides_the_rest_of_the_year(tmp_path):
    from sofstat.outcome_tables import sick_monthly_table, sick_yearly_table
    from sofstat.sickleave import hidden_mask

    rows = [f"2024-{m:02d};g;{10 * m};1000;{12 if m < 6 else 9}" for m in range(1, 8)]
    df = read_sick_leave(_write(tmp_path, "\n".join([MONTHLY, *rows])))
    acc = accumulated_sick_rate(df)
    month_hidden, ytd_hidden = hidden_mask(acc, 10)
    assert month_hidden.tolist() == [False] * 5 + [True] * 2
    assert ytd_hidden.tolist() == [False] * 5 + [True] * 2
    monthly = sick_monthly_table(df, 10).data
    assert monthly["Ackumulerat sjuktal, %"].isna().tolist() == [False] * 5 + [True] * 2
    yearly = yearly_rates(df)
    assert yearly["employees"].tolist() == [9]  # the smallest month decides
    assert sick_yearly_table(yearly, 10).data["Ackumulerat sjuktal, %"].isna().all()


def test_month_after_a_small_month_keeps_its_own_hours_but_not_the_year_to_date(tmp_path):
    from sofstat.sickleave import hidden_mask

    rows = ["2024-01;g;10;1000;12", "2024-02;g;20;1000;9", "2024-03;g;30;1000;12"]
    acc = accumulated_sick_rate(read_sick_leave(_write(tmp_path, "\n".join([MONTHLY, *rows]))))
    month_hidden, ytd_hidden = hidden_mask(acc, 10)
    assert month_hidden.tolist() == [False, True, False]
    assert ytd_hidden.tolist() == [False, True, True]


def test_bad_counts(tmp_path):
    p = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\n2024;chefer;2,0;-3\n")
    with pytest.raises(InputError, match="line 2: negative antal_anställda"):
        read_sick_leave(p)
    p = _write(tmp_path, "år;grupp;sjuktal;antal_anställda\n2024;chefer;2,0;många\n")
    with pytest.raises(InputError, match="antal_anställda 'många' is not a whole number"):
        read_sick_leave(p)
