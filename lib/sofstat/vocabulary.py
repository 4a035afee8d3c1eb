"""The words of the report: codes the library computes with, and their Swedish labels.

Analysis returns these codes (``StrEnum`` members, equal to short English
strings); only presentation turns them into Swedish, through :func:`sv`.
Input files use a few Swedish words of their own (``positiv``, ``chefer``,
``genomford``); :meth:`Category.parse` and friends read them here too, so
that no other module compares or parses a Swedish word.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """Level of a row of the staffing table, by the length of its code."""

    BOARD = "board"
    DEPARTMENT = "department"
    UNIT = "unit"

    @classmethod
    def of_code(cls, code: str) -> Level:
        """The level of a 2-, 5- or 7-digit unit code."""
        return {2: cls.BOARD, 5: cls.DEPARTMENT, 7: cls.UNIT}[len(code)]


class Status(StrEnum):
    """A unit's employees per manager against the guideline."""

    WITHIN_BASE = "within_base"
    OVER_BASE = "over_base"
    OVER_MAX = "over_max"


class Measure(StrEnum):
    """A measure of the staffing table checked against its totals."""

    EMPLOYEES = "employees"
    FTE = "fte"
    MEAN_AGE = "mean_age"


class Category(StrEnum):
    """An answer category of the survey (answers 4–5, 3 and 1–2)."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"

    @classmethod
    def parse(cls, answer: str) -> Category | None:
        """The category of an answer as a survey file writes it (``1``–``5`` or
        ``positiv``/``neutral``/``negativ``); None when it is neither."""
        return _ANSWERS.get(answer.strip().lower())


_ANSWERS = {
    "1": Category.NEGATIVE,
    "2": Category.NEGATIVE,
    "3": Category.NEUTRAL,
    "4": Category.POSITIVE,
    "5": Category.POSITIVE,
    "positiv": Category.POSITIVE,
    "neutral": Category.NEUTRAL,
    "negativ": Category.NEGATIVE,
}


class Respondents(StrEnum):
    """Who answered a survey question (the input word is the code)."""

    EMPLOYEES = "medarbetare"
    MANAGERS = "chefer"


class Direction(StrEnum):
    """Which way an indicator should move."""

    UP = "up"
    DOWN = "down"


class Verdict(StrEnum):
    """How an indicator moved from the baseline to its latest value."""

    RIGHT_WAY = "right_way"
    WRONG_WAY = "wrong_way"
    UNCHANGED = "unchanged"
    NOT_ASSESSABLE = "not_assessable"  # an approximate value moved less than its band
    NOT_SIGNIFICANT = "not_significant"  # a survey change within what chance gives
    NOT_COMPARABLE = "not_comparable"  # the values cover different parts of the year
    BASELINE_ONLY = "baseline_only"
    MISSING = "missing"

    @property
    def counted(self) -> bool:
        """True when the verdict is a comparison (right, wrong or unchanged)."""
        return self in (Verdict.RIGHT_WAY, Verdict.WRONG_WAY, Verdict.UNCHANGED)


class Significance(StrEnum):
    """Whether a change of a survey share is larger than chance would give."""

    SIGNIFICANT = "significant"
    NOT_SIGNIFICANT = "not_significant"
    NOT_TESTED = "not_tested"  # no number of respondents, or an approximate value


class Attainment(StrEnum):
    """Goal attainment of an indicator against its target."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_ASSESSABLE = "not_assessable"
    NO_TARGET = "no_target"


class UnitChange(StrEnum):
    """How a unit changed between two staffing tables (matched by code)."""

    NEW = "new"
    CLOSED = "closed"
    RENAMED = "renamed"
    MANAGERS_CHANGED = "managers_changed"


class ActivityStatus(StrEnum):
    """Status of an activity of the programme (the input word is the code)."""

    IN_PLACE = "befintlig"
    PLANNED = "planerad"
    ONGOING = "pagaende"
    DONE = "genomford"
    CANCELLED = "installd"


class PlanLevel(StrEnum):
    """Where an activity is run (the input word is the code)."""

    REGION = "region"
    ADMINISTRATION = "forvaltning"
    ADMINISTRATION_AND_DEPARTMENT = "forvaltning_och_avdelning"
    DEPARTMENT = "avdelning"
    UNIT = "enhet"


class Starting(StrEnum):
    """The two starting points of the management-team dialogues, and the two
    levels of the plan's common conclusions (input word is the code)."""

    ORGANISATION = "organisatoriska_forutsattningar"
    LEADERSHIP = "ledarens_utveckling"

    @classmethod
    def parse(cls, word: str) -> Starting | None:
        """Read a starting point; the conclusions' ``organisatorisk`` is the first."""
        word = word.strip().lower()
        return cls.ORGANISATION if word == "organisatorisk" else parse(cls, word)


