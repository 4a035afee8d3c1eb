"""Command line: ``sofstat report`` and ``sofstat refresh-notebooks``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="sofstat", description="Half-yearly report to SON on SOF's unit managers."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="build reports/<period>/ from the period's inputs")
    rep.add_argument("--period", help="period key in the catalogue (default: the latest)")
    rep.add_argument("--catalog", help="periods catalogue (default: data/periods.yml)")
    rep.add_argument("--output-dir", help="where reports go (default: reports/)")
    rep.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: cores)")
    sub.add_parser("refresh-notebooks", help="re-execute notebooks/ in place (stored outputs for nbval)")
    args = parser.parse_args(argv)
    if args.command == "report":
        from .report import main_report

        return main_report(args)
    from .report import ReportError, refresh_notebooks

    try:
        refresh_notebooks()
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
