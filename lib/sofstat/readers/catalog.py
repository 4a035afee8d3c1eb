"""The catalogue of reporting periods (``data/periods.yml``): the one place for parameters per period.

::

    periods:                 # in time order; the first is the baseline
      2024-H1:
        title: Första halvåret 2024
        staffing: raw/2024-03/tabell3_tillsvidareanstallda_2024-03.txt
        guideline: raw/2024-03/tabell1_grundtal.csv
        survey: raw/...        # optional
        sick_leave: raw/...    # optional
        activities: raw/...    # optional
    targets:                 # optional; see sofstat.analysis.indicators for the ids
      share_units_within_base: {value: 90, by: 2027-H2, source: "SON 2025-06-12 § 85"}
    thresholds:              # optional; defaults in sofstat.config.THRESHOLDS
      min_respondents: 5

Paths are relative to the catalogue. ``guideline``, ``guideline_factors``
and ``department_map`` carry over from the period before when a period does
not name them; ``survey``, ``sick_leave`` and ``activities`` do not.
Anything wrong, down to the encoding, is a :class:`sofstat.CatalogError`
naming the file and the entry.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import config
from ..analysis.indicators import check_target_id
from ..errors import CatalogError, InputError
from .files import decode, read_bytes

#: Input roles, in the order they are listed in manifests.
ROLES = ["staffing", "guideline", "guideline_factors", "department_map", "survey", "sick_leave", "activities"]
#: Roles that a period inherits from the one before when it does not name them.
INHERITED = {"guideline", "guideline_factors", "department_map"}
REQUIRED = {"staffing", "guideline"}
_TOP = {"periods", "targets", "thresholds"}
_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Target:
    """A target SON has set for an indicator: the value, the period it is due and the decision."""

    indicator: str
    value: float
    by: str
    source: str


@dataclass
class Period:
    """One reporting period and its input files (absolute paths)."""

    key: str
    title: str
    inputs: dict[str, Path] = field(default_factory=dict)


@dataclass
class Catalog:
    """The periods (the first is the baseline), the targets and the thresholds."""

    path: Path
    periods: list[Period]
    targets: dict[str, Target] = field(default_factory=dict)
    thresholds: dict[str, int] = field(default_factory=lambda: dict(config.THRESHOLDS))

    def find(self, key: str | None) -> Period:
        """The period ``key``, or the latest (last listed) when ``key`` is None.

        Raises:
            CatalogError: when the catalogue has no such period.
        """
        if key is None:
            return self.periods[-1]
        for p in self.periods:
            if p.key == key:
                return p
        keys = ", ".join(p.key for p in self.periods)
        raise CatalogError(f"{self.path}: no period {str(key)[:40]!r} (has: {keys})")

    def upto(self, key: str | None) -> list[Period]:
        """The periods from the baseline up to and including ``key``."""
        last = self.find(key)
        return self.periods[: self.periods.index(last) + 1]


#: Brackets (``[`` or ``{``) open at once beyond which a text is not a catalogue. PyYAML's
#: scanner looks at every open bracket for each token it reads, so a text of many open
#: brackets took seconds ("[" × 5 000: 1.5 s) before it failed on Python's recursion limit.
_MAX_FLOW_DEPTH = 100


class _TooDeep(Exception):
    """Raised by the scanner at :data:`_MAX_FLOW_DEPTH` open brackets."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice (YAML would keep the last) and stops
    at :data:`_MAX_FLOW_DEPTH` open brackets."""

    def fetch_flow_collection_start(self, TokenClass):  # noqa: N803 - PyYAML's name
        if self.flow_level >= _MAX_FLOW_DEPTH:
            raise _TooDeep
        super().fetch_flow_collection_start(TokenClass)


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, list | dict | set):
            # a list or mapping as a key ("? [a, b]"): YAML allows it, a catalogue never has it
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word, number or date", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _show(value: object) -> str:
    """A value for an error message, at most 40 characters; never the text of a
    whole list or mapping (which YAML aliases can make as large as memory)."""
    if isinstance(value, list | dict | set | tuple):
        return f"a {type(value).__name__}"
    return repr(str(value)[:40])


def _load_yaml(path: Path) -> object:
    try:
        name, _, data = read_bytes(path)
        if len(data) > _MAX_BYTES:
            raise CatalogError(f"{path}: more than {_MAX_BYTES} bytes; not a catalogue")
        text = decode(data, name)
    except InputError as exc:
        raise CatalogError(str(exc)) from None
    if "\x00" in text:
        raise CatalogError(f"{path}: holds a NUL character; save it as plain UTF-8 text")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {' '.join(str(exc).split())[:300]}") from None
    except (RecursionError, _TooDeep):
        raise CatalogError(f"{path}: nested too deeply to be a catalogue") from None


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and check the catalogue.

    Args:
        path: the YAML file; default ``data/periods.yml``.

    Returns:
        The :class:`Catalog`, every input resolved to an absolute path
        (inherited roles filled in).

    Raises:
        CatalogError: naming the file and entry, for a file that cannot be
            read or is not YAML (encoding, NUL, nesting, duplicate keys), an
            unknown key, a period id that is not ``YYYY-H1``/``YYYY-H2`` or out
            of time order, a period without ``staffing`` or ``guideline``, an
            input that is not an existing file, or a bad target or threshold.
    """
    path = Path(path) if path is not None else config.PERIODS_FILE
    doc = _load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("periods"), dict) or not doc["periods"]:
        raise CatalogError(f"{path}: expected a mapping 'periods:' with at least one period")
    unknown = set(map(str, doc)) - _TOP
    if unknown:
        raise CatalogError(f"{path}: unknown top-level entries: {', '.join(sorted(unknown))[:200]}")
    periods = _periods(path, doc["periods"])
    return Catalog(
        path, periods, _targets(path, doc.get("targets"), periods), _thresholds(path, doc.get("thresholds"))
    )


