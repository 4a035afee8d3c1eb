"""The published staffing table read in bulk: the lines of the common shape, all at once.

:mod:`.published` says what a row is and reads the other lines one by one;
this module proves, for every line at once, that it has the common shape
(``[ ]code name headcount[*] fte age[ ]``, spaces collapsed) and reads it
exactly as the line-by-line reading would, or leaves it to that reading.
The work is done on the text's bytes (Latin-1) with NumPy, in passes linear
in the size of the text:

- the lines and their space-separated tokens are found from the positions of
  the spaces and line breaks (the last three tokens are the numbers, the
  first the code, the rest the name);
- the tokens are checked through fixed-width windows of their bytes (a code
  of 2, 5 or 7 digits; a headcount of at most 9 digits, ``*`` allowed; FTE
  and mean age of 3 to 16 characters with one decimal comma or point inside);
- the numbers are computed from the digits: a whole number of at most 15
  digits divided by a power of ten, both exact in a double, so that the
  quotient is the correctly rounded value, the one ``float()`` gives;
- the names are checked per name (a letter, no minus apart at the end, and
  the few with a comma or point, or a ``(*N chefer)`` marker, one by one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from . import fast

_SPACE, _NEWLINE, _STAR, _COMMA, _POINT, _MINUS, _PAREN = 32, 10, 42, 44, 46, 45, 40
_LETTERS = frozenset(b for b in range(256) if re.fullmatch(r"[^\W\d_]", chr(b)))
# Classes of a name's bytes, OR-ed over the name: 1 a letter, 2 a comma or point, 4 an opening parenthesis.
_NAME_CLASS = bytes(
    (1 if b in _LETTERS else 0) | (2 if b in (_COMMA, _POINT) else 0) | (4 if b == _PAREN else 0)
    for b in range(256)
)
_SPACES_TABLE = bytes(_SPACE if b in (0x09, 0xA0) else b for b in range(256))  # numbers.SPACES in Latin-1
_WIDE = 16  # the longest FTE or mean age read here (published._FAST_MAX_CHARS)


@dataclass
class Bulk:
    """The lines read in bulk, as columns (in line order).

    Attributes:
        claimed: one byte per line of the text, 1 for a line read here.
        first: the line number (1-based) of every row.
        codes: the unit codes' digits.
        names: the names (``str``), with any ``(*N chefer)`` taken out.
        employees, fte, age, managers: the numbers.
    """

    claimed: bytearray
    first: np.ndarray
    codes: fast.Digits
    names: list[str]
    employees: np.ndarray
    fte: np.ndarray
    age: np.ndarray
    managers: np.ndarray


def read_bulk(text, starred_row, name_problem) -> Bulk | None:
    """Read the lines of the common shape of ``text`` (a :class:`.source.Text`), or None when the
    text is not Latin-1 (it is then read by the regular expression of :mod:`.published`).

    Args:
        starred_row: ``(name, starred) -> (clean name, managers) | None``: the reading of a name
            with a ``(`` or a headcount with ``*`` (None: leave the line to the line-by-line reading).
        name_problem: ``name -> reason | None`` for a name with a comma or point.
    """
    if text.encoded is not None:
        data = text.encoded.data
    else:
        data, latin1 = fast.encode(text.text)
        if not latin1:
            return None
    flat = _flat(np.frombuffer(data, np.uint8))
    # every position below is in `padded`: the flat text with room before and after it for windows
    padded = np.concatenate((np.zeros(_WIDE, np.uint8), flat, np.zeros(_WIDE + 1, np.uint8)))
    ends = np.flatnonzero(padded == _NEWLINE)
    if len(flat) and flat[-1] != _NEWLINE:
        ends = np.append(ends, _WIDE + len(flat))
    n_lines = len(ends)
    claimed = np.zeros(n_lines, dtype=np.uint8)
    spaces = np.flatnonzero(padded == _SPACE)
    if not n_lines or not len(spaces):
        return _empty(bytearray(n_lines))
    starts = np.concatenate(([_WIDE], ends[:-1] + 1))
    # tokens: the code from the left, the three numbers from the right
    end = ends - ((ends > starts) & (padded[ends - 1] == _SPACE))
    begin = starts + (padded[starts] == _SPACE)
    last = np.searchsorted(spaces, end) - 1  # the space before the mean age
    after_code = np.searchsorted(spaces, begin)
    line = np.flatnonzero((last - 2 > after_code) & (after_code < len(spaces)) & (end > begin))
    last, after_code, begin, end = last[line], after_code[line], begin[line], end[line]
    code_end, emp_at, fte_at, age_at = (spaces[after_code], spaces[last - 2], spaces[last - 1], spaces[last])
    code_len = code_end - begin
    code = _window(padded, begin, 7)
    ok = np.isin(code_len, (2, 5, 7)) & _all_digits(code, code_len)
    emp_len = fte_at - emp_at - 1
    starred = padded[fte_at - 1] == _STAR
    emp_digits = emp_len - starred
    emp_win = _window(padded, emp_at + 1, 10)
    ok &= (emp_digits >= 1) & (emp_digits <= 9) & _all_digits(emp_win, emp_digits)
    fte, fte_ok = _decimals(padded, fte_at + 1, age_at)
    age, age_ok = _decimals(padded, age_at + 1, end)
    employees = _whole(emp_win, np.minimum(emp_digits, 9))
    ok &= fte_ok & age_ok & (fte <= employees) & (padded[emp_at - 1] != _STAR)
    # names: a letter; the few with a comma or point, a marker or a * read one by one
    rows = np.flatnonzero(ok)
    name_from, name_to = code_end[rows] + 1, emp_at[rows]
    at = np.empty(2 * len(rows), dtype=np.int64)
    at[0::2], at[1::2] = name_from, name_to
    named = np.zeros(len(rows), dtype=np.uint8)
    if len(rows):
        classes = np.frombuffer(padded.tobytes().translate(_NAME_CLASS), np.uint8)
        named = np.bitwise_or.reduceat(classes, at)[0::2]
    minus = (padded[name_to - 1] == _MINUS) & ((name_to - 1 == name_from) | (padded[name_to - 2] == _SPACE))
    keep = (named & 1).astype(bool) & ~minus
    rows, name_from, name_to, named = rows[keep], name_from[keep], name_to[keep], named[keep]
    flat_text = flat.tobytes().decode("latin-1")
    names = list(
        map(flat_text.__getitem__, map(slice, (name_from - _WIDE).tolist(), (name_to - _WIDE).tolist()))
    )
    managers = np.ones(len(rows), dtype=np.int64)
    keep = np.ones(len(rows), dtype=bool)
    star = starred[rows]
    for k in np.flatnonzero((named & 6).astype(bool) | star).tolist():
        name = names[k]
        if named[k] & 2 and name_problem(name):
            keep[k] = False
            continue
        if named[k] & 4 or star[k]:
            read = starred_row(name, bool(star[k]))
            if read is None:
                keep[k] = False
                continue
            names[k], managers[k] = read
    if not keep.all():
        names = [n for n, kept in zip(names, keep.tolist(), strict=True) if kept]
        rows, managers = rows[keep], managers[keep]
    claimed[line[rows]] = 1
    lengths = code_len[rows]
    matrix = code[rows]
    matrix[np.arange(7) >= lengths[:, None]] = 0
    return Bulk(
        bytearray(claimed.tobytes()),
        line[rows].astype(np.int64) + 1,
        fast.Digits(lengths.astype(np.int64), matrix),
        names,
        employees[rows],
        fte[rows],
        age[rows],
        managers,
    )


def _empty(claimed: bytearray) -> Bulk:
    none = np.zeros(0, dtype=np.int64)
    digits = fast.Digits(none, np.zeros((0, 7), dtype=np.uint8))
    return Bulk(claimed, none, digits, [], none, np.zeros(0), np.zeros(0), none)


def _flat(u8: np.ndarray) -> np.ndarray:
    """Every kind of space a plain one, runs of spaces one (published.read_published's flat text)."""
    if (u8 == 0x09).any() or (u8 == 0xA0).any():
        u8 = np.frombuffer(u8.tobytes().translate(_SPACES_TABLE), np.uint8)
    space = u8 == _SPACE
    repeated = space[1:] & space[:-1]
    if not repeated.any():
        return u8
    keep = np.ones(len(u8), dtype=bool)
    keep[1:] = ~repeated
    return u8[keep]


def _window(padded: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """The ``width`` bytes from each of ``starts`` (a copy, one row each)."""
    return np.lib.stride_tricks.sliding_window_view(padded, width)[starts]


def _all_digits(window: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Whether the first ``lengths`` bytes of each row are ASCII digits."""
    inside = np.arange(window.shape[1]) < lengths[:, None]
    return ((window - np.uint8(48) <= 9) | ~inside).all(axis=1)


def _whole(window: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The number written by the first ``lengths`` digits of each row (int64)."""
    out = np.zeros(len(window), dtype=np.int64)
    for k in range(window.shape[1]):
        inside = k < lengths
        out = np.where(inside, out * 10 + (window[:, k].astype(np.int64) - 48), out)
    return out


def _decimals(padded: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The numbers ``digits[,.]digits`` of 3 to 16 characters at ``[starts, ends)``, and which are such.

    Returns:
        ``(values, ok)``: the values (correctly rounded) where ``ok``.
    """
    lengths = ends - starts
    window = _window(padded, np.maximum(ends - _WIDE, 0), _WIDE)  # right-aligned: the last byte in column 15
    column = np.arange(_WIDE)
    inside = column >= _WIDE - lengths[:, None]
    mark = ((window == _COMMA) | (window == _POINT)) & inside
    digit = (window - np.uint8(48) <= 9) & inside
    ok = (
        (lengths >= 3) & (lengths <= _WIDE) & (mark.sum(axis=1) == 1) & ((digit | mark) == inside).all(axis=1)
    )
    ok &= ~mark[:, -1] & ~mark[np.arange(len(window)), np.clip(_WIDE - lengths, 0, _WIDE - 1)]
    after = np.where(ok, _WIDE - 1 - np.argmax(mark, axis=1), 0)  # digits after the decimal mark
    values = (window - np.uint8(48)) * digit  # a digit's value; 0 for the mark and what is outside
    spread = np.zeros(len(window), dtype=np.int64)  # the digits with a 0 where the mark is (< 10**16)
    for k in range(_WIDE):
        spread = spread * 10 + values[:, k]
    scale = 10 ** after.astype(np.int64)
    whole = spread // (scale * 10) * scale + spread % scale  # the 0 of the mark taken out: at most 15 digits
    return whole / 10.0**after, ok


class Lines:
    """The lines of a text (as ``Text.lines``), each cut out of the text when asked for."""

    def __init__(self, text):
        self.text = text.text
        breaks = text.encoded.lines  # where every line break is (a Latin-1 byte is a character)
        self.ends = breaks if self.text.endswith("\n") or not self.text else np.append(breaks, len(self.text))
        self.cut: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i: int) -> str:
        line = self.cut.get(i)
        return self.text[int(self.ends[i - 1]) + 1 if i else 0 : int(self.ends[i])] if line is None else line

    def prefetch(self, rows: np.ndarray) -> None:
        """Cut out the lines ``rows`` at once (those the line-by-line reading will ask for)."""
        ends = self.ends[rows]
        starts = np.where(rows > 0, self.ends[np.maximum(rows - 1, 0)] + 1, 0)
        self.cut = dict(
            zip(
                rows.tolist(),
                map(self.text.__getitem__, map(slice, starts.tolist(), ends.tolist())),
                strict=True,
            )
        )

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def merge(bulk: Bulk, rest):
    """The rows read in bulk and those read one by one (a ``published.Rows``), in one ``Rows`` in line order."""
    first = np.asarray(rest.first, dtype=np.int64)
    at_bulk = np.arange(len(bulk.first)) + np.searchsorted(first, bulk.first)
    at_rest = np.arange(len(first)) + np.searchsorted(bulk.first, first)
    total = len(at_bulk) + len(at_rest)
    out = type(rest)(debris=rest.debris, blank=rest.blank)

    def column(mine, theirs, dtype):
        values = np.empty(total, dtype=dtype)
        values[at_bulk], values[at_rest] = mine, np.asarray(theirs, dtype=dtype) if len(theirs) else []
        return values

    out.code = column(bulk.codes.strings(), rest.code, object)
    out.name = column(np.asarray(bulk.names, dtype=object) if bulk.names else [], rest.name, object)
    out.employees = column(bulk.employees, rest.employees, np.int64)
    out.fte, out.age = column(bulk.fte, rest.fte, np.float64), column(bulk.age, rest.age, np.float64)
    out.managers = column(bulk.managers, rest.managers, np.int64)
    out.first = column(bulk.first, first, np.int64)
    out.last = column(bulk.first, rest.last, np.int64)
    out.texts = {int(at_rest[k]): t for k, t in rest.texts.items()}
    digits = fast.Digits.of(rest.code)
    order = np.argsort(np.concatenate((at_bulk, at_rest)), kind="stable")
    out.digits = bulk.codes.concat(digits).take(order)
    return out
