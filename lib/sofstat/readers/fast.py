"""Fast paths of reading: whole-text proofs that let the per-line and per-cell work be skipped.

Every function here either proves that the text has a plain shape and
returns what the slow path would have returned (the same values, dtypes and
problems), or returns ``None``/``False`` so that the caller takes the slow
path. The proofs work on the bytes of the text with NumPy (a few passes in C,
linear in the size) rather than on Python strings one line at a time:

- :func:`text_is_clean`: no control character and no over-long line;
- :func:`read_regular`: a ``;``-table whose every line has the header's
  number of cells, read by pandas' C parser with the plain number columns
  parsed there (each cell first proven to be ASCII digits with at most one
  decimal comma and at most 15 digits: the grammar of
  :func:`.numbers.parse_column`'s plain cells, where the C parser's value is
  the correctly rounded one, as ``float()`` gives), and code columns of
  digits taken straight from the bytes (:class:`Digits`: their text, and
  numbers to compare them by).

A byte-wise OR over many short segments costs per segment, so the classes of
a column's cells are OR-ed over runs of neighbouring number columns (a run
may wrap to the next line) rather than cell by cell.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from .numbers import SPACES

# Bytes of control characters in Latin-1 (C0 but tab and line feed, DEL, C1; as source._CONTROL).
_CONTROL_BYTES = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
# Classes of Latin-1 bytes: 0 digit, 1 decimal comma, 2 any other character, 3 control, 4 ; or line break.
_DIGIT, _DECIMAL, _OTHER, _CONTROLS, _BREAK = 0, 1, 2, 3, 4
_CLASS = bytes(
    _DIGIT
    if 48 <= b <= 57
    else _DECIMAL
    if b == 44
    else _BREAK
    if b in (10, 59)
    else _CONTROLS
    if b in _CONTROL_BYTES
    else _OTHER
    for b in range(256)
)
#: Whitespace that ``str.strip`` removes and that is neither turned into a plain space on reading
#: (numbers.SPACES) nor refused as a control character.
OTHER_SPACES = "".join(
    c for c in map(chr, range(0x100, 0x3001)) if c.isspace() and c not in SPACES + "\u2028\u2029"
)
_NEWLINE, _SPACE, _QUOTE, _COMMA = 10, 32, 34, 44
#: Most digits of a code column read from the bytes (an int64 holds 18).
_MAX_CODE_DIGITS = 18


def encode(text: str) -> tuple[bytes, bool]:
    """The text as Latin-1 bytes (one byte per character) when it fits, else as UTF-8.

    Returns:
        ``(data, latin1)``.
    """
    try:
        return text.encode("latin-1"), True
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass"), False


@dataclass
class Encoded:
    """A text's Latin-1 bytes, their classes (see _CLASS) and where every ``;`` and line break is:
    made once for both the check and the table."""

    data: bytes
    classes: bytes
    breaks: np.ndarray
    lines: np.ndarray  # where every line break is


def text_is_clean(text) -> bool:
    """True when ``text`` (a :class:`.source.Text`) provably holds no control character and no line
    over the limit; its bytes are then kept in ``text.encoded``.

    False means only that the text must be checked line by line.
    """
    if len(text.text) <= config.MAX_LINE_LENGTH:
        return False  # small: the line-by-line check is as fast
    data, latin1 = encode(text.text)
    if not latin1:
        return False  # characters beyond Latin-1: the regular expression knows them all
    classes = data.translate(_CLASS)
    if bytes([_CONTROLS]) in classes:
        return False
    cells = np.flatnonzero(np.frombuffer(classes, np.uint8) == _BREAK)
    breaks = cells[np.frombuffer(data, np.uint8)[cells] == _NEWLINE]
    if not len(breaks):
        return len(data) <= config.MAX_LINE_LENGTH
    longest = max(int(breaks[0]), len(data) - 1 - int(breaks[-1]))
    if len(breaks) > 1:
        longest = max(longest, int(np.diff(breaks).max()) - 1)
    if longest > config.MAX_LINE_LENGTH:
        return False
    text.encoded = Encoded(data, classes, cells, breaks)
    return True


@dataclass
class Digits:
    """A column whose every cell is 1 to 18 ASCII digits, as the bytes of the file hold it.

    Attributes:
        lengths: the number of digits of every cell.
        matrix: ``(rows, longest)`` the digits' bytes, zero after the end of a cell.
    """

    lengths: np.ndarray
    matrix: np.ndarray

    @classmethod
    def of(cls, codes: list[str]) -> Digits:
        """The digits of a few codes given as text (ASCII digits)."""
        lengths = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
        width = int(lengths.max(initial=1))
        joined = "".join(c.ljust(width, "\x00") for c in codes).encode("ascii")
        return cls(lengths, np.frombuffer(joined, np.uint8).reshape(len(codes), width).copy())

    def concat(self, other: Digits) -> Digits:
        width = max(self.matrix.shape[1], other.matrix.shape[1])
        matrix = np.zeros((len(self.lengths) + len(other.lengths), width), dtype=np.uint8)
        matrix[: len(self.lengths), : self.matrix.shape[1]] = self.matrix
        matrix[len(self.lengths) :, : other.matrix.shape[1]] = other.matrix
        return Digits(np.concatenate((self.lengths, other.lengths)), matrix)

    def take(self, rows: np.ndarray) -> Digits:
        return Digits(self.lengths[rows], self.matrix[rows])

    def strings(self, width: int | None = None) -> np.ndarray:
        """The cells (their first ``width`` characters) as an object array of ``str``."""
        lengths = self.lengths if width is None else np.minimum(self.lengths, width)
        matrix = self.matrix if width is None else self.matrix[:, :width]
        rows, longest = len(lengths), int(lengths.max(initial=0))
        if not rows:
            return np.empty(0, dtype=object)
        padded = np.zeros((rows, longest + 1), dtype=np.uint8)
        padded[:, :longest] = matrix[:, :longest]
        uniform = bool((lengths == longest).all())
        if uniform:
            padded[:, longest] = _NEWLINE
        else:
            padded[np.arange(rows), lengths] = _NEWLINE
        flat = padded.tobytes()[:-1]  # (no line break after the last cell: as many parts as cells)
        if not uniform:  # each cell, a line break, zeros: the zeros squeezed out
            flat = flat.replace(b"\x00", b"")  # (no cell holds a zero byte: they are ASCII digits)
        return np.fromiter(flat.decode("ascii").split("\n"), dtype=object, count=rows)

    def keys(self, width: int | None = None) -> np.ndarray:
        """One number per distinct cell (its first ``width`` digits): equal numbers, equal cells;
        up to 8 digits, in the order of the texts (``52`` before ``5200101`` before ``52002``)."""
        lengths = self.lengths if width is None else np.minimum(self.lengths, width)
        matrix = self.matrix[:, : int(lengths.max(initial=1))]
        if matrix.shape[1] <= 8:  # the bytes themselves, the first the highest, zero after the end
            padded = np.zeros((len(matrix), 8), dtype=np.uint8)
            padded[:, 7 - np.arange(matrix.shape[1])] = matrix
            return padded.view(np.uint64).ravel()
        digits = np.where(matrix > 0, matrix.astype(np.int64) - 48, 0)  # zero after the end
        whole = digits @ (10 ** np.arange(matrix.shape[1] - 1, -1, -1, dtype=np.int64))
        numbers, _ = pd.factorize(whole // 10 ** (matrix.shape[1] - lengths))
        return np.asarray(numbers, dtype=np.int64) * (_MAX_CODE_DIGITS + 1) + lengths


def factorize_in_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(keys)``'s codes (numbered in order of first appearance), and the row where each
    code first appears.

    Equal keys usually stand together (a department's units one after another): the keys are
    then factorized run by run, one hash lookup per run rather than per row, with the same result.
    """
    n = len(keys)
    starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1 if n else np.zeros(0, dtype=np.int64)
    if n and 4 * (len(starts) + 1) <= n:
        starts = np.concatenate(([0], starts))
        run_codes, _ = pd.factorize(keys[starts])
        codes = np.repeat(np.asarray(run_codes, dtype=np.int64), np.diff(starts, append=n))
        first_run = np.flatnonzero(np.diff(np.maximum.accumulate(run_codes), prepend=-1) > 0)
        return codes, starts[first_run]
    codes = np.asarray(pd.factorize(keys)[0], dtype=np.int64)
    # a code first appears where the highest code so far grows
    return codes, np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)


