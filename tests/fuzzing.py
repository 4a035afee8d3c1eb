"""A seeded mutation fuzzer for the readers (importable; also a script).

Every target reader is fed damaged copies of real (or synthetic) input files.
Each damaged input applies 1–4 mutations drawn from :data:`MUTATIONS` (byte
flips, deleted/inserted/swapped characters, truncation, deleted/duplicated/
swapped/joined/split lines, re-encoding, NUL bytes, huge, negative and
non-ASCII numbers, no-break spaces, formula and HTML text, very long lines,
a file path turned into its folder); about one input in a hundred is a folder
where a file was expected. Workbooks are damaged in their cells (the damaged
CSV written as a workbook) or as files (the zip, or one XML part inside it,
or a wrong declared size). Input ``index`` of a target
is a pure function of ``(seed, target, index)``, so any failure can be
reproduced alone (``--target T --index I --save FILE``).

Outcomes:

- ``ok``: the reader returned, and the silent-loss oracle of the target holds;
- ``input_error``: :class:`sofstat.InputError` (:class:`sofstat.CatalogError`
  for the catalogue);
- failures: ``exception`` (any other exception), ``hang`` (more than
  :data:`HANG_SECONDS`; inputs run in worker processes that are killed and
  restarted when they do not answer) and ``loss`` (the reader returned but the
  oracle found a line or row that went missing in silence).

Run ``.venv/bin/python tests/fuzzing.py --count 10000 --seed 1``: it prints the
outcomes per target and exits non-zero when there was any failure.
"""

from __future__ import annotations

import argparse
import atexit
import multiprocessing
import multiprocessing.connection
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the tests folder importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from published_table3 import PUBLISHED  # noqa: E402
from published_table3 import swedish as _swedish  # noqa: E402

from sofstat import CatalogError, InputError, config  # noqa: E402
from sofstat.readers.catalog import load_catalog  # noqa: E402
from sofstat.readers.guideline import read_department_map, read_guideline  # noqa: E402
from sofstat.readers.numbers import normalise_spaces  # noqa: E402
from sofstat.readers.programme import read_activities, read_conclusions, read_needs  # noqa: E402
from sofstat.readers.published import debris_kind  # noqa: E402
from sofstat.readers.sickleave import read_sick_leave  # noqa: E402
from sofstat.readers.source import load_text  # noqa: E402
from sofstat.readers.staffing import CSV_COLUMNS, read_staffing  # noqa: E402
from sofstat.readers.survey import read_questions, read_survey  # noqa: E402
from sofstat.vocabulary import Respondents, input_words  # noqa: E402

#: An input that takes longer than this (seconds) counts as a hang.
HANG_SECONDS = 2.0
#: Extra time the parent gives a worker before killing it (process scheduling, pipes).
_GRACE_SECONDS = 1.0
#: Outcomes that are not failures.
GOOD = ("ok", "input_error")
#: Failure outcomes.
FAILURES = ("exception", "hang", "loss")
#: A row's numbers: headcount (thousands spaced, * allowed), FTE and mean age.
_NUM = r"(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)"
_ROW_NUMBERS = re.compile(rf"(?:^| ){_NUM}\*? {_NUM}[,.][0-9]+ [0-9]+[,.][0-9]+(?= |$)")
#: Kinds of page debris that may hold digits (every other line with a digit must be a row).
DIGIT_DEBRIS = {"tabellrubrik", "sidnummer", "sidhuvud (årtal)"}

RAW = config.RAW_DIR
SYNTHETIC = config.TESTS_DIR / "fixtures" / "synthetic"
TABLE3 = RAW / "2024-03" / "tabell3_tillsvidareanstallda_2024-03.txt"

# --- building blocks of damage ------------------------------------------------

