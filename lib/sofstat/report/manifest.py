"""``manifest.json``: what went into a report and what came out (provenance)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import __version__, config
from ..errors import ReportError

PACKAGES = ["pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbclient", "openpyxl", "mistune"]


def sha256(path: Path) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit() -> tuple[str | None, bool | None]:
    """The project's commit and whether tracked files differ from it (None, None outside git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=config.PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=config.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head, bool(dirty)
    except (OSError, subprocess.CalledProcessError):
        return None, None


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def built_at() -> dt.datetime:
    """The build time: ``SOURCE_DATE_EPOCH`` when set, else now (UTC, whole seconds).

    Raises:
        ReportError: for a ``SOURCE_DATE_EPOCH`` that is not 1 to 11 ASCII digits.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not re.fullmatch(r"[0-9]{1,11}", epoch):
        raise ReportError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch[:20]!r}")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


def write_manifest(build: Path, fields: dict) -> Path:
    """Write ``manifest.json`` in ``build``: ``fields``, versions, git, every file's hash, build time.

    Everything but ``built_at`` is the same for the same inputs; ``built_at`` too
    when ``SOURCE_DATE_EPOCH`` is set (the reproducible-builds convention:
    seconds since 1970, used instead of the clock).

    Raises:
        ReportError: for a ``SOURCE_DATE_EPOCH`` that is not a whole number of seconds.
    """
    commit, dirty = git_commit()
    skip = {"manifest.json", "build.log"}  # the log (timings, kernel warnings) is not part of the report
    files = sorted(p for p in build.rglob("*") if p.is_file() and p.relative_to(build).as_posix() not in skip)
    manifest = {
        **fields,
        "sofstat_version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "packages": package_versions(),
        "files": [{"path": p.relative_to(build).as_posix(), "sha256": sha256(p)} for p in files],
        "built_at": built_at().isoformat().replace("+00:00", "Z"),
    }
    target = build / "manifest.json"
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target
