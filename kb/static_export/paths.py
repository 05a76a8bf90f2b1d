"""Where each page of a static export lives, and links between them that work anywhere.

Every link is relative and names a file (`a/x.html`, never `a/x/`): opened from `file://`
there is no server to find an `index.html` or to know where the site's root is.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import quote

ARTICLES = "a"
GUIDES = "g"
ASSETS = "assets"
FILES = "files"  # content files that are not pages (images, scripts), copied as they are
HOME = "index.html"
SEARCH = "search.html"
A_TO_Z = "a-z.html"
GUIDE_LIST = "guides.html"
CONTACTS = "contacts.html"
CONTACTS_CSV = "contacts.csv"
CONTACTS_VCARD = "contacts.vcf"
MARKER = "kb-export.json"  # says a folder is a kb export, so a new one may replace it


@lru_cache(maxsize=65_536)  # a page's slug is looked up by every page linking to it
def _safe(name: str) -> str:
    """A slug or id as a relative path that stays inside its folder; anything that could
    climb out (`..`, an empty part, a backslash) gets a name made from its hash instead."""
    parts = name.split("/")
    bad = any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts)
    if bad:
        return "_/" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return name


def article_path(slug: str) -> str:
    return f"{ARTICLES}/{_safe(slug)}.html"


def guide_path(tree_id: str, page: str = "index") -> str:
    """A guide's pages share its folder: `index.html`, `step-1.html`, `escalate.html`…"""
    return f"{GUIDES}/{_safe(tree_id)}/{page}.html"


_PLAIN = re.compile(r"[A-Za-z0-9_./-]*")


def relative(here: str, target: str, fragment: str = "") -> str:
    """The href from the page at `here` to the file at `target` (both from the root).
    Both are normalised paths of the export, so shared folders are simply dropped (a
    page links tens of times: posixpath.relpath made a third of a large export's time)."""
    return _from_folders(tuple(here.split("/")[:-1]), target, fragment)


@lru_cache(maxsize=65_536)
def _from_folders(folders: tuple[str, ...], target: str, fragment: str) -> str:
    """`relative` from any page in a folder: the pages of a folder link to the same home,
    assets and neighbours, so each link is worked out once per folder, not per page."""
    parts = target.split("/")
    shared = 0
    limit = min(len(folders), len(parts) - 1)
    while shared < limit and folders[shared] == parts[shared]:
        shared += 1
    path = "../" * (len(folders) - shared) + "/".join(parts[shared:])
    href = path if _PLAIN.fullmatch(path) else quote(path)
    return href + (f"#{quote(fragment, safe='')}" if fragment else "")


class Links:
    """Links from one page, for its template: `links.article(slug)`, `links.to(path)`."""

    def __init__(self, here: str):
        self.here = here
        self.folders = tuple(here.split("/")[:-1])

    def to(self, target: str, fragment: str = "") -> str:
        return _from_folders(self.folders, target, fragment)

    def article(self, slug: str, fragment: str = "") -> str:
        return self.to(article_path(slug), fragment)

    def guide(self, tree_id: str, page: str = "index") -> str:
        return self.to(guide_path(tree_id, page))

    def asset(self, name: str) -> str:
        return self.to(f"{ASSETS}/{name}")