ALPHABET = "0123456789 ,.*-;\"'\n\r\t()/%abcÅÄÖåäö\u00a0\u202f\u2212\ufeff\x00"
ENCODINGS = ["cp1252", "latin-1", "utf-16", "utf-16-le", "utf-8-sig", "mac_roman"]
FORMULAS = ["=SUM(A1)", "+46", "@cmd", "-2+3", '=HYPERLINK("http://x")']
HTML = ["<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>', "<script>alert(2)</script>"]
SPACES = ["\u00a0", "\u202f"]
UNICODE_DIGITS = [0x0660, 0xFF10, 0x06F0, 0x0966]  # Arabic-Indic, fullwidth, Persian, Devanagari
_DIGITS = re.compile(r"[0-9]+")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _digit_run(rng: random.Random, text: str) -> re.Match | None:
    runs = list(_DIGITS.finditer(text))
    return rng.choice(runs) if runs else None


def _cell_start(rng: random.Random, text: str) -> int:
    """A position at the start of a cell or line (after ``;``, a line break or a space)."""
    starts = [m.end() for m in re.finditer(r"[;\n ]", text)]
    return rng.choice(starts) if starts else 0


def m_flip(rng, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def m_delete(rng, data: bytes) -> bytes:
    t = _text(data)
    if not t:
        return data
    i = rng.randrange(len(t))
    return _bytes(t[:i] + t[i + rng.randint(1, 8) :])


def m_insert(rng, data: bytes) -> bytes:
    t = _text(data)
    i = rng.randint(0, len(t))
    return _bytes(t[:i] + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6))) + t[i:])


def m_swap(rng, data: bytes) -> bytes:
    t = _text(data)
    if len(t) < 2:
        return data
    i = rng.randrange(len(t) - 1)
    return _bytes(t[:i] + t[i + 1] + t[i] + t[i + 2 :])


def m_truncate(rng, data: bytes) -> bytes:
    return data[: rng.randint(0, len(data))]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def m_delete_line(rng, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def m_duplicate_line(rng, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return b"\n".join(lines)


def m_swap_lines(rng, data: bytes) -> bytes:
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def m_join_lines(rng, data: bytes) -> bytes:
    """Delete a line break (two lines run together, as PDF extraction does)."""
    breaks = [i for i, b in enumerate(data) if b == 10]
    if not breaks:
        return data
    i = rng.choice(breaks)
    return data[:i] + rng.choice([b"", b" "]) + data[i + 1 :]


def m_split_line(rng, data: bytes) -> bytes:
    """Insert a line break at a space (a wrapped cell or name)."""
    spaces = [i for i, b in enumerate(data) if b == 32]
    if not spaces:
        return data
    i = rng.choice(spaces)
    return data[:i] + rng.choice([b"\n", b"\n\n", b" \n"]) + data[i + 1 :]


def m_reencode(rng, data: bytes) -> bytes:
    return data.decode("utf-8", "replace").encode(rng.choice(ENCODINGS), "replace")


def m_nul(rng, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        b.insert(rng.randint(0, len(b)), 0)
    return bytes(b)


def m_huge_number(rng, data: bytes) -> bytes:
    t = _text(data)
    m = _digit_run(rng, t)
    n = rng.choice([20, 21, 40, 100, 309, 400, 1000, 5000]) if rng.random() < 0.7 else rng.randint(20, 5000)
    digits = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))
    if m is None:
        return _bytes(digits + t)
    if rng.random() < 0.3:  # after a decimal comma
        digits = m.group() + "," + digits
    return _bytes(t[: m.start()] + digits + t[m.end() :])


def m_negative(rng, data: bytes) -> bytes:
    t = _text(data)
    m = _digit_run(rng, t)
    if m is None:
        return data
    return _bytes(t[: m.start()] + rng.choice(["-", "\u2212", "- "]) + t[m.start() :])


def m_unicode_digits(rng, data: bytes) -> bytes:
    t = _text(data)
    m = _digit_run(rng, t)
    if m is None:
        return data
    zero = rng.choice(UNICODE_DIGITS)
    run = m.group()
    if rng.random() < 0.5:
        new = "".join(chr(zero + int(c)) for c in run)
    else:
        k = rng.randrange(len(run))
        new = run[:k] + chr(zero + int(run[k])) + run[k + 1 :]
    return _bytes(t[: m.start()] + new + t[m.end() :])


def m_spaces(rng, data: bytes) -> bytes:
    t = _text(data)
    space = rng.choice(SPACES)
    if rng.random() < 0.5:
        positions = [i for i, c in enumerate(t) if c == " "]
        if positions:
            i = rng.choice(positions)
            return _bytes(t[:i] + space + t[i + 1 :])
    m = _digit_run(rng, t)
    if m is None or len(m.group()) < 2:
        return _bytes(t.replace(" ", space, rng.randint(1, 5)))
    k = rng.randint(1, len(m.group()) - 1)
    return _bytes(t[: m.start() + k] + space + t[m.start() + k :])


def _put_text(rng, data: bytes, choices: list[str]) -> bytes:
    t = _text(data)
    word = rng.choice(choices)
    if rng.random() < 0.5:  # replace a whole cell
        cells = [m.span() for m in re.finditer(r"[^;\n]+", t)]
        if cells:
            a, b = rng.choice(cells)
            return _bytes(t[:a] + word + t[b:])
    i = _cell_start(rng, t)
    return _bytes(t[:i] + word + t[i:])


def m_formula(rng, data: bytes) -> bytes:
    return _put_text(rng, data, FORMULAS)


def m_html(rng, data: bytes) -> bytes:
    return _put_text(rng, data, HTML)


def m_long_line(rng, data: bytes) -> bytes:
    t = _text(data)
    n = (
        1_000_000
        if rng.random() < 0.05
        else rng.randint(config.MAX_LINE_LENGTH - 5, 3 * config.MAX_LINE_LENGTH)
    )
    filler = rng.choice(["x", "9", " ", "ab ", "1 "]) * n
    i = rng.randint(0, len(t))
    return _bytes(t[:i] + filler[:n] + t[i:])


def m_folder_path(rng, data: bytes) -> bytes:
    """Make a file path in the text (the catalogue's inputs) name its folder instead."""
    t = _text(data)
    paths = list(re.finditer(r"/[^\s:;]+/[^/\s;]+\.(?:csv|txt|xlsx|yml)", t))
    if not paths:
        return data
    m = rng.choice(paths)
    return _bytes(t[: m.start()] + m.group().rsplit("/", 1)[0] + t[m.end() :])


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": m_flip,
    "delete": m_delete,
    "insert": m_insert,
    "swap": m_swap,
    "truncate": m_truncate,
    "delete_line": m_delete_line,
    "duplicate_line": m_duplicate_line,
    "swap_lines": m_swap_lines,
    "join_lines": m_join_lines,
    "split_line": m_split_line,
    "reencode": m_reencode,
    "nul": m_nul,
    "huge_number": m_huge_number,
    "negative": m_negative,
    "unicode_digits": m_unicode_digits,
    "spaces": m_spaces,
    "formula": m_formula,
    "html": m_html,
    "long_line": m_long_line,
    "folder_path": m_folder_path,
}
#: Mutations that damage a file beyond the textual (the rest keep it mostly readable).
_RARE = {"truncate": 0.5, "reencode": 0.5, "long_line": 0.3, "flip": 0.7, "folder_path": 0.3}


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    """Apply 1–4 mutations; return the damaged bytes and the names of the mutations."""
    names = list(MUTATIONS)
    weights = [_RARE.get(n, 1.0) for n in names]
    applied = rng.choices(names, weights, k=rng.choices([1, 2, 3, 4], [4, 3, 2, 1])[0])
    for name in applied:
        data = MUTATIONS[name](rng, data)
    return data, applied


