"""Swedish numbers: reading them from text and writing them for reports.

Swedish practice: decimal comma and a space as thousands separator
(``1 498,42``). Published documents use a plain space, a no-break space
(U+00A0) or a narrow no-break space (U+202F); all are read alike.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

#: Characters that act as a space inside numbers.
SPACES = "\u00a0\u202f\u2009\u2007\t"
_SPACE_TABLE = str.maketrans({c: " " for c in SPACES})
#: Minus signs found in exported files.
_MINUS = "-\u2212\u2013"

_NUMBER = re.compile(
    r"^(?P<sign>[" + _MINUS + r"])?\s*"
    r"(?P<int>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)"
    r"(?:[,.](?P<frac>[0-9]+))?$"
)


def normalise_spaces(text: str) -> str:
    """Return ``text`` with every kind of space replaced by a plain space."""
    return text.translate(_SPACE_TABLE)


def parse_number(text: str, *, integer: bool = False) -> float | int:
    """Read a number written the Swedish way.

    Accepts ``1 555``, ``1 498,42`` (any kind of space as thousands
    separator), ``47,2``, ``47.2`` and a leading minus sign.

    Args:
        text: the number as written.
        integer: require a whole number (no decimals) and return an ``int``.

    Returns:
        The value as ``int`` (when ``integer``) or ``float``.

    Raises:
        ValueError: when ``text`` is not such a number.
    """
    m = _NUMBER.match(normalise_spaces(text).strip())
    if not m:
        raise ValueError(f"not a number: {text!r}")
    if integer and m.group("frac") is not None:
        raise ValueError(f"not a whole number: {text!r}")
    digits = m.group("int").replace(" ", "")
    sign = -1 if m.group("sign") else 1
    if integer:
        return sign * int(digits)
    frac = m.group("frac") or "0"
    return sign * float(f"{digits}.{frac}")


def _group(digits: str) -> str:
    """Insert a space every three digits from the right."""
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return " ".join(reversed(out))


def fmt_number(value: float | int | None, decimals: int = 0, missing: str = "–") -> str:
    """Format a number the Swedish way: ``1 498,42``.

    Args:
        value: the number; ``None`` or NaN gives ``missing``.
        decimals: digits after the decimal comma.
        missing: what to show for a missing value (an en dash by default).

    Returns:
        The formatted text, with a space as thousands separator and a
        decimal comma, rounded half away from zero; negative numbers get a
        true minus sign (U+2212); infinities give ``missing``.
    """
    if value is None or value is _NA:
        return missing
    try:
        number = float(value)
    except (TypeError, ValueError):
        return missing
    if not math.isfinite(number):
        return missing
    # Half away from zero, as official statistics round (not Python's
    # half-to-even on binary floats): 30,85 -> 30,9 and 2,5 -> 3.
    exact = Decimal(repr(abs(number))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:f}"
    whole, _, frac = text.partition(".")
    sign = "\u2212" if number < 0 and exact != 0 else ""
    out = sign + _group(whole)
    if decimals:
        out += "," + frac
    return out


def fmt_int(value: float | int | None, missing: str = "–") -> str:
    """Format a whole number: ``1 555``. Returns ``missing`` for no value."""
    return fmt_number(value, 0, missing)


def fmt_percent(value: float | None, decimals: int = 1, missing: str = "–") -> str:
    """Format a percentage (given as 0–100): ``2,26 %``. ``missing`` for no value."""
    text = fmt_number(value, decimals, missing)
    return text if text == missing else f"{text} %"


def fmt_share(numerator: int, denominator: int, decimals: int = 0) -> str:
    """Format a share as ``12 av 59 (20 %)``; ``–`` when the denominator is 0."""
    if not denominator:
        return "–"
    pct = fmt_percent(100 * numerator / denominator, decimals)
    return f"{fmt_int(numerator)} av {fmt_int(denominator)} ({pct})"


try:  # pandas is a dependency, but keep this module importable without it
    import pandas as _pd

    _NA = _pd.NA
except ImportError:  # pragma: no cover
    _NA = object()
