"""The programme register: the plan's dialogues, needs and conclusions, and activities.

Transcribed from SOF's plan of June 2024 (``data/raw/plan_2024-06/``, see its
README): the six management-team dialogues (``dialoger.csv``), the needs
raised in them (``behov.csv``), the common conclusions (``slutsatser.csv``)
and the activities at the baseline (``aktiviteter_2024-06.csv``). Later
periods add activity rows in a file named in the catalogue (``activities:``),
with the same header::

    aktivitet_id;aktivitet;niva;avdelning;behov;planerad;genomford;status;kommentar

``niva`` and ``status`` come from fixed lists (:class:`~sofstat.vocabulary.PlanLevel`,
:class:`~sofstat.vocabulary.ActivityStatus`); ``avdelning`` is a 5-digit
department code or empty (all); ``behov`` lists need or conclusion ids
separated by commas; dates are ``YYYY-MM-DD`` (or ``YYYY-MM``, ``YYYY``).
A row whose id was used by an earlier period updates that activity.
"""

from __future__ import annotations

import pandas as pd

from .. import config
from ..vocabulary import ActivityStatus, PlanLevel, Starting, input_words
from . import source as src

DIALOGUES = config.REFERENCE_FILES["plan_dialogues"]
NEEDS = config.REFERENCE_FILES["plan_needs"]
CONCLUSIONS = config.REFERENCE_FILES["plan_conclusions"]
ACTIVITY_HEADER = [
    "aktivitet_id",
    "aktivitet",
    "niva",
    "avdelning",
    "behov",
    "planerad",
    "genomford",
    "status",
]
_DATE = config.YEAR_PATTERN + r"(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?"
_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}"


def _dates_ok(cells: pd.Series, *, empty_ok: bool) -> pd.Series:
    """True where a cell is ``YYYY``, ``YYYY-MM`` or a real calendar day ``YYYY-MM-DD``
    (2024-02-30 is not), or empty when ``empty_ok``."""
    shaped = cells.str.fullmatch(_DATE).fillna(False).astype(bool)
    full = shaped & (cells.str.len() == 10)
    real = pd.to_datetime(cells.where(full), format="%Y-%m-%d", errors="coerce").notna()
    ok = shaped & (~full | real)
    return ok | (cells == "") if empty_ok else ok


def _unique_ids(table: src.Table, column: str, problems: src.Problems) -> None:
    ids = table.frame[column]
    bad = ~ids.str.fullmatch(_ID).fillna(False).to_numpy(bool) | ids.duplicated().to_numpy()
    problems.rows(table, bad, lambda i: f"{column} {ids.iloc[i][:40]!r} is empty, malformed or repeated")


def _codes(
    table: src.Table, column: str, enum, problems: src.Problems, *, required: bool = True
) -> pd.Series:
    words = table.frame[column].str.lower()
    codes = words.map(input_words(enum))
    bad = codes.isna() & ((words != "") | required)
    allowed = ", ".join(input_words(enum))
    problems.rows(
        table, bad.to_numpy(bool), lambda i: f"{column} {words.iloc[i][:40]!r} is not one of {allowed}"
    )
    return codes.fillna("").astype("str")


def read_dialogues(path: src.Source | None = None) -> pd.DataFrame:
    """The management-team dialogues of the plan (section 3).

    Returns:
        ``dialog_id``, ``section``, ``department``, ``department_code``,
        ``date`` (``YYYY-MM-DD``), in file order.

    Raises:
        InputError: for a header that differs, a repeated id, a department
            code that is not 5 digits or a bad date.
    """
    table = src.read_table(
        DIALOGUES if path is None else path, ["dialog_id", "avsnitt", "avdelning", "avdelningskod", "datum"]
    )
    problems = src.Problems(table.name)
    _unique_ids(table, "dialog_id", problems)
    f = table.frame
    problems.rows(
        table,
        ~f["avdelningskod"].str.fullmatch("[0-9]{5}").fillna(False).to_numpy(bool),
        "department code must be 5 digits",
    )
    problems.rows(table, ~_dates_ok(f["datum"], empty_ok=False).to_numpy(bool), "date must be YYYY-MM-DD")
    problems.raise_if_any()
    return f.set_axis(["dialog_id", "section", "department", "department_code", "date"], axis=1).reset_index(
        drop=True
    )


