"""``sofstat check``: validate inputs without building, listing every problem.

``sofstat check FILE…`` reads each file with the reader its header (or, for
``.txt``, the published staffing table; for ``.yml``, the catalogue) calls
for; ``sofstat check --period P`` reads every input the report for ``P``
would read, and the cross-checks between them. Each problem is printed with
file, line, text and what is wrong, so that an export can be fixed in one go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .analysis.period import PeriodResults
from .errors import CatalogError, InputError, Problem
from .readers import catalog as cat
from .readers import guideline, programme, sickleave, staffing, survey

#: Reader per catalogue role.
ROLE_READERS = {
    "staffing": staffing.read_staffing,
    "guideline": guideline.read_guideline,
    "guideline_factors": guideline.read_factors,
    "department_map": guideline.read_department_map,
    "survey": survey.read_survey,
    "sick_leave": sickleave.read_sick_leave,
    "activities": programme.read_activities,
}
#: Reference files every report reads, whatever the period.
REFERENCE_READERS = {
    "survey_questions": survey.read_questions,
    "plan_dialogues": programme.read_dialogues,
    "plan_needs": programme.read_needs,
    "plan_conclusions": programme.read_conclusions,
}
REFERENCE_FILES = [(role, REFERENCE_READERS[role], path) for role, path in config.REFERENCE_FILES.items()]
#: Readers tried, in order, for a CSV or workbook of unknown kind (the header decides).
BY_HEADER = [
    ("staffing", staffing.read_staffing),
    ("survey", survey.read_survey),
    ("sick_leave", sickleave.read_sick_leave),
    ("guideline", guideline.read_guideline),
    ("guideline_factors", guideline.read_factors),
    ("department_map", guideline.read_department_map),
    ("activities", programme.read_activities),
    ("survey_questions", survey.read_questions),
    ("plan_dialogues", programme.read_dialogues),
    ("plan_needs", programme.read_needs),
    ("plan_conclusions", programme.read_conclusions),
]


@dataclass
class Result:
    """What checking one input found."""

    path: str
    kind: str
    rows: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _run(path: str, kind: str, reader, *args) -> Result:
    try:
        out = reader(*args)
    except InputError as exc:
        return Result(path, kind, None, exc.problems)
    except CatalogError as exc:
        return Result(path, kind, None, [Problem(path, None, "", str(exc))])
    return Result(path, kind, len(out) if hasattr(out, "__len__") else None)


def check_file(path: str | Path) -> Result:
    """Check one file, choosing the reader by its suffix and header."""
    p = Path(path)
    shown = config.display_path(p) if p.exists() else str(p)
    suffix = p.suffix.lower()
    if suffix in (".yml", ".yaml"):
        try:
            c = cat.load_catalog(p)
        except CatalogError as exc:
            return Result(shown, "catalog", None, [Problem(shown, None, "", str(exc))])
        return Result(shown, "catalog", len(c.periods))
    if suffix in (".csv", ".xlsx", ".xlsm") and p.is_file():
        first_error = None
        for kind, reader in BY_HEADER:
            res = _run(shown, kind, reader, p)
            if res.ok or not res.problems[0].reason.startswith("header"):
                return res
            first_error = first_error or res
        return Result(
            shown,
            "unknown",
            None,
            [
                Problem(
                    shown,
                    first_error.problems[0].line,
                    first_error.problems[0].text,
                    "header matches no kind of input (see the README for the headers)",
                )
            ],
        )
    if not p.exists():
        return Result(shown, "missing", None, [Problem(shown, None, "", "no such file")])
    return _run(shown, "staffing", staffing.read_staffing, p)


def _cross_checks(p) -> None:
    """What only the inputs together can show: the map against Table 1, targets, the register."""
    _ = p.spm, p.movement, p.programme
    return None


def check_period(catalog: cat.Catalog, key: str | None) -> list[Result]:
    """Check every input the report for ``key`` reads, then the cross-checks between them."""
    period = catalog.find(key)
    results, seen = [], set()
    for p in catalog.upto(period.key):
        for role, path in p.inputs.items():
            if path in seen:
                continue
            seen.add(path)
            results.append(_run(config.display_path(path), role, ROLE_READERS[role], path))
    for kind, reader, path in REFERENCE_FILES:
        results.append(_run(config.display_path(path), kind, reader))
    if all(r.ok for r in results):
        combined = PeriodResults(catalog, period, catalog.thresholds)
        results.append(_run("the inputs together", "cross-checks", _cross_checks, combined))
    return results


def main(args) -> int:
    """Entry point of ``sofstat check``; 0 when everything is readable, else 1."""
    results = [check_file(p) for p in args.paths]
    if args.period or args.catalog or not args.paths:
        catalog = cat.load_catalog(config.resolve(args.catalog) if args.catalog else None)
        results += check_period(catalog, args.period)
    bad = 0
    for r in results:
        if r.ok:
            rows = f", {r.rows} row{'s' if r.rows != 1 else ''}" if r.rows is not None else ""
            print(f"ok       {r.path} ({r.kind}{rows})")
            continue
        bad += 1
        print(f"PROBLEMS {r.path} ({r.kind}): {len(r.problems)}")
        for problem in r.problems:
            print(f"  {problem}")
    print(
        f"{len(results) - bad} of {len(results)} inputs readable."
        + (" Fix the problems above and check again." if bad else "")
    )
    return 1 if bad else 0
