"""One export being written: what it shows (a Snapshot), and the writer every page goes
through (Site), which renders templates with links relative to each page's own place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kb.checks.catalog import Catalog
from kb.contacts.fields import display_phone
from kb.contacts.model import Contact
from kb.content.library import Library
from kb.content.model import Tree
from kb.static_export.content_links import ContentLinks
from kb.static_export.paths import Links

HERE = Path(__file__).parent
# The app's templates too: the contact card and the escalation list are the live app's own.
TEMPLATE_FOLDERS = [HERE / "templates", HERE.parent / "web" / "templates"]


@dataclass(frozen=True)
class Snapshot:
    """Everything an export shows, gathered before a byte is written: the content, the
    live checks, the contacts directory, and the moment it was all read."""

    library: Library
    catalog: Catalog
    contacts: list[Contact]
    exported_at: datetime  # timezone-aware
    stale_days: int = 90
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    live_url: str = ""  # KB_BASE_URL: where the live kb is, for links back to it


def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in TEMPLATE_FOLDERS]),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        auto_reload=False,  # an export is over in seconds: no need to stat templates per page
    )
    env.filters["phone"] = display_phone
    return env


class Site:
    """The folder being written and the one way pages get into it."""

    def __init__(self, folder: Path, snapshot: Snapshot):
        self.folder = folder
        self.snapshot = snapshot
        self.library = snapshot.library
        self.env = environment()
        self.content_links = ContentLinks(snapshot.library, snapshot.live_url)
        stamp = snapshot.exported_at
        self.shared = {
            "exported_at": stamp.strftime("%Y-%m-%d %H:%M %Z").strip(),
            "exported_iso": stamp.isoformat(timespec="seconds"),
            "live_url": snapshot.live_url.rstrip("/"),
        }
        self.pages = 0
        self._folders: set[Path] = set()

    @property
    def trees(self) -> list[Tree]:
        """The guides worth a page: those with steps."""
        return [tree for tree in self.library.trees.values() if tree.nodes]

    def page(self, path: str, template: str, **context) -> None:
        """Render `template` as the page at `path` (from the export's root)."""
        html = self.env.get_template(template).render(links=Links(path), **self.shared, **context)
        self.write(path, html)
        self.pages += 1

    def content(self, html: str, here: str, source: str) -> Markup:
        """Rendered content (already sanitised by kb.content) with links that work here."""
        return Markup(self.content_links.rewrite(html, here, source))

    def write(self, path: str, data: str | bytes) -> None:
        target = self.folder / path
        if target.parent not in self._folders:  # one mkdir per folder, not per file
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)
