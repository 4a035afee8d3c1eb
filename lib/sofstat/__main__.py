"""``python -m sofstat``: see :mod:`sofstat.cli`."""

import sys

from .cli import main

sys.exit(main())
