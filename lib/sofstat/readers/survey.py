"""The annual employee survey (medarbetarundersökningen): shares per answer.

Input is what a survey tool exports to Swedish Excel (``;``, decimal comma,
optional ``%`` after the share) or ``.xlsx``, header in this order::

    år;fråga;grupp;enhet;svar;andel;antal_svar[;ungefärlig[;källa[;publicerad]]]

``svar`` is 1–5 or ``positiv``/``neutral``/``negativ``; answers are summed
into those three categories (4–5, 3, 1–2). ``andel`` is a percentage, or a
fraction such as ``2/3`` where the source gives only that (then it is
approximate). ``publicerad`` = ``ja`` marks a figure already published by its
source (cited as such; shown even without a number of respondents).
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError
from ..vocabulary import Category, Respondents, input_words
from . import source as src
from .numbers import parse_column, why_not_a_number

HEADER = ["år", "fråga", "grupp", "enhet", "svar", "andel", "antal_svar"]
OPTIONAL = ["ungefärlig", "källa", "publicerad"]
COLUMNS = [
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
_FRACTION = re.compile(r" *([0-9]{1,6}) */ *([0-9]{1,6}) *")
_YES_NO = {"": None, "ja": True, "nej": False}


def read_questions(path: src.Source | None = None) -> pd.DataFrame:
    """Read the catalogue of survey questions (``data/raw/survey_questions.csv``).

    Returns:
        A DataFrame with ``question_id``, ``text`` (Swedish, as the source
        describes the question), ``theme``, ``group`` (who answers) and
        ``source``, in file order.

    Raises:
        InputError: for a header that differs, an empty or duplicate id or an unknown group.
    """
    table = src.read_table(
        config.SURVEY_QUESTIONS_FILE if path is None else path, ["id", "fråga", "tema", "svarande", "källa"]
    )
    problems = src.Problems(table.name)
    ids = table.frame["id"]
    problems.rows(table, ((ids == "") | ids.duplicated()).to_numpy(), "empty or duplicate question id")
    groups = table.frame["svarande"]
    problems.rows(
        table,
        groups.str.lower().map(input_words(Respondents)).isna().to_numpy(),
        lambda i: f"unknown group {groups.iloc[i]!r}",
    )
    problems.raise_if_any()
    out = table.frame.set_axis(["question_id", "text", "theme", "group", "source"], axis=1).astype("str")
    return out.reset_index(drop=True)


def read_survey(source: src.Source, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read survey results into shares per question, group, unit and category.

    Args:
        source: a ``.csv``/``.xlsx`` path, or the CSV text itself.
        questions: the question catalogue; :func:`read_questions` by default.

    Returns:
        One row per (year, question, group, unit, category) in order of first
        appearance: ``year`` (int), ``question_id``, ``group`` (a
        :class:`~sofstat.vocabulary.Respondents` code), ``unit_code``,
        ``category`` (a :class:`~sofstat.vocabulary.Category` code), ``share``
        (percent; answers summed), ``respondents`` (Int64, missing when not
        given), ``approximate`` (bool; true for a fraction), ``published``
        (bool) and ``source`` (the ``källa`` column, else the file name).

    Raises:
        InputError: naming file, line and text (all problems in ``.problems``):
            a header that differs, a bad year, unknown question or group, a
            unit code that is not 2, 5 or 7 digits, an answer that is not 1–5
            or a category, a share outside 0–100 or not a number, a bad count
            of respondents or one that differs within a group, ``ungefärlig``
            or ``publicerad`` other than ja/nej, the same answer twice, or a
            group whose categories add up to more than 100,5 % (or less than
            99,5 % when all three are given).
    """
    questions = read_questions() if questions is None else questions
    table = src.read_table(source, HEADER, OPTIONAL, text_columns=set(HEADER + OPTIONAL) - {"antal_svar"})
    problems = src.Problems(table.name)
    f = table.frame
    n = len(f)
    year_ok = f["år"].str.fullmatch(config.YEAR_PATTERN).fillna(False).to_numpy(bool)
    problems.rows(table, ~year_ok, lambda i: f"year {f['år'].iloc[i]!r} is not a four-digit year")
    known = set(questions["question_id"])
    problems.rows(
        table,
        ~f["fråga"].isin(known).to_numpy(),
        lambda i: f"unknown question id {f['fråga'].iloc[i]!r} (see data/raw/survey_questions.csv)",
    )
    group = f["grupp"].str.lower().map(input_words(Respondents))
    problems.rows(
        table,
        group.isna().to_numpy(),
        lambda i: f"unknown group {f['grupp'].iloc[i]!r} (medarbetare or chefer)",
    )
    unit_ok = f["enhet"].str.fullmatch(config.UNIT_CODE_PATTERN).fillna(False).to_numpy(bool)
    problems.rows(table, ~unit_ok, lambda i: f"unit code {f['enhet'].iloc[i]!r} is not 2, 5 or 7 digits")
    category = f["svar"].str.lower().map(input_words(Category))
    problems.rows(
        table,
        category.isna().to_numpy(),
        lambda i: f"answer {f['svar'].iloc[i]!r} is not 1–5 or positiv/neutral/negativ",
    )
    text = f["andel"]
    fraction = text.str.contains("/", regex=False).to_numpy()
    number = text.where(~text.str.endswith("%"), text.str.slice(0, -1))  # one % sign after the number
    share, bad = parse_column(number.where(~fraction, ""))
    problems.rows(table, bad, lambda i: f"share {text.iloc[i][:40]!r} {why_not_a_number(text.iloc[i])}")
    for i in np.flatnonzero(fraction).tolist():
        m = _FRACTION.fullmatch(text.iloc[i])
        if m and int(m.group(2)) > 0:
            share[i] = float(100 * Fraction(int(m.group(1)), int(m.group(2))))
        else:
            problems.add(
                int(table.lines[i]), table.row_text(i), f"share {text.iloc[i][:40]!r} is not a fraction"
            )
    problems.rows(table, np.isnan(share) & ~bad & ~fraction, "no share")
    problems.rows(table, (share < 0) | (share > 100), lambda i: f"share {f['andel'].iloc[i]} outside 0–100")
    respondents = src.counts(table, "antal_svar", problems, "antal_svar")
    flags = {}
    for col in ("ungefärlig", "publicerad"):
        words = f[col].str.lower() if col in f else pd.Series([""] * n, dtype="str")
        value = words.map(_YES_NO)
        problems.rows(
            table,
            ~words.isin(list(_YES_NO)).to_numpy(),
            lambda i, col=col, words=words: f"{col} must be ja or nej, not {words.iloc[i]!r}",
        )
        flags[col] = value
    approx_given = flags["ungefärlig"]
    problems.rows(
        table,
        fraction & (approx_given == False).to_numpy(),  # noqa: E712 - False, not missing
        "a share given as a fraction is approximate: ungefärlig cannot be nej",
    )
    problems.raise_if_any()
    rows = pd.DataFrame(
        {
            "year": f["år"].astype("int64"),
            "question_id": f["fråga"],
            "group": group.astype("str"),
            "unit_code": f["enhet"],
            "answer": f["svar"].str.lower(),
            "category": category.astype("str"),
            "share": share,
            "respondents": respondents,
            "approximate": fraction | (approx_given == True).to_numpy(),  # noqa: E712
            "published": (flags["publicerad"] == True).to_numpy(),  # noqa: E712
            "source": (f["källa"] if "källa" in f else pd.Series([""] * n, dtype="str")).replace(
                "", table.name if table.path is None else _display(table.path)
            ),
            "line": table.lines,
        }
    )
    _check_groups(rows, table, problems)
    problems.raise_if_any()
    return _aggregate(rows)


