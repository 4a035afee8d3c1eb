"""``python -m sofstat``: see :mod:`sofstat.cli`."""

from .cli import run

run()