# --- helpers for the oracles ---------------------------------------------------


def _cell(text: str) -> str:
    """A CSV cell as the readers see it: spaces normalised, stripped, one pair of quotes removed."""
    c = normalise_spaces(text).strip()
    if len(c) >= 2 and c.startswith('"') and c.endswith('"'):
        c = c[1:-1].replace('""', '"').strip()
    return c


def _data_lines(data: bytes) -> list[tuple[int, list[str]]]:
    """``(line number, cells)`` of every non-blank line after the header."""
    lines = load_text(data).lines
    head = next((i for i, line in enumerate(lines) if normalise_spaces(line).strip(" ;")), None)
    out = []
    if head is None:
        return out
    for i in range(head + 1, len(lines)):
        cells = [_cell(c) for c in lines[i].split(";")]
        if any(cells):
            out.append((i + 1, cells))
    return out


def oracle_published(data: bytes, df) -> str | None:
    """Every line is accounted for exactly once; a line with a digit is a row or debris that may hold one."""
    lines = load_text(data).lines
    log = df.attrs["read"]
    covered: set[int] = set()
    for first, last in log.lines.tolist():
        span = set(range(first, last + 1))
        if first > last or covered & span:
            return f"row lines {first}-{last} overlap another row or are reversed"
        covered |= span
    debris = {line for line, _, _ in log.debris}
    if len(debris) != len(log.debris) or debris & covered:
        return "a debris line is listed twice or is also part of a row"
    blank = [i for i in range(1, len(lines) + 1) if i not in covered and i not in debris]
    if len(blank) != log.blank or any(lines[i - 1].strip() for i in blank):
        return (
            f"{len(lines)} lines, rows cover {len(covered)}, {len(debris)} debris, "
            f"{log.blank} blank: not every line is accounted for exactly once"
        )
    for line, kind, text in log.debris:
        if text != lines[line - 1] or debris_kind(text) != kind:
            return f"line {line} listed as debris {kind!r} does not read as such: {text[:80]!r}"
        if kind not in DIGIT_DEBRIS and re.search("[0-9]", text):
            return f"line {line} holds a digit but was put aside as {kind!r}: {text[:80]!r}"
        if _ROW_NUMBERS.search(normalise_spaces(text)):
            return f"line {line} holds a row's numbers but was put aside as {kind!r}: {text[:80]!r}"
    codes = df["unit_code"].tolist()
    for k, (first, last) in enumerate(log.lines.tolist()):
        code = codes[k]
        if not normalise_spaces(lines[first - 1]).lstrip().startswith(code + " "):
            return f"row {code} does not start line {first}: {lines[first - 1][:80]!r}"
        joined = " ".join(normalise_spaces(lines[i - 1]) for i in range(first, last + 1)).split()
        if len(_ROW_NUMBERS.findall(" ".join(joined))) != 1:
            return f"row {code} (lines {first}-{last}) does not hold exactly one headcount, FTE and age"
        for i in range(first + 1, last + 1):
            if re.match(r" *[0-9]{5}", normalise_spaces(lines[i - 1])):
                return f"line {i}, which begins with a unit code, was read as part of row {code}"
    return _staffing_values(df)


