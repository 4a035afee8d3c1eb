"""Damaged input: each reader returns a result or raises InputError, nothing else.

Hypothesis mutates the real published Table 3 and the survey and sick-leave
files: deleted, inserted and swapped characters, truncation, random bytes,
another encoding, duplicated lines. Any exception other than InputError is a
bug; when read_staffing returns, every line is accounted for exactly once (a
row or part of one, listed debris, or blank), every line that starts like a
row became a row, and the fast pass agrees with reading line by line. The
profile in conftest.py fixes the seed (derandomize=True). tests/fuzzing.py
does the same at a larger scale, with more kinds of damage.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from conftest import SYNTHETIC, TABLE3
from hypothesis import given
from hypothesis import strategies as st

from sofstat import InputError, config, read_staffing
from sofstat.readers.fast import Digits, factorize_in_order
from sofstat.readers.numbers import normalise_spaces
from sofstat.readers.published import Rows, _read_rest, debris_kind, read_published, starts_like_row
from sofstat.readers.sickleave import read_sick_leave
from sofstat.readers.source import Problems, load_text
from sofstat.readers.survey import read_survey

SURVEY = (SYNTHETIC / "medarbetarundersokning_2024_syntetisk.csv").read_bytes()
SICK = (SYNTHETIC / "sjukfranvaro_chefer_2024_syntetisk.csv").read_bytes()
SURVEY_BASE = (config.RAW_DIR / "2023" / "medarbetarundersokning_2023_utgangslage.csv").read_bytes()
SURVEY_BASE_V2 = (config.RAW_DIR / "2023" / "medarbetarundersokning_2023_utgangslage_v2.csv").read_bytes()
TABLE3_BYTES = TABLE3.read_bytes()

ALPHABET = "0123456789 ,.*-;\n\r\t()/%abcÅÄÖåäö\u00a0\u202f\u2212\ufeff\x00"
#: Kinds of debris that may hold a digit; any other line with a digit must be (part of) a row.
DIGIT_DEBRIS = {"tabellrubrik", "sidnummer", "sidhuvud (årtal)"}


@st.composite
def mutations(draw, original: bytes):
    """Apply 1-4 random damages to ``original``; return the damaged bytes."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "swap", "truncate", "bytes", "encoding", "dupline"]))
        n = len(data)
        if kind == "delete" and n:
            i = draw(st.integers(0, n - 1))
            del data[i : i + draw(st.integers(1, 8))]
        elif kind == "insert":
            i = draw(st.integers(0, n))
            data[i:i] = draw(st.text(ALPHABET, min_size=1, max_size=6)).encode("utf-8")
        elif kind == "swap" and n > 1:
            i = draw(st.integers(0, n - 2))
            data[i], data[i + 1] = data[i + 1], data[i]
        elif kind == "truncate":
            data = data[: draw(st.integers(0, n))]
        elif kind == "bytes" and n:
            i = draw(st.integers(0, n - 1))
            data[i : i + 4] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "encoding":
            enc = draw(st.sampled_from(["cp1252", "latin-1", "utf-16", "utf-8-sig", "mac_roman"]))
            text = bytes(data).decode("utf-8", errors="replace")
            data = bytearray(text.encode(enc, errors="replace"))
        elif kind == "dupline":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def _read_or_input_error(reader, data: bytes, tmp_path, suffix: str):
    path = tmp_path / f"damaged_2024-03{suffix}"
    path.write_bytes(data)
    try:
        return reader(path)
    except InputError:
        return None


def _accounted(data: bytes, df: pd.DataFrame) -> None:
    """Every line of the decoded input is a row's, listed debris or blank: each exactly once."""
    lines = load_text(data).lines
    log = df.attrs["read"]
    covered = [n for first, last in log.lines.tolist() for n in range(first, last + 1)]
    debris = [n for n, _, _ in log.debris]
    assert len(set(covered)) == len(covered), "two rows claim the same line"
    assert not set(covered) & set(debris), "a line is both a row's and debris"
    assert len(covered) + len(debris) + log.blank == len(lines), "not every line is accounted for"
    rest = set(range(1, len(lines) + 1)) - set(covered) - set(debris)
    assert all(not lines[n - 1].strip() for n in rest), "a line neither row nor debris is not blank"
    for n, kind, text in log.debris:
        assert text == lines[n - 1] and debris_kind(text) == kind
        assert kind in DIGIT_DEBRIS or not re.search("[0-9]", text), f"line {n} with a digit put aside"
    for n, (first, _) in enumerate(log.lines.tolist()):
        assert normalise_spaces(lines[first - 1]).lstrip().startswith(df["unit_code"].iloc[n] + " ")


