"""HTML by construction: input text is escaped on its one way into markup.

Every piece of text that came from an input file (unit, department and group
names, sources, question texts) reaches the report through :func:`h`,
:func:`esc` or a :class:`~sofstat.present.table.Table`, which escape every
value that is not already :class:`Html`. Only this module and the table
contract make :class:`Html`; nothing builds markup by pasting strings.
"""

from __future__ import annotations

import html as _html
import re

_FIELD = re.compile(r"\{(\w+)\}")


class Html(str):
    """Markup that is safe to put into a page as it is (made only by this module)."""

    __slots__ = ()

    def _repr_html_(self) -> str:  # shows as HTML in JupyterLab
        return str(self)

    def __add__(self, other: object) -> Html:
        return Html(str(self) + str(esc(other)))


def esc(value: object) -> Html:
    """``value`` as HTML text: escaped, unless it already is :class:`Html`."""
    if isinstance(value, Html):
        return value
    return Html(_html.escape("" if value is None else str(value), quote=True))


def h(template: str, **values: object) -> Html:
    """Fill ``{name}`` fields of a trusted markup template with escaped values.

    The template is written in the library (never input); every value is
    passed through :func:`esc`.

    >>> h("<b>{name}</b>", name="<script>")
    '<b>&lt;script&gt;</b>'
    """
    return Html(_FIELD.sub(lambda m: str(esc(values[m.group(1)])), template))


def join(parts, separator: str = "") -> Html:
    """Join pieces (each escaped unless :class:`Html`) with a trusted separator."""
    return Html(separator.join(str(esc(p)) for p in parts))


def paragraph(*parts: object) -> Html:
    """``<p>`` holding the parts (escaped unless :class:`Html`)."""
    return h("<p>{body}</p>", body=join(parts))


def bullets(items) -> Html:
    """``<ul>`` with one ``<li>`` per item (escaped unless :class:`Html`)."""
    return h("<ul>{body}</ul>", body=join(h("<li>{x}</li>", x=i) for i in items))


def strong(text: object) -> Html:
    return h("<strong>{t}</strong>", t=text)


def em(text: object) -> Html:
    return h("<em>{t}</em>", t=text)


class Text:
    """A block of report text: HTML for the page, plain text for the notebook and nbval."""

    def __init__(self, body: Html, plain: str = ""):
        self.body = body
        self.plain = plain or _html.unescape(re.sub(r"<[^>]+>", "", str(body)))

    def _repr_html_(self) -> str:
        return h('<div class="text">{b}</div>', b=self.body)

    def __repr__(self) -> str:
        return self.plain