def _staffing_values(df) -> str | None:
    if not len(df):
        return "no rows returned"
    emp, fte, age, mgr = (df[c].to_numpy() for c in ("employees", "fte", "mean_age", "managers"))
    lo, hi = config.MEAN_AGE_RANGE
    if (fte > emp).any():
        return "FTE above headcount returned"
    if ((age < lo) | (age > hi)).any():
        return "mean age out of range returned"
    if len(set(df["unit_code"].tolist())) != len(df):
        return "duplicate unit codes returned"
    if (emp < 0).any() or (fte < 0).any() or (mgr < 1).any():
        return "negative count returned"
    return None


def oracle_staffing_csv(data: bytes, df) -> str | None:
    """One row per non-blank data line, in order, with that line's unit code."""
    rows = _data_lines(data)
    if len(df) != len(rows):
        return f"{len(rows)} non-blank data lines but {len(df)} rows"
    codes = [cells[0] for _, cells in rows]
    if df["unit_code"].tolist() != codes:
        return "unit codes differ from the first cells of the data lines"
    if df.attrs["read"].lines[:, 0].tolist() != [n for n, _ in rows]:
        return "recorded line numbers differ from the data lines"
    return _staffing_values(df)


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    return _cell(str(value))


def oracle_staffing_xlsx(case: Case, df, path: Path) -> str | None:
    """One row per non-blank worksheet row after the header.

    The rows are those written (:func:`csv_to_xlsx`), or, for a workbook
    damaged as a file, those openpyxl itself finds.
    """
    if case.rows is None:
        from openpyxl import load_workbook

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = wb.worksheets[0]
            sheet.reset_dimensions()
            rows = [[_xlsx_cell(c.value) for c in r if hasattr(c, "value")] for r in sheet.iter_rows()]
        finally:
            wb.close()
    else:
        rows = [[_xlsx_cell(v) for v in r] for r in case.rows]
    head = next((i for i, r in enumerate(rows) if any(r)), None)
    body = [r for r in rows[head + 1 :] if any(r)] if head is not None else []
    if len(df) != len(body):
        return f"{len(body)} non-blank worksheet rows but {len(df)} rows"
    if df["unit_code"].tolist() != [r[0] for r in body]:
        return "unit codes differ from the first cells of the worksheet rows"
    return _staffing_values(df)


_GROUPS = input_words(Respondents)


def oracle_survey(data: bytes, df) -> str | None:
    """Every non-blank data line's (year, question, group, unit) is in the result."""
    got = set(zip(df["year"].tolist(), df["question_id"], df["group"], df["unit_code"], strict=True))
    for line, cells in _data_lines(data):
        key = (int(cells[0]), cells[1], _GROUPS.get(cells[2].lower()), cells[3])
        if key not in got:
            return f"line {line} ({key}) is missing from the result"
    if not df["share"].between(0, 100).all():
        return "share outside 0–100 returned"
    return None


def oracle_sick_leave(data: bytes, df) -> str | None:
    """One row per non-blank data line, in order, with its month or year and group."""
    rows = _data_lines(data)
    if len(df) != len(rows):
        return f"{len(rows)} non-blank data lines but {len(df)} rows"
    key = df["month"] if df.attrs["shape"] == "monthly" else df["year"].astype("str")
    if list(zip(key, df["group"], strict=True)) != [(c[0], c[1]) for _, c in rows]:
        return "month/year and group differ from the data lines"
    if (df["rate"].dropna() < 0).any() or (df["rate"].dropna() > 100).any():
        return "rate outside 0–100 returned"
    return None


