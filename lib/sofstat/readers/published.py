"""The staffing table as published: text extracted from the PDF of SOF's plan.

One organisational row per line (``5200307 Roma Äldreboende (*2 chefer)
56* 54,80 45,6``), names that may wrap onto the next lines, and page debris
between rows. Every line is classified as exactly one of:

- a **row**: a 2-, 5- or 7-digit code, a name (with a letter, and not
  holding the numbers of another row), headcount, FTE and mean age (FTE
  and mean age with decimals, as published);
- a **continuation** of a row whose name wrapped (at most two more lines,
  blank lines between them included; a line that begins with five or more
  digits begins a row of its own and is never a continuation);
- **debris**: blank, the table title (``Tabell 3. …``, not ending in a
  row's numbers), the column headings,
  a page number (``4 (15)``), a span of years (``2024-2027``) or a line of
  words without digits (a running page header or footer);
- an **error**: anything else, reported with file, line and text.

Reading is linear in the size of the text: the lines of the common shape
are read all at once on the text's bytes (:mod:`.bulk`; for a text beyond
Latin-1, one regular-expression pass with no nested quantifiers, runs of
spaces collapsed first), each giving exactly what reading it alone gives;
the rest are read one by one, token by token (what a line is on its own is
worked out once per distinct text: page debris repeats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .. import config
from ..vocabulary import MONTHS
from .bulk import Lines, merge, read_bulk
from .numbers import normalise_spaces, parse_number
from .source import Problems, Text

#: Words of the table's column headings.
HEADING_WORDS = frozenset(
    "antal tillsvidareanställda årsarbetare enligt anställningsavtal medelålder medarbetare per chef".split()
)
_CODE = r"(?:" + config.UNIT_CODE_PATTERN + r")"
_ROW_START = re.compile(r" *(" + _CODE + r") +(\S.*)")
# The common shape, whole line, possessive so that it cannot backtrack: code,
# name (shortest first), headcount[*], FTE and mean age with decimals.
_FAST = r" ?(" + _CODE + r") ([^\n]*?[^\s*]) ([0-9]++)(\*?+) ([0-9]++[,.][0-9]++) ([0-9]++[,.][0-9]++) ?"
_LINE = re.compile(r"^(?:" + _FAST + r"|[^\n]*+)$", re.MULTILINE)
_MANAGERS = re.compile(r"\( *\* *([0-9]{1,6}) *chef(?:er)? *\)", re.IGNORECASE)
_INT = re.compile(r"[-\u2212]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)")
# FTE and mean age are published with decimals: a value without them is a line cut short.
_DEC = re.compile(r"[-\u2212]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)[,.][0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_TITLE = re.compile(r" *tabell +[0-9]+\b", re.IGNORECASE)
_TITLE_PERIOD = re.compile(r"\b(" + "|".join(MONTHS) + r") +(" + config.YEAR_PATTERN + r")\b", re.IGNORECASE)
_PAGE = re.compile(r" *(?:sida +)?[0-9]{1,4} *(?:\( *[0-9]{1,4} *\)|av +[0-9]{1,4}) *", re.IGNORECASE)
_YEARS = re.compile(r" *" + config.YEAR_PATTERN + r" *[-\u2013] *" + config.YEAR_PATTERN + r" *")
_DIGIT = re.compile(r"[0-9]")
# The numbers of a row (headcount[*] FTE age) inside a name: two rows run together on one line.
_ROW_NUMBERS = re.compile(
    r"(?:^| )[-\u2212]?[0-9]++\*? [-\u2212]?[0-9]++[,.][0-9]++ [-\u2212]?[0-9]++[,.][0-9]++(?= |$)"
)
# A line that begins with five or more digits begins a row (or a damaged one), never a wrapped name.
_LONG_NUMBER_START = re.compile(r" *[0-9]{5}")
_MINUS = frozenset("-\u2212\u2013")
#: Longest FTE or mean age (comma included) the fast pass reads; longer ones go slow (numbers.MAX_DIGITS).
_FAST_MAX_CHARS = 16
# How far an FTE may exceed the headcount and still be read as a (bad) row
# rather than as a sign that a digit belongs to the name (see _split_numbers).
_FTE_TYPO_RATIO = 1.5
_MAX_WRAP_LINES = 3


@dataclass
class Rows:
    """Rows as columns (fast to build into a DataFrame), with their lines."""

    code: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    employees: list[int] = field(default_factory=list)
    fte: list[float] = field(default_factory=list)
    age: list[float] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)
    first: list[int] = field(default_factory=list)
    last: list[int] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)  # row -> text, where not one line
    debris: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, text)
    blank: int = 0
    digits: object = None  # the codes' digits (fast.Digits) when read from a file's bytes

    def add(self, code, name, employees, fte, age, managers, first, last, text=None) -> None:
        if text is not None:
            self.texts[len(self.code)] = text
        self.code.append(code)
        self.name.append(name)
        self.employees.append(employees)
        self.fte.append(fte)
        self.age.append(age)
        self.managers.append(managers)
        self.first.append(first)
        self.last.append(last)


class _Unreadable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def starts_like_row(line: str) -> bool:
    """True when ``line`` begins with a unit code followed by text."""
    return _ROW_START.match(normalise_spaces(line)) is not None


def debris_kind(line: str) -> str | None:
    """What kind of page debris ``line`` is (Swedish, for the data-quality
    section), or None when it is not debris."""
    text = normalise_spaces(line).strip()
    if not text:
        return "tom rad"
    if _TITLE.match(text) and not _ends_in_row_numbers(text):
        return "tabellrubrik"
    if all(w.lower() in HEADING_WORDS for w in text.split()):
        return "kolumnrubrik"
    if _PAGE.fullmatch(text):
        return "sidnummer"
    if _YEARS.fullmatch(text):
        return "sidhuvud (årtal)"
    if not _DIGIT.search(text) and _LETTER.search(text):
        return "sidhuvud eller sidfot (text utan siffror)"
    return None


def _ends_in_row_numbers(text: str) -> bool:
    try:
        _split_numbers(text)
    except _Unreadable:
        return False
    return True


def _name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a unit name (None when it can)."""
    if not _LETTER.search(name):
        return "the unit name has no letter"
    if ("," in name or "." in name) and _ROW_NUMBERS.search(name):  # (a decimal is needed: fast first)
        return "the name holds a headcount, FTE and mean age: two rows on one line?"
    if name[-1:] in _MINUS and name[-2:-1] in ("", " "):
        return "a minus sign stands apart from the headcount"
    return None


