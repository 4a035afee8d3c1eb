"""Bad input raises sofstat.InputError naming the file, the line and its text, never another exception.

The first part is the original set (ported to ``sofstat.readers``); then one
fixed case for every kind of bad input, per reader; then every failure the
fuzzer (tests/fuzzing.py) found while the readers were being hardened, kept
here so that it cannot come back.
"""

from __future__ import annotations

import io
import random
import time
import zipfile
from pathlib import Path

import pytest
from conftest import TABLE1, TABLE3

import sofstat
from sofstat import CatalogError, InputError, config
from sofstat.readers.catalog import load_catalog
from sofstat.readers.guideline import read_department_map, read_guideline
from sofstat.readers.programme import read_activities
from sofstat.readers.sickleave import read_sick_leave
from sofstat.readers.staffing import CSV_COLUMNS, read_staffing
from sofstat.readers.survey import read_survey


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _line_no(text: str, fragment: str) -> int:
    for i, line in enumerate(text.split("\n"), start=1):
        if fragment in line:
            return i
    raise AssertionError(fragment)


def _write(tmp_path, text: str):
    p = tmp_path / "2024-03" / "tabell3.txt"
    p.parent.mkdir(exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _expect(reader, source, line: int | None, text: str, *words: str) -> InputError:
    """``reader(source)`` raises InputError (nothing else) at ``line``, quoting ``text`` whole."""
    with pytest.raises(InputError) as info:
        reader(source)
    exc = info.value
    name = "<text>" if isinstance(source, bytes) or "\n" in str(source) else str(source)
    assert exc.source == name
    assert exc.line == line
    assert exc.text == text
    assert exc.problems[0].line == line and exc.problems[0].text == text
    message = str(exc)
    assert message.startswith(f"{name}, line {line}: " if line is not None else f"{name}: "), message
    for word in words:
        assert word in exc.reason, (word, exc.reason)
    return exc


# --- the original cases -------------------------------------------------------------------

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
    assert info.value.text == text.split("\n")[line - 1]
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
    assert info.value.line is None


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
    data = TABLE3.read_bytes() + b"\n5200999 Trasig \x81\x8d 3 3,00 40,0\n"
    p.write_bytes(data)
    exc = _expect(
        read_staffing,
        p,
        data.count(b"\n", 0, data.index(b"\x81")) + 1,
        "5200999 Trasig \x81\x8d 3 3,00 40,0",
        "neither UTF-8 nor Windows-1252",
    )
    assert exc.line == 145


# Damage of the kinds the property tests (test_properties.py) generate, kept as fixed cases.
def test_truncated_in_the_last_row(table3_text):
    text = table3_text[: table3_text.rindex("12,00")]
    with pytest.raises(InputError, match=r"line 142: starts like a row but cannot be read"):
        sofstat.read_staffing(text)


def test_truncated_in_the_mean_age(table3_text):
    """A line cut inside the mean age (``47,5`` -> ``47``) is not read as 47,0."""
    text = table3_text[: table3_text.rindex(",5")]
    assert text.endswith("12 12,00 47")
    exc = _expect(
        read_staffing,
        text,
        142,
        "5201002 Rekryterings- och ",
        "with the next line as a wrapped name: the mean age has no decimals",
    )
    assert "cut short" in exc.reason


def test_utf16_file(tmp_path):
    """UTF-16 is read when it has a byte-order mark (as Excel and Notepad write it); without one it is refused."""
    p = tmp_path / "t_2024-03.txt"
    p.write_bytes(TABLE3.read_text(encoding="utf-8").encode("utf-16"))
    assert len(sofstat.read_staffing(p)) == 68
    p.write_bytes(TABLE3.read_text(encoding="utf-8").encode("utf-16-le"))
    first = TABLE3.read_text(encoding="utf-8").split("\n")[0]
    _expect(read_staffing, p, 1, first, "UTF-16-LE without a byte-order mark")


def test_nul_byte_in_csv(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes(b"\xc3\xa5r;fr\xc3\xa5ga;grupp;enhet;svar;andel;antal_svar\n2024;dela\x00ktig;x;52;1;1;\n")
    with pytest.raises(InputError, match="line 2"):
        read_survey(p)
    _expect(read_survey, p, 2, "2024;dela\x00ktig;x;52;1;1;", "control character U+0000 (NUL)")


def test_duplicated_line(table3_text):
    line = "5200306 Kilåkern 24 22,31 48,2 "
    text = table3_text.replace(line, line + "\n" + line)
    with pytest.raises(InputError, match="duplicate unit code 5200306"):
        sofstat.read_staffing(text)


def test_period_argument_must_be_year_month(table3_text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        sofstat.read_staffing(table3_text, period="H1")


def test_non_ascii_digits_are_not_codes():
    text = "Tabell 3. mars 2024\n٥٢ Socialnämnd 40 38,00 45,0\n52 Socialnämnd 40 38,00 45,0\n"
    with pytest.raises(
        InputError, match="line 2: looks like a table row but has no 2-, 5- or 7-digit unit code"
    ):
        sofstat.read_staffing(text)


def test_department_map_naming_an_unknown_area(staffing, guideline):
    m = sofstat.read_department_map()
    m.loc[0, "area"] = "Finns inte"
    with pytest.raises(InputError, match="names areas that Table 1 does not have: Finns inte"):
        sofstat.staff_per_manager(staffing, guideline, m)


# --- one fixed case for every kind of bad input --------------------------------------------

STAFFING_HEADER = ";".join(CSV_COLUMNS)
SURVEY_HEADER = "år;fråga;grupp;enhet;svar;andel;antal_svar"
MONTHLY_HEADER = "månad;grupp;sjuktimmar;ordinarie_timmar;antal_anställda"
RATES_HEADER = "år;grupp;sjuktal;antal_anställda"
GUIDELINE_HEADER = "avdelning;antal_medarbetare_per_chef"
ROW_34 = "5200305 Tingsbrogården 44 40,27 48,4 "  # line 34 of Table 3

#: kind -> (reader, file name, header, a good first data line); the bad line is line 3.
KINDS = {
    "staffing_csv": (
        read_staffing,
        "bemanning_2024-03.csv",
        STAFFING_HEADER,
        "52;Socialnämnd;1 555;1 498,42;47,2;",
    ),
    "survey": (read_survey, "enkat.csv", SURVEY_HEADER, "2024;delaktig_beslut;medarbetare;52;negativ;5;100"),
    "sick_monthly": (read_sick_leave, "sjuk.csv", MONTHLY_HEADER, "2024-01;chefer;10;1000;12"),
    "sick_rates": (read_sick_leave, "sjuk.csv", RATES_HEADER, "2023;chefer;2,0;12"),
    "guideline": (read_guideline, "grundtal.csv", GUIDELINE_HEADER, "Hemsjukvården;30"),
}


def _file(tmp_path: Path, kind: str, bad: str, encoding: str = "utf-8"):
    """Write a file of ``kind`` whose line 3 is ``bad``; return (reader, path, line, text)."""
    if kind == "staffing_txt":
        text = _replace(TABLE3.read_text(encoding="utf-8"), ROW_34, bad)
        path = tmp_path / "2024-03" / "tabell3.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode(encoding, "surrogatepass"))
        return read_staffing, path, 34, bad
    reader, name, header, good = KINDS[kind]
    path = tmp_path / name
    path.write_bytes(f"{header}\n{good}\n{bad}\n".encode(encoding, "surrogatepass"))
    return reader, path, 3, bad


#: Where a number goes, per kind: a template with {} for the number, and whether it has decimals.
NUMBER_FIELDS = [
    ("staffing_txt", "5200305 Tingsbrogården {} 40,27 48,4 ", False),
    ("staffing_txt", "5200305 Tingsbrogården 44 {} 48,4 ", True),
    ("staffing_txt", "5200305 Tingsbrogården 44 40,27 {} ", True),
    ("staffing_csv", "5200305;Tingsbrogården;{};40,27;48,4;", False),
    ("staffing_csv", "5200305;Tingsbrogården;44;{};48,4;", True),
    ("staffing_csv", "5200305;Tingsbrogården;44;40,27;{};", True),
    ("staffing_csv", "5200305;Tingsbrogården;44;40,27;48,4;{}", False),
    ("survey", "2024;delaktig_beslut;medarbetare;52;positiv;{};100", True),
    ("survey", "2024;delaktig_beslut;medarbetare;52;positiv;60;{}", False),
    ("sick_monthly", "2024-02;chefer;{};1000;12", True),
    ("sick_monthly", "2024-02;chefer;10;{};12", True),
    ("sick_monthly", "2024-02;chefer;10;1000;{}", False),
    ("sick_rates", "2024;chefer;{};12", True),
    ("sick_rates", "2024;chefer;2,0;{}", False),
    ("guideline", "Hemtjänsten;{}", False),
]


def _ids(fields):
    return [f"{kind}:{template.replace(' ', '_')}" for kind, template, _ in fields]


@pytest.mark.parametrize(("kind", "template", "decimal"), NUMBER_FIELDS, ids=_ids(NUMBER_FIELDS))
@pytest.mark.parametrize("digits", [20, 21, 309, 400, 5000])
def test_numbers_of_20_to_5000_digits(tmp_path, kind, template, decimal, digits):
    rng = random.Random(digits)
    huge = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(digits - 1))
    for number in (huge + ",5" if decimal else huge, f"4,{huge}"):  # digits before, or after, the comma
        reader, path, line, text = _file(tmp_path, kind, template.format(number))
        exc = _expect(reader, path, line, text)
        if kind == "staffing_txt":
            assert "cannot be read" in exc.reason
        else:
            assert f"has {sum(c.isdigit() for c in number)} digits, more than 15" in exc.reason


@pytest.mark.parametrize(("kind", "template", "decimal"), NUMBER_FIELDS, ids=_ids(NUMBER_FIELDS))
@pytest.mark.parametrize("minus", ["-", "\u2212"])
def test_negative_numbers(tmp_path, kind, template, decimal, minus):
    number = minus + ("52,5" if decimal else "12")
    reader, path, line, text = _file(tmp_path, kind, template.format(number))
    exc = _expect(reader, path, line, text)
    assert "negative" in exc.reason or "outside" in exc.reason, exc.reason


@pytest.mark.parametrize(("kind", "template", "decimal"), NUMBER_FIELDS, ids=_ids(NUMBER_FIELDS))
@pytest.mark.parametrize("zero", [0x0660, 0xFF10], ids=["arabic-indic", "fullwidth"])
def test_unicode_digits_are_not_digits(tmp_path, kind, template, decimal, zero):
    number = "".join(chr(zero + int(d)) if d.isdigit() else d for d in ("12,5" if decimal else "12"))
    reader, path, line, text = _file(tmp_path, kind, template.format(number))
    exc = _expect(reader, path, line, text)
    if kind == "staffing_txt":
        assert "cannot be read" in exc.reason
    else:
        assert "only the digits 0–9 are read" in exc.reason


@pytest.mark.parametrize(
    ("kind", "bad", "reason"),
    [
        ("staffing_txt", "٥٢٠٠٣٠٥ Tingsbrogården 44 40,27 48,4 ", "no 2-, 5- or 7-digit unit code"),
        ("staffing_csv", "５２００３０５;Tingsbrogården;44;40,27;48,4;", "is not 2, 5 or 7 digits"),
        ("survey", "٢٠٢٤;delaktig_beslut;medarbetare;52;positiv;60;100", "is not a four-digit year"),
        ("survey", "2024;delaktig_beslut;medarbetare;５２;positiv;60;100", "is not 2, 5 or 7 digits"),
        ("sick_monthly", "２０２４-02;chefer;10;1000;12", "is not YYYY-MM"),
        ("sick_rates", "٢٠٢٤;chefer;2,0;12", "is not a four-digit year"),
    ],
)
def test_unicode_digits_in_codes_and_dates(tmp_path, kind, bad, reason):
    reader, path, line, text = _file(tmp_path, kind, bad)
    _expect(reader, path, line, text, reason)


CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028"]
ALL_KINDS = ["staffing_txt", "staffing_csv", "survey", "sick_monthly", "guideline"]
GOOD_LINES = {
    "staffing_txt": ROW_34,
    "staffing_csv": "5200305;Tingsbrogården;44;40,27;48,4;",
    "survey": "2024;delaktig_beslut;medarbetare;52;positiv;60;100",
    "sick_monthly": "2024-02;chefer;10;1000;12",
    "guideline": "Hemtjänsten;30",
}


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("char", CONTROL, ids=[f"U+{ord(c):04X}" for c in CONTROL])
def test_control_characters_and_nul_bytes(tmp_path, kind, char):
    good = GOOD_LINES[kind]
    bad = good[:9] + char + good[9:]
    reader, path, line, text = _file(tmp_path, kind, bad)
    exc = _expect(reader, path, line, text, f"control character U+{ord(char):04X}")
    assert len(exc.problems) == 1


def test_control_characters_on_several_lines_are_all_listed(table3_text):
    text = table3_text.replace("Kilåkern", "Kil\x00åkern").replace("Syrengården", "Syren\x1bgården")
    exc = _expect(read_staffing, text.encode("utf-8"), 36, "5200306 Kil\x00åkern 24 22,31 48,2 ")
    assert [(p.line, p.reason) for p in exc.problems] == [
        (36, "control character U+0000 (NUL) in the line"),
        (40, "control character U+001B in the line"),
    ]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_line_of_one_megabyte_is_refused_at_once(tmp_path, kind):
    """No limit on time is asserted (see the printed time); the read must return with InputError."""
    good = GOOD_LINES[kind]
    bad = good[:9] + "x" * 1_000_000 + good[9:]
    reader, path, line, text = _file(tmp_path, kind, bad)
    start = time.perf_counter()
    exc = _expect(reader, path, line, text, f"line of {len(bad)} characters, more than 10000")
    print(f"{kind}: refused in {time.perf_counter() - start:.4f} s")
    assert len(str(exc)) < 1000  # the message quotes the start of the line only


def test_a_line_of_one_megabyte_as_text_and_in_a_workbook(tmp_path, table3_text):
    bad = "5200999 " + "x" * 1_000_000 + " 3 3,00 40,0"
    start = time.perf_counter()
    _expect(read_staffing, table3_text + bad + "\n", 144, bad, "line of 1000020 characters")
    print(f"refused in {time.perf_counter() - start:.4f} s")
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(CSV_COLUMNS)
    wb.active.append(["52", "Socialnämnd", 1555, 1498.42, 47.2, None])
    wb.active.append(["5200999", "x" * 30_000, 3, 3, 40, None])
    p = tmp_path / "bemanning_2024-03.xlsx"
    wb.save(p)
    _expect(read_staffing, p, 3, "5200999;" + "x" * 30_000 + ";3;3;40", "line of 30015 characters")


@pytest.mark.parametrize("kind", ["staffing_txt", "staffing_csv", "survey", "sick_monthly", "guideline"])
def test_utf16_without_a_byte_order_mark(tmp_path, kind):
    good = GOOD_LINES[kind]
    for encoding in ("utf-16-le", "utf-16-be"):
        reader, path, _, _ = _file(tmp_path, kind, good, encoding)
        first = path.read_bytes().decode(encoding).split("\n")[0]
        _expect(reader, path, 1, first, f"{encoding.upper()} without a byte-order mark")


@pytest.mark.parametrize("kind", ["staffing_csv", "survey", "sick_monthly", "guideline"])
def test_utf16_with_a_byte_order_mark_and_windows_1252_are_read(tmp_path, kind):
    good = GOOD_LINES[kind]
    results = []
    for encoding in ("utf-8", "utf-16", "cp1252"):
        reader, path, _, _ = _file(tmp_path, kind, good, encoding)
        results.append(reader(path).drop(columns=["source"], errors="ignore"))
    assert results[0].equals(results[1]) and results[0].equals(results[2])
    assert len(results[0]) == 2


def test_damaged_utf16(tmp_path):
    p = tmp_path / "t_2024-03.txt"
    p.write_bytes("Tabell 3".encode("utf-16") + b"\x00\xd8")  # a lone surrogate at the end
    _expect(read_staffing, p, None, "", "damaged UTF-16 text")


def _workbook_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(CSV_COLUMNS)
    wb.active.append(["52", "Socialnämnd", 1555, 1498.42, 47.2, None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _damaged_sheet() -> bytes:
    """A sound zip whose worksheet XML is cut in half."""
    with zipfile.ZipFile(io.BytesIO(_workbook_bytes())) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    sheet = files["xl/worksheets/sheet1.xml"]
    files["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    return _zip(files)


DAMAGED_XLSX = {
    "truncated zip": lambda: _workbook_bytes()[: len(_workbook_bytes()) // 2],
    "random bytes": lambda: random.Random(1).randbytes(5000),
    "empty zip": lambda: _zip({}),
    "empty file": lambda: b"",
    "zip of something else": lambda: _zip({"readme.txt": b"hello"}),
    "text named .xlsx": lambda: f"{STAFFING_HEADER}\n52;Socialnämnd;1 555;1 498,42;47,2;\n".encode(),
    "damaged sheet xml": _damaged_sheet,
}


@pytest.mark.parametrize("damage", list(DAMAGED_XLSX))
@pytest.mark.parametrize(
    "reader", [read_staffing, read_survey, read_sick_leave, read_guideline, read_department_map]
)
def test_damaged_workbook(tmp_path, reader, damage):
    p = tmp_path / "data_2024-03.xlsx"
    p.write_bytes(DAMAGED_XLSX[damage]())
    exc = _expect(reader, p, None, "", "not a readable .xlsx file")
    assert len(exc.problems) == 1


def test_a_workbook_that_unpacks_to_too_much(tmp_path, monkeypatch):
    data = _workbook_bytes()
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert len(data) < 8000 < unpacked
    monkeypatch.setattr(config, "MAX_FILE_BYTES", 8000)
    p = tmp_path / "bemanning_2024-03.xlsx"
    p.write_bytes(data)
    _expect(read_staffing, p, None, "", f"unpacks to {unpacked} bytes, more than the 8000 accepted")


READERS = {
    "staffing_txt": (read_staffing, ".txt"),
    "staffing_csv": (read_staffing, ".csv"),
    "staffing_xlsx": (read_staffing, ".xlsx"),
    "survey": (read_survey, ".csv"),
    "sick_leave": (read_sick_leave, ".csv"),
    "guideline": (read_guideline, ".csv"),
    "department_map": (read_department_map, ".csv"),
    "activities": (lambda p: read_activities(p, set()), ".csv"),
}


@pytest.mark.parametrize("kind", list(READERS))
def test_a_folder_a_missing_file_and_impossible_names(tmp_path, kind):
    reader, suffix = READERS[kind]
    folder = tmp_path / f"mapp_2024-03{suffix}"
    folder.mkdir()
    _expect(reader, folder, None, "", "is a folder, not a file")
    _expect(reader, tmp_path, None, "", "is a folder, not a file")
    _expect(
        reader, tmp_path / f"saknas_2024-03{suffix}", None, "", "cannot be read: No such file or directory"
    )
    long = tmp_path / ("a" * 5000 + suffix)
    with pytest.raises(InputError) as info:
        reader(long)
    assert info.value.source == str(long)[:300] and info.value.line is None and info.value.text == ""
    assert "cannot be read: File name too long" == info.value.reason
    with pytest.raises(InputError, match="cannot be read: embedded null byte"):
        reader(str(tmp_path / f"nul\x00{suffix}"))


def test_damaged_unit_code_with_a_name_ending_in_a_full_stop(table3_text):
    """``520O708`` (letter O): not a row, and not to be read as debris (67 rows)."""
    bad = "520O708 Beroendevård utörarverks. 17 16,50 48,0 "
    text = _replace(table3_text, "5200708 Beroendevård utörarverks. 17 16,50 48,0 ", bad)
    _expect(read_staffing, text, 129, bad, "looks like a table row but has no 2-, 5- or 7-digit unit code")


def _staffing_csv(tmp_path, rows: list[str]) -> Path:
    p = tmp_path / "bemanning_2024-03.csv"
    p.write_text("\n".join([STAFFING_HEADER, *rows]) + "\n", encoding="utf-8")
    return p


def test_a_stray_quote_in_a_staffing_csv_cell(tmp_path):
    """An opening quote with no close: refused on its own line, never joined with the next."""
    bad = '5200307;"Roma Äldreboende;56;54,80;45,6;2'
    rows = ["52;Socialnämnd;1 555;1 498,42;47,2;", bad, '5200308;Syrengården";23;22,20;50,0;']
    exc = _expect(
        read_staffing,
        _staffing_csv(tmp_path, rows),
        3,
        bad,
        "the enhetsnamn cell opens a quote it does not close",
    )
    assert [p.line for p in exc.problems] == [3]
    assert "\n" not in exc.text
    # the same lines with the quote removed are three rows: nothing was joined
    rows[1] = bad.replace('"', "")
    df = read_staffing(_staffing_csv(tmp_path, rows))
    assert df["unit_name"].tolist() == ["Socialnämnd", "Roma Äldreboende", 'Syrengården"']
    assert df.attrs["read"].lines[:, 0].tolist() == [2, 3, 4]


def test_a_stray_quote_in_a_number_cell(tmp_path):
    bad = '5200307;Roma Äldreboende;"56;54,80;45,6;2'
    _expect(
        read_staffing,
        _staffing_csv(tmp_path, ["52;Socialnämnd;1 555;1 498,42;47,2;", bad]),
        3,
        bad,
        "the antal_tillsvidareanställda cell opens a quote",
    )


def test_a_semicolon_inside_a_quoted_name(tmp_path):
    """Every line is one record of ;-separated cells: a ; in quotes is refused, not read as RFC 4180 does."""
    bad = '5200314;"Pjäsen; del";115*;105,46;45,8;4'
    path = _staffing_csv(tmp_path, ["52;Socialnämnd;1 555;1 498,42;47,2;", bad])
    _expect(read_staffing, path, 3, bad, "7 cells but the header has 6", "not even in quotes")
    bad = '5200314;"Pjäsen; del";115*;105,46;45,8'  # six cells: the quote is what is wrong
    path = _staffing_csv(tmp_path, ["52;Socialnämnd;1 555;1 498,42;47,2;", bad])
    _expect(read_staffing, path, 3, bad, "opens a quote it does not close")


def test_every_problem_of_a_text_table_is_listed_in_line_order(table3_text):
    text = table3_text
    for old, new in [
        ("5200308 Syrengården 23 22,20 50,0", "5200304 Syrengården 23 22,20 50,0"),  # duplicate (line 40)
        ("5200305 Tingsbrogården 44 40,27 48,4", "5200305 Tingsbrogården 44 45,27 48,4"),  # FTE (line 34)
        ("5200306 Kilåkern 24 22,31 48,2", "5200306 Kilåkern 24 22,31"),  # unreadable (line 36)
    ]:
        text = _replace(text, old, new)
    exc = _expect(read_staffing, text, 34, "5200305 Tingsbrogården 44 45,27 48,4 ", "FTE (45.27) above")
    assert [(p.line, p.reason.split(":")[0]) for p in exc.problems] == [
        (34, "FTE (45.27) above headcount (44)"),
        (36, "starts like a row but cannot be read"),
        (40, "duplicate unit code 5200304 (first on line 32)"),
    ]
    assert [p.text for p in exc.problems] == [
        "5200305 Tingsbrogården 44 45,27 48,4 ",
        "5200306 Kilåkern 24 22,31 ",
        "5200304 Syrengården 23 22,20 50,0 ",
    ]
    assert str(exc).endswith("(and 2 more problems in this file)")


def test_every_problem_of_a_csv_is_listed_in_line_order(tmp_path):
    rows = [
        "52;Socialnämnd;1 555;1 498,42;47,2;",
        "520;Fel kod;1;1;40;",
        "5200101;FTE över;5;6;40;",
        "5200102;Ingen siffra;x;5;40;",
        "5200101;Dubblett;5;5;40;",
    ]
    exc = _expect(read_staffing, _staffing_csv(tmp_path, rows), 3, rows[1], "unit code '520'")
    assert [(p.line, p.text) for p in exc.problems] == [(n, rows[n - 2]) for n in (3, 4, 5, 6)]
    assert [p.reason for p in exc.problems] == [
        "unit code '520' is not 2, 5 or 7 digits",
        "FTE (6.0) above headcount (5)",
        "headcount 'x' is not a number",
        "duplicate unit code 5200101 (first on line 4)",
    ]


def test_every_problem_of_a_survey_is_listed(tmp_path):
    rows = [
        "2024;delaktig_beslut;medarbetare;52;positiv;60;100",
        "2024;okand;medarbetare;52;positiv;60;100",
        "2024;delaktig_beslut;medarbetare;52;neutral;-1;100",
        "2024;delaktig_beslut;medarbetare;52;negativ;10;1e2",
    ]
    p = tmp_path / "enkat.csv"
    p.write_text("\n".join([SURVEY_HEADER, *rows]) + "\n", encoding="utf-8")
    exc = _expect(read_survey, p, 3, rows[1], "unknown question id 'okand'")
    assert [p.line for p in exc.problems] == [3, 4, 5]


def test_catalogue_errors_are_catalog_errors(tmp_path):
    p = tmp_path / "periods.yml"
    p.write_bytes(b"periods:\n  2024-H1:\n    staffing: x\x00\n")
    with pytest.raises(CatalogError, match="NUL"):
        load_catalog(p)
    with pytest.raises(CatalogError, match="is a folder, not a file"):
        load_catalog(tmp_path)
    p.write_text(
        f"periods:\n  2024-H1:\n    staffing: {tmp_path}\n    guideline: {TABLE1}\n", encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="staffing: is a folder, not a file"):
        load_catalog(p)
    p.write_bytes("periods: {}\n".encode("utf-16-le"))
    with pytest.raises(CatalogError, match="without a byte-order mark"):
        load_catalog(p)


# --- failures found by the fuzzer (tests/fuzzing.py), kept -----------------------------------


def test_a_cell_beyond_the_header_is_not_dropped(tmp_path):
    """pandas dropped a seventh cell in silence ("loss of data" was only a warning)."""
    bad = "5200307;Roma Äldreboende;56;54,80;45,6;2;57"
    _expect(
        read_staffing,
        _staffing_csv(tmp_path, ["52;Socialnämnd;1 555;1 498,42;47,2;", bad]),
        3,
        bad,
        "7 cells but the header has 6",
    )
    p = tmp_path / "grundtal.csv"
    p.write_text(f"{GUIDELINE_HEADER}\nHemtjänsten;30;x\n", encoding="utf-8")
    _expect(read_guideline, p, 2, "Hemtjänsten;30;x", "3 cells but the header has 2")
    # empty cells after the last column (Excel writes them) are fine
    p.write_text(f"{GUIDELINE_HEADER}\nHemtjänsten;30;;;\n", encoding="utf-8")
    assert read_guideline(p)["base"].tolist() == [30]


@pytest.mark.parametrize(
    "number", ["+46", "1e1", "10.", "10,", ",5", "Infinity", "1_0", "0x10", "50,000000000000000001"]
)
def test_numbers_follow_one_grammar_in_every_file(tmp_path, number):
    """The C parser read ``+46``, ``1e1``, ``10.`` as numbers where the published text refused them."""
    for kind, template in [
        ("staffing_csv", "5200305;Tingsbrogården;44;{};48,4;"),
        ("survey", "2024;delaktig_beslut;medarbetare;52;positiv;{};100"),
        ("sick_monthly", "2024-02;chefer;{};1000;12"),
        ("guideline", "Hemtjänsten;{}"),
    ]:
        reader, path, line, text = _file(tmp_path, kind, template.format(number))
        _expect(reader, path, line, text, "is not a number" if len(number) < 16 else "more than 15")


def test_a_percent_sign_only_after_the_share(tmp_path):
    """``5%0`` was read as 50 %: every % in the cell was removed."""
    for share in ("5%0", "50%%", "%50"):
        bad = f"2024;delaktig_beslut;medarbetare;52;positiv;{share};100"
        reader, path, line, text = _file(tmp_path, "survey", bad)
        _expect(reader, path, line, text, f"share {share!r} is not a number")
    reader, path, _, _ = _file(tmp_path, "survey", "2024;delaktig_beslut;medarbetare;52;positiv;50 %;100")
    assert reader(path)["share"].tolist() == [5.0, 50.0]


def test_a_tab_is_a_space_whatever_else_the_file_holds(tmp_path):
    """A tab in a group name stayed a tab unless the file also held a no-break space."""
    p = tmp_path / "sjuk.csv"
    p.write_text(f"{MONTHLY_HEADER}\n2024-01;avdelnings\tchefer;10;1000;12\n", encoding="utf-8")
    assert read_sick_leave(p)["group"].tolist() == ["avdelnings chefer"]


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        # two rows run together on one line: the second became part of the first's name
        (
            "5200305 Tingsbrogården 44 40,27 48,4 \n\n5200306 Kilåkern 24 22,31 48,2 ",
            "5200305 Tingsbrogården 44 40,27 48,4 5200306 Kilåkern 24 22,31 48,2 ",
            34,
            "two rows on one line",
        ),
        # a row without its numbers, then a row without its name: silently one row
        (
            "5200305 Tingsbrogården 44 40,27 48,4 \n\n5200306 Kilåkern 24 22,31 48,2 ",
            "5200305 Tingsbrogården \n5200306 24 22,31 48,2 ",
            34,
            "expected a name, headcount, FTE and mean age",
        ),
        # the same through a (*N chefer) marker on the first line
        (
            "5200305 Tingsbrogården 44 40,27 48,4 \n\n5200306 Kilåkern 24 22,31 48,2 ",
            "5200305 Tingsbrogården (*2 chefer) \n5200306 Kilåkern 24* 22,31 48,2 ",
            34,
            "expected a name, headcount, FTE and mean age",
        ),
        # a damaged code on the next line, swallowed as a wrapped name
        (
            "5200305 Tingsbrogården 44 40,27 48,4 \n\n5200306 Kilåkern 24 22,31 48,2 ",
            "5200305 Tingsbrogården \n520030 Kilåkern 24 22,31 48,2 ",
            34,
            "expected a name, headcount, FTE and mean age",
        ),
        # a minus sign apart from the headcount became part of the name
        (
            "5200305 Tingsbrogården 44 40,27 48,4 ",
            "5200305 Tingsbrogården - 44 40,27 48,4 ",
            34,
            "minus sign",
        ),
        # a name of digits only was read by the fast pass, refused by the slow one
        ("5200305 Tingsbrogården 44 40,27 48,4 ", "5200305 12 44 40,27 48,4 ", 34, "cannot be read"),
        # 16 digits in the mean age: the fast pass read them, the slow one refused
        (
            "5200305 Tingsbrogården 44 40,27 48,4 ",
            "5200305 Tingsbrogården 44 40,27 48,40000000000000 ",
            34,
            "15 digits",
        ),
        # a line cut inside the FTE
        ("5200305 Tingsbrogården 44 40,27 48,4 \n", "5200305 Tingsbrogården 44 40\n", 34, "cannot be read"),
    ],
)
def test_rows_are_never_merged_or_misread_in_silence(table3_text, old, new, line, reason):
    text = _replace(table3_text, old, new)
    exc = _expect(read_staffing, text, line, text.split("\n")[line - 1], reason)
    assert "starts like a row but cannot be read" in exc.reason


def test_a_title_running_into_a_row_is_not_debris(table3_text):
    """A title line was debris whatever followed ``Tabell 3``: the row on it was lost (67 rows)."""
    row = "5200306 Kilåkern 24 22,31 48,2"
    text = _replace(table3_text, row + " \n", "\n")
    first = text.split("\n")[0].rstrip() + " " + row
    text = first + "\n" + text.split("\n", 1)[1]
    _expect(read_staffing, text, 1, first, "a table title that ends in a row's numbers")


def test_c1_controls_and_line_separators_are_control_characters(table3_text):
    for char in ("\x85", "\x9b", "\u2028", "\u2029"):
        text = table3_text.replace("Kilåkern", f"Kil{char}åkern")
        _expect(read_staffing, text, 36, f"5200306 Kil{char}åkern 24 22,31 48,2 ", f"U+{ord(char):04X}")


def test_a_table_pasted_twice_lists_every_repeated_code_with_its_first_line(table3_text):
    """Each repeat names the line of the first; found in review (the search for it was quadratic)."""
    body = table3_text.split("\n", 8)[8]  # the rows, from line 9 on
    text = table3_text + body
    start = time.perf_counter()
    exc = _expect(read_staffing, text, 145, "52 Socialnämnd 1 555 1 498,42 47,2 ")
    print(f"read in {time.perf_counter() - start:.3f} s")
    assert len(exc.problems) == 68
    assert exc.problems[0].reason == "duplicate unit code 52 (first on line 10)"
    assert exc.problems[-1].line == 277 and exc.problems[-1].reason.endswith("(first on line 142)")


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u202a"])
def test_bidirectional_override_in_a_name_is_refused(table3_text, char):
    text = table3_text.replace("5200306 Kilåkern", f"5200306 Kil{char}åkern", 1)
    with pytest.raises(InputError, match=rf"control character U\+{ord(char):04X} in the line") as info:
        sofstat.read_staffing(text)
    assert info.value.line == _line_no(text, "5200306 Kil")


# --- large inputs: the text check on the bytes (readers/fast.py) finds what the line-by-line one finds ---


@pytest.mark.parametrize("kind", ["staffing_csv", "staffing_txt", "survey"])
def test_control_characters_and_long_lines_in_a_large_input(tmp_path, kind):
    if kind == "staffing_txt":
        rows = [f"{5200000 + i:07d} Enhet {i} 20 19,00 44,0 " for i in range(600)]
        header, reader, name = "Tabell 3. mars 2024", read_staffing, "tabell3_2024-03.txt"
    elif kind == "staffing_csv":
        rows = [f"{5200000 + i:07d};Enhet {i};20;19,00;44,0;" for i in range(600)]
        header, reader, name = STAFFING_HEADER, read_staffing, "bemanning_2024-03.csv"
    else:
        rows = [f"2024;delaktig_beslut;medarbetare;{5200000 + i:07d};positiv;60;10" for i in range(600)]
        header, reader, name = SURVEY_HEADER, read_survey, "enkat.csv"
    clean = tmp_path / name
    clean.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert len(reader(clean)) > 0  # over 10 000 characters, and readable
    rows[99] = rows[99][:12] + "\x1b" + rows[99][12:]
    rows[399] = rows[399] + "x" * config.MAX_LINE_LENGTH
    rows[499] = rows[499][:9] + "\x85" + rows[499][9:]
    damaged = tmp_path / ("skadad_" + name)
    damaged.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    exc = _expect(reader, damaged, 101, rows[99], "control character U+001B")
    assert [(p.line, p.reason.split(" ")[0]) for p in exc.problems] == [
        (101, "control"),
        (401, "line"),
        (501, "control"),
    ]
