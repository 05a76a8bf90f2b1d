"""Which guide an alert is about: the link its rule carries, else its name, else search.

1. `runbook_url` (or `runbook`) annotation: kb's own `/go/<name>` and `/a/<slug>[#anchor]`
   links resolve as those pages do; any other runbook link (a GitHub file, a runbook site)
   is tried by its last path segment as a file name (`…/KubePodCrashLooping.md`).
2. `alertname` label, through front-matter aliases and file names, as `/go/` resolves it.
3. Search for the alert's name and summary; the best runbook result.

The guide is the matched article's own, or its topic's (an alert linking a runbook's
"Diagnosis" part), or the only one in a file matched as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from kb.alerts.payload import AlertIn
from kb.content.library import Library
from kb.content.model import Article, Tree
from kb.content.parser import ARTICLE_PREFIX

RUNBOOK_ANNOTATIONS = ("runbook_url", "runbook")
# Best-first URLs of runbook pages for a query (kb.search, kept out of this module).
Search = Callable[[str], list[str]]


@dataclass(frozen=True)
class Match:
    article: Article | None
    tree: Tree | None
    matched_by: str  # runbook_url, alertname, search or none
    query: str = ""  # what was searched, when nothing matched


def find_guide(alert: AlertIn, library: Library, search: Search) -> Match:
    for key in RUNBOOK_ANNOTATIONS:
        link = alert.annotations.get(key, "").strip()
        found = from_runbook_url(link, library) if link else None
        if found is not None:
            return Match(found, guide_of(found, library), "runbook_url")
    found = library.lookup(alert.name)
    if found is not None:
        return Match(found, guide_of(found, library), "alertname")
    query = " ".join(filter(None, [alert.name, alert.annotations.get("summary", "")]))[:300]
    for url in search(query):
        found = _article_at(url, library)
        if found is not None:
            return Match(found, guide_of(found, library), "search")
    return Match(None, None, "none", query)


def from_runbook_url(link: str, library: Library) -> Article | None:
    parts = urlsplit(link)
    path = unquote(parts.path)
    if "/go/" in path:
        found = library.lookup(path.split("/go/", 1)[1].strip("/"))
        if found is not None:
            return found
    if ARTICLE_PREFIX in path:
        found = _article_at(ARTICLE_PREFIX + path.split(ARTICLE_PREFIX, 1)[1], library)
        if found is not None:
            return _section(found, unquote(parts.fragment), library)
    stem = PurePosixPath(path.rstrip("/")).stem
    return library.named(stem) if stem else None


def _article_at(url: str, library: Library) -> Article | None:
    """The article a kb URL (`/a/<slug>#anchor`) shows."""
    path, _, fragment = url.partition("#")
    if not path.startswith(ARTICLE_PREFIX):
        return None
    found = library.resolve(path.removeprefix(ARTICLE_PREFIX).strip("/"))
    return _section(found, fragment, library) if found is not None else None


def _section(page: Article, anchor: str, library: Library) -> Article:
    """A page's section by its anchor (`/a/runbook#issue-shift-wont-close`), else the page."""
    if anchor:
        for section in library.descendants(page):
            if section.anchor == anchor:
                return section
    return page


def guide_of(article: Article, library: Library) -> Tree | None:
    for candidate in (article, library.topic_of(article)):
        tree = library.tree_for(candidate)
        if tree is not None:
            return tree
    inside = [t for a in library.descendants(article) if (t := library.tree_for(a))]
    return inside[0] if len(inside) == 1 else None