def _split_numbers(rest: str) -> tuple[str, str, bool, str, str]:
    """Split ``name headcount[*] fte age`` into its parts.

    Thousands separators make the split ambiguous (``Visby 1 29`` vs
    ``1 555``), so every split whose numbers are well-formed is tried, the
    one that leaves the longest name first, and the first with FTE not above
    headcount wins. If the longest-name split has FTE only a little above
    headcount, it is taken (and later rejected as FTE above headcount)
    rather than silently moving a digit from the name into the headcount.

    Raises:
        _Unreadable: when no split works.
    """
    tokens = rest.split()
    if len(tokens) < 4:
        raise _Unreadable("expected a name, headcount, FTE and mean age")
    age = tokens[-1]
    if not _DEC.fullmatch(age):
        if _INT.fullmatch(age):
            raise _Unreadable("the mean age has no decimals (is the line cut short?)")
        raise _Unreadable("the last value is not a mean age")
    first_valid = None
    for total in range(2, 7):
        for n_fte in range(1, 4):
            n_emp = total - n_fte
            if not 1 <= n_emp <= 3 or n_emp + n_fte + 2 > len(tokens):
                continue
            fte = " ".join(tokens[-1 - n_fte : -1])
            emp_tokens = tokens[-1 - n_fte - n_emp : -1 - n_fte]
            starred = emp_tokens[-1].endswith("*")
            emp = " ".join(emp_tokens).removesuffix("*")
            if "*" in emp or not _INT.fullmatch(emp) or not _DEC.fullmatch(fte):
                continue
            name = " ".join(tokens[: -1 - n_fte - n_emp])
            if not _LETTER.search(name):
                continue
            candidate = (name, emp, starred, fte, age)
            try:
                emp_v = parse_number(emp, integer=True)
                fte_v = parse_number(fte)
            except ValueError:
                continue
            if fte_v <= emp_v or emp_v < 0 or fte_v < 0:
                if first_valid is not None and first_valid[1] <= _FTE_TYPO_RATIO * first_valid[2]:
                    return first_valid[0]
                return candidate
            if first_valid is None:
                first_valid = (candidate, fte_v, max(emp_v, 0))
    if first_valid is not None:
        return first_valid[0]
    raise _Unreadable("cannot read headcount, FTE and mean age at the end of the line")


