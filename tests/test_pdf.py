"""rapport.pdf for the meeting papers: A4, numbered, no empty page, every heading in it.

Rendered to PNG with pdftoppm and read with pdftotext/pdfinfo (Debian's
poppler-utils, which `make test` installs); skipped with the reason where
Chromium or poppler cannot be had.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest
from PIL import Image

from sofstat.report.pdf import chromium

pytestmark = pytest.mark.skipif(
    not (chromium() and shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="needs headless Chromium and poppler-utils (make test installs them as root)",
)


def _info(pdf) -> dict[str, str]:
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def test_pdf_pages(baseline_report, tmp_path):
    pdf = baseline_report / "rapport.pdf"
    info = _info(pdf)
    pages = int(info["Pages"])
    assert 8 <= pages <= 40
    sizes = {v.strip() for k, v in info.items() if re.fullmatch(r"Page\s+\d+ size", k)}
    assert sizes == {"594.96 x 841.92 pts (A4)"}
    assert info["Tagged"].strip() == "yes"
    assert info["Title"].strip() == "Uppföljning av programmet för att stärka enhetscheferna – 2024-H1"
    data = pdf.read_bytes()
    assert b"/Outlines" in data and b"/Lang (sv)" in data
    # every figure is SVG: none may reach the PDF as a picture (Chromium rasterises pattern fills)
    assert b"/Subtype /Image" not in data
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    for png in images:
        img = Image.open(png).convert("L")
        w, h = img.size
        body = img.crop((0, 0, w, int(h * 0.9)))  # above the footer
        dark = sum(body.histogram()[:200])
        assert dark > 0.002 * body.size[0] * body.size[1], f"{png.name} is (nearly) empty"


def test_pdf_text_has_every_heading_and_page_numbers(baseline_report):
    pdf = baseline_report / "rapport.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    page = (baseline_report / "index.html").read_text(encoding="utf-8")
    headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", page)]
    for heading in headings:
        assert " ".join(heading.split()) in flat, heading
    pages = int(_info(pdf)["Pages"])
    assert f"sida 1 av {pages}" in flat and f"sida {pages} av {pages}" in flat
    assert flat.count("Uppföljning av programmet för att stärka enhetscheferna – 2024-H1") >= pages


def test_printer_prints_over_its_pipe_with_many_files_open(baseline_report, tmp_path, monkeypatch):
    """A build has many files open: the pipe ends get numbers above 9, which dash cannot redirect.

    The printer must still print over its pipe, not fall back to the one-shot command.
    """
    from sofstat.report import pdf

    def no_fallback(*args, **kwargs):
        raise AssertionError("Printer fell back to print_pdf")

    monkeypatch.setattr(pdf, "print_pdf", no_fallback)
    held = [open(baseline_report / "index.html", "rb") for _ in range(12)]  # noqa: SIM115
    try:
        with pdf.Printer() as printer:
            printer.print(baseline_report / "index.html", tmp_path / "a.pdf")
            printer.print(baseline_report / "index.html", tmp_path / "b.pdf")
            # every target (filter [{}]: browser UI and tabs too) is one of its own pages: Chromium
            # built no hidden browser UI, new-tab page or omnibox drop-down (WebUI renderers, CPU)
            targets = printer._call("Target.getTargets", {"filter": [{}]}, deadline=time.monotonic() + 60)
            kinds = sorted({(t["type"], t["url"].split(":", 1)[0]) for t in targets["targetInfos"]})
            assert kinds == [("page", "file"), ("tab", "file")], kinds
    finally:
        for f in held:
            f.close()
    first = (tmp_path / "a.pdf").read_bytes()
    assert first.startswith(b"%PDF-") and first == (tmp_path / "b.pdf").read_bytes()
    assert first == (baseline_report / "rapport.pdf").read_bytes()  # the build printed it this way too


@pytest.mark.parametrize(("stop", "falls_back"), [("abort", False), ("SIGINT", False), ("SIGSEGV", True)])
def test_a_stopped_printer_does_not_try_again_but_a_crashed_one_does(
    baseline_report, tmp_path, monkeypatch, stop, falls_back
):
    """Ctrl-C reaches Chromium too: the print then fails at once instead of starting a second Chromium."""
    import signal

    from sofstat.errors import ReportError
    from sofstat.report import pdf

    calls = []
    monkeypatch.setattr(pdf, "print_pdf", lambda *args, **kwargs: calls.append(args))
    with pdf.Printer() as printer:
        if stop == "abort":
            printer.abort()
        else:
            printer.proc.send_signal(getattr(signal, stop))
        printer.proc.wait(timeout=30)
        if falls_back:
            printer.print(baseline_report / "index.html", tmp_path / "a.pdf")
            assert len(calls) == 1
        else:
            with pytest.raises(ReportError, match="Chromium was stopped while printing"):
                printer.print(baseline_report / "index.html", tmp_path / "a.pdf")
            assert calls == []
