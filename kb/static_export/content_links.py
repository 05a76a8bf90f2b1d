"""Links inside rendered content, pointed at the files of the export.

The renderer (kb.content) writes a link to another page as `/a/<slug>#anchor`, which only a
server answers. Here each becomes a relative link to that page's file; a link to a file in
the content folder that is not a page (an image, a script) gets that file copied into the
export; a link to another part of the live app goes to the live app when its address is
known (KB_BASE_URL), else loses its target and stays as text. Outside links are left be.

The HTML is nh3's output (kb.content.sanitize), serialised one way only: tags are the only
place a `<` followed by a letter occurs, and every attribute value is double-quoted with
its `"` escaped. That makes rewriting attributes inside tags exact, without re-parsing.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kb.content.library import Library, escapes
from kb.content.parser import ARTICLE_PREFIX, join_link
from kb.static_export.paths import FILES, article_path, relative

_TAG = re.compile(r'<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:="[^"]*")?)*\s*/?>')
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
OUTSIDE = ("http", "https", "mailto", "tel")


class ContentLinks:
    """Rewrites the links of rendered content, and remembers which files to copy."""

    def __init__(self, library: Library, live_url: str = ""):
        self.library = library
        self.live_url = live_url.rstrip("/")
        self.root = library.root.resolve()
        self.files: dict[str, Path] = {}  # export path -> content file to copy there

    def rewrite(self, markup: str, here: str, source: str) -> str:
        """`markup` shown on the page at `here`, written in the content file `source`."""

        def attribute(match: re.Match) -> str:
            target = self.target(html.unescape(match.group(2)), here, source)
            if target is None:
                return ""  # no href: the words stay, the dead link goes
            return match.group(1) + html.escape(target) + match.group(3)

        def tag(match: re.Match) -> str:
            found = match.group(0)
            if 'href="' not in found and 'src="' not in found:
                return found  # most tags (<p>, <li>, <code>…) link nowhere
            return _URL_ATTRIBUTE.sub(attribute, found)

        return _TAG.sub(tag, markup)

    def target(self, href: str, here: str, source: str) -> str | None:
        """Where a link should point in the export, or None when nothing there answers."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return href if parts.scheme in OUTSIDE or not parts.scheme else None
        if not parts.path:
            return href  # `#anchor` on the same page
        if parts.path.startswith(ARTICLE_PREFIX):
            return self._page(parts.path[len(ARTICLE_PREFIX) :], parts.fragment, here)
        if parts.path.startswith("/"):
            return self.live_url + href if self.live_url else None
        return self._file(unquote(parts.path), parts.fragment, here, source)

    def _page(self, slug: str, fragment: str, here: str) -> str | None:
        for candidate in (slug, unquote(slug)):
            if candidate in self.library.articles:
                return relative(here, article_path(candidate), unquote(fragment))
        return None

    def _file(self, path: str, fragment: str, here: str, source: str) -> str | None:
        name = join_link(source, path)
        found = self.root / name
        if name.startswith("..") or not found.is_file() or escapes(found, self.root):
            return None
        self.files[f"{FILES}/{name}"] = found
        return relative(here, f"{FILES}/{name}", unquote(fragment))