def _oracle_first_column(column: str):
    def oracle(data: bytes, df) -> str | None:
        rows = _data_lines(data)
        if len(df) != len(rows):
            return f"{len(rows)} non-blank data lines but {len(df)} rows"
        if df[column].tolist() != [c[0] for _, c in rows]:
            return f"{column} differs from the first cells of the data lines"
        return None

    return oracle


def oracle_catalog(data: bytes, catalog) -> str | None:
    if not catalog.periods:
        return "no periods returned"
    for p in catalog.periods:
        if not {"staffing", "guideline"} <= set(p.inputs):
            return f"period {p.key} lacks staffing or guideline"
        for role, path in p.inputs.items():
            if not Path(path).is_file():
                return f"period {p.key}: {role} is not a file: {path}"
    return None


# --- targets --------------------------------------------------------------------


@dataclass
class Target:
    """A reader, the files its damaged inputs are made from, and its oracle."""

    name: str
    suffix: str
    seeds: list[bytes]
    read: Callable[[Path], object]
    oracle: Callable[..., str | None]
    expected: tuple[type[Exception], ...] = (InputError,)
    to_file: Callable[[bytes, Path], list[list] | None] | None = None  # write the content (a workbook)
    byte_level: float = 0.0  # share of inputs whose written file (not content) is mutated
    workbook: bytes = b""  # the seed as written by to_file (for damage to the file itself)
    warm_up: bool = True  # read the seed once in each worker before timing


def table3_csv() -> bytes:
    """Table 3's 68 known-good rows as a ``;``-CSV in Swedish Excel form."""
    lines = [";".join(CSV_COLUMNS)]
    for code, name, emp, fte, age, managers in PUBLISHED:
        star = "*" if managers > 1 else ""
        lines.append(
            f"{code};{name};{_swedish(emp, 0)}{star};{_swedish(fte, 2)};{_swedish(age, 1)};"
            f"{managers if managers > 1 else ''}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,12}(?:,[0-9]{1,6})?")