@given(data=mutations(TABLE3_BYTES))
def test_staffing_survives_damage(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("t3")
    df = _read_or_input_error(read_staffing, data, tmp, ".txt")
    if df is None:
        return
    assert isinstance(df, pd.DataFrame) and len(df) > 0
    lines = load_text(data).lines
    consumed = {n for first, last in df.attrs["read"].lines.tolist() for n in range(first, last + 1)}
    rows_expected = {i for i, line in enumerate(lines, start=1) if starts_like_row(line)}
    assert rows_expected <= consumed, "a line that starts like a row did not become a row"
    assert (df["fte"] <= df["employees"]).all()
    assert df["mean_age"].between(16, 75).all()
    assert df["unit_code"].is_unique
    _accounted(data, df)


@given(data=mutations(TABLE3_BYTES))
def test_staffing_text_source_survives_damage(data):
    """The text itself (bytes), not a file: when it reads, every line is accounted for exactly once."""
    try:
        df = read_staffing(data, period="2024-03")
    except InputError:
        return
    assert df["period"].eq("2024-03").all()
    _accounted(data, df)


@given(data=st.one_of(mutations(SURVEY), mutations(SURVEY_BASE), mutations(SURVEY_BASE_V2)))
def test_survey_survives_damage(tmp_path_factory, data):
    df = _read_or_input_error(read_survey, data, tmp_path_factory.mktemp("s"), ".csv")
    if df is not None:
        assert df["share"].between(0, 100).all()
        assert set(df["category"]) <= {"positive", "neutral", "negative"}


@given(data=mutations(SICK))
def test_sick_leave_survives_damage(tmp_path_factory, data):
    df = _read_or_input_error(read_sick_leave, data, tmp_path_factory.mktemp("k"), ".csv")
    if df is not None:
        assert (df["rate"].dropna() >= 0).all()
        assert (df["rate"].dropna() <= 100).all()


def _slow(data: bytes):
    """Every line the slow way (the reference the fast pass must agree with)."""
    text = load_text(data)
    rows, problems = Rows(), Problems(text.name)
    _read_rest(text.lines, [False] * len(text.lines), rows, problems)
    problems.raise_if_any()
    return list(
        zip(rows.code, rows.name, rows.employees, rows.fte, rows.age, rows.managers, rows.first, strict=True)
    )


@given(data=mutations(TABLE3_BYTES))
def test_fast_pass_agrees_with_line_by_line_reading(data):
    try:
        rows, _ = read_published(load_text(data))
    except InputError:
        rows = None
    try:
        reference = _slow(data)
    except InputError:
        reference = None
    assert (rows is None) == (reference is None), "one way reads what the other refuses"
    if rows is None:
        return
    got = list(
        zip(rows.code, rows.name, rows.employees, rows.fte, rows.age, rows.managers, rows.first, strict=True)
    )
    assert got == reference


@given(
    keys=st.lists(st.integers(0, 6), max_size=80).map(sorted)
    | st.lists(st.integers(0, 6), max_size=80)
    | st.lists(st.tuples(st.integers(0, 9), st.integers(1, 12)), max_size=12).map(
        lambda runs: [k for k, n in runs for _ in range(n)]
    )
)
def test_factorize_in_order_numbers_as_pandas_does(keys):
    """Run by run (keys that stand together) or row by row, the numbers are pandas' and
    ``first`` is the row where each number first appears."""
    values = np.asarray(keys, dtype=np.uint64)
    codes, first = factorize_in_order(values)
    expected, uniques = pd.factorize(values)
    assert codes.dtype == np.int64 and codes.tolist() == expected.tolist()
    assert first.tolist() == [keys.index(u) for u in uniques.tolist()]


@given(codes=st.lists(st.text("0123456789", min_size=1, max_size=18), max_size=40), width=st.integers(1, 9))
def test_digits_give_back_their_codes_whole_and_cut(codes, width):
    digits = Digits.of(codes) if codes else Digits(np.zeros(0, np.int64), np.zeros((0, 1), np.uint8))
    whole, cut = digits.strings(), digits.strings(width)
    assert whole.dtype == object and whole.tolist() == codes
    assert cut.tolist() == [c[:width] for c in codes]
