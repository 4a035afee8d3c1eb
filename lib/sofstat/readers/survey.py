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
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError
from ..vocabulary import Category, Respondents, input_words
from . import cells
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
_SPELLED = {  # a category as its answers and as its word, e.g. "4, 5 and 'positiv'"
    category: ", ".join(sorted(w for w, c in input_words(Category).items() if c == category and w.isdigit()))
    + " and "
    + ", ".join(repr(w) for w, c in input_words(Category).items() if c == category and not w.isdigit())
    for category in Category
}


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
    table = src.read_table(
        source,
        HEADER,
        OPTIONAL,
        text_columns=set(HEADER + OPTIONAL) - {"andel", "antal_svar"},
        categories={"år", "fråga", "grupp", "svar", *OPTIONAL},
    )
    problems = src.Problems(table.name)
    f = table.frame
    n = len(f)
    # every text column as codes into its distinct values: each check runs once per value
    year, question, group_word, unit, answer_word = (
        cells.Coded(f[c]) for c in ("år", "fråga", "grupp", "enhet", "svar")
    )
    year_ok = cells.fullmatch(year.values, config.YEAR_PATTERN)
    problems.rows(table, ~year.rows(year_ok), lambda i: f"year {year[i]!r} is not a four-digit year")
    known = set(questions["question_id"])
    problems.rows(
        table,
        ~question.rows(question.map(lambda v: v in known)),
        lambda i: f"unknown question id {question[i]!r} (see data/raw/survey_questions.csv)",
    )
    group = group_word.recode(lambda v: input_words(Respondents).get(v.lower()))
    problems.rows(
        table,
        group.rows(group.map(lambda v: v is None)),
        lambda i: f"unknown group {group_word[i]!r} (medarbetare or chefer)",
    )
    unit_ok = cells.fullmatch(unit.values, config.UNIT_CODE_PATTERN)
    problems.rows(table, ~unit.rows(unit_ok), lambda i: f"unit code {unit[i]!r} is not 2, 5 or 7 digits")
    category = answer_word.recode(lambda v: input_words(Category).get(v.lower()))
    problems.rows(
        table,
        category.rows(category.map(lambda v: v is None)),
        lambda i: f"answer {answer_word[i]!r} is not 1–5 or positiv/neutral/negativ",
    )
    share, fraction = _shares(table, problems)
    respondents = src.counts(table, "antal_svar", problems, "antal_svar")
    flags = {}
    for col in ("ungefärlig", "publicerad"):
        words = cells.Coded(f[col]) if col in f else cells.Coded(None, n)
        lower = words.recode(str.lower)
        problems.rows(
            table,
            lower.rows(lower.map(lambda v: v not in _YES_NO)),
            lambda i, lower=lower, col=col: f"{col} must be ja or nej, not {lower[i]!r}",
        )
        flags[col] = lower.recode(lambda v: _YES_NO.get(v, "?"))
    approx_given = flags["ungefärlig"]
    problems.rows(
        table,
        fraction & approx_given.rows(approx_given.map(lambda v: v is False)),
        "a share given as a fraction is approximate: ungefärlig cannot be nej",
    )
    problems.raise_if_any()
    name = table.name if table.path is None else config.display_path(table.path)
    source_of = cells.Coded(f["källa"]) if "källa" in f else cells.Coded(None, n)
    rows = _Rows(
        keys=cells.combined_ids(year.recode(int), question, group, unit),
        answer=(answers := answer_word.recode(str.lower)).codes,
        answer_values=answers.values,
        category=category,
        share=share,
        respondents=respondents,
        approximate=fraction | approx_given.rows(approx_given.map(lambda v: v is True)),
        published=flags["publicerad"].rows(flags["publicerad"].map(lambda v: v is True)),
        source=source_of.recode(lambda v: v or name),
        year=year.recode(int),
        question=question,
        group=group,
        unit=unit,
    )
    cell_ids = cells.combined_ids(cells.Coded.of(rows.keys), rows.category)  # one per (group, category)
    sums = _Sums.of(rows, cell_ids)
    _check_groups(rows, sums, table, problems)
    _check_mixed(rows, cell_ids, table, problems)
    problems.raise_if_any()
    return _aggregate(rows, cell_ids, sums)