#: The Swedish label of every code, by type: the one place the report's words live.
SWEDISH: dict[type[StrEnum], dict[StrEnum, str]] = {
    Level: {
        Level.BOARD: "nämnd",
        Level.DEPARTMENT: "avdelning",
        Level.UNIT: "enhet",
    },
    Status: {
        Status.WITHIN_BASE: "inom grundtal",
        Status.OVER_BASE: "över grundtal",
        Status.OVER_MAX: "över maxgräns",
    },
    Measure: {
        Measure.EMPLOYEES: "Tillsvidareanställda",
        Measure.FTE: "Årsarbetare",
        Measure.MEAN_AGE: "Medelålder",
    },
    Category: {
        Category.POSITIVE: "positiv",
        Category.NEUTRAL: "neutral",
        Category.NEGATIVE: "negativ",
    },
    Respondents: {
        Respondents.EMPLOYEES: "medarbetare",
        Respondents.MANAGERS: "chefer",
    },
    Direction: {
        Direction.UP: "upp",
        Direction.DOWN: "ned",
    },
    Verdict: {
        Verdict.RIGHT_WAY: "åt rätt håll",
        Verdict.WRONG_WAY: "åt fel håll",
        Verdict.UNCHANGED: "oförändrat",
        Verdict.NOT_ASSESSABLE: "ej bedömbart (inom det ungefärliga värdets marginal)",
        Verdict.NOT_SIGNIFICANT: "ingen säkerställd förändring (inom slumpens marginal)",
        Verdict.NOT_COMPARABLE: "ej jämförbart (olika delar av året)",
        Verdict.BASELINE_ONLY: "endast utgångsläge hittills",
        Verdict.MISSING: "saknas för någon period",
    },
    Significance: {
        Significance.SIGNIFICANT: "säkerställd",
        Significance.NOT_SIGNIFICANT: "ej säkerställd",
        Significance.NOT_TESTED: "ej prövad",
    },
    Attainment: {
        Attainment.ACHIEVED: "uppnått",
        Attainment.ON_TRACK: "i fas",
        Attainment.BEHIND: "efter plan",
        Attainment.NOT_ASSESSABLE: "ej bedömbart",
        Attainment.NO_TARGET: "mål ej fastställt",
    },
    UnitChange: {
        UnitChange.NEW: "ny",
        UnitChange.CLOSED: "nedlagd",
        UnitChange.RENAMED: "namnbyte",
        UnitChange.MANAGERS_CHANGED: "ändrat antal chefer",
    },
    ActivityStatus: {
        ActivityStatus.IN_PLACE: "befintlig",
        ActivityStatus.PLANNED: "planerad",
        ActivityStatus.ONGOING: "pågår",
        ActivityStatus.DONE: "genomförd",
        ActivityStatus.CANCELLED: "inställd",
    },
    PlanLevel: {
        PlanLevel.REGION: "regionen",
        PlanLevel.ADMINISTRATION: "förvaltningen",
        PlanLevel.ADMINISTRATION_AND_DEPARTMENT: "förvaltningen och avdelningarna",
        PlanLevel.DEPARTMENT: "avdelningen",
        PlanLevel.UNIT: "enheten",
    },
    Starting: {
        Starting.ORGANISATION: "chefsrollens organisatoriska förutsättningar",
        Starting.LEADERSHIP: "ledarens utveckling av sitt ledarskap",
    },
}

#: Plural forms, for counts ("2 planerade"): the singular is in :data:`SWEDISH`.
PLURAL: dict[type[StrEnum], dict[StrEnum, str]] = {
    ActivityStatus: {
        ActivityStatus.IN_PLACE: "befintliga",
        ActivityStatus.PLANNED: "planerade",
        ActivityStatus.ONGOING: "pågående",
        ActivityStatus.DONE: "genomförda",
        ActivityStatus.CANCELLED: "inställda",
    },
}


def counted(n: int, code: StrEnum) -> str:
    """``n`` and the label of ``code`` agreeing with it: ``1 genomförd``, ``2 genomförda``."""
    word = SWEDISH[type(code)][code] if n == 1 else PLURAL[type(code)][code]
    return f"{n} {word}"


#: Swedish month names, January first.
MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()


def sv(code: StrEnum | str) -> str:
    """The Swedish label of a code (a code without one is returned as it is)."""
    if isinstance(code, StrEnum):
        return SWEDISH.get(type(code), {}).get(code, str(code))
    return str(code)


def input_words(enum: type[StrEnum]) -> dict[str, str]:
    """``{word as input files write it: code}`` for ``enum``; for ``Series.map``
    on a column of stripped, lower-case words (unknown words map to NaN)."""
    words = {m.value: m.value for m in enum}
    if enum is Category:
        words = {k: v.value for k, v in _ANSWERS.items()}
    elif enum is Starting:
        words["organisatorisk"] = Starting.ORGANISATION.value
    return words


def labels(enum: type[StrEnum]) -> dict[str, str]:
    """``{code: Swedish label}`` for every member of ``enum``; for ``Series.map``
    on columns that hold the codes as plain strings."""
    return {str(k): v for k, v in SWEDISH[enum].items()}


def parse(enum: type[StrEnum], word: str) -> StrEnum | None:
    """The member of ``enum`` whose code is ``word`` (stripped, lower case); None if none."""
    try:
        return enum(word.strip().lower())
    except ValueError:
        return None


def department_without_row(code: str) -> str:
    """The name of a department that has units but no row of its own in the staffing table."""
    return f"Avdelning {code} (utan egen rad i tabellen)"


def month_label(month: str) -> str:
    """``"2024-03"`` -> ``"mars 2024"``; any other string is returned as it is."""
    year, _, mm = str(month).partition("-")
    if year.isdigit() and mm.isdigit() and 1 <= int(mm) <= 12:
        return f"{MONTHS[int(mm) - 1]} {int(year)}"
    return str(month)