def managers_in_name(name: str) -> tuple[str, int | None]:
    """Split ``"Pjäsen (*4 chefer)"`` into ``("Pjäsen", 4)``; ``(name, None)`` without a marker.

    Raises:
        _Unreadable: for a marker with 0 managers or more than one marker.
    """
    found = _MANAGERS.findall(name)
    if not found:
        return name, None
    if len(found) > 1:
        raise _Unreadable("more than one (*N chefer) in the name")
    n = int(found[0])
    if n < 1:
        raise _Unreadable("(*N chefer) with N below 1")
    clean = " ".join(_MANAGERS.sub(" ", name).split())
    if not clean:
        raise _Unreadable("empty unit name")
    return clean, n


def _parse(line: str):
    m = _ROW_START.fullmatch(normalise_spaces(line))
    if not m:
        raise _Unreadable("does not start with a unit code")
    name, emp, starred, fte, age = _split_numbers(m.group(2))
    problem = _name_problem(name)
    if problem:
        raise _Unreadable(problem)
    try:
        values = parse_number(emp, integer=True), parse_number(fte), parse_number(age)
    except ValueError as exc:
        raise _Unreadable(str(exc)) from None
    clean, n = managers_in_name(name)
    if starred and n is None:
        raise _Unreadable("headcount marked * but the name has no (*N chefer)")
    return m.group(1), clean, *values, 1 if n is None else n


def read_published(text: Text, problems: Problems | None = None) -> tuple[Rows, str | None]:
    """Read the published text; return the rows (with debris) and the period of the title.

    Args:
        text: the decoded text.
        problems: where to add the problems (the caller raises them, with its
            own); by default they are raised here.

    Raises:
        InputError: with every line that is neither a row, a continuation nor
            known debris, and every row that starts like one but cannot be read
            (only when ``problems`` is not given).
    """
    own = problems is None
    problems = Problems(text.name) if own else problems
    bulk = read_bulk(text, _starred_row, _name_problem)
    if bulk is None:  # characters beyond Latin-1: the regular expression's pass
        lines = text.lines
        rows, claimed = _read_common(lines), bytearray(len(lines))
        for line in rows.first:
            claimed[line - 1] = 1
    else:
        lines = Lines(text) if text.encoded is not None else text.lines
        rows, claimed = Rows(), bulk.claimed
    _read_rest(lines, claimed, rows, problems)
    if own:
        problems.raise_if_any()
    if bulk is not None:
        rows = merge(bulk, rows)
    else:
        rows = _reorder(rows, sorted(range(len(rows.code)), key=rows.first.__getitem__))
    return rows, _period_from_title(lines)


def _read_common(lines: list[str]) -> Rows:
    """The lines of the common shape, by one regular-expression pass (a text beyond Latin-1)."""
    flat = re.sub(r" {2,}", " ", normalise_spaces("\n".join(lines)))
    found = _LINE.findall(flat)
    if len(found) != len(lines):  # cannot happen; be safe rather than fast
        found = [("",) * 6] * len(lines)
    rows = Rows()
    for i, (code, name, emp, star, fte, age) in enumerate(found):
        if not code:
            continue
        if len(fte) > _FAST_MAX_CHARS or len(age) > _FAST_MAX_CHARS or len(emp) > 9:
            continue  # read slowly, to be refused with the reason
        fte_v, emp_v = float(fte.replace(",", ".")), int(emp)
        if fte_v > emp_v or star or "(" in name or _name_problem(name):
            continue  # read slowly: a digit of the name may belong to the headcount, or a marker
        rows.add(code, name, emp_v, fte_v, float(age.replace(",", ".")), 1, i + 1, i + 1)
    return rows


