"""The report page: the executed notebooks' outputs, no code, in one accessible HTML document.

Built here from the notebooks' cells (not by nbconvert's templates): Markdown
cells through mistune with raw HTML escaped, outputs as the presentation
layer made them (escaped by construction), charts as inline SVG images with
their Swedish text alternative. The page carries a strict
Content-Security-Policy: no script of any kind, images only inline, the one
style block by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from pathlib import Path

import mistune
import nbformat
import yaml

from ..present.markup import Html, esc, h, join

_TEMPLATES = resources.files("sofstat.report") / "templates"
_HEADING = re.compile(r"<h([1-5])>(.*?)</h\1>", re.S)
_markdown = mistune.create_markdown(escape=True, plugins=["table"])


def text() -> dict:
    """The fixed Swedish text of the report (``templates/text.yml``)."""
    return yaml.safe_load((_TEMPLATES / "text.yml").read_text(encoding="utf-8"))


def fill(template: str, **values: object) -> Html:
    """A template sentence with its ``{fields}`` filled in, everything escaped."""
    return Html(re.sub(r"\{(\w+)\}", lambda m: str(esc(values[m.group(1)])), str(esc(template))))


def css_string(value: str) -> str:
    """``value`` as a quoted CSS string (every character that could end it escaped)."""
    return '"' + "".join(c if c.isalnum() or c in " -–,.:()" else f"\\{ord(c):x} " for c in value) + '"'


def _slug(text_: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9åäö]+", "-", text_.lower()).strip("-")[:60] or "avsnitt"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _markdown_cell(source: str, used: set[str], toc: list[tuple[str, str]]) -> str:
    """Markdown as HTML, headings one level down (the page's h1 is the title), with ids."""
    body = _markdown(source)

    def heading(m: re.Match) -> str:
        level = min(int(m.group(1)) + 1, 6)
        inner = m.group(2)
        slug = _slug(re.sub(r"<[^>]+>", "", inner), used)
        if level == 2:
            toc.append((slug, re.sub(r"<[^>]+>", "", inner)))
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    return _HEADING.sub(heading, body)


def _output(out: dict, figures: Path) -> tuple[str, str]:
    """``(kind, html)`` of one output; only what :class:`sofstat.present.output.Output`
    marked reaches the page (streams, errors and stray displays do not)."""
    if out.get("output_type") not in ("display_data", "execute_result"):
        return "", ""
    data, meta = out.get("data", {}), out.get("metadata", {}).get("sofstat")
    if not isinstance(meta, dict):
        return "", ""
    if meta.get("kind") == "figure":
        svg = figures / f"{meta['figure']}.svg"
        if svg.exists():
            src = "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode("ascii")
        else:
            src = "data:image/png;base64," + "".join(data.get("image/png", "")).strip()
        html = h(
            '<figure class="diagram"><img src="{src}" alt="{alt}"></figure>', src=src, alt=meta.get("alt", "")
        )
        return "figure", str(html)
    return meta.get("kind", ""), "".join(data.get("text/html", ""))


def _keep_together(parts: list[tuple[str, str]]) -> list[str]:
    """A heading and its introduction stay on the page of the chart that follows them."""
    out: list[str] = []
    for k, (kind, html) in enumerate(parts):
        if kind == "figure" and k and parts[k - 1][0] == "markdown":
            out[-1] = f'<div class="sammanhang">{out[-1]}{html}</div>'
        elif html:
            out.append(html)
    return out


def build_page(
    notebooks: list[tuple[str, nbformat.NotebookNode]],
    build_dir: Path,
    *,
    period: str,
    period_title: str,
    baseline: str,
    inputs: list[dict],
    thresholds: dict[str, int],
    version: str,
) -> str:
    """The whole report as one HTML page.

    Args:
        notebooks: ``(file name, executed notebook)`` in report order.
        build_dir: the build folder (its ``figures/`` hold the charts' SVG).
        period, period_title, baseline: the period reported and the baseline's id.
        inputs: ``{"role", "path", "sha256"}`` of every input.
        thresholds: the small-group thresholds in force.
        version: sofstat's version.

    Returns:
        The page (deterministic for the same notebooks).
    """
    t = text()
    used: set[str] = {"innehall", "om-rapporten", "sa-har-vi-raknat", "om-underlaget"}
    toc: list[tuple[str, str]] = []
    sections = []
    for name, nb in notebooks:
        parts: list[tuple[str, str]] = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                parts.append(("markdown", _markdown_cell(cell.source, used, toc)))
            elif cell.cell_type == "code":
                parts.extend(_output(o, build_dir / "figures") for o in cell.get("outputs", []))
        body = "".join(_keep_together(parts))
        sections.append(f'<section class="avsnitt" id="avsnitt-{esc(name[:2])}">{body}</section>')
    fields = {
        "period": period,
        "period_title": period_title,
        "baseline": baseline,
        "version": version,
        "title": t["title"],
        **thresholds,
    }
    nav = h(
        '<nav class="innehall" aria-labelledby="innehall"><h2 id="innehall">{c}</h2><ol>{items}</ol></nav>',
        c=t["contents"],
        items=join(
            [h('<li><a href="#{s}">{t}</a></li>', s=s, t=x) for s, x in toc]
            + [h('<li><a href="#om-rapporten">{t}</a></li>', t=t["about_heading"])]
        ),
    )
    cover = h(
        '<header class="omslag"><h1>{title}</h1><p class="undertitel">{sub}</p><p class="organisation">{org}</p>'
        "<p>{mandate}</p></header>",
        title=t["title"],
        sub=fill(t["subtitle"], **fields),
        org=t["organisation"],
        mandate=t["mandate"],
    )
    sources = join(
        h(
            "<li>{role}: {path} (SHA-256 {sha}…)</li>",
            role=t["roles"].get(i["role"], i["role"]),
            path=i["path"],
            sha=i["sha256"][:16],
        )
        for i in inputs
    )
    about = h(
        '<footer class="om"><h2 id="om-rapporten">{about}</h2><h3 id="sa-har-vi-raknat">{mh}</h3>{method}'
        '<h3 id="om-underlaget">{sh}</h3><p>{intro}</p><ul>{sources}</ul><p>{made}</p></footer>',
        about=t["about_heading"],
        mh=t["method_heading"],
        method=join(h("<p>{p}</p>", p=fill(p, **fields)) for p in t["method"]),
        sh=t["sources_heading"],
        intro=fill(t["sources_intro"], **fields),
        sources=sources,
        made=fill(t["made_with"], **fields),
    )
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    css = css.replace('"__FOOTER__"', css_string(t["footer"].format(title=t["title"], period=period)))
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    policy = (
        f"default-src 'none'; img-src data:; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    head = h(
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="{policy}"><title>{title} – {period}</title>'
        '<meta name="description" content="{desc}">',
        policy=policy,
        title=t["title"],
        period=period,
        desc=fill(t["subtitle"], **fields),
    )
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n'
        + head
        + f"<style>{css}</style></head>\n<body>\n"
        + cover
        + nav
        + "<main>"
        + "".join(sections)
        + "</main>\n"
        + about
        + "\n</body>\n</html>\n"
    )