_NS = "http://schemas.openxmlformats.org/"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_NS}package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{_NS}officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        f"</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_NS}spreadsheetml/2006/main" xmlns:r="{_NS}officeDocument/2006/relationships">'
        f'<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        f'Type="{_NS}officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_NS}spreadsheetml/2006/main"><fonts count="1"><font/></fonts>'
        f'<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
        f'<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs>'
        f'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def _column(k: int) -> str:
    letters = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def csv_to_xlsx(data: bytes, path: Path) -> list[list]:
    """Write the lines of ``data`` (``;``-separated) as the rows of a workbook; return the rows written.

    Plain numbers are written as numbers, the rest as text (inline strings,
    characters XML cannot hold removed). Written directly, not by openpyxl,
    to be fast.
    """
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    rows, xml = [], []
    for r, line in enumerate(text.split("\n")[:2000], start=1):
        row, cells = [], []
        for k, cell in enumerate(line.split(";")[:50]):
            cell = ILLEGAL_CHARACTERS_RE.sub("", cell)[:32000]
            ref = f"{_column(k)}{r}"
            if _PLAIN_NUMBER.fullmatch(cell):
                number = float(cell.replace(",", "."))
                value = int(number) if number.is_integer() and "," not in cell else number
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            elif cell:
                value = cell
                cells.append(
                    f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(cell)}</t></is></c>'
                )
            else:
                value = None
            row.append(value)
        rows.append(row)
        xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = (
        f'<worksheet xmlns="{_NS}spreadsheetml/2006/main"><sheetData>{"".join(xml)}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, part in _XLSX_PARTS.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + part)
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?>\n' + sheet)
    return rows


def _openpyxl_workbook(data: bytes) -> bytes:
    """The same rows saved by openpyxl (shared strings, styles: as Excel-like as it gets here)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in data.decode("utf-8").replace("\r\n", "\n").split("\n"):
        ws.append([float(c.replace(",", ".")) if _PLAIN_NUMBER.fullmatch(c) else c for c in line.split(";")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _mutate_member(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    """Damage one XML file inside a workbook (the zip itself stays sound)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
    xml_parts = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".xml")]
    cells = [i for i in xml_parts if re.match(r"xl/(worksheets/|sharedStrings)", members[i][0].filename)]
    k = rng.choice(cells if cells and rng.random() < 0.6 else xml_parts)
    info, xml = members[k]
    if rng.random() < 0.3 and info.filename.startswith("xl/worksheets/"):  # a wrong declared size
        xml, applied = (
            re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
            ["dimension"],
        )
    else:
        xml, applied = mutate(rng, xml)
    members[k] = (info, xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member, content in members:
            z.writestr(member, content)
    return out.getvalue(), [f"{info.filename}:{m}" for m in applied]


def _catalog_seed() -> bytes:
    """``data/periods.yml`` with every input rewritten to an absolute path."""
    text = config.PERIODS_FILE.read_text(encoding="utf-8")

    def absolute(m: re.Match) -> str:
        return f"{m.group(1)}{(config.PERIODS_FILE.parent / m.group(2)).resolve()}"

    return re.sub(r"^(\s+\w+: )(raw/\S+)$", absolute, text, flags=re.MULTILINE).encode("utf-8")


def build_targets() -> dict[str, Target]:
    """The targets, their seed files read once."""
    questions = read_questions()
    known_needs = set(read_needs()["need_id"]) | set(read_conclusions()["conclusion_id"])
    csv3 = table3_csv()
    targets = [
        Target("staffing_txt", ".txt", [TABLE3.read_bytes()], read_staffing, oracle_published),
        Target("staffing_csv", ".csv", [csv3], read_staffing, oracle_staffing_csv),
        Target(
            "staffing_xlsx",
            ".xlsx",
            [csv3],
            read_staffing,
            oracle_staffing_xlsx,
            to_file=csv_to_xlsx,
            byte_level=0.4,
            workbook=_openpyxl_workbook(csv3),
        ),
        Target(
            "survey",
            ".csv",
            [
                (RAW / "2023" / "medarbetarundersokning_2023_utgangslage_v2.csv").read_bytes(),
                (SYNTHETIC / "medarbetarundersokning_2024_syntetisk.csv").read_bytes(),
            ],
            lambda p: read_survey(p, questions),
            oracle_survey,
        ),
        Target(
            "sick_leave",
            ".csv",
            [
                (RAW / "2023" / "sjuktal_chefer_2023_v2.csv").read_bytes(),
                (SYNTHETIC / "sjukfranvaro_chefer_2024_syntetisk.csv").read_bytes(),
            ],
            read_sick_leave,
            oracle_sick_leave,
        ),
        Target(
            "guideline",
            ".csv",
            [(RAW / "2024-03" / "tabell1_grundtal.csv").read_bytes()],
            read_guideline,
            _oracle_first_column("area"),
        ),
        Target(
            "department_map",
            ".csv",
            [config.DEPARTMENT_MAP_FILE.read_bytes()],
            read_department_map,
            _oracle_first_column("department_code"),
        ),
        Target(
            "activities",
            ".csv",
            [(config.PLAN_DIR / "aktiviteter_2024-06.csv").read_bytes()],
            lambda p: read_activities(p, known_needs),
            _oracle_first_column("activity_id"),
        ),
        Target("catalog", ".yml", [_catalog_seed()], load_catalog, oracle_catalog, expected=(CatalogError,)),
    ]
    return {t.name: t for t in targets}


# --- one input -----------------------------------------------------------------


@dataclass
class Case:
    """One damaged input, made again from ``(seed, target, index)``."""

    target: str
    index: int
    mutations: list[str]
    content: bytes | None  # None: a folder in place of the file
    rows: list[list] | None = None  # the worksheet rows written (None: the workbook file was damaged)


def make_case(target: Target, seed: int, index: int) -> Case:
    rng = random.Random(f"{seed}:{target.name}:{index}")
    original = rng.choice(target.seeds)
    if rng.random() < 0.01:
        return Case(target.name, index, ["folder"], None)
    data, applied = mutate(rng, original)
    return Case(target.name, index, applied, data)


def write_case(target: Target, case: Case, folder: Path, seed: int) -> Path:
    """Write the input as a file named like a real one (the period in the name); return its path."""
    path = folder / f"fuzz_2024-03{target.suffix}"
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    if case.content is None:
        path.mkdir()
        return path
    if target.to_file is None:
        path.write_bytes(case.content)
        return path
    rng = random.Random(f"{seed}:{target.name}:{case.index}:file")
    if rng.random() < target.byte_level:  # damage the workbook itself, not its cells
        if rng.random() < 0.5:
            data, applied = mutate(rng, target.workbook)
            case.mutations = ["zip:" + m for m in applied]
        else:
            data, applied = _mutate_member(rng, target.workbook)
            case.mutations = applied
        case.rows = None
        path.write_bytes(data)
    else:
        case.rows = target.to_file(case.content, path)
    return path


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def run_case(target: Target, case: Case, folder: Path, seed: int) -> tuple[str, str, float]:
    """Read one input; return ``(outcome, detail, seconds)``."""
    path = write_case(target, case, folder, seed)
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS + _GRACE_SECONDS / 2)
    start = time.perf_counter()
    try:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. openpyxl on a damaged workbook; outcomes count
                result = target.read(path)
        finally:
            elapsed = time.perf_counter() - start
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
    except _Hang:
        return "hang", f"no answer after {HANG_SECONDS} s", time.perf_counter() - start
    except target.expected:
        outcome, detail = "input_error", ""
    except Exception as exc:
        tb = traceback.format_exception(exc)
        return "exception", f"{type(exc).__name__}: {str(exc)[:300]}\n{''.join(tb[-6:])}", elapsed
    else:
        try:
            problem = (
                target.oracle(case, result, path)
                if target.to_file is not None
                else target.oracle(case.content, result)
            )
        except Exception as exc:
            problem = f"the oracle itself failed ({type(exc).__name__}: {exc})"
        outcome, detail = ("loss", problem) if problem else ("ok", "")
    if elapsed > HANG_SECONDS:
        return "hang", f"took {elapsed:.2f} s", elapsed
    return outcome, detail, elapsed