def _starred_row(name: str, starred: bool) -> tuple[str, int] | None:
    """A name with a ``(`` or a headcount with ``*``, read as :func:`_parse` reads it; None when it
    cannot be (the line is then read by it, to be refused with the reason)."""
    try:
        clean, n = managers_in_name(name)
    except _Unreadable:
        return None
    if starred and n is None:
        return None
    return clean, 1 if n is None else n


def _read_rest(lines: list[str], claimed, rows: Rows, problems: Problems) -> None:
    """Classify, one by one, every line the fast pass did not read."""
    n = len(lines)
    claimed = claimed if isinstance(claimed, bytearray) else bytearray(bool(c) for c in claimed)
    alone: dict[str, tuple[str, str | None]] = {}  # what a line of text is on its own (debris repeats)
    todo = np.flatnonzero(np.frombuffer(claimed, dtype=np.uint8) == 0) if n else np.zeros(0, dtype=np.int64)
    if hasattr(lines, "prefetch"):
        lines.prefetch(todo)
    for i in todo.tolist():
        if claimed[i]:
            continue
        line = lines[i]
        what = alone.get(line)
        if what is None:
            what = _alone(line)
            if what[0] != "row":
                alone[line] = what
        if what[0] == "blank":
            rows.blank += 1
            continue
        if what[0] == "debris":
            rows.debris.append((i + 1, what[1], line))
            continue
        if what[0] == "problem":
            problems.add(i + 1, line, what[1])
            continue
        used, joined, parsed, reason, joined_reason = [i], line, None, "", ""
        try:
            parsed = _parse(line)
        except _Unreadable as exc:
            reason = exc.reason
            j = i + 1
            while parsed is None and j < n and len(used) < _MAX_WRAP_LINES:
                if not lines[j].strip():
                    j += 1
                    continue
                if claimed[j] or _LONG_NUMBER_START.match(normalise_spaces(lines[j])) or _parses(lines[j]):
                    break  # the next line is a row of its own (or a damaged one), not a wrapped name
                joined = joined.rstrip() + " " + lines[j].strip()
                used.append(j)
                try:
                    parsed = _parse(joined)
                except _Unreadable as wrapped:
                    if wrapped.reason != reason:
                        joined_reason = f"; with the next line as a wrapped name: {wrapped.reason}"
                j += 1
        if parsed is None:
            problems.add(i + 1, line, f"starts like a row but cannot be read: {reason}{joined_reason}")
            continue
        code, name, emp, fte, age, managers = parsed
        rows.add(code, name, emp, fte, age, managers, i + 1, used[-1] + 1, joined if len(used) > 1 else None)
        for k in range(i, used[-1] + 1):  # the lines used and the blank lines between them
            claimed[k] = 1


def _alone(line: str) -> tuple[str, str | None]:
    """What a line is on its own: ``("blank", None)``, ``("debris", kind)``, ``("problem", reason)``
    or ``("row", None)`` (it starts like one)."""
    if not line.strip():
        return "blank", None
    if not starts_like_row(line):
        kind = debris_kind(line)
        return ("debris", kind) if kind is not None else ("problem", _not_a_row(line))
    return "row", None


def _parses(line: str) -> bool:
    try:
        _parse(line)
    except _Unreadable:
        return False
    return True


def _not_a_row(line: str) -> str:
    if _TITLE.match(normalise_spaces(line)):
        return "a table title that ends in a row's numbers (a missing line break?)"
    try:
        _split_numbers(normalise_spaces(line))
    except _Unreadable:
        return "not a table row, a wrapped name or known page debris"
    return "looks like a table row but has no 2-, 5- or 7-digit unit code"


def _reorder(rows: Rows, order: list[int]) -> Rows:
    out = Rows(debris=rows.debris, blank=rows.blank)
    position = {k: pos for pos, k in enumerate(order)}
    for name in ("code", "name", "employees", "fte", "age", "managers", "first", "last"):
        values = getattr(rows, name)
        setattr(out, name, [values[k] for k in order])
    out.texts = {position[k]: t for k, t in rows.texts.items()}
    return out


def _period_from_title(lines: list[str]) -> str | None:
    for line in lines:
        if starts_like_row(line):
            break
        m = _TITLE_PERIOD.search(line)
        if m:
            return f"{m.group(2)}-{MONTHS.index(m.group(1).lower()) + 1:02d}"
    return None