def _periods(path: Path, entries: dict) -> list[Period]:
    base = path.parent
    out: list[Period] = []
    previous: dict[str, Path] = {}
    for raw_key, entry in entries.items():
        key = str(raw_key)
        if not re.fullmatch(config.PERIOD_PATTERN, key):
            raise CatalogError(f"{path}: period {key[:40]!r}: the id must be YYYY-H1 or YYYY-H2")
        if out and key <= out[-1].key:
            raise CatalogError(
                f"{path}: period {key}: periods must be listed in time order (after {out[-1].key})"
            )
        if not isinstance(entry, dict):
            raise CatalogError(f"{path}: period {key}: expected a mapping of inputs")
        inputs: dict[str, Path] = {}
        for raw_role, value in entry.items():
            role = str(raw_role)
            if role == "title":
                if not isinstance(value, str) or not value.strip():
                    raise CatalogError(f"{path}: period {key}: title must be text")
                continue
            if role not in ROLES:
                raise CatalogError(
                    f"{path}: period {key}: unknown entry {role[:40]!r} (roles: {', '.join(ROLES)})"
                )
            if not isinstance(value, str) or not value.strip():
                raise CatalogError(f"{path}: period {key}: {role}: expected a file path")
            inputs[role] = _input(path, base, key, role, value)
        for role in INHERITED:
            if role not in inputs and role in previous:
                inputs[role] = previous[role]
        missing = REQUIRED - set(inputs)
        if missing:
            raise CatalogError(f"{path}: period {key}: missing {', '.join(sorted(missing))}")
        previous = inputs
        out.append(Period(key, str(entry.get("title", key)), inputs))
    return out


def _input(path: Path, base: Path, key: str, role: str, value: str) -> Path:
    shown = value if len(value) <= 80 else value[:80] + "…"
    try:
        file = (base / value).resolve()
        if file.is_file():
            return file
        reason = "is a folder, not a file" if file.is_dir() else "no such file"
    except (OSError, ValueError) as exc:
        reason = f"cannot be used as a path ({type(exc).__name__})"
    raise CatalogError(f"{path}: period {key}: {role}: {reason}: {shown}")


def _targets(path: Path, entries: object, periods: list[Period]) -> dict[str, Target]:
    if entries is None:
        return {}
    if not isinstance(entries, dict):
        raise CatalogError(f"{path}: targets: expected a mapping of indicator ids to targets")
    out = {}
    for raw_id, spec in entries.items():
        tid = str(raw_id)
        where = f"{path}: target {tid[:60]!r}"
        problem = check_target_id(tid)
        if problem:
            raise CatalogError(f"{where}: {problem}")
        if not isinstance(spec, dict) or set(map(str, spec)) != {"value", "by", "source"}:
            raise CatalogError(f"{where}: expected exactly value, by and source")
        value, by, source = spec["value"], spec["by"], spec["source"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise CatalogError(f"{where}: value must be a number, not {_show(value)}")
        if not isinstance(by, str) or not re.fullmatch(config.PERIOD_PATTERN, by):
            raise CatalogError(f"{where}: by must be a period id such as 2027-H2, not {_show(by)}")
        if by <= periods[0].key:
            raise CatalogError(f"{where}: by ({by}) must come after the baseline {periods[0].key}")
        if not isinstance(source, str) or not source.strip():
            raise CatalogError(f"{where}: source must name the decision the target comes from")
        out[tid] = Target(tid, float(value), by, source.strip())
    return out


def _thresholds(path: Path, entries: object) -> dict[str, int]:
    out = dict(config.THRESHOLDS)
    if entries is None:
        return out
    if not isinstance(entries, dict):
        raise CatalogError(f"{path}: thresholds: expected a mapping")
    for raw, value in entries.items():
        name = str(raw)
        if name not in config.THRESHOLDS:
            raise CatalogError(
                f"{path}: thresholds: unknown {name[:40]!r} (known: {', '.join(config.THRESHOLDS)})"
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise CatalogError(f"{path}: thresholds: {name} must be a whole number from 1 to 1000")
        if value < config.THRESHOLDS[name]:
            # a public document: a period may hide more than the default, never less
            raise CatalogError(
                f"{path}: thresholds: {name} = {value} would show smaller groups than the "
                f"default {config.THRESHOLDS[name]}; it may only be raised"
            )
        out[name] = value
    return out
