"""Plain text from rendered HTML, for search and snippets."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = {"p", "li", "tr", "pre", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th"}
_SKIPPED = {"script", "style", "button"}
# A guide's `answer → target` lists are syntax, and the warning above a destructive command
# is kb's words (kb.content.codeblocks): neither is the runbook's content.
_SKIPPED_CLASSES = {"branches", "danger-callout"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0  # depth inside the skipped element
        self.skipped_tag = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skipping and tag == self.skipped_tag:
            self.skipping += 1
        elif self.skipping:
            return
        elif tag in _SKIPPED or _SKIPPED_CLASSES & set((dict(attrs).get("class") or "").split()):
            self.skipping, self.skipped_tag = 1, tag
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipped_tag:
                self.skipping -= 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Whitespace-folded text of an HTML fragment; block ends become spaces, not run-ons."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())
