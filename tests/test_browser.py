"""The report in a real browser: headless Chromium opens index.html.

Checks that every image loaded, that no code or prompt is visible and that
the Swedish headings are there, and saves a screenshot in the test's
temporary folder. Chromium comes from Debian's package, which `make test`
installs when it is missing and the machine allows; where it is not
available the test is skipped with the reason, never passed silently.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

from sofstat.report import build_report

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]

# Runs in the page after load and writes what it finds into the DOM, which
# chromium --dump-dom prints.
PROBE = """
<script>
window.addEventListener("load", () => {
  const imgs = [...document.images];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const codeEls = [...document.querySelectorAll(
    ".jp-InputArea-editor, .jp-CodeMirrorEditor, .jp-InputPrompt, .jp-OutputPrompt")].filter(visible);
  const result = {
    images: imgs.length,
    broken: imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src.slice(0, 60)),
    code_elements: codeEls.length,
    text: document.body.innerText,
    headings: [...document.querySelectorAll("h1, h2")].map((h) => h.innerText.trim()),
  };
  const out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    if not _chromium():
        pytest.skip(
            "headless Chromium is not installed (Debian package 'chromium'; make test installs it as root)"
        )
    return build_report("2024-H1", None, tmp_path_factory.mktemp("reports"), log=lambda *_: None)


def test_report_in_headless_chromium(report_dir, tmp_path):
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    probe_page = report_dir / "probe.html"
    probe_page.write_text(page.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    profile = tmp_path / "profile"
    cmd = [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=10000"]
    dom = subprocess.run(
        [*cmd, "--dump-dom", probe_page.as_uri()], capture_output=True, text=True, timeout=180
    ).stdout
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, flags=re.S)
    assert m, "the probe did not run in Chromium"
    result = json.loads(html.unescape(m.group(1)))
    assert result["images"] >= 4  # one chart per section
    assert result["broken"] == []
    assert result["code_elements"] == 0
    text = result["text"]
    for code in ["import sofstat", "out.table(", "In [", "Out[", "read_staffing("]:
        assert code not in text
    for heading in [
        "Uppföljning av programmet för att stärka enhetscheferna",
        "Sammanfattning: förflyttning mot målet",
        "Chefsområdenas storlek",
        "Ålder",
        "Chefers sjukfrånvaro",
        "Medarbetarundersökningen",
        "Datakvalitet",
    ]:
        assert heading in result["headings"]
    assert "47 av 59 (79,7 %)" in text
    assert "ca 2/3" in text
    shot = tmp_path / "index.png"
    subprocess.run(
        [*cmd, "--window-size=1200,2000", f"--screenshot={shot}", (report_dir / "index.html").as_uri()],
        capture_output=True,
        timeout=180,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