# --- many inputs, in worker processes ------------------------------------------


@dataclass
class Report:
    """Counts of outcomes per target, the failures, and the time taken."""

    counts: dict[str, Counter] = field(default_factory=dict)
    failures: list[tuple[str, int, str, list[str], str]] = field(default_factory=list)
    seconds: float = 0.0
    slowest: dict[str, float] = field(default_factory=dict)

    def add(self, target: str, index: int, outcome: str, detail: str, mutations: list[str], secs: float):
        self.counts.setdefault(target, Counter())[outcome] += 1
        self.slowest[target] = max(self.slowest.get(target, 0.0), secs)
        if outcome in FAILURES:
            self.failures.append((target, index, outcome, mutations, detail))

    def table(self) -> str:
        cols = [*GOOD, *FAILURES]
        head = f"{'target':16}" + "".join(f"{c:>13}" for c in cols) + f"{'slowest s':>11}"
        rows = [head]
        for name, c in self.counts.items():
            rows.append(f"{name:16}" + "".join(f"{c[k]:>13}" for k in cols) + f"{self.slowest[name]:>11.3f}")
        total = sum((c for c in self.counts.values()), Counter())
        rows.append(f"{'total':16}" + "".join(f"{total[k]:>13}" for k in cols))
        return "\n".join(rows)


_TARGETS: dict[str, Target] = {}
_FOLDER: Path | None = None


def _setup() -> tuple[dict[str, Target], Path]:
    global _FOLDER
    if _FOLDER is None:
        _FOLDER = Path(tempfile.mkdtemp(prefix="sofstat-fuzz-"))
        atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)  # workers leave by os._exit: not theirs
    if not _TARGETS:
        _TARGETS.update(build_targets())
    return _TARGETS, _FOLDER


def _worker(conn, seed: int) -> None:
    # A forked worker inherits the parent's coverage tracer but never saves its data (it leaves
    # by os._exit), so under `make test` it would only pay for tracing every line: stop it.
    sys.settrace(None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    targets, _ = _setup()
    folder = Path(tempfile.mkdtemp(prefix="sofstat-fuzz-w-"))
    for t in targets.values():  # warm up: first imports (openpyxl, yaml) are not the reader's time
        if t.warm_up:
            run_case(t, Case(t.name, -1, [], t.seeds[0]), folder, seed)
    conn.send(("ready",))
    try:
        while True:
            job = conn.recv()
            if job is None:
                break
            name, index = job
            target = targets[name]
            case = make_case(target, seed, index)
            outcome, detail, secs = run_case(target, case, folder, seed)
            conn.send((name, index, outcome, detail, case.mutations, secs))
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Worker:
    def __init__(self, ctx, seed: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, seed), daemon=True)
        self.proc.start()
        child.close()
        self.conn.recv()  # ready
        self.job: tuple[str, int] | None = None
        self.started = 0.0

    def send(self, job) -> None:
        self.job, self.started = job, time.perf_counter()
        self.conn.send(job)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()
        self.conn.close()


