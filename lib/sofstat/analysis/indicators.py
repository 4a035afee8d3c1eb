"""The indicators the report follows and their ids (values: :mod:`.values`).

Ids (used by the catalogue's ``targets:``):

- ``share_units_within_base``: share of units within the guideline's base (%)
- ``units_over_max``: units above the guideline's maximum (count)
- ``median_employees_per_manager``, ``max_employees_per_manager``: employees
  per manager, median over units and highest unit
- ``managers``: number of unit managers (more = smaller areas)
- ``survey.<question id>.<group>``: share of positive answers (%), for every
  question of ``data/raw/survey_questions.csv`` and group ``medarbetare`` or ``chefer``
- ``sick.<group>``: managers' accumulated sick-leave rate (%), e.g. ``sick.enhetschefer``
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..vocabulary import Direction, Respondents


class Kind(StrEnum):
    """What an indicator measures; decides formats and chart scales."""

    SHARE = "share"  # percent of units or managers
    COUNT = "count"  # a number of units or people
    RATIO = "ratio"  # employees per manager
    SURVEY = "survey"  # percent of respondents (an estimate)
    RATE = "rate"  # sick-leave rate, percent of hours (a register total)


@dataclass(frozen=True)
class Indicator:
    """What an indicator is and which way is better.

    ``question_id`` and ``group`` are set for survey indicators, ``group`` for sick leave.
    """

    id: str
    kind: Kind
    better: Direction
    decimals: int
    question_id: str = ""
    group: str = ""

    @property
    def percent(self) -> bool:
        """True when values are percentages (changes in percentage points)."""
        return self.kind in (Kind.SHARE, Kind.SURVEY, Kind.RATE)


STAFFING = [
    Indicator("share_units_within_base", Kind.SHARE, Direction.UP, 1),
    Indicator("units_over_max", Kind.COUNT, Direction.DOWN, 0),
    Indicator("median_employees_per_manager", Kind.RATIO, Direction.DOWN, 1),
    Indicator("max_employees_per_manager", Kind.RATIO, Direction.DOWN, 1),
    Indicator("managers", Kind.COUNT, Direction.UP, 0),
]
_STATIC = {i.id: i for i in STAFFING}


def survey_indicator(question_id: str, group: str) -> Indicator:
    """The indicator of positive answers to a question in a group."""
    return Indicator(f"survey.{question_id}.{group}", Kind.SURVEY, Direction.UP, 1, question_id, group)


def sick_indicator(group: str) -> Indicator:
    """The accumulated sick-leave rate of a group."""
    return Indicator(f"sick.{group}", Kind.RATE, Direction.DOWN, 2, group=group)


def indicator(indicator_id: str) -> Indicator:
    """The :class:`Indicator` with this id (survey and sick-leave ids are built from their parts)."""
    if indicator_id in _STATIC:
        return _STATIC[indicator_id]
    kind, _, rest = indicator_id.partition(".")
    if kind == "survey":
        question_id, _, group = rest.partition(".")
        return survey_indicator(question_id, group)
    return sick_indicator(rest)


def check_target_id(indicator_id: str, question_ids: set[str] | None = None) -> str | None:
    """Why ``indicator_id`` cannot carry a target, or None when it can.

    Survey question ids are checked against ``question_ids`` when given (the
    catalogue is read before the question list; :mod:`.period` checks them).
    """
    if indicator_id in _STATIC:
        return None
    kind, _, rest = indicator_id.partition(".")
    if kind == "survey":
        question_id, _, group = rest.partition(".")
        if not question_id or (question_ids is not None and question_id not in question_ids):
            return f"no survey question {question_id[:40]!r} in data/raw/survey_questions.csv"
        if group not in {g.value for g in Respondents}:
            return "the group must be medarbetare or chefer (survey.<question>.<group>)"
        return None
    if kind == "sick" and rest.strip():
        return None
    ids = ", ".join(_STATIC)
    return f"unknown indicator; use one of {ids}, survey.<question>.<group> or sick.<group>"
