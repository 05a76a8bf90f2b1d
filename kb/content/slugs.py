"""GitHub-compatible heading anchors, so a runbook's own `#6-backup--restore` links work."""

from __future__ import annotations

import re

from pymdownx.slugs import slugify

_github_slug = slugify(case="lower")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INLINE_MARKS = re.compile(r"[*_`]+|<[^>]+>")


def heading_text(raw: str) -> str:
    """The text a reader sees for a heading written in Markdown: links, marks and tags gone."""
    text = _LINK.sub(r"\1", raw)
    text = _INLINE_MARKS.sub("", text)
    return " ".join(text.split())


def github_slug(text: str) -> str:
    return _github_slug(text, "-")


def path_slug(path: str) -> str:
    """The slug of a content file: its path without `.md`, a README naming its folder."""
    stem = path[:-3] if path.lower().endswith(".md") else path
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1].lower() in ("readme", "index", "_index"):
        parts.pop()
    slugs = [github_slug(p.replace(".", "-")) or "x" for p in parts]
    return "/".join(slugs) or "index"


class Slugger:
    """Hands out GitHub's de-duplicated anchors: `x`, then `x-1`, `x-2`."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def unique(self, text: str) -> str:
        base = github_slug(text) or "section"
        count = self._seen.get(base)
        self._seen[base] = 0 if count is None else count + 1
        if count is None:
            return base
        candidate = f"{base}-{count + 1}"
        while candidate in self._seen:
            count += 1
            candidate = f"{base}-{count + 1}"
        self._seen[base] = count + 1
        self._seen[candidate] = 0
        return candidate