def read_needs(path: src.Source | None = None, dialogues: pd.DataFrame | None = None) -> pd.DataFrame:
    """The needs raised in the dialogues ("Utvecklingsmöjligheter").

    Returns:
        ``need_id``, ``dialog_id``, ``starting`` (a
        :class:`~sofstat.vocabulary.Starting` code) and ``need`` (as written).

    Raises:
        InputError: for a header that differs, a repeated id, an unknown
            dialogue or starting point, or an empty need.
    """
    dialogues = read_dialogues() if dialogues is None else dialogues
    table = src.read_table(
        NEEDS if path is None else path, ["behov_id", "dialog_id", "utgangspunkt", "behov"]
    )
    problems = src.Problems(table.name)
    _unique_ids(table, "behov_id", problems)
    f = table.frame
    problems.rows(table, ~f["dialog_id"].isin(set(dialogues["dialog_id"])).to_numpy(), "unknown dialog_id")
    starting = _codes(table, "utgangspunkt", Starting, problems)
    problems.rows(table, (f["behov"] == "").to_numpy(), "empty need")
    problems.raise_if_any()
    return pd.DataFrame(
        {"need_id": f["behov_id"], "dialog_id": f["dialog_id"], "starting": starting, "need": f["behov"]}
    )


def read_conclusions(path: src.Source | None = None) -> pd.DataFrame:
    """The plan's common conclusions (section 4).

    Returns:
        ``conclusion_id``, ``starting`` (a :class:`~sofstat.vocabulary.Starting`
        code: organisational level or the leader's development) and ``conclusion``.

    Raises:
        InputError: for a header that differs, a repeated id, an unknown level or empty text.
    """
    table = src.read_table(CONCLUSIONS if path is None else path, ["slutsats_id", "niva", "slutsats"])
    problems = src.Problems(table.name)
    _unique_ids(table, "slutsats_id", problems)
    starting = _codes(table, "niva", Starting, problems)
    problems.rows(table, (table.frame["slutsats"] == "").to_numpy(), "empty conclusion")
    problems.raise_if_any()
    f = table.frame
    return pd.DataFrame(
        {"conclusion_id": f["slutsats_id"], "starting": starting, "conclusion": f["slutsats"]}
    )


def read_activities(source: src.Source, known_needs: set[str] | None = None) -> pd.DataFrame:
    """Read an activity file of the programme register.

    Args:
        source: the file (or its text).
        known_needs: ids an activity may answer; default every need and
            conclusion of the plan.

    Returns:
        ``activity_id``, ``activity``, ``level`` (a
        :class:`~sofstat.vocabulary.PlanLevel` code), ``department_code``
        (``""`` = all), ``needs`` (comma-separated ids, ``""`` for none),
        ``planned``, ``done`` (dates as written, ``""`` when none), ``status``
        (an :class:`~sofstat.vocabulary.ActivityStatus` code) and ``comment``.

    Raises:
        InputError: naming every row with a repeated or malformed id, an
            empty activity, a level or status not in the fixed list, a
            department code that is not 5 digits, an unknown need, a bad date,
            or status ``genomford`` and a done date that disagree.
    """
    if known_needs is None:
        known_needs = set(read_needs()["need_id"]) | set(read_conclusions()["conclusion_id"])
    table = src.read_table(source, ACTIVITY_HEADER, ["kommentar"])
    problems = src.Problems(table.name)
    f = table.frame
    _unique_ids(table, "aktivitet_id", problems)
    problems.rows(table, (f["aktivitet"] == "").to_numpy(), "empty activity")
    level = _codes(table, "niva", PlanLevel, problems)
    status = _codes(table, "status", ActivityStatus, problems)
    dept = f["avdelning"]
    problems.rows(
        table,
        ~(dept.str.fullmatch("[0-9]{5}").fillna(False) | (dept == "")).to_numpy(bool),
        "avdelning must be a 5-digit department code or empty",
    )
    for col in ACTIVITY_HEADER[5:7]:  # the planned and done dates
        ok = _dates_ok(f[col], empty_ok=True)
        problems.rows(
            table,
            ~ok.to_numpy(bool),
            lambda i, col=col: f"{col} {f[col].iloc[i][:20]!r} is not a date (YYYY-MM-DD)",
        )
    needs = f["behov"].str.replace(" ", "", regex=False)
    for i, cell in enumerate(needs.tolist()):
        unknown = [n for n in cell.split(",") if n and n not in known_needs]
        if unknown:
            problems.add(
                int(table.lines[i]), table.row_text(i), f"unknown need ids: {', '.join(unknown)[:200]}"
            )
    done = (status == ActivityStatus.DONE.value).to_numpy()
    problems.rows(table, ~done & (f["genomford"] != "").to_numpy(), "a done date needs status genomford")
    problems.raise_if_any()
    return pd.DataFrame(
        {
            "activity_id": f["aktivitet_id"],
            "activity": f["aktivitet"],
            "level": level,
            "department_code": dept,
            "needs": needs,
            "planned": f["planerad"],
            "done": f["genomford"],
            "status": status,
            "comment": f["kommentar"] if "kommentar" in f else pd.Series([""] * len(f), dtype="str"),
        }
    ).reset_index(drop=True)
