"""``rapport.pdf``: the page printed by headless Chromium for the meeting papers.

Chromium prints what the browser shows, with the
print stylesheet of ``templates/report.css``: A4 portrait, page numbers
"sida N av M" and the title and period in the footer (CSS page-margin
boxes), repeated table headers, an outline from the headings, the document's
title and language, and a tagged PDF. Its build dates are fixed afterwards
so that the same page gives the same bytes.

The report starts Chromium while the notebooks run (:class:`Printer`, the
DevTools protocol over a pipe, no network port) so that its start-up is not
on the critical path; :func:`print_pdf` is the one-shot command-line way.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
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
    # For the browser, where chromium-headless-shell is missing (the shell builds none of this):
    # headless Chromium still builds the browser's hidden user interface: the omnibox's drop-down,
    # two WebUI pages in a renderer of their own, about 0.6 s of CPU per start; a report needs none.
    # The first two names do it in Chromium 156, the other two are for versions that preload them
    # otherwise (names Chromium does not know are ignored). Chromium keeps only the last
    # --disable-features it is given: this one comes after any from CHROMIUM_FLAGS, and replaces it.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI",
]
_CLI_FLAGS = ["--no-pdf-header-footer", "--generate-pdf-document-outline"]
# the Printer opens its own tab: none at start (the new-tab page is one more WebUI, about 0.2–0.3 s of CPU)
_PIPE_FLAGS = ["--remote-debugging-pipe", "--no-startup-window"]
_PRINT = {
    "preferCSSPageSize": True,
    "printBackground": True,
    "displayHeaderFooter": False,
    "generateTaggedPDF": True,
    "generateDocumentOutline": True,
}
# dup2 the two pipe ends to 3 and 4 (first above 9, so that neither is overwritten), then exec
_TO_FD_3_AND_4 = (
    "import fcntl, os, sys\n"
    "r, w = (fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3])\n"
    "[os.close(int(fd)) for fd in sys.argv[1:3] if int(fd) > 4]\n"
    "os.dup2(r, 3); os.dup2(w, 4); os.close(r); os.close(w)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)
_STOPPING = {signal.SIGINT, signal.SIGTERM, signal.SIGKILL, signal.SIGHUP, signal.SIGQUIT}
_DATE = re.compile(rb"\(D:\d{14}[^)]{0,10}\)")
_NODE = re.compile(rb"\(node(\d{8})\)")
_FIXED_DATE = b"(D:20000101000000+00'00')"
MISSING_CHROMIUM = (
    "rapport.pdf needs headless Chromium (Debian package 'chromium-headless-shell' or 'chromium'; `make report` installs the first as root). "
    "Install it, or build without the PDF: sofstat report --no-pdf"
)


# Debian's chromium-headless-shell first: the same Blink, Skia and PDF printer as its chromium, without
# the browser around them (no browser window, tabs or WebUI to build), about half the CPU per print
# (0.8 s instead of 1.5 s with Chromium 156). The PDF is the same but for its /Creator ("Chromium",
# not the browser's user agent). The browser is the fall-back.
EXECUTABLES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")


def chromium() -> str | None:
    """The first of :data:`EXECUTABLES` on the PATH, or None."""
    return next(filter(None, map(shutil.which, EXECUTABLES)), None)


def fixed_dates(data: bytes) -> bytes:
    """The same PDF with what differs between runs made fixed, at the same length (the
    cross-reference offsets stay right): the creation and modification dates, and the
    structure elements' node ids (numbered in order of first appearance)."""
    data = _DATE.sub(lambda m: _FIXED_DATE if len(m.group()) == len(_FIXED_DATE) else m.group(), data)
    numbers: dict[bytes, bytes] = {}
    return _NODE.sub(
        lambda m: b"(node%08d)" % int(numbers.setdefault(m.group(1), b"%d" % (len(numbers) + 1))), data
    )


