"""The catalogue of reporting periods (``data/periods.yml``).

Each period maps input roles to files, with paths relative to the catalogue::

    periods:
      2024-H1:
        title: Första halvåret 2024
        staffing: raw/2024-03/tabell3_tillsvidareanstallda_2024-03.txt
        guideline: raw/2024-03/tabell1_grundtal.csv
        survey: raw/...        # optional
        sick_leave: raw/...    # optional

The first period is the baseline. ``guideline``, ``guideline_factors`` and
``department_map`` carry over from the period before when a period does not
name them (the guideline seldom changes); ``survey`` and ``sick_leave`` do
not carry over (a period without them simply has no new figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths

#: Input roles, in the order they are listed in manifests.
ROLES = ["staffing", "guideline", "guideline_factors", "department_map", "survey", "sick_leave"]
#: Roles that a period inherits from the one before when it does not name them.
INHERITED = {"guideline", "guideline_factors", "department_map"}
REQUIRED = {"staffing", "guideline"}


class CatalogError(ValueError):
    """The catalogue is malformed or names a file that does not exist."""


@dataclass
class Period:
    """One reporting period and its input files (absolute paths)."""

    key: str
    title: str
    inputs: dict[str, Path] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)


def load_catalog(path: str | Path | None = None) -> list[Period]:
    """Read the catalogue; return its periods in the order they are listed.

    Args:
        path: the YAML file; default ``data/periods.yml``.

    Returns:
        The periods, the first being the baseline, with every input resolved
        to an absolute path (inherited roles filled in).

    Raises:
        CatalogError: for a malformed file, a period without ``staffing`` or
            ``guideline``, an unknown role or a file that does not exist.
        FileNotFoundError: when the catalogue itself does not exist.
    """
    path = Path(path) if path is not None else paths.PERIODS_FILE
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("periods"), dict) or not doc["periods"]:
        raise CatalogError(f"{path}: expected a mapping 'periods:' with at least one period")
    base = path.parent
    out: list[Period] = []
    previous: dict[str, Path] = {}
    for key, entry in doc["periods"].items():
        key = str(key)
        if not isinstance(entry, dict):
            raise CatalogError(f"{path}: period {key}: expected a mapping of inputs")
        inputs: dict[str, Path] = {}
        extra: dict[str, object] = {}
        for role, value in entry.items():
            if role == "title":
                continue
            if role not in ROLES:
                extra[role] = value
                continue
            file = (base / str(value)).resolve()
            if not file.is_file():
                raise CatalogError(f"{path}: period {key}: {role}: no such file: {value}")
            inputs[role] = file
        for role in INHERITED:
            if role not in inputs and role in previous:
                inputs[role] = previous[role]
        missing = REQUIRED - set(inputs)
        if missing:
            raise CatalogError(f"{path}: period {key}: missing {', '.join(sorted(missing))}")
        previous = inputs
        out.append(Period(key, str(entry.get("title", key)), inputs, extra))
    return out


def find_period(periods: list[Period], key: str | None) -> Period:
    """Return the period ``key``, or the latest (last listed) when ``key`` is None.

    Raises:
        CatalogError: when the catalogue has no such period.
    """
    if key is None:
        return periods[-1]
    for p in periods:
        if p.key == key:
            return p
    raise CatalogError(f"no period {key!r} in the catalogue (has: {', '.join(p.key for p in periods)})")
