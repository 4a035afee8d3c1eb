"""``rapport.pdf``: the page printed by headless Chromium for the meeting papers.

Chromium (Debian's ``chromium``) prints what the browser shows, with the
print stylesheet of ``templates/report.css``: A4 portrait, page numbers
"sida N av M" and the title and period in the footer (CSS page-margin
boxes), repeated table headers, an outline from the headings, the document's
title and language, and a tagged PDF. Its build dates are fixed afterwards
so that the same page gives the same bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReportError

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
]
_DATE = re.compile(rb"\(D:\d{14}[^)]{0,10}\)")
_FIXED_DATE = b"(D:20000101000000+00'00')"


def chromium() -> str | None:
    """The Chromium executable, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def fixed_dates(data: bytes) -> bytes:
    """Replace the PDF's creation and modification dates by a fixed one of the same length."""
    return _DATE.sub(lambda m: _FIXED_DATE if len(m.group()) == len(_FIXED_DATE) else m.group(), data)


def print_pdf(page: Path, target: Path, timeout: float = 180) -> None:
    """Print ``page`` (an HTML file) to ``target`` (a PDF).

    Raises:
        ReportError: when Chromium is missing or fails.
    """
    exe = chromium()
    if exe is None:
        raise ReportError(
            "rapport.pdf needs headless Chromium (Debian package 'chromium'; `make report` installs it as root). "
            "Install it, or build without the PDF: sofstat report --no-pdf"
        )
    with tempfile.TemporaryDirectory(prefix="sofstat-chromium-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}", page.resolve().as_uri()]
        try:
            res = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not print {page.name} within {timeout:.0f} s") from None
    if res.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        tail = res.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ReportError(
            f"Chromium could not print {page.name} to PDF (exit {res.returncode}): {tail[0][:200]}"
        )
    target.write_bytes(fixed_dates(target.read_bytes()))
