"""The annual employee survey (medarbetarundersökningen): shares per answer.

Input is what a survey tool exports to Swedish Excel: ``;``-separated,
decimal comma, optional ``%`` after the share, UTF-8 (BOM optional) or
Windows-1252, or ``.xlsx``. Header, in this order::

    år;fråga;grupp;enhet;svar;andel;antal_svar[;ungefärlig[;källa]]

``svar`` is 1–5 (1 = stämmer mycket dåligt … 5 = stämmer mycket bra) or
``positiv``/``neutral``/``negativ``; answers are summed into those three
categories (4–5, 3, 1–2). ``andel`` is a percentage, or a fraction such as
``2/3`` where the source only gives one (then ``ungefärlig`` should be ``ja``).
"""

from __future__ import annotations

import re
from fractions import Fraction

import pandas as pd

from . import _io, paths
from .errors import InputError
from .numbers import parse_number

HEADER = ["år", "fråga", "grupp", "enhet", "svar", "andel", "antal_svar"]
OPTIONAL = ["ungefärlig", "källa"]
GROUPS = {"medarbetare", "chefer"}
CATEGORIES = ["positiv", "neutral", "negativ"]
_ANSWER_CATEGORY = {"1": "negativ", "2": "negativ", "3": "neutral", "4": "positiv", "5": "positiv"}
#: Categories of one group may add up to at most this (rounding in exports)...
MAX_TOTAL = 100.5
#: ...and, when all three are given, to at least this.
MIN_TOTAL = 99.5
COLUMNS = [
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
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def read_questions(path: _io.Source | None = None) -> pd.DataFrame:
    """Read the catalogue of survey questions (``data/raw/survey_questions.csv``).

    Returns:
        A DataFrame with ``question_id``, ``text`` (Swedish, as the source
        describes the question), ``theme``, ``group`` (who answers) and
        ``source``, in file order.

    Raises:
        InputError: for a header that differs, an empty or duplicate id or an
            unknown group.
    """
    table = _io.read_table(
        paths.SURVEY_QUESTIONS_FILE if path is None else path, ["id", "fråga", "tema", "svarande", "källa"]
    )
    seen = set()
    for row in table.rows:
        qid, _, _, group, _ = row.cells
        if not qid or qid in seen:
            raise InputError(table.name, row.line, row.text, "empty or duplicate question id")
        if group not in GROUPS:
            raise InputError(table.name, row.line, row.text, f"unknown group {group!r}")
        seen.add(qid)
    return pd.DataFrame(
        [r.cells for r in table.rows],
        columns=["question_id", "text", "theme", "group", "source"],
        dtype="str",
    )


def parse_share(text: str) -> float:
    """Read a share: ``66,7``, ``66,7 %``, ``66.7%`` or a fraction ``2/3``.

    Returns:
        The share in percent.

    Raises:
        ValueError: when it is none of these.
    """
    m = _FRACTION.match(text)
    if m:
        num, den = int(m.group(1)), int(m.group(2))
        if den == 0:
            raise ValueError(f"fraction with zero denominator: {text!r}")
        return float(100 * Fraction(num, den))
    return float(parse_number(text.strip().removesuffix("%").strip()))


def read_survey(source: _io.Source, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read survey results into shares per question, group, unit and category.

    Args:
        source: a ``.csv``/``.xlsx`` path, or the CSV text itself.
        questions: the question catalogue; :func:`read_questions` by default.

    Returns:
        One row per (year, question, group, unit, category) in order of first
        appearance, with ``year`` (int), ``question_id``, ``group``,
        ``unit_code`` (str), ``category`` (``positiv``/``neutral``/
        ``negativ``), ``share`` (float, percent; answers 4–5, 3 and 1–2
        summed), ``respondents`` (Int64, missing when not given),
        ``approximate`` (bool; always true for a share written as a
        fraction) and ``source`` (str; the ``källa`` column, else
        the file name).

    Raises:
        InputError: naming file, line and text, for a header that differs, an
            unknown question id or group, a bad year, unit code or answer, a
            share outside 0–100, respondents that differ within one group,
            or categories of one group adding up to more than 100,5 or (all
            three given) less than 99,5.
    """
    table = _io.read_table(source, HEADER, OPTIONAL)
    known = set((read_questions() if questions is None else questions)["question_id"])
    cols = table.columns
    default_source = paths.display_path(table.path) if table.path else table.name
    agg: dict[tuple, dict] = {}
    group_total: dict[tuple, float] = {}
    group_respondents: dict[tuple, int] = {}
    for row in table.rows:
        cell = dict(zip(cols, row.cells, strict=True))

        def bad(reason: str, row=row) -> InputError:
            return InputError(table.name, row.line, row.text, reason)

        if not re.fullmatch(r"(19|20)[0-9][0-9]", cell["år"]):
            raise bad(f"year {cell['år']!r} is not a four-digit year")
        if cell["fråga"] not in known:
            raise bad(f"unknown question id {cell['fråga']!r} (see data/raw/survey_questions.csv)")
        if cell["grupp"] not in GROUPS:
            raise bad(f"unknown group {cell['grupp']!r} (medarbetare or chefer)")
        if not re.fullmatch(r"[0-9]{7}|[0-9]{5}|[0-9]{2}", cell["enhet"]):
            raise bad(f"unit code {cell['enhet']!r} is not 2, 5 or 7 digits")
        answer = cell["svar"].strip().lower()
        category = _ANSWER_CATEGORY.get(answer, answer if answer in CATEGORIES else None)
        if category is None:
            raise bad(f"answer {cell['svar']!r} is not 1–5 or positiv/neutral/negativ")
        try:
            share = parse_share(cell["andel"])
        except ValueError:
            raise bad(f"share {cell['andel']!r} is not a number") from None
        if not 0 <= share <= 100:
            raise bad(f"share {cell['andel']} outside 0–100")
        try:
            respondents = _io.count_cell(cell["antal_svar"], "antal_svar")
        except ValueError as exc:
            raise bad(str(exc)) from None
        approx_text = cell.get("ungefärlig", "").strip().lower()
        if approx_text not in ("", "ja", "nej"):
            raise bad(f"ungefärlig must be ja or nej, not {approx_text!r}")
        if _FRACTION.match(cell["andel"]):
            if approx_text == "nej":
                raise bad("a share given as a fraction is approximate: ungefärlig cannot be nej")
            approx_text = "ja"
        group_key = (int(cell["år"]), cell["fråga"], cell["grupp"], cell["enhet"])
        key = (*group_key, category)
        entry = agg.setdefault(
            key,
            {
                "share": 0.0,
                "approximate": False,
                "source": cell.get("källa") or default_source,
                "line": row.line,
                "text": row.text,
            },
        )
        entry["share"] += share
        entry["approximate"] |= approx_text == "ja"
        entry["line"], entry["text"] = row.line, row.text
        if respondents is not None:
            known_n = group_respondents.setdefault(group_key, respondents)
            if known_n != respondents:
                raise bad(f"antal_svar {respondents} differs from {known_n} for the same question and group")
        group_total[group_key] = group_total.get(group_key, 0.0) + share
        if group_total[group_key] > MAX_TOTAL:
            raise bad(
                f"categories of this group add up to {group_total[group_key]:.1f} %, more than {MAX_TOTAL}"
            )
    # groups with all three categories must add up to about 100 %
    categories_of: dict[tuple, list[dict]] = {}
    for k, v in agg.items():
        categories_of.setdefault(k[:4], []).append(v)
    for items in categories_of.values():
        total = sum(v["share"] for v in items)
        if len(items) == 3 and total < MIN_TOTAL:
            last = max(items, key=lambda v: v["line"])
            raise InputError(
                table.name,
                last["line"],
                last["text"],
                f"the three categories of this group add up to {total:.1f} %, less than {MIN_TOTAL}",
            )
    records = [
        {
            "year": k[0],
            "question_id": k[1],
            "group": k[2],
            "unit_code": k[3],
            "category": k[4],
            "share": v["share"],
            "respondents": group_respondents.get(k[:4]),
            "approximate": v["approximate"],
            "source": v["source"],
        }
        for k, v in agg.items()
    ]
    df = pd.DataFrame(records, columns=COLUMNS)
    return df.astype(
        {
            "year": "int64",
            "question_id": "str",
            "group": "str",
            "unit_code": "str",
            "category": "str",
            "share": "float64",
            "respondents": "Int64",
            "approximate": "bool",
            "source": "str",
        }
    )


def read_survey_files(sources: list[str]) -> pd.DataFrame:
    """Read several survey files (e.g. the baseline and this period's) into one.

    Empty entries are skipped and a file named twice is read once. Where two
    files hold the same year, question, group, unit and category, the later
    file wins.

    Returns:
        The combined result of :func:`read_survey` (possibly empty).

    Raises:
        InputError: as :func:`read_survey`.
    """
    from .paths import resolve

    frames = [read_survey(resolve(s)) for s in dict.fromkeys(s for s in sources if s)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    keys = ["year", "question_id", "group", "unit_code", "category"]
    return pd.concat(frames, ignore_index=True).drop_duplicates(keys, keep="last").reset_index(drop=True)