@dataclass
class Regular:
    """A table read by :func:`read_regular`.

    Attributes:
        frame: a column per header column: ``float64`` for a number column
            whose cells are all plain (NaN where empty), ``category`` for the
            columns asked for so, ``str`` for the others (empty cells ``""``).
        to_clean: the text columns with a cell that begins with a quote or
            begins or ends with a space (to be unquoted and stripped cell by cell).
        empty: ``(rows, columns)`` bool, the cells with no characters at all.
        digits: the code columns asked for whose every cell is ASCII digits, as :class:`Digits`.
        as_read: the arrays of the text columns that ``empty`` describes (a column replaced
            since, e.g. stripped of a ``%``, is no longer described).
    """

    frame: pd.DataFrame
    to_clean: set[str]
    empty: np.ndarray
    digits: dict[str, Digits]
    as_read: dict[str, object] = field(default_factory=dict)

    def take(self, rows: np.ndarray) -> None:
        """Keep only ``rows`` (the table's blank rows dropped)."""
        self.empty = self.empty[rows]
        self.digits = {c: d.take(rows) for c, d in self.digits.items()}


def read_regular(
    body: str,
    skip: int,
    columns: list[str],
    numeric: set[str],
    categories: set[str] = frozenset(),
    encoded: Encoded | None = None,
    codes: set[str] = frozenset(),
) -> Regular | None:
    """Read the lines after the first ``skip`` of ``body`` when every one has exactly the header's cells.

    No quote-aware splitting is done (a line is a record, as in the slow path).

    Args:
        numeric: columns read as ``float64`` when every cell is plain.
        categories: text columns read as ``category``.
        encoded: the bytes of ``body`` when :func:`text_is_clean` made them.
        codes: text columns read from the bytes when every cell is ASCII digits.

    Returns:
        A :class:`Regular`, or None when a line has another number of cells,
        there is no data line, or the C parser refuses a cell (the slow path
        then finds and names the problem).
    """
    if encoded is None:
        data, latin1 = encode(body)
        classes, ends = data.translate(_CLASS), None
    else:  # the bytes of this very text, made by text_is_clean
        data, latin1, classes, ends = encoded.data, True, encoded.classes, encoded.breaks
    start = 0
    for _ in range(skip):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    if start == len(data):
        return None
    lines = None if encoded is None else len(encoded.lines) - int(np.searchsorted(encoded.lines, start))
    if not data.endswith(b"\n"):
        data, classes, ends, lines = data + b"\n", classes + bytes([_BREAK]), None, None
    u8 = np.frombuffer(data, np.uint8, offset=start)
    kind = np.frombuffer(classes, np.uint8, offset=start)
    if ends is None:
        ends = np.flatnonzero(kind == _BREAK)  # the ; or line break after every cell
    else:
        ends = ends[np.searchsorted(ends, start) :] - start
    width = len(columns)
    if len(ends) % width:
        return None
    ends = ends.reshape(-1, width)
    # as many line breaks as lines, one at the end of each: then every other break is a ;
    lines = data.count(b"\n", start) if lines is None else lines
    if lines != len(ends) or not (u8[ends[:, -1]] == _NEWLINE).all():
        return None
    column_flags = _column_flags(kind, ends, [c in numeric for c in columns])
    by_column = np.ascontiguousarray(ends.T)  # (a column's cells side by side: faster to go through)
    lengths = np.empty_like(by_column)  # (computed in place: no temporary of the table's size)
    lengths[0, 0] = by_column[0, 0]
    np.subtract(by_column[0, 1:], by_column[-1, :-1], out=lengths[0, 1:])
    lengths[0, 1:] -= 1
    np.subtract(by_column[1:], by_column[:-1], out=lengths[1:])
    lengths[1:] -= 1
    empty = (lengths == 0).T
    other_spaces = not latin1 and any(c in body for c in OTHER_SPACES)
    dtypes, plain, to_clean, digits = {}, [], set(), {}
    for j, col in enumerate(columns):
        end, length, f = by_column[j], lengths[j], column_flags[j]
        if col in numeric and f <= _DECIMAL and _plain_numbers(u8, end, length, f == _DECIMAL):
            dtypes[col] = "float64"
            plain.append(col)
            continue
        if col in codes and ((length > 0) & (length <= _MAX_CODE_DIGITS)).all():
            cells = _digits(u8, end - length, length)
            if cells is not None:
                digits[col] = cells
                continue
        dtypes[col] = "category" if col in categories else "str"
        if col in categories or other_spaces or _clean_needed(u8, end, length):
            to_clean.add(col)  # (a category column is cleaned value by value: at once)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(data),
                encoding="latin-1" if latin1 else "utf-8",
                sep=";",
                header=None,
                names=columns,
                usecols=[c for c in columns if c not in digits],
                index_col=False,
                skiprows=skip,
                dtype=dtypes,
                decimal=",",
                keep_default_na=False,
                na_values={c: [""] for c in plain},
                skip_blank_lines=False,
                quoting=csv.QUOTE_NONE,
                engine="c",
            )
    except (pd.errors.ParserError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    if len(frame) != len(ends):
        return None
    for j, col in enumerate(columns):
        if col in digits:
            frame.insert(j, col, pd.Series(digits[col].strings(), dtype="str"))
    return Regular(frame, to_clean, empty, digits)


def _column_flags(kind: np.ndarray, ends: np.ndarray, candidates: list[bool]) -> np.ndarray:
    """For every candidate column, its byte classes OR-ed over all its cells (breaks left out).

    Reduced over runs of neighbouring candidate columns (a run may wrap to the next line), so
    that there are few segments: a run's value stands for each of its columns, and only when
    that does not settle a column (a character neither digit nor comma in the run) are the
    columns reduced one by one.
    """
    rows, width = ends.shape
    out = np.full(width, 0xFF, dtype=np.uint8)
    if not any(candidates):
        return out
    turns = [j for j in range(width) if candidates[j] != candidates[j - 1]]
    if not turns:  # every column of one kind: one run
        out[:] = np.bitwise_or.reduce(kind) & ~np.uint8(_BREAK)
    else:
        at = np.column_stack([_starts(ends, t) for t in turns]).ravel()
        head = at[0] != 0  # the cells before the first turn belong to the run that wraps
        segments = np.bitwise_or.reduceat(kind, np.concatenate(([0], at)) if head else at) & ~np.uint8(_BREAK)
        runs = segments[1:].reshape(rows, len(turns)) if head else segments.reshape(rows, len(turns))
        for k, t in enumerate(turns):
            if not candidates[t]:
                continue
            members = [t]
            while candidates[(members[-1] + 1) % width] == candidates[t] and (members[-1] + 1) % width != t:
                members.append((members[-1] + 1) % width)
            value = np.bitwise_or.reduce(runs[:, k])
            if head and 0 in members and members[0] != 0:
                value |= segments[0]
            out[members] = value
    if any(k and out[j] > _DECIMAL for j, k in enumerate(candidates)):  # settle them column by column
        starts = np.column_stack([_starts(ends, j) for j in range(width)]).ravel()
        cells = np.bitwise_or.reduceat(kind, starts).reshape(rows, width) & ~np.uint8(_BREAK)
        out = np.bitwise_or.reduce(cells, axis=0)
    return out


def _starts(ends: np.ndarray, j: int) -> np.ndarray:
    """Where the cells of column ``j`` begin."""
    return ends[:, j - 1] + 1 if j else np.concatenate(([0], ends[:-1, -1] + 1))


def _plain_numbers(u8: np.ndarray, end: np.ndarray, length: np.ndarray, commas: bool) -> bool:
    """Whether the cells (made of digits and, when ``commas``, commas) are plain: at most 15
    digits, no comma first or last (no ``,5`` nor ``5,``). Two commas are refused by the C parser."""
    if not commas:
        return bool((length <= 15).all())
    if not (length <= 16).all():
        return False
    # (an empty cell's first byte is the break after it, its last the break before it: no comma)
    if ((u8[end - 1] == _COMMA) | (u8[end - length] == _COMMA)).any():
        return False
    long = np.flatnonzero(length == 16)  # 16 characters: a comma among them, or 16 digits
    at = (end[long] - 16)[:, None] + np.arange(16)
    return bool((u8[at] == _COMMA).any(axis=1).all())


def _clean_needed(u8: np.ndarray, end: np.ndarray, length: np.ndarray) -> bool:
    """Whether a cell of a text column begins with a quote or begins or ends with a space."""
    first, last = u8[end - length], u8[end - 1]  # (of an empty cell: the breaks around it)
    return bool(((first == _SPACE) | (first == _QUOTE) | (last == _SPACE)).any())


def _digits(u8: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> Digits | None:
    """The cells as :class:`Digits`, or None when one holds anything but ASCII digits."""
    longest = int(lengths.max(initial=1))
    if len(u8) >= longest and int(starts.max(initial=0)) + longest <= len(u8):
        matrix = np.lib.stride_tricks.sliding_window_view(u8, longest)[starts]  # a copy: rows of bytes
    else:
        matrix = u8[np.minimum(starts[:, None] + np.arange(longest), len(u8) - 1)]
    after = np.arange(longest) >= lengths[:, None]
    matrix[after] = 0
    if not ((matrix - np.uint8(48) <= 9) | after).all():
        return None
    return Digits(lengths.astype(np.int64), matrix)
