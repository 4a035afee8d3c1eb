"""Swedish number formats: decimal comma, space as thousands separator, true minus sign."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from .. import config

#: En dash: what a missing value shows.
MISSING = "–"
#: How the report says the simple fractions a source may use ("ungefär 2/3").
_FRACTION_WORDS = dict(
    zip(config.APPROXIMATE_FRACTIONS, ["1/4", "1/3", "hälften", "2/3", "3/4"], strict=True)
)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        number = float(value)
    except (TypeError, ValueError):
        return True
    return not math.isfinite(number)


def _group(digits: str) -> str:
    """Insert a space every three digits from the right."""
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return " ".join(reversed(out))


def fmt_number(value: object, decimals: int = 0, missing: str = MISSING) -> str:
    """Format a number the Swedish way: ``1 498,42``.

    Returns:
        The text, rounded half away from zero (as official statistics round:
        30,85 -> 30,9), with a space as thousands separator, a decimal comma
        and a true minus sign (U+2212); ``missing`` for None, NaN, NA or infinity.
    """
    if _is_missing(value):
        return missing
    number = float(value)
    exact = Decimal(repr(abs(number))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{exact:f}".partition(".")
    sign = "\u2212" if number < 0 and exact != 0 else ""
    return sign + _group(whole) + ("," + frac if decimals else "")


def fmt_int(value: object, missing: str = MISSING) -> str:
    """Format a whole number: ``1 555``."""
    return fmt_number(value, 0, missing)


def fmt_percent(value: object, decimals: int = 1, missing: str = MISSING) -> str:
    """Format a percentage given as 0–100: ``2,26 %``."""
    text = fmt_number(value, decimals, missing)
    return text if text == missing else f"{text} %"


def fmt_share(numerator: int, denominator: int, decimals: int = 0) -> str:
    """Format a share as ``12 av 59 (20 %)``; ``–`` when the denominator is 0."""
    if not denominator:
        return MISSING
    return f"{fmt_int(numerator)} av {fmt_int(denominator)} ({fmt_percent(100 * numerator / denominator, decimals)})"


def fmt_approx(share: object) -> str:
    """An approximate share as the source says it: ``ca 2/3``, ``ca hälften``, else ``ca 40 %``."""
    if _is_missing(share):
        return MISSING
    for value, words in _FRACTION_WORDS.items():
        if abs(float(share) - value) < config.FRACTION_TOLERANCE:
            return f"ca {words}"
    return f"ca {fmt_percent(share, 0)}"


def fmt_signed(value: object, decimals: int = 0, unit: str = "") -> str:
    """A change with its sign: ``+1,7``, ``−3``, ``±0`` (then `` unit`` when given)."""
    if _is_missing(value):
        return MISSING
    text = fmt_number(abs(float(value)), decimals)
    zero = fmt_number(0, decimals)
    sign = "±" if text == zero else ("+" if float(value) > 0 else "\u2212")
    return f"{sign}{text}" + (f" {unit}" if unit else "")


def fmt_count(n: int, singular: str, plural: str) -> str:
    """``1 enhet``, ``2 enheter``: a count and its noun in the right number."""
    return f"{fmt_int(n)} {singular if n == 1 else plural}"
