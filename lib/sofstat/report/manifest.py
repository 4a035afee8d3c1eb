"""``manifest.json``: what went into a report and what came out (provenance)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import __version__, config

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


def write_manifest(build: Path, fields: dict) -> Path:
    """Write ``manifest.json`` in ``build``: ``fields``, versions, git, every file's hash, build time.

    Everything but ``built_at`` is the same for the same inputs.
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
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    target = build / "manifest.json"
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target
