"""The report in a real browser (headless Chromium, offline): it loads, reads, fits and is accessible.

- every image loads, no code or prompt is visible, the Swedish headings are there;
- axe-core (npm package in tests/browser, injected into a copy of the page
  without its Content-Security-Policy) finds no WCAG 2.0/2.1 A or AA violation;
- at 1 024 px no table is wider than its container and the page does not scroll sideways;
- a report built from hostile names has no live markup: no ``on*`` attribute,
  no ``javascript:`` URL, no script, and the hostile text visible as text.

Chromium and axe-core come from Debian and npm; `make test` installs them. Where
they cannot be had, the tests are skipped with the reason, never passed silently.
"""

from __future__ import annotations

import copy
import html
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sofstat import config
from sofstat.report.pdf import FLAGS as PDF_FLAGS
from sofstat.report.pdf import chromium

AXE = config.TESTS_DIR / "browser" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [*PDF_FLAGS, "--hide-scrollbars"]  # the report's own Chromium flags
needs_chromium = pytest.mark.skipif(
    not chromium(), reason="headless Chromium is not installed (make test installs it as root)"
)
PROBE = """
<script>
window.addEventListener("load", async () => {
  const result = {};
  const imgs = [...document.images];
  result.images = imgs.length;
  result.broken = imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).length;
  result.alts = imgs.map((i) => i.alt);
  result.text = document.body.innerText;
  result.headings = [...document.querySelectorAll("h1, h2, h3")].map((h) => h.innerText.trim());
  result.alerts = window.__alerts;
  result.pageScroll = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  result.wide = [...document.querySelectorAll("table")].map((t) => {
    const box = t.parentElement.getBoundingClientRect();
    const own = t.getBoundingClientRect();
    return {caption: (t.caption || {}).innerText || "", over: Math.round(own.width - box.width),
            scroll: t.parentElement.scrollWidth - t.parentElement.clientWidth};
  }).filter((t) => t.over > 1 || t.scroll > 1);
  if (window.axe) {
    const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
    result.violations = r.violations.map((v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5)}));
    result.passes = r.passes.length;
  }
  const out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""


def probe(report: Path, tmp_path: Path, width: int = 1280, axe: bool = False) -> dict:
    """Open a copy of the report (CSP removed so that the probe may run) and return what the probe saw."""
    page = (report / "index.html").read_text(encoding="utf-8")
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    page = page.replace(
        "<head>",
        "<head><script>window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));</script>",
        1,
    )
    if axe:
        page = page.replace("</head>", "<script>" + AXE.read_text(encoding="utf-8") + "</script></head>", 1)
    copy = tmp_path / f"probe-{width}.html"
    copy.write_text(page.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    cmd = [
        chromium(),
        *FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=30000",
        f"--window-size={width},1000",
    ]
    dom = subprocess.run(
        [*cmd, "--dump-dom", copy.as_uri()], capture_output=True, text=True, timeout=300
    ).stdout
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, flags=re.S)
    assert m, "the probe did not run in Chromium"
    return json.loads(html.unescape(m.group(1)))


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    """``probe``, once per (report, width, axe) in this module: the page at 1 280 px is probed
    with axe-core, and that one run serves the tests of what loads, what fits and axe's
    findings (the probe reads the page before axe runs). Each test gets a copy."""
    seen: dict[tuple, dict] = {}

    def get(report: Path, width: int = 1280, axe: bool = False) -> dict:
        key = (str(report), width, axe)
        if key not in seen:
            seen[key] = probe(report, tmp_path_factory.mktemp("probe"), width, axe)
        return copy.deepcopy(seen[key])

    return get


@needs_chromium
def test_report_in_headless_chromium(baseline_report, tmp_path, probed):
    result = probed(baseline_report, axe=AXE.exists())
    assert result["images"] == 6 and result["broken"] == 0
    assert all(len(alt) > 80 and "No description" not in alt for alt in result["alts"])
    text = result["text"]
    for code in ["import sofstat", "out.table(", "In [", "Out[", "read_staffing("]:
        assert code not in text
    for heading in [
        "Uppföljning av programmet för att stärka enhetscheferna",
        "I korthet",
        "Chefsområdenas storlek",
        "Ålder",
        "Chefers sjukfrånvaro",
        "Medarbetarundersökningen",
        "Programmet: behov och aktiviteter",
        "Om rapporten",
    ]:
        assert heading in result["headings"]
    assert "47 av 59 (79,7 %)" in text and "ca 2/3" in text
    shot = tmp_path / "index.png"
    cmd = [
        chromium(),
        *FLAGS,
        f"--user-data-dir={tmp_path / 'profile2'}",
        "--window-size=1280,1400",
        f"--screenshot={shot}",
    ]
    subprocess.run([*cmd, (baseline_report / "index.html").as_uri()], capture_output=True, timeout=180)
    assert shot.exists() and shot.stat().st_size > 10_000


@needs_chromium
@pytest.mark.parametrize("width", [1024, 1280])
def test_tables_fit_without_sideways_scrolling(baseline_report, synthetic_report, probed, width):
    for report in (baseline_report, synthetic_report):
        result = probed(report, width, axe=width == 1280 and AXE.exists())
        assert result["wide"] == [], result["wide"]
        assert result["pageScroll"] <= 0


@needs_chromium
@pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed (make test runs npm ci in tests/browser)"
)
def test_axe_core_finds_no_wcag_violation(baseline_report, synthetic_report, probed):
    for report in (baseline_report, synthetic_report):
        result = probed(report, axe=True)
        assert result["passes"] > 10  # axe ran
        assert result["violations"] == [], result["violations"]


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.urls = 0, [], []

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append((tag, name))
            if name.lower() in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.urls.append(value)


HOSTILE_TEXTS = [
    '<a href="javascript:alert(5)">x</a>',
    '<b onmouseover="alert(6)">Fet</b>',
    "<script>alert(7)</script>",
    "<img src=x onerror=alert(8)>",
]


def test_hostile_names_are_text_not_markup(hostile_report):
    page = (hostile_report / "index.html").read_text(encoding="utf-8")
    parser = _Markup()
    parser.feed(page)
    assert parser.scripts == 0 and parser.handlers == [] and parser.urls == []
    visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for text in HOSTILE_TEXTS:
        assert text in visible, text
    svg = "".join(p.read_text(encoding="utf-8") for p in (hostile_report / "figures").glob("*.svg"))
    assert "<script" not in svg and "onerror=" not in svg.replace("onerror=alert(8)&gt;", "")


@needs_chromium
def test_hostile_report_runs_nothing_in_the_browser(hostile_report, tmp_path):
    result = probe(hostile_report, tmp_path)
    assert result["alerts"] == []  # no hostile handler or link ran
    for text in HOSTILE_TEXTS:
        assert text in result["text"], text