def _shares(table: src.Table, problems: src.Problems) -> tuple[np.ndarray, np.ndarray]:
    """The shares in percent (a fraction such as 2/3 read as such) and which were fractions."""
    text = table.frame["andel"]
    if pd.api.types.is_numeric_dtype(text.dtype):  # plain numbers: no fraction, no % sign
        share = text.to_numpy(dtype="float64", copy=True)
        fraction = np.zeros(len(share), dtype=bool)
        problems.rows(table, np.isnan(share), "no share")
    else:
        fraction = text.str.contains("/", regex=False).to_numpy(dtype=bool)
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
    problems.rows(
        table, (share < 0) | (share > 100), lambda i: f"share {table.cell(i, 'andel')} outside 0–100"
    )
    return share, fraction


_DTYPES = {
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


@dataclass
class _Rows:
    """The rows of a survey file, checked cell by cell, as codes and arrays."""

    keys: np.ndarray  # one id per (year, question, group, unit)
    answer: np.ndarray  # codes of the answer as written (lower case)
    answer_values: np.ndarray  # ... and their values
    category: cells.Coded
    share: np.ndarray
    respondents: pd.Series  # Int64
    approximate: np.ndarray
    published: np.ndarray
    source: cells.Coded
    year: cells.Coded
    question: cells.Coded
    group: cells.Coded
    unit: cells.Coded


@dataclass
class _Sums:
    """What the checks and the result both need, computed once: per group and per (group, category)."""

    first_n: pd.arrays.IntegerArray  # the first number of respondents given, per group
    running: np.ndarray  # each row's share added to those before it in its group
    cell_share: pd.Series  # the share summed per (group, category), in order of first appearance
    cell_first: np.ndarray  # the first row of each (group, category)

    @classmethod
    def of(cls, rows: _Rows, cell_ids: np.ndarray) -> _Sums:
        # The keys as a column, grouped by its name: keys given as an array or a Series are
        # first looked up as a column label, and the failed lookup prints them (about 1 ms a call).
        by_group = pd.DataFrame(
            {"key": rows.keys, "respondents": rows.respondents, "share": rows.share}
        ).groupby("key", sort=False)
        first_n = by_group["respondents"].first().array  # groups numbered in order: index = key
        running = by_group["share"].cumsum().to_numpy()
        by_cell = pd.DataFrame(
            {"cell": cell_ids, "share": rows.share, "row": np.arange(len(cell_ids))}
        ).groupby("cell", sort=False)
        return cls(first_n, running, by_cell["share"].sum(), by_cell["row"].min().to_numpy())


def _check_groups(rows: _Rows, sums: _Sums, table: src.Table, problems: src.Problems) -> None:
    """Problems within a group: the same answer twice, respondents that differ, totals."""
    keys = rows.keys
    dup = pd.Series(keys * (int(rows.answer.max(initial=0)) + 1) + rows.answer).duplicated().to_numpy()
    problems.rows(table, dup, "the same answer appears twice for this question and group")
    respondents = rows.respondents.array
    first_n = sums.first_n.take(keys)
    differ = np.asarray(
        (~respondents.isna()) & (~first_n.isna()) & (respondents != first_n).fillna(False), dtype=bool
    )
    problems.rows(
        table,
        differ,
        lambda i: f"antal_svar {respondents[i]} differs from {first_n[i]} for the same question and group",
    )
    running = sums.running
    over = running > config.SURVEY_MAX_TOTAL
    if over.any():
        problems.rows(
            table,
            over & ~_before_in_group(over, keys),
            lambda i: (
                f"categories of this group add up to {running[i]:.1f} %, more than {config.SURVEY_MAX_TOTAL}"
            ),
        )
    per_group = sums.cell_share.groupby(keys[sums.cell_first], sort=False)
    complete = per_group.count() == 3
    total = per_group.sum()
    short = total[complete & (total < config.SURVEY_MIN_TOTAL)]
    if len(short):
        last = pd.Series(np.arange(len(keys))).groupby(keys, sort=False).max()
        for key, value in short.items():
            i = int(last.loc[key])
            problems.add(
                int(table.lines[i]),
                table.row_text(i),
                f"the three categories of this group add up to {value:.1f} %, less than {config.SURVEY_MIN_TOTAL}",
            )


def _check_mixed(rows: _Rows, cell: np.ndarray, table: src.Table, problems: src.Problems) -> None:
    """A problem where a category is given both as its word and as answers (``positiv`` and ``4``/``5``).

    Both would be summed into the category and count its answers twice. ``cell``
    numbers the (group, category) of each row. The first row of the second kind
    in the group is reported.
    """
    words = np.array([not str(v).isdigit() for v in rows.answer_values.tolist()], dtype=bool)
    is_word = words[rows.answer]
    first_of_kind = ~pd.Series(cell * 2 + is_word).duplicated().to_numpy()
    kinds = np.bincount(cell, weights=first_of_kind, minlength=int(cell.max(initial=-1)) + 1)
    mixed = first_of_kind & pd.Series(cell).duplicated().to_numpy() & (kinds[cell] > 1)
    problems.rows(
        table,
        mixed,
        lambda i: (
            f"answer {rows.answer_values[rows.answer[i]]!r}: {_SPELLED[rows.category[i]]} both given "
            "for this question and group, so the same answers would be counted twice"
        ),
    )


def _before_in_group(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The value of the row before in the same group (False for a group's first row)."""
    if (np.count_nonzero(np.diff(keys)) + 1 if len(keys) else 0) == int(keys.max(initial=-1)) + 1:
        out = np.zeros(len(values), dtype=bool)  # every group's rows together: the row above
        out[1:] = values[:-1] & (keys[1:] == keys[:-1])
        return out
    return pd.Series(values).groupby(keys).shift(fill_value=False).to_numpy(dtype=bool)


def _aggregate(rows: _Rows, cell_ids: np.ndarray, sums: _Sums) -> pd.DataFrame:
    """One row per (year, question, group, unit, category) in order of first appearance: shares summed."""
    first = sums.cell_first
    approximate = np.bincount(cell_ids, weights=rows.approximate, minlength=len(first)) > 0
    published = np.bincount(cell_ids, weights=rows.published, minlength=len(first)) > 0
    out = pd.DataFrame(
        {
            "year": np.asarray(rows.year.values[rows.year.codes[first]], dtype="int64"),
            "question_id": cells.text_array(rows.question.codes[first], rows.question.values),
            "group": cells.text_array(rows.group.codes[first], rows.group.values),
            "unit_code": cells.text_array(rows.unit.codes[first], rows.unit.values),
            "category": cells.text_array(rows.category.codes[first], rows.category.values),
            "share": sums.cell_share.to_numpy(),
            "respondents": sums.first_n.take(rows.keys[first]),
            "approximate": approximate,
            "published": published,
            "source": cells.text_array(rows.source.codes[first], rows.source.values),
        },
        copy=False,  # (arrays made here, for this frame only)
    )
    return cells.as_dtypes(out, _DTYPES)


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
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _DTYPES.items()})
    keys = ["year", "question_id", "group", "unit_code", "category"]
    return pd.concat(frames, ignore_index=True).drop_duplicates(keys, keep="last").reset_index(drop=True)


__all__ = ["InputError", "read_questions", "read_survey", "read_survey_files"]