def _display(path) -> str:
    return config.display_path(path)


def _check_groups(rows: pd.DataFrame, table: src.Table, problems: src.Problems) -> None:
    """Problems within a group: the same answer twice, respondents that differ, totals."""
    keys = ["year", "question_id", "group", "unit_code"]
    pos = np.arange(len(rows))
    dup = rows.duplicated([*keys, "answer"]).to_numpy()
    problems.rows(table, dup, "the same answer appears twice for this question and group")
    first_n = rows.groupby(keys, sort=False)["respondents"].transform("first")
    differ = (rows["respondents"].notna() & first_n.notna() & (rows["respondents"] != first_n)).to_numpy(bool)
    problems.rows(
        table,
        differ,
        lambda i: (
            f"antal_svar {rows['respondents'].iloc[i]} differs from {first_n.iloc[i]} for the same question and group"
        ),
    )
    running = rows.groupby(keys, sort=False)["share"].cumsum().to_numpy()
    over = running > config.SURVEY_MAX_TOTAL
    first_over = over & ~pd.Series(over).groupby([rows[k] for k in keys]).shift(fill_value=False).to_numpy(
        bool
    )
    problems.rows(
        table,
        first_over,
        lambda i: (
            f"categories of this group add up to {running[i]:.1f} %, more than {config.SURVEY_MAX_TOTAL}"
        ),
    )
    by_cat = rows.groupby([*keys, "category"], sort=False)["share"].sum().groupby(level=keys, sort=False)
    complete = by_cat.count() == 3
    total = by_cat.sum()
    short = total[complete & (total < config.SURVEY_MIN_TOTAL)]
    if len(short):
        last = rows.assign(pos=pos).groupby(keys, sort=False)["pos"].max()
        for key, value in short.items():
            i = int(last.loc[key])
            problems.add(
                int(table.lines[i]),
                table.row_text(i),
                f"the three categories of this group add up to {value:.1f} %, less than {config.SURVEY_MIN_TOTAL}",
            )


def _aggregate(rows: pd.DataFrame) -> pd.DataFrame:
    keys = ["year", "question_id", "group", "unit_code", "category"]
    g = rows.groupby(keys, sort=False)
    out = g.agg(
        share=("share", "sum"),
        approximate=("approximate", "any"),
        published=("published", "any"),
        source=("source", "first"),
    ).reset_index()
    n = rows.groupby(keys[:4], sort=False)["respondents"].first().rename("respondents").reset_index()
    out = out.merge(n, on=keys[:4], how="left", sort=False)
    return out[COLUMNS].astype(
        {
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
    )


def read_survey_files(sources: list[str], questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read several survey files (e.g. the baseline and this period's) into one.

    Empty entries are skipped and a file named twice is read once. Where two
    files hold the same year, question, group, unit and category, the later wins.

    Returns:
        The combined result of :func:`read_survey` (possibly empty).

    Raises:
        InputError: as :func:`read_survey`.
    """
    questions = read_questions() if questions is None else questions
    frames = [read_survey(config.resolve(s), questions) for s in dict.fromkeys(s for s in sources if s)]
    if not frames:
        return _aggregate(pd.DataFrame(columns=[*COLUMNS, "answer", "line"]))
    keys = ["year", "question_id", "group", "unit_code", "category"]
    return pd.concat(frames, ignore_index=True).drop_duplicates(keys, keep="last").reset_index(drop=True)


__all__ = ["InputError", "read_questions", "read_survey", "read_survey_files"]
