"""Swedish numbers in input: decimal comma, any kind of space as thousands separator.

Published documents write ``1 498,42`` with a plain space, a no-break space
(U+00A0), a narrow no-break space (U+202F) or a thin space; all are read
alike. Only ASCII digits are digits.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Characters that act as a space inside numbers and names.
SPACES = "\u00a0\u202f\u2009\u2007\t"
#: Minus signs found in exported files.
MINUS = "-\u2212\u2013"
_NUMBER = re.compile(
    r"(?P<sign>[" + MINUS + r"])? ?(?P<int>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[,.](?P<frac>[0-9]+))?"
)
#: More digits than this in a number is not a count or a measure.
MAX_DIGITS = 15


def normalise_spaces(text: str) -> str:
    """Return ``text`` with every kind of space replaced by a plain space."""
    for c in SPACES:
        if c in text:
            text = text.replace(c, " ")
    return text


def parse_number(text: str, *, integer: bool = False) -> float | int:
    """Read one number written the Swedish way: ``1 555``, ``1 498,42``, ``47,2``, ``47.2``, ``−3``.

    Args:
        text: the number as written.
        integer: require a whole number and return an ``int``.

    Returns:
        The value as ``int`` (when ``integer``) or ``float``.

    Raises:
        ValueError: when ``text`` is not such a number, or has more than 15 digits.
    """
    m = _NUMBER.fullmatch(normalise_spaces(text).strip())
    if not m:
        raise ValueError(f"not a number: {text!r}")
    digits = m.group("int").replace(" ", "")
    frac = m.group("frac") or ""
    if len(digits) + len(frac) > MAX_DIGITS:
        raise ValueError(f"more than {MAX_DIGITS} digits: {text[:40]!r}")
    if integer and m.group("frac") is not None:
        raise ValueError(f"not a whole number: {text!r}")
    sign = -1 if m.group("sign") else 1
    if integer:
        return sign * int(digits)
    return sign * float(f"{digits}.{frac or 0}")


def parse_column(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Read a column of Swedish numbers, fast where the cells are plain.

    Cells that pandas reads as numbers are taken as they are; the rest are
    read one by one with :func:`parse_number`.

    Returns:
        ``(numbers, bad)``: float64 values (NaN for empty or unreadable
        cells) and a boolean mask of the non-empty cells that are not numbers.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        out = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        return out, ~np.isfinite(out) & ~np.isnan(out)
    text = values.astype("str").fillna("")
    quick = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(
        "float64", copy=True
    )
    slow = np.flatnonzero(np.isnan(quick) & (text.str.strip() != "").to_numpy())
    bad = np.zeros(len(values), dtype=bool)
    items = text.to_numpy()
    for i in slow.tolist():
        try:
            quick[i] = parse_number(items[i])
        except ValueError:
            bad[i] = True
    bad |= np.isinf(quick)
    quick[bad] = np.nan
    return quick, bad
