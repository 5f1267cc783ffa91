#!/usr/bin/env python3
"""Render the pre-commit mirror repository's files for one gitops-lint version.

Usage: scripts/render-mirror.py VERSION OUT_DIR

Every file under pre-commit-mirror/ is copied to OUT_DIR (same relative path, overwritten)
with each `@VERSION@` replaced by VERSION (X.Y.Z, the version in Cargo.toml and on PyPI).
OUT_DIR may be a clone of the mirror repository: its `.git` and other files are left alone.
A placeholder other than `@VERSION@` left in a template is an error, so that a typo never
ships.
"""

from __future__ import annotations

import pathlib
import re
import sys

TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "pre-commit-mirror"
PLACEHOLDER = "@VERSION@"
VERSION_RE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
OTHER_PLACEHOLDER_RE = re.compile(r"@[A-Z_]+@")


def render(version: str, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write the rendered templates under out_dir; return the paths written.

    Every template is rendered before any file is written: an error writes nothing."""
    rendered = {}
    for src in sorted(p for p in TEMPLATES.rglob("*") if p.is_file()):
        rel = src.relative_to(TEMPLATES)
        text = src.read_text(encoding="utf-8").replace(PLACEHOLDER, version)
        leftover = OTHER_PLACEHOLDER_RE.search(text)
        if leftover:
            line = text.count("\n", 0, leftover.start()) + 1
            raise ValueError(f"{rel}:{line}: unknown placeholder {leftover.group(0)}")
        rendered[rel] = text
    written = []
    for rel, text in rendered.items():
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        written.append(dest)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: render-mirror.py VERSION OUT_DIR", file=sys.stderr)
        return 2
    version, out = argv[1], pathlib.Path(argv[2])
    if not VERSION_RE.fullmatch(version):
        print(f"render-mirror: version {version!r} is not X.Y.Z", file=sys.stderr)
        return 2
    if out.exists() and not out.is_dir():
        print(f"render-mirror: {out} exists and is not a directory", file=sys.stderr)
        return 2
    try:
        written = render(version, out)
    except (OSError, ValueError) as err:
        print(f"render-mirror: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
