"""Cells of a table, a whole column at a time where it can be.

- text cells unquoted and stripped, blank ones found (:mod:`.source`, for
  every ``;``-file and workbook), counts read (:func:`counts`);
- a text column as codes into its distinct values (:func:`factorize`), so
  that a reader checks each distinct value once; whole-column matches
  (:func:`fullmatch`, :func:`containing`) proven by one search over the
  cells joined; a column kept as codes and values (:class:`Coded`), and
  one id per combination of several such columns (:func:`combined_ids`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import config


def _unquote(cell: str) -> str | None:
    """Unquote a cell (doubled quotes inside become one); None for a quote it does not close."""
    if len(cell) >= 2 and cell.endswith('"') and '"' not in cell[1:-1].replace('""', ""):
        return cell[1:-1].replace('""', '"')
    return None


def blank_cells(s: pd.Series) -> np.ndarray:
    """True for every empty cell of a text column (``str`` or ``category``)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = factorize(s)
        return (uniques == "")[codes]
    return (s == "").to_numpy(dtype=bool)


def clean_column(table, col: str, s: pd.Series, problems) -> pd.Series:
    """The column unquoted and stripped; a problem for every cell with a quote it does not close.

    A category column is cleaned value by value; a text column cell by cell,
    unless its cells joined show no quote and no space to strip.
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        categories = s.cat.categories.to_numpy(dtype=object).tolist()
        if not any(c != c.strip() or c.startswith('"') for c in categories):
            return s  # every value clean as it is
        codes, uniques = factorize(s)
        values, bad = _clean_cells(uniques)
        for i in np.flatnonzero(bad[codes]).tolist():
            problems.add(int(table.lines[i]), table.row_text(i), _open_quote(col))
        inverse, new = pd.factorize(pd.Series(values, dtype="str"))
        return pd.Series(pd.Categorical.from_codes(np.asarray(inverse)[codes], pd.Index(new, dtype=object)))
    s = s.astype("str").fillna("")
    joined = "\x00" + "\x00".join(s.to_numpy(dtype=object).tolist()) + "\x00"  # NUL: never in a cell
    if '"' not in joined and not _SPACE_AT_EDGE.search(joined):
        return s
    values, bad = _clean_cells(s.to_numpy(dtype=object))
    for i in np.flatnonzero(bad).tolist():
        problems.add(int(table.lines[i]), table.row_text(i), _open_quote(col))
    return pd.Series(values, index=s.index, dtype="str")


# Whitespace (what str.strip removes) at the start or end of a cell, the cells joined by NUL
_SPACE_AT_EDGE = re.compile(r"\x00\s|\s\x00")


def _clean_cells(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unquote (cells that begin with a quote) and strip every cell; mark the unclosed quotes."""
    values = cells.copy()
    bad = np.zeros(len(values), dtype=bool)
    for i, cell in enumerate(values.tolist()):
        if cell.startswith('"'):
            unquoted = _unquote(cell.strip())
            if unquoted is None:
                bad[i] = True
            else:
                cell = unquoted
        values[i] = cell.strip()
    return values, bad


def _open_quote(col: str) -> str:
    return f"the {col} cell opens a quote it does not close (a cell may not hold a ; or a line break)"


def counts(table, column: str, problems, what: str, *, required: bool = False) -> pd.Series:
    """A column of counts (headcounts, respondents): whole, not negative, at most
    :data:`sofstat.config.MAX_COUNT`; a problem for every cell that is not.

    Returns:
        An ``Int64`` Series (missing where the cell is empty).
    """
    values = table.numbers(column, problems, what)
    empty = np.isnan(values)
    if required:
        problems.rows(table, empty & ~_bad_cells(table, column), f"no {what}")
    with np.errstate(invalid="ignore"):
        problems.rows(table, values < 0, f"negative {what}")
        problems.rows(
            table,
            ~empty & (values != np.floor(values)),
            lambda i: f"{what} {values[i]:g} is not a whole number",
        )
        problems.rows(
            table,
            values > config.MAX_COUNT,
            f"{what} above {config.MAX_COUNT:,} cannot be a count of people".replace(",", " "),
        )
    ok = ~empty & (values >= 0) & (values <= config.MAX_COUNT) & (values == np.floor(values))
    # (the Int64 array made directly: astype("Int64") from float64 costs about 0.4 ms a call)
    return pd.Series(pd.arrays.IntegerArray(np.where(ok, values, 0).astype(np.int64), ~ok))


def _bad_cells(table, column: str) -> np.ndarray:
    s = table.frame[column]
    if pd.api.types.is_numeric_dtype(s.dtype):
        return np.zeros(len(s), dtype=bool)
    return ~blank_cells(s.astype("str").fillna(""))  # cells are stripped already


def empty_cells(table, column: str) -> np.ndarray:
    """True for every empty cell of a column (NaN in a column of plain numbers, ``""`` in a text column)."""
    s = table.frame[column]
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.isna().to_numpy()
    regular = getattr(table, "regular", None)
    if regular is not None and regular.as_read.get(column) is s.array:  # the cells as read: from the bytes
        return regular.empty[:, table.columns.index(column)].copy()
    return blank_cells(s.astype("str").fillna(""))


def factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and unique values of a text column (``str`` or ``category``).

    Returns:
        ``(codes, uniques)``: int64 codes into ``uniques`` (an object array of ``str``, each
        value once and every one used).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        categories = values.cat.categories.to_numpy(dtype=object)
        used = np.flatnonzero(np.bincount(codes, minlength=len(categories)))
        if len(used) < len(categories):  # (rows dropped since: blank ones)
            renumber = np.zeros(len(categories), dtype=np.int64)
            renumber[used] = np.arange(len(used))
            codes, categories = renumber[codes], categories[used]
        return codes, categories
    cells = values.astype("str").fillna("").to_numpy(dtype=object)  # (faster than on the str dtype)
    codes, uniques = pd.factorize(cells)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def text_array(codes: np.ndarray, uniques) -> pd.api.extensions.ExtensionArray:
    """A ``str`` array of ``uniques[codes]``, for a frame's column: a frame made of arrays, not of
    Series, does not join their indexes and reindex them (a fixed cost of every call)."""
    return pd.array(np.asarray(uniques, dtype=object).take(codes), dtype="str")


def as_dtypes(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the columns named in ``dtypes`` in those dtypes (``"str"``, ``"Int64"``, ...),
    converted only where a column's dtype differs: ``astype`` copies every column it is given, about
    3 ms on a table of a few columns whatever its length.

    Returns:
        ``frame`` itself when every column is in its dtype already, else a converted copy.
    """
    differ = {c: t for c, t in dtypes.items() if str(frame[c].dtype) != t}
    return frame.astype(differ) if differ else frame


def fullmatch(cells: np.ndarray, pattern: str) -> np.ndarray:
    """Whether each cell matches ``pattern`` whole (as ``re.fullmatch``); proven for all cells at once
    by one match over them joined when it can be.

    ``pattern`` must not match a line break.
    """
    values = cells.tolist()
    joined = "\n".join(values) + "\n"
    if joined.count("\n") == len(values) and re.fullmatch("(?:(?:" + pattern + ")\n)*+", joined):
        return np.ones(len(values), dtype=bool)
    regex = re.compile(pattern)
    return np.array([regex.fullmatch(v) is not None for v in values], dtype=bool)


def containing(cells: np.ndarray, char: str) -> np.ndarray:
    """Whether each cell holds ``char`` (found in the cells joined, not cell by cell)."""
    values = cells.tolist()
    joined = "\x00".join(values)
    out = np.zeros(len(values), dtype=bool)
    if char in joined:
        ends = np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)) + 1)
        at = np.fromiter((m.start() for m in re.finditer(re.escape(char), joined)), dtype=np.int64)
        out[np.searchsorted(ends, at, side="right")] = True
    return out


class Coded:
    """A text column as codes into its distinct values (in order of first appearance)."""

    def __init__(self, column: pd.Series | None, n: int = 0):
        if column is None:  # a column the file does not have: every cell empty
            self.codes, self.values = np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
        else:
            self.codes, self.values = factorize(column)

    @classmethod
    def of(cls, codes: np.ndarray) -> Coded:
        """Integer codes as a column (their values are the codes themselves)."""
        out = cls(None, 0)
        out.codes = np.asarray(codes, dtype=np.int64)
        out.values = np.arange(int(out.codes.max(initial=-1)) + 1, dtype=object)
        return out

    def __getitem__(self, i: int):
        return self.values[self.codes[i]]

    def map(self, fn) -> np.ndarray:
        """``fn`` of every distinct value, as a bool array."""
        return np.array([bool(fn(v)) for v in self.values.tolist()], dtype=bool)

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        """A per-value array spread to the rows."""
        return per_value[self.codes]

    def recode(self, fn) -> Coded:
        """The column of ``fn(value)`` (values that become equal share a code)."""
        out = Coded(None, 0)
        mapped = [fn(v) for v in self.values.tolist()]
        uniques, inverse = {}, np.empty(len(mapped), dtype=np.int64)
        for k, v in enumerate(mapped):
            inverse[k] = uniques.setdefault(v, len(uniques))
        out.values = np.empty(len(uniques), dtype=object)
        out.values[:] = list(uniques)
        out.codes = inverse[self.codes]
        return out


def combined_ids(*columns: Coded) -> np.ndarray:
    """One id per distinct combination of the columns' values, in order of first appearance."""
    ids, size = np.zeros(len(columns[0].codes), dtype=np.int64), 1
    for col in columns:
        if size * len(col.values) >= 2**62:  # the combined number would overflow: number the pairs so far
            ids, uniques = pd.factorize(ids)
            size = len(uniques)
        ids, size = ids * len(col.values) + col.codes, size * len(col.values)
    if not len(ids):
        return ids
    starts = np.flatnonzero(np.diff(ids)) + 1  # where a run of equal combinations begins
    firsts = ids[np.concatenate(([0], starts))]
    counted = size <= 4 * len(ids)  # (few possible combinations: counted, not hashed)
    if np.bincount(firsts, minlength=size).max() == 1 if counted else pd.Series(firsts).is_unique:
        out = np.zeros(len(ids), dtype=np.int64)  # each combination in one run: number the runs
        out[starts] = 1
        return np.cumsum(out)
    ids, _ = pd.factorize(ids)
    return np.asarray(ids, dtype=np.int64)
