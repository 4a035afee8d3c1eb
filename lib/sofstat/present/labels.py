"""Swedish names of indicators, groups, periods and references."""

from __future__ import annotations

import pandas as pd

from ..analysis.indicators import Indicator, Kind, indicator
from ..analysis.values import Value
from ..vocabulary import MONTHS, Direction, Respondents, labels, month_label

_STATIC = {
    "share_units_within_base": "Andel enheter inom grundtal",
    "units_over_max": "Enheter över maxgräns",
    "median_employees_per_manager": "Medarbetare per chef, median över enheterna",
    "max_employees_per_manager": "Medarbetare per chef, högsta enhet",
    "managers": "Antal chefer för enheterna i tabellen (fler = mindre chefsområden)",
}
#: The whole administration, as a row of a table.
WHOLE = "Hela förvaltningen"
GROUPS = labels(Respondents)
#: Which way is better, as chart titles say it.
BETTER = {Direction.UP.value: "högre är bättre", Direction.DOWN.value: "lägre är bättre"}


def indicator_label(ind: Indicator | str, questions: pd.DataFrame) -> str:
    """The Swedish name of an indicator, e.g. ``Andel positiva: Får tillräckligt … (chefer)``."""
    ind = indicator(ind) if isinstance(ind, str) else ind
    if ind.id in _STATIC:
        return _STATIC[ind.id]
    if ind.kind == Kind.RATE:
        return f"Ackumulerat sjuktal, {ind.group}"
    text = dict(zip(questions["question_id"], questions["text"], strict=True)).get(
        ind.question_id, ind.question_id
    )
    return f"Andel positiva: {text} ({GROUPS.get(ind.group, ind.group)})"


def unit_word(ind: Indicator) -> str:
    """The unit of a change: ``procentenheter`` for percentages, else nothing."""
    return "procentenheter" if ind.percent else ""


def reference(value: Value) -> str:
    """What a value refers to, in Swedish: ``mars 2024``, ``2023``, ``2024, januari–september``."""
    if value.through:
        last = int(value.through[5:7])
        span = "januari" if last == 1 else f"januari–{MONTHS[last - 1]}"
        return f"{value.reference}, {span}"
    if len(value.reference) == 7:
        return month_label(value.reference)
    return value.reference


def year_span(months: int | None) -> str:
    """``helår`` for 12 months, else ``januari–<month>``."""
    if not months or months >= 12:
        return "helår"
    return "januari" if months == 1 else f"januari–{MONTHS[months - 1]}"
