"""Swedish numbers in input: decimal comma, any kind of space as thousands separator.

Published documents write ``1 498,42`` with a plain space, a no-break space
(U+00A0), a narrow no-break space (U+202F) or a thin space; all are read
alike. Only ASCII digits are digits.
"""

from __future__ import annotations

import io
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


#: A cell that is plainly a number (read in bulk): at most 16 characters, so at most 15 digits.
#: Any other cell is read by :func:`parse_number`.
_PLAIN = r"[0-9]{1,15}|(?=.{3,16}$)[0-9]+[,.][0-9]+"


def parse_column(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Read a column of Swedish numbers, fast where the cells are plain.

    Plain cells (ASCII digits, at most one decimal comma or point, at most 15
    digits in all) are converted in bulk; every other non-empty cell is read
    with :func:`parse_number`, so that all cells follow one grammar (no
    ``+46``, ``1e5``, ``10.`` or ``inf``).

    Returns:
        ``(numbers, bad)``: float64 values (NaN for empty or unreadable
        cells) and a boolean mask of the non-empty cells that are not numbers.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        out = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        return out, ~np.isfinite(out) & ~np.isnan(out)
    text = values.astype("str").fillna("")
    items = text.to_numpy(dtype=object)
    bad = np.zeros(len(values), dtype=bool)
    quick = plain_numbers(items)
    if quick is not None:  # every cell empty or plain: proven by one pass over them all
        return quick, bad
    plain = text.str.fullmatch(_PLAIN).fillna(False).to_numpy(bool)
    quick = np.full(len(values), np.nan)
    if plain.any():
        quick[plain] = pd.to_numeric(text[plain].str.replace(",", ".", regex=False)).to_numpy("float64")
    slow = np.flatnonzero(~plain & (text != "").to_numpy(bool))  # parse_number strips spaces
    for i in slow.tolist():
        try:
            quick[i] = parse_number(items[i])
        except ValueError:
            bad[i] = True
    return quick, bad


def why_not_a_number(text: str) -> str:
    """Why ``text`` is not a number, in a few words (for messages)."""
    digits = sum(c in "0123456789" for c in text)
    if digits > MAX_DIGITS:
        return f"has {digits} digits, more than {MAX_DIGITS}"
    if any(c.isdigit() and c not in "0123456789" for c in text):
        return "is not a number (only the digits 0–9 are read)"
    return "is not a number"


# Cells each followed by a line break, every one empty or plain (as _PLAIN).
_ALL_PLAIN = re.compile(r"(?:(?:[0-9]{1,15}+(?=\n)|(?=[0-9,.]{3,16}+\n)[0-9]++[,.][0-9]++)?+\n)*+")


def plain_numbers(cells: np.ndarray) -> np.ndarray | None:
    """The values of a column of text cells when every cell is empty or plain, else None.

    Args:
        cells: an object array of ``str`` (stripped).

    Returns:
        float64 values (NaN for empty cells), the same as ``float()`` gives for each.
    """
    if not len(cells):
        return np.zeros(0)
    joined = "\n".join(cells.tolist()) + "\n"
    if not _ALL_PLAIN.fullmatch(joined):
        return None
    if "," in joined:
        joined = joined.replace(",", ".")
    out = pd.read_csv(
        io.BytesIO(joined.encode("ascii")),
        header=None,
        names=["v"],
        dtype={"v": "float64"},
        keep_default_na=False,
        na_values={"v": [""]},
        skip_blank_lines=False,
        engine="c",
    )["v"].to_numpy(dtype="float64", copy=True)
    return out if len(out) == len(cells) else None
