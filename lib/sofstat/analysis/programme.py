"""The programme register over time: activities by status and department,
needs that no activity answers yet, and what changed since the last period."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..vocabulary import ActivityStatus


def register(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The register after applying activity files in order: a later row with
    an id already used replaces that activity (a status update).

    Returns:
        :func:`sofstat.readers.programme.read_activities` columns, in order of
        first appearance, with ``period`` (the period of the row in force).
    """
    if not frames:
        return pd.DataFrame(columns=["activity_id", "period"])
    both = pd.concat(frames, ignore_index=True)
    first = both.drop_duplicates("activity_id", keep="first")["activity_id"]
    latest = both.drop_duplicates("activity_id", keep="last").set_index("activity_id")
    return latest.loc[first].reset_index()


#: How far an activity has come, for the furthest activity answering a need (cancelled ones answer none).
_PROGRESS = [ActivityStatus.IN_PLACE, ActivityStatus.PLANNED, ActivityStatus.ONGOING, ActivityStatus.DONE]


def _answered(activities: pd.DataFrame) -> dict[str, str]:
    """Need or conclusion id -> the status of the furthest activity that names it."""
    best: dict[str, str] = {}
    live = activities[activities["status"] != ActivityStatus.CANCELLED]
    for cell, status in zip(live["needs"], live["status"], strict=True):
        for n in str(cell).split(","):
            if n and (n not in best or _PROGRESS.index(status) > _PROGRESS.index(best[n])):
                best[n] = status
    return best


@dataclass
class Programme:
    """The programme register as the report shows it for one period."""

    activities: pd.DataFrame  # the register in force
    by_status: pd.Series  # status code -> number of activities (every status, 0 included)
    by_department: pd.DataFrame  # department code ("" = all) x status code -> count
    needs: pd.DataFrame  # needs and conclusions, with ``answered`` and ``activity_status`` (the furthest)
    changes: pd.DataFrame  # activities new or with a new status since the previous period


def programme(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    needs: pd.DataFrame,
    conclusions: pd.DataFrame,
) -> Programme:
    """Summarise the register ``current`` against ``previous`` (None at the baseline).

    Args:
        current, previous: :func:`register` at this and the previous period.
        needs, conclusions: the plan's needs and common conclusions.

    Returns:
        A :class:`Programme`. ``needs`` has ``id``, ``kind`` (``need`` or
        ``conclusion``), ``dialog_id``, ``starting``, ``text`` and
        ``answered`` (an activity that is not cancelled names it) and
        ``activity_status`` (the status of the furthest such activity, ``""``
        when none); ``changes`` has ``activity_id``, ``activity``,
        ``status_before`` (``""`` for a new activity) and ``status``.
    """
    statuses = [s.value for s in ActivityStatus]
    by_status = (
        current["status"].value_counts().reindex(statuses, fill_value=0)
        if len(current)
        else pd.Series(0, index=statuses)
    )
    by_department = (
        pd.crosstab(current["department_code"], current["status"]).reindex(columns=statuses, fill_value=0)
        if len(current)
        else pd.DataFrame(columns=statuses)
    )
    answered = _answered(current) if len(current) else {}
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": needs["need_id"],
                    "kind": "need",
                    "dialog_id": needs["dialog_id"],
                    "starting": needs["starting"],
                    "text": needs["need"],
                }
            ),
            pd.DataFrame(
                {
                    "id": conclusions["conclusion_id"],
                    "kind": "conclusion",
                    "dialog_id": "",
                    "starting": conclusions["starting"],
                    "text": conclusions["conclusion"],
                }
            ),
        ],
        ignore_index=True,
    )
    table["answered"] = table["id"].isin(set(answered))
    table["activity_status"] = table["id"].map(answered).fillna("").astype("str")
    if previous is None or not len(previous):
        changes = pd.DataFrame(columns=["activity_id", "activity", "status_before", "status"])
    else:
        m = current.merge(
            previous[["activity_id", "status"]], on="activity_id", how="left", suffixes=("", "_before")
        )
        m["status_before"] = m["status_before"].fillna("")
        changed = m[m["status"] != m["status_before"]]
        changes = changed[["activity_id", "activity", "status_before", "status"]].reset_index(drop=True)
    return Programme(current, by_status, by_department, table, changes)
