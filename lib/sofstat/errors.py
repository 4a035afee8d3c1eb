"""Errors raised by sofstat: bad input, a bad catalogue, a failed report."""

from __future__ import annotations

from dataclasses import dataclass

#: How much of a line an error message quotes.
_QUOTE = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    source: str
    line: int | None
    text: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}, line {self.line}" if self.line is not None else self.source
        message = f"{where}: {self.reason}"
        if self.line is not None:
            shown = self.text if len(self.text) <= _QUOTE else self.text[:_QUOTE] + "…"
            message += f": {shown!r}"
        return message


class InputError(ValueError):
    """An input file (or text) that cannot be read as it stands.

    The message names the file, the line number and the text of the first
    offending line, so that an analyst can open the file and fix it;
    ``problems`` holds every problem the reader found (``sofstat check``
    lists them all).

    Attributes:
        source: the file name, or ``"<text>"`` when text was passed directly.
        line: 1-based line number, or ``None`` when the problem is the whole
            file (for example: a table with no rows).
        text: the offending line as read (``""`` when there is none).
        reason: what is wrong, in one sentence.
        problems: every :class:`Problem` found, the first being this one.
    """

    def __init__(
        self, source: str, line: int | None, text: str, reason: str, problems: list[Problem] | None = None
    ):
        self.source = str(source)
        self.line = line
        self.text = text
        self.reason = reason
        first = Problem(self.source, line, text, reason)
        self.problems = list(problems) if problems else [first]
        message = str(first)
        if len(self.problems) > 1:
            message += f" (and {len(self.problems) - 1} more problems in this file)"
        super().__init__(message)

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> InputError:
        """The error for ``problems`` (not empty), reported at the earliest line."""
        ordered = sorted(problems, key=lambda p: (p.line is not None, p.line or 0))
        first = ordered[0]
        return cls(first.source, first.line, first.text, first.reason, ordered)


class CatalogError(ValueError):
    """The catalogue of periods is malformed, or names a file that does not exist.

    The message names the catalogue file and the entry (period, role or target).
    """


class ReportError(RuntimeError):
    """The report could not be built; the message says which notebook and cell."""
