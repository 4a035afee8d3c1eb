"""Bad input raises sofstat.InputError naming the file, the line and its text."""

from __future__ import annotations

import pytest
from conftest import TABLE3

import sofstat
from sofstat import InputError


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _line_no(text: str, fragment: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return i
    raise AssertionError(fragment)


def _write(tmp_path, text: str):
    p = tmp_path / "2024-03" / "tabell3.txt"
    p.parent.mkdir(exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


BAD_ROWS = [
    # (original fragment, replacement, words the message must contain)
    ("5200305 Tingsbrogården 44 40,27 48,4", "5200305 Tingsbrogården 44 40,27", "cannot be read"),
    ("5200305 Tingsbrogården 44 40,27 48,4", "5200305 Tingsbrogården -44 40,27 48,4", "negative headcount"),
    (
        "5200305 Tingsbrogården 44 40,27 48,4",
        "5200305 Tingsbrogården 44 45,27 48,4",
        "FTE (45.27) above headcount (44)",
    ),
    (
        "5200305 Tingsbrogården 44 40,27 48,4",
        "5200305 Tingsbrogården 44 40,27 84,4",
        "mean age 84.4 outside 16–75",
    ),
    ("5200305 Tingsbrogården 44 40,27 48,4", "5200305 Tingsbrogården 44 40,27 12,0", "mean age 12.0 outside"),
    ("5200305 Tingsbrogården 44 40,27 48,4", "5200305 Tingsbrogården 44* 40,27 48,4", "no (*N chefer)"),
    (
        "5200305 Tingsbrogården 44 40,27 48,4",
        "520035 Tingsbrogården 44 40,27 48,4",
        "no 2-, 5- or 7-digit unit code",
    ),
    (
        "5200305 Tingsbrogården 44 40,27 48,4",
        "5200304 Tingsbrogården 44 40,27 48,4",
        "duplicate unit code 5200304",
    ),
    ("5200305 Tingsbrogården 44 40,27 48,4", "5200305 Tingsbrogården 4x4 40,27 48,4", "cannot be read"),
]


@pytest.mark.parametrize(("old", "new", "reason"), BAD_ROWS)
def test_bad_row_names_file_line_and_text(tmp_path, table3_text, old, new, reason):
    text = _replace(table3_text, old, new)
    path = _write(tmp_path, text)
    line = _line_no(text, new)
    with pytest.raises(InputError) as info:
        sofstat.read_staffing(path)
    msg = str(info.value)
    assert str(path) in msg
    assert f"line {line}:" in msg
    assert new in msg
    assert reason in msg
    assert info.value.line == line
    assert isinstance(info.value, ValueError)


def test_text_source_is_named_text(table3_text):
    text = _replace(table3_text, "52004 Hemtjänst 368 350,38 44,5", "52004 Hemtjänst 368 350,38")
    with pytest.raises(InputError, match=r"^<text>, line 50: starts like a row"):
        sofstat.read_staffing(text)


def test_table_with_no_rows(tmp_path):
    p = _write(tmp_path, "Tabell 3. Antal tillsvidareanställda, mars 2024\n\nAntal\n")
    with pytest.raises(InputError, match="no table rows found") as info:
        sofstat.read_staffing(p)
    assert str(p) in str(info.value)


def test_period_cannot_be_told():
    with pytest.raises(InputError, match="cannot tell the period"):
        sofstat.read_staffing("x\n52 Socialnämnd 40 38,00 45,0\n")


def test_csv_errors_name_line(tmp_path):
    header = "enhetskod;enhetsnamn;antal_tillsvidareanställda;antal_årsarbetare;medelålder;antal_chefer"
    p = tmp_path / "b_2024-03.csv"
    p.write_text(f"{header}\n52;Socialnämnd;10;9,5;45;\n520;Fel;1;1;40;\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"line 3: unit code '520' is not 2, 5 or 7 digits: '520;Fel;1;1;40;'"
    ):
        sofstat.read_staffing(p)
    p.write_text(f"{header}\n52;Socialnämnd;10;11,5;45;\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: FTE \(11.5\) above headcount"):
        sofstat.read_staffing(p)
    p.write_text("kod;namn\n52;X\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: header differs"):
        sofstat.read_staffing(p)


def test_undecodable_bytes(tmp_path):
    p = tmp_path / "t_2024-03.txt"
    p.write_bytes(TABLE3.read_bytes() + b"\n5200999 Trasig \x81\x8d 3 3,00 40,0\n")
    with pytest.raises(InputError, match="neither UTF-8 nor Windows-1252"):
        sofstat.read_staffing(p)


# Damage of the kinds the property tests (test_properties.py) generate, kept as fixed cases.
def test_truncated_in_the_last_row(table3_text):
    text = table3_text[: table3_text.rindex("12,00")]
    with pytest.raises(InputError, match=r"line 142: starts like a row but cannot be read"):
        sofstat.read_staffing(text)


def test_utf16_file(tmp_path):
    p = tmp_path / "t_2024-03.txt"
    p.write_bytes(TABLE3.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(InputError):
        sofstat.read_staffing(p)


def test_nul_byte_in_csv(tmp_path):
    from sofstat.survey import read_survey

    p = tmp_path / "e.csv"
    p.write_bytes(b"\xc3\xa5r;fr\xc3\xa5ga;grupp;enhet;svar;andel;antal_svar\n2024;dela\x00ktig;x;52;1;1;\n")
    with pytest.raises(InputError, match="line 2"):
        read_survey(p)


def test_duplicated_line(table3_text):
    line = "5200306 Kilåkern 24 22,31 48,2 "
    text = table3_text.replace(line, line + "\n" + line)
    with pytest.raises(InputError, match="duplicate unit code 5200306"):
        sofstat.read_staffing(text)


def test_period_argument_must_be_year_month(table3_text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        sofstat.read_staffing(table3_text, period="H1")


def test_non_ascii_digits_are_not_codes():
    text = "Tabell mars 2024\n٥٢ Socialnämnd 40 38,00 45,0\n52 Socialnämnd 40 38,00 45,0\n"
    with pytest.raises(
        InputError, match="line 2: looks like a table row but has no 2-, 5- or 7-digit unit code"
    ):
        sofstat.read_staffing(text)


def test_department_map_naming_an_unknown_area(staffing, guideline):
    m = sofstat.read_department_map()
    m.loc[0, "area"] = "Finns inte"
    with pytest.raises(InputError, match="names areas that Table 1 does not have: Finns inte"):
        sofstat.staff_per_manager(staffing, guideline, m)
