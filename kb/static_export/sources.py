"""An export's inputs read from the settings, as `kb export` does: the content folder, its
checks, and the contacts in the database, without starting the app (or its search index)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from kb.checks.catalog import load_catalog
from kb.content.library import Library
from kb.static_export.archive import ExportError
from kb.static_export.site import Snapshot


def read_contacts(*, database_url: str, data_dir: Path, library: Library) -> list:
    """The directory as the app would show it now: the schema brought up to date and a
    directory nobody has used yet filled from the runbook, as at the app's first start,
    so an export can run as a deploy step before the app ever has."""
    from sqlmodel import Session

    from kb.contacts.service import list_contacts
    from kb.contacts.setup import seed_first_time
    from kb.db import import_models, make_engine, upgrade

    import_models()
    engine = make_engine(database_url)
    try:
        upgrade(engine, data_dir)
        with Session(engine, expire_on_commit=False) as session:
            seed_first_time(session=session, library=library)
            contacts = list_contacts(session=session)
            session.expunge_all()  # plain objects, readable after the session closes
        return contacts
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise ExportError(f"cannot read the contacts from KB_DATABASE_URL: {reason}") from None
    finally:
        engine.dispose()


def snapshot_from_settings(config: dict) -> Snapshot:
    from kb.content_store import load_content

    content = Path(config["KB_CONTENT_DIR"])
    library = load_content(content)
    return Snapshot(
        library=library,
        catalog=load_catalog(content if content.is_dir() else content.parent),
        contacts=read_contacts(
            database_url=config["KB_DATABASE_URL"],
            data_dir=Path(config["KB_DATA_DIR"]),
            library=library,
        ),
        exported_at=datetime.now(UTC),
        stale_days=config["KB_CONTACT_STALE_DAYS"],
        environ=dict(os.environ),
        live_url=config.get("KB_BASE_URL") or "",
    )
