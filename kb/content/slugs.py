"""GitHub-compatible heading anchors, so a runbook's own `#6-backup--restore` links work."""

from __future__ import annotations

import re
import unicodedata

from markdown_it.token import Token

_TEXT_TOKENS = {"text", "code_inline", "text_special"}


def inline_text(token: Token) -> str:
    """A heading's text as GitHub reads it for its anchor (the element's textContent):
    code keeps its text, images and raw tags give none."""
    return children_text(token.children or ())


def children_text(children) -> str:
    """The text inline tokens show, line breaks as newlines."""
    parts: list[str] = []
    for child in children:
        if child.type in _TEXT_TOKENS:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts).strip()


def _kept(char: str) -> bool:
    return char in " -_" or unicodedata.category(char)[0] in "LMN"


def github_slug(text: str) -> str:
    """github-slugger's rule: lower-case, drop punctuation and symbols but `-` and `_`,
    each space a `-` (so `6. Backup & Restore` gives `6-backup--restore`)."""
    return "".join(c for c in text.lower() if _kept(c)).replace(" ", "-")


# What a front-matter `slug` may be: parts of letters, digits, `-`, `_` and `.` joined by
# `/`, none of them `.` or `..` (`v1.2/upgrade`, not `../../etc`).
SLUG = re.compile(r"(?!\.{1,2}(?:/|$))[\w.-]+(?:/(?!\.{1,2}(?:/|$))[\w.-]+)*")


def declared_slug(value: object) -> str | None:
    """A front-matter `slug` kb can serve a page at, without its outer slashes; else None."""
    if not isinstance(value, str):
        return None
    slug = value.strip("/")
    return slug if SLUG.fullmatch(slug) else None


INDEX_NAMES = ("readme", "index", "_index")  # files that stand for their folder


def _without_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def _stem(path: str) -> str:
    """A content file's path without `.md`, and without the `.html` that site generators
    (Middleman, Jekyll) put before it: `alerts/disk-full.html.md` is the page `disk-full`."""
    stem = _without_md(path)
    for page in (".html", ".htm"):
        if stem.lower().endswith(page) and len(stem.rsplit("/", 1)[-1]) > len(page):
            return stem[: -len(page)]
    return stem


def _page_parts(path: str) -> list[str]:
    """A content file's path without its extensions, in parts; a README (or index) is its
    folder."""
    parts = [p for p in _stem(path).split("/") if p]
    if len(parts) > 1 and parts[-1].lower() in INDEX_NAMES:
        parts.pop()
    return parts


def page_name(path: str) -> str:
    """The name a file goes by: `alerts/KubePodCrashLooping.md` → `KubePodCrashLooping`,
    `docs/redis/README.md` → `redis`."""
    parts = _page_parts(path)
    return parts[-1] if parts else path


def path_slug(path: str) -> str:
    """The slug of a content file: its path without `.md`, a README naming its folder. (A
    `.html.md` file keeps `-html` here, so pages never move; its name drops it.)"""
    parts = [p for p in _without_md(path).split("/") if p]
    if parts and parts[-1].lower() in INDEX_NAMES:
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