def print_pdf(page: Path, target: Path, timeout: float = 180) -> None:
    """Print ``page`` (an HTML file) to ``target`` (a PDF) with one Chromium command.

    Raises:
        ReportError: when Chromium is missing or fails.
    """
    exe = chromium()
    if exe is None:
        raise ReportError(MISSING_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="sofstat-chromium-") as profile:
        cmd = [
            exe,
            *FLAGS,
            *_CLI_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ]
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


class Printer:
    """A headless Chromium started early and driven over the DevTools pipe.

    Use as a context manager; :meth:`print` falls back to :func:`print_pdf`
    when the pipe does not answer as expected.
    """

    def __init__(self, timeout: float = 180):
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self._profile = tempfile.TemporaryDirectory(prefix="sofstat-chromium-")
        self._ids = 0
        self._buffer = b""
        self._aborted = False
        exe = chromium()
        if exe is None:
            return
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4. A small Python puts the pipes
        # there and becomes Chromium (a shell would do, but dash refuses fd numbers above 9, and a
        # build with kernels running has many files open).
        args = [*FLAGS, *_PIPE_FLAGS, f"--user-data-dir={self._profile.name}"]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                "-c",
                _TO_FD_3_AND_4,
                str(to_chrome_r),
                str(from_chrome_w),
                exe,
                *args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_chrome_r, from_chrome_w),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.proc is not None:
            try:
                self._send("Browser.close")
            except (OSError, ReportError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            for fd in (self._to_chrome, self._from_chrome):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.proc = None
        self._profile.cleanup()

    def abort(self) -> None:
        """Stop Chromium now (from another thread): a print under way fails at once, without a second try."""
        self._aborted = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()

    def _stopped(self) -> bool:
        """True when :meth:`abort` was called or Chromium was stopped by a signal such as Ctrl-C's."""
        if self._aborted:
            return True
        try:
            code = self.proc.wait(timeout=2) if self.proc is not None else 0
        except subprocess.TimeoutExpired:
            return False  # still running: it answered badly, the one-shot command may do better
        return -code in _STOPPING  # (a crash, e.g. SIGSEGV, gets the second try)

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._ids += 1
        message = {"id": self._ids, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode("utf-8") + b"\0")
        return self._ids

    def _next(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise ReportError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise ReportError("Chromium closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def _call(
        self, method: str, params: dict | None = None, session: str | None = None, deadline: float = 0
    ) -> dict:
        wanted = self._send(method, params, session)
        while True:
            msg = self._next(deadline)
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise ReportError(f"Chromium: {method}: {msg['error'].get('message', '')}")
                return msg.get("result", {})

    def print(self, page: Path, target: Path) -> None:
        """Print ``page`` to ``target``; the command-line way if the pipe fails.

        Raises:
            ReportError: when Chromium is missing or cannot print.
        """
        if self.proc is None:
            raise ReportError(MISSING_CHROMIUM)
        deadline = time.monotonic() + self.timeout
        try:
            target_id = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)[
                "targetId"
            ]
            session = self._call(
                "Target.attachToTarget", {"targetId": target_id, "flatten": True}, deadline=deadline
            )["sessionId"]
            self._call("Page.enable", session=session, deadline=deadline)
            self._send("Page.navigate", {"url": page.resolve().as_uri()}, session)
            while True:
                msg = self._next(deadline)
                if msg.get("method") == "Page.loadEventFired" and msg.get("sessionId") == session:
                    break
            data = self._call("Page.printToPDF", _PRINT, session, deadline)["data"]
        except (ReportError, OSError, KeyError, ValueError) as exc:
            if self._stopped():  # interrupted (Ctrl-C reaches Chromium too), or aborted: no second try
                raise ReportError("Chromium was stopped while printing") from exc
            print_pdf(page, target, self.timeout)
            return
        target.write_bytes(fixed_dates(base64.b64decode(data)))
