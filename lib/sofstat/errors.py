"""Errors raised by sofstat."""

from __future__ import annotations


class InputError(ValueError):
    """An input file (or text) that cannot be read as it stands.

    The message always names the file, the line number and the text of the
    offending line, so that an analyst can open the file and fix it.

    Attributes:
        source: the file name, or ``"<text>"`` when text was passed directly.
        line: 1-based line number, or ``None`` when the problem is the whole
            file (for example: a table with no rows).
        text: the offending line as read (``""`` when there is none).
        reason: what is wrong, in one sentence.
    """

    def __init__(self, source: str, line: int | None, text: str, reason: str):
        self.source = str(source)
        self.line = line
        self.text = text
        self.reason = reason
        where = f"{self.source}, line {line}" if line is not None else self.source
        message = f"{where}: {reason}"
        if line is not None:
            message += f": {text!r}"
        super().__init__(message)
