"""The latest static export, for editors to download (`/export.zip`) and keep somewhere
that stays up when kb does not: a laptop, a shared drive, a second host."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, current_app, send_file

from kb.checks.service import get_probes
from kb.contacts.service import list_contacts
from kb.content_store import get_library
from kb.db import get_session
from kb.static_export.latest import latest_zip
from kb.static_export.site import Snapshot
from kb.web.auth import editor_required

bp = Blueprint("exports", __name__)


def current_snapshot() -> Snapshot:
    """What this instance serves now: its content and checks, the shared contacts."""
    config = current_app.config
    probes = get_probes()
    return Snapshot(
        library=get_library(),
        catalog=probes.catalog,
        contacts=list_contacts(session=get_session()),
        exported_at=datetime.now(UTC),
        stale_days=config["KB_CONTACT_STALE_DAYS"],
        environ=dict(probes.environ),
        live_url=config.get("KB_BASE_URL") or "",
    )


@bp.get("/export.zip")
@editor_required
def download():
    """Editors only: the copy holds the whole directory, and making one costs seconds."""
    folder = Path(current_app.config["KB_DATA_DIR"]) / "exports"
    handle, made = latest_zip(folder=folder, snapshot=current_snapshot())
    response = send_file(
        handle,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"kb-export-{made:%Y%m%d-%H%M}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
