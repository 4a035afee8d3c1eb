"""One door for exploring: everything the report computes for a period.

>>> import sofstat
>>> p = sofstat.load_period("2024-H1")
>>> p.spm.head()            # employees per manager per unit, against the guideline
>>> p.movement              # every indicator against the baseline (and its target)

Results are computed on first use and kept. Small groups are hidden as in
the report unless ``disclosed=False`` (for the analyst's own checks only).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import CatalogError
from ..readers import programme as reg
from ..readers.catalog import Catalog, Period, load_catalog
from ..readers.guideline import read_department_map, read_factors, read_guideline
from ..readers.sickleave import read_sick_leave_files
from ..readers.staffing import read_staffing
from ..readers.survey import read_questions, read_survey, read_survey_files
from ..vocabulary import Level
from . import age, attainment, indicators, movement, programme, sickleave, size, survey, values
from .indicators import Indicator
from .values import Value


class PeriodResults:
    """The inputs and results of one period; see the module docstring.

    Attributes:
        catalog: the :class:`~sofstat.readers.catalog.Catalog`.
        period: the period reported; ``periods`` the baseline up to it.
        thresholds: the small-group thresholds in force (catalogue, else defaults).
        disclosed: whether small groups are hidden (True for anything published).
    """

    def __init__(self, catalog: Catalog, period: Period, thresholds: dict[str, int], disclosed: bool = True):
        self.catalog, self.period, self.thresholds, self.disclosed = catalog, period, thresholds, disclosed
        self.periods = catalog.upto(period.key)
        self._staffing: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"<PeriodResults {self.period.key} ({len(self.periods)} periods from {self.periods[0].key})>"

    # --- inputs -------------------------------------------------------------

    def staffing_of(self, key: str) -> pd.DataFrame:
        """The staffing table of period ``key`` as read (nothing hidden)."""
        if key not in self._staffing:
            self._staffing[key] = read_staffing(self.catalog.find(key).inputs["staffing"])
        return self._staffing[key]

    @cached_property
    def staffing(self) -> pd.DataFrame:
        """This period's staffing table; mean ages of small groups hidden when ``disclosed``."""
        df = self.staffing_of(self.period.key)
        if not self.disclosed:
            return df
        units = self.age_units.set_index("unit_code")["suppressed"]
        depts = self.age_departments.set_index("department_code")["suppressed"]
        hidden = df["unit_code"].map(units).fillna(df["unit_code"].map(depts)).fillna(False).astype(bool)
        out = df.copy()
        out["mean_age"] = out["mean_age"].where(~hidden.to_numpy())
        return out

    @cached_property
    def guideline(self) -> pd.DataFrame:
        return read_guideline(self.period.inputs["guideline"])

    @cached_property
    def factors(self) -> pd.DataFrame | None:
        path = self.period.inputs.get("guideline_factors")
        return read_factors(path) if path else None

    @cached_property
    def department_map(self) -> pd.DataFrame:
        return read_department_map(self.period.inputs.get("department_map"))

    @cached_property
    def questions(self) -> pd.DataFrame:
        return read_questions()

    # --- size and age --------------------------------------------------------

    @cached_property
    def spm(self) -> pd.DataFrame:
        """Employees per manager per unit against the guideline (:func:`.size.staff_per_manager`)."""
        return size.staff_per_manager(self.staffing_of(self.period.key), self.guideline, self.department_map)

    @cached_property
    def departments(self) -> pd.DataFrame:
        return size.department_summary(self.spm)

    @cached_property
    def summary(self) -> dict[str, float]:
        return size.summary_indicators(self.spm)

    @cached_property
    def totals(self) -> pd.DataFrame:
        """The totals check; mean-age rows that would reveal a hidden unit blanked when ``disclosed``."""
        raw = self.staffing_of(self.period.key)
        check = size.check_totals(raw)
        if not self.disclosed:
            return check.assign(hidden=False)
        return age.hide_ages_in_check(check, raw, self.thresholds["min_employees_age"])

    def totals_of(self, key: str) -> pd.DataFrame:
        """The totals check of period ``key`` (see :attr:`totals`)."""
        if key == self.period.key:
            return self.totals
        return PeriodResults(self.catalog, self.catalog.find(key), self.thresholds, self.disclosed).totals

    @cached_property
    def age_units(self) -> pd.DataFrame:
        return age.age_by_unit(self.staffing_of(self.period.key), self._min_age)

    @cached_property
    def age_departments(self) -> pd.DataFrame:
        return age.age_by_department(self.staffing_of(self.period.key), self._min_age)

    @property
    def _min_age(self) -> int:
        return self.thresholds["min_employees_age"] if self.disclosed else 0

    # --- outcomes -------------------------------------------------------------

    def _files(self, role: str) -> list[str]:
        return [str(p.inputs[role]) for p in self.periods if role in p.inputs]

    @cached_property
    def survey(self) -> pd.DataFrame:
        """Survey shares of every period's file up to this one (a later file wins for the same year)."""
        return read_survey_files(self._files("survey"), self.questions)

    @cached_property
    def survey_wide(self) -> pd.DataFrame:
        return survey.survey_wide(self.survey, self.questions, self._min_respondents)

    @property
    def _min_respondents(self) -> int:
        return self.thresholds["min_respondents"] if self.disclosed else 0

    @cached_property
    def sick(self) -> sickleave.SickLeave:
        """Sick leave of every period's file up to this one, small groups marked ``hidden``."""
        limit = self.thresholds["max_hidden_sick_leave"] if self.disclosed else -1
        return sickleave.combine(read_sick_leave_files(self._files("sick_leave")), limit)

    # --- indicators, movement, attainment --------------------------------

    def values_of(self, key: str) -> dict[str, Value]:
        """Every indicator's value in period ``key``, from that period's own inputs."""
        p = self.catalog.find(key)
        results = (
            self
            if key == self.period.key
            else PeriodResults(self.catalog, p, self.thresholds, self.disclosed)
        )
        out = values.staffing_values(results.summary, results.staffing_of(key)["period"].iloc[0])
        if "sick_leave" in p.inputs:
            limit = self.thresholds["max_hidden_sick_leave"] if self.disclosed else -1
            rates = sickleave.combine(read_sick_leave_files([str(p.inputs["sick_leave"])]), limit).rates
            out.update(values.sick_values(rates))
        if "survey" in p.inputs:
            wide = survey.survey_wide(
                read_survey(p.inputs["survey"], self.questions), self.questions, self._min_respondents
            )
            out.update(values.survey_values(wide))
        return out

    @cached_property
    def values(self) -> dict[str, dict[str, Value]]:
        """``{period: {indicator id: Value}}`` from the baseline up to this period."""
        return {p.key: self.values_of(p.key) for p in self.periods}

    @cached_property
    def indicators(self) -> list[Indicator]:
        """Every indicator some period has (or a target names), in report order.

        Raises:
            CatalogError: for a target naming a survey question that is not in
                the question catalogue, or a sick-leave group that no period's
                file has (a group that is there but hidden is not an error).
        """
        question_ids = set(self.questions["question_id"])
        groups = {f"sick.{g}" for g in self.sick.rates["group"]}
        for tid in self.catalog.targets:
            problem = indicators.check_target_id(tid, question_ids)
            if problem is None and tid.startswith("sick.") and tid not in groups:
                problem = "no sick-leave group of that name in any period"
            if problem:
                raise CatalogError(f"{self.catalog.path}: target {tid[:60]!r}: {problem}")
        present = dict.fromkeys(i for v in self.values.values() for i in v)
        for tid in self.catalog.targets:
            present.setdefault(tid, None)
        out = list(indicators.STAFFING)
        out += [indicators.indicator(i) for i in present if i.startswith("sick.")]
        for qid in self.questions["question_id"]:
            out += [indicators.indicator(i) for i in present if i.startswith(f"survey.{qid}.")]
        return out

    @cached_property
    def movement(self) -> pd.DataFrame:
        """One row per indicator: baseline, latest, change, verdict, significance and attainment."""
        table = movement.movement_table(self.indicators, self.values)
        return attainment.attainment_table(table, self.catalog.targets, self.periods[0].key, self.period.key)

    @cached_property
    def values_long(self) -> pd.DataFrame:
        return movement.values_long(self.values)

    @cached_property
    def unit_changes(self) -> list[tuple[str, str, pd.DataFrame]]:
        """``(before, after, changes)`` for every pair of consecutive periods."""
        keys = [p.key for p in self.periods]
        return [
            (a, b, movement.unit_changes(self.staffing_of(a), self.staffing_of(b)))
            for a, b in zip(keys, keys[1:], strict=False)
        ]

    # --- the programme -----------------------------------------------------

    @cached_property
    def programme(self) -> programme.Programme:
        """The programme register at this period, against the previous period's."""
        dialogues = reg.read_dialogues()
        needs = reg.read_needs(dialogues=dialogues)
        conclusions = reg.read_conclusions()
        known = set(needs["need_id"]) | set(conclusions["conclusion_id"])
        files = [
            (p.key, reg.read_activities(p.inputs["activities"], known).assign(period=p.key))
            for p in self.periods
            if "activities" in p.inputs
        ]
        current = programme.register([f for _, f in files])
        previous = (
            programme.register([f for key, f in files if key != self.period.key])
            if len(self.periods) > 1
            else None
        )
        result = programme.programme(current, previous, needs, conclusions)
        result.dialogues = dialogues
        return result

    @property
    def board_code(self) -> str:
        board = self.staffing_of(self.period.key)
        board = board[board["level"] == Level.BOARD]
        return board["unit_code"].iloc[0] if len(board) else config.BOARD_CODE


def load_period(
    period: str | None = None,
    catalog: str | Path | Catalog | None = None,
    *,
    disclosed: bool = True,
    thresholds: dict[str, int] | None = None,
) -> PeriodResults:
    """Everything the report computes for ``period``, computed on first use.

    Args:
        period: the period id (``"2024-H1"``); default the latest in the catalogue.
        catalog: the catalogue (path or loaded); default ``data/periods.yml``.
        disclosed: hide small groups as the report does (the default).
        thresholds: small-group thresholds; each is the larger of this and the
            catalogue's (a public document may hide more, never less).

    Returns:
        A :class:`PeriodResults`.

    Raises:
        CatalogError: for a bad catalogue or an unknown period.
        InputError: (on use) when an input cannot be read.
    """
    cat = (
        catalog
        if isinstance(catalog, Catalog)
        else load_catalog(config.resolve(catalog) if catalog else None)
    )
    found = cat.find(period)
    # a caller (a notebook's parameters) may hide more than the catalogue says, never less
    merged = {k: max(v, (thresholds or {}).get(k, v)) for k, v in cat.thresholds.items()}
    return PeriodResults(cat, found, merged, disclosed)
