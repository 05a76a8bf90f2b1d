"""Writing a whole export into an empty folder: pages, guides, contacts, search, assets."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from kb.static_export.archive import (
    ExportError,
    check_zip_destination,
    write_folder,
    zip_folder,
)
from kb.static_export.contacts import write_contacts
from kb.static_export.guides import write_guides
from kb.static_export.pages import write_a_to_z, write_articles, write_home
from kb.static_export.paths import ASSETS, MARKER
from kb.static_export.search_page import write_search
from kb.static_export.site import HERE, Site, Snapshot

WEB_STATIC = HERE.parent / "web" / "static"


def _write_assets(site: Site) -> None:
    from kb.web.assets import pygments_css  # the live app's code highlighting colours

    site.write(f"{ASSETS}/kb.css", (WEB_STATIC / "kb.css").read_bytes())
    site.write(f"{ASSETS}/export.css", (HERE / "static" / "export.css").read_bytes())
    site.write(f"{ASSETS}/pygments.css", pygments_css())


# Each writes one part of the export, in this order.
PARTS = [
    write_home,
    write_articles,
    write_a_to_z,
    write_guides,
    write_contacts,
    write_search,
    _write_assets,
]


@dataclass(frozen=True)
class Summary:
    """What an export holds, written beside it as kb-export.json."""

    exported_at: str
    pages: int
    articles: int
    guides: int
    contacts: int
    files: int  # content files that are not pages, copied as they are


def build_site(snapshot: Snapshot, folder: Path) -> Summary:
    """Write the export into `folder`, which must be empty or missing."""
    folder.mkdir(parents=True, exist_ok=True)
    site = Site(folder, snapshot)
    for write_part in PARTS:
        write_part(site)
    for path, source in sorted(site.content_links.files.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    summary = Summary(
        exported_at=site.shared["exported_iso"],
        pages=site.pages,
        articles=len(snapshot.library.articles),
        guides=len(site.trees),
        contacts=len(snapshot.contacts),
        files=len(site.content_links.files),
    )
    # the files it wrote: a later export replaces these and keeps whatever else is there
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    marker = json.dumps({"kb": "static export", **asdict(summary), "files": files}, indent=1)
    (folder / MARKER).write_text(marker + "\n", encoding="utf-8")
    return summary


def export_to(
    snapshot: Snapshot, *, folder: Path | None = None, zip_path: Path | None = None
) -> Summary:
    """Write the export to a folder, a zip file, or both; each appears whole or not at all."""
    if folder is None and zip_path is None:
        raise ExportError("name a folder, a zip file, or both")
    if folder and zip_path and zip_path.absolute() == folder.absolute():
        raise ExportError(f"{zip_path} is named as both the folder and the zip")
    if zip_path is not None:
        check_zip_destination(zip_path.absolute())  # before any writing
    if folder is not None:
        summary = write_folder(folder, lambda staging: build_site(snapshot, staging))
        if zip_path is not None:
            zip_folder(folder, zip_path, top=zip_path.stem)
        return summary
    with tempfile.TemporaryDirectory() as scratch:
        summary = build_site(snapshot, Path(scratch) / "site")
        zip_folder(Path(scratch) / "site", zip_path, top=zip_path.stem)
    return summary