def run(
    count: int,
    seed: int,
    targets: list[str] | None = None,
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Fuzz every target (or those named) with ``count`` inputs each.

    ``workers=0`` runs in this process (a hang is then caught only where
    Python can be interrupted); otherwise each input runs in one of
    ``workers`` processes, killed and replaced when it does not answer.
    """
    all_targets, folder = _setup()
    names = list(all_targets) if targets is None else targets
    report = Report(counts={n: Counter() for n in names})
    start = time.perf_counter()
    jobs = [(n, i) for i in range(count) for n in names]
    if workers <= 0:
        for n, i in jobs:
            case = make_case(all_targets[n], seed, i)
            outcome, detail, secs = run_case(all_targets[n], case, folder, seed)
            report.add(n, i, outcome, detail, case.mutations, secs)
        report.seconds = time.perf_counter() - start
        return report
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = [_Worker(ctx, seed) for _ in range(workers)]
    pending = list(reversed(jobs))
    done = 0
    try:
        for w in pool:
            if pending:
                w.send(pending.pop())
        while any(w.job for w in pool):
            busy = [w for w in pool if w.job]
            ready = multiprocessing.connection.wait([w.conn for w in busy], timeout=0.25)
            now = time.perf_counter()
            for k, w in enumerate(pool):
                if w.job is None:
                    continue
                if w.conn in ready:
                    try:
                        name, index, outcome, detail, mutations, secs = w.conn.recv()
                    except EOFError:  # the worker died (e.g. killed by the system)
                        name, index = w.job
                        outcome, detail, mutations, secs = "exception", "worker process died", [], 0.0
                        w.kill()
                        pool[k] = w = _Worker(ctx, seed)
                elif now - w.started > HANG_SECONDS + _GRACE_SECONDS:
                    name, index = w.job
                    case = make_case(all_targets[name], seed, index)
                    outcome, detail, mutations, secs = (
                        "hang",
                        "worker killed",
                        case.mutations,
                        now - w.started,
                    )
                    w.kill()
                    pool[k] = w = _Worker(ctx, seed)
                else:
                    continue
                report.add(name, index, outcome, detail, mutations, secs)
                w.job = None
                done += 1
                if progress and done % 1000 == 0:
                    progress(f"{done}/{len(jobs)} inputs, {time.perf_counter() - start:.0f} s")
                if pending:
                    w.send(pending.pop())
    finally:
        for w in pool:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            w.proc.join(timeout=2)
            if w.proc.is_alive():
                w.kill()
    report.seconds = time.perf_counter() - start
    return report


def reproduce(target: str, seed: int, index: int) -> tuple[Case, tuple[str, str, float], Path]:
    """Make and run one input again; the file stays in the fuzzer's folder."""
    targets, folder = _setup()
    case = make_case(targets[target], seed, index)
    result = run_case(targets[target], case, folder, seed)
    return case, result, folder / f"fuzz_2024-03{targets[target].suffix}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="inputs in all (split between the targets)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (0: in this process)")
    parser.add_argument("--target", action="append", help="only this target (repeatable)")
    parser.add_argument("--index", type=int, help="reproduce one input of --target")
    parser.add_argument("--save", type=Path, help="with --index: copy the input file here")
    args = parser.parse_args(argv)
    if args.index is not None:
        if not args.target or len(args.target) != 1:
            parser.error("--index needs exactly one --target")
        case, (outcome, detail, secs), path = reproduce(args.target[0], args.seed, args.index)
        print(f"{args.target[0]} #{args.index}: {outcome} in {secs:.3f} s; mutations {case.mutations}")
        if detail:
            print(detail)
        if args.save:
            (shutil.copytree if path.is_dir() else shutil.copy)(path, args.save)
            print(f"input saved to {args.save}")
        return 1 if outcome in FAILURES else 0
    names = args.target or list(_setup()[0])
    per_target = max(1, -(-args.count // len(names)))
    report = run(per_target, args.seed, names, args.workers, progress=lambda s: print(s, file=sys.stderr))
    print(f"seed {args.seed}, {per_target} inputs per target, {args.workers} workers, {report.seconds:.1f} s")
    print(report.table())
    for target, index, outcome, mutations, detail in report.failures[:50]:
        print(f"\nFAILURE {outcome}: {target} #{index} {mutations}\n  {detail.strip()[:1500]}")
        print(f"  again: {sys.executable} {__file__} --seed {args.seed} --target {target} --index {index}")
    if len(report.failures) > 50:
        print(f"\n... and {len(report.failures) - 50} more failures")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
