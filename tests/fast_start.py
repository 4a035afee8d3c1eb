"""A pytest plugin that ``make test`` loads first (``-p fast_start``, before the plugins that
come with the installed packages), to make every pytest process start sooner.

nbval imports nbformat when pytest loads it, and nbformat's jsonschema then compiles an
RFC 3987 grammar when the optional package ``rfc3987_syntax`` is installed (as JupyterLab's
dependencies install it): about 2 s in the main process and in every pytest-xdist worker.
Notebook schemas check no "iri" format, so the tests do without it, as the report does
(``sofstat.report`` sets the same entry). It must be set before nbformat is first imported,
hence a plugin named on the command line, with ``pythonpath = ["tests"]`` in pyproject.toml
so that pytest finds it before it loads the installed plugins.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
