"""The latest export, kept in the data folder for editors to download from the live app.

Made on the first request after the content, the checks or the contacts changed (or kb
itself: a new version may write other pages), then served as it is. One zip at a time:
the one before is removed once a newer one is in place. Several workers may share the
folder; each writes aside and renames, so none ever serves a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import BinaryIO

from kb.static_export.archive import zip_folder
from kb.static_export.build import WEB_STATIC, build_site
from kb.static_export.site import HERE, TEMPLATE_FOLDERS, Snapshot

PREFIX = "kb-export-"
_building = threading.Lock()  # one build at a time per process; the rest wait for it


@cache
def _code_digest() -> str:
    """What kb's own files make of an export: its code, templates, scripts and styles."""
    digest = hashlib.sha256()
    files = [*HERE.rglob("*"), *TEMPLATE_FOLDERS[1].rglob("*.html"), WEB_STATIC / "kb.css"]
    for path in sorted(p for p in files if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def export_key(snapshot: Snapshot) -> str:
    """Equal for two snapshots exactly when their exports would show the same things."""
    catalog = snapshot.catalog
    parts = {
        "code": _code_digest(),
        "content": sorted(snapshot.library.digests.items()),
        "probes": repr(sorted(catalog.probes.items())),
        "targets": {n: t.base_url(dict(snapshot.environ)) for n, t in catalog.targets.items()},
        "contacts": [(c.id, c.version, str(c.verified_at)) for c in snapshot.contacts],
        "stale_days": snapshot.stale_days,
        "live_url": snapshot.live_url,
    }
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]


def latest_zip(*, folder: Path, snapshot: Snapshot) -> tuple[BinaryIO, datetime]:
    """The export of `snapshot`, opened for reading (an open file outlives its removal by a
    newer build elsewhere), and when it was made."""
    path = folder / f"{PREFIX}{export_key(snapshot)}.zip"
    handle = _open(path)
    if handle is None:
        with _building:
            handle = _open(path) or _build(folder, path, snapshot)
    return handle, datetime.fromtimestamp(os.fstat(handle.fileno()).st_mtime, UTC)


def _open(path: Path) -> BinaryIO | None:
    try:
        return open(path, "rb")  # handed to the response, which closes it
    except FileNotFoundError:
        return None


def _build(folder: Path, path: Path, snapshot: Snapshot) -> BinaryIO:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".building-") as scratch:
        site = Path(scratch) / "site"
        build_site(snapshot, site)
        top = PREFIX + snapshot.exported_at.strftime("%Y%m%d-%H%M")
        # The folder holds contacts, which may be private (KB_PUBLIC_READ=false).
        zip_folder(site, path, top=top, mode=0o600)
    handle = open(path, "rb")  # noqa: SIM115 - handed to the response, which closes it
    for older in folder.glob(f"{PREFIX}*.zip"):
        if older != path:
            older.unlink(missing_ok=True)
    return handle
