"""Wires search into the app: the index is made current at start, one service per process."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.engine import Engine

from kb.content_store import get_library
from kb.search import index
from kb.search.documents import CONTACTS_SOURCE, contact_document
from kb.search.service import SearchService
from kb.search.synonyms import load_synonyms

log = logging.getLogger(__name__)


def database_documents(engine: Engine) -> dict[str, list[dict]]:
    """Documents that live in the database rather than in content files: the contacts."""
    from sqlmodel import Session

    from kb.contacts.service import list_contacts

    with Session(engine) as session:
        return {CONTACTS_SOURCE: [contact_document(c) for c in list_contacts(session=session)]}


def _extra(app: Flask) -> dict[str, list[dict]]:
    return database_documents(app.extensions["kb.db"])


def init_app(app: Flask) -> None:
    data_dir = Path(app.config["KB_DATA_DIR"])
    # Read before building: a write landing during the build is then seen as a change.
    try:
        revision = contacts_revision(app.extensions["kb.db"])
    except Exception:
        revision = None
    app.extensions["kb.contacts_sync"] = {"checked": float("-inf"), "rev": revision}
    with app.app_context():
        library = get_library()
    if library.unreadable and index.current_generation(data_dir) is not None:
        # A file that cannot be parsed would drop its pages from search: keep the last
        # good index and say so (log, /health/ready) until the content is fixed.
        log.error(
            "content files unreadable, keeping the last good search index: %s", library.unreadable
        )
    else:
        build_or_repair(app)
    synonyms = load_synonyms(Path(app.config["KB_CONTENT_DIR"]))
    app.extensions["kb.search"] = SearchService(
        data_dir, synonyms, repair=lambda: build_or_repair(app, force=True)
    )


def build_or_repair(app: Flask, force: bool = False) -> None:
    """Bring the index up to date; a damaged one is rebuilt from scratch, never fatal."""
    data_dir = Path(app.config["KB_DATA_DIR"])
    library = app.extensions["kb.library"]
    if not force:
        try:
            index.ensure(data_dir, library, extra=_extra(app))
            return
        except Exception:
            log.exception("search index damaged; rebuilding it")
    index.build(data_dir, library, extra=_extra(app))


def refresh_contacts(app: Flask) -> None:
    """Re-index the contacts after a change; other workers see it within seconds."""
    try:
        index.ensure(
            Path(app.config["KB_DATA_DIR"]), app.extensions["kb.library"], extra=_extra(app)
        )
    except Exception:  # a stale search entry must not undo a saved contact
        log.exception("could not re-index contacts")
    if "kb.search" in app.extensions:
        app.extensions["kb.search"].invalidate()


SYNC_SECONDS = 1.0  # how often an instance asks the database whether contacts changed


def contacts_revision(engine: Engine) -> int:
    """Every write to the directory adds a history row: its newest id is a revision
    number that all instances sharing the database agree on."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from kb.contacts.model import ContactChange

    with Session(engine) as session:
        return session.exec(select(func.max(ContactChange.id))).one() or 0


def sync_contacts(app: Flask, clock=time.monotonic) -> None:
    """Re-index contacts written by another instance: at most one cheap query a second,
    so a contact saved anywhere is found everywhere within about a second."""
    state = app.extensions["kb.contacts_sync"]
    now = clock()
    if now - state["checked"] < SYNC_SECONDS:
        return
    state["checked"] = now
    try:
        revision = contacts_revision(app.extensions["kb.db"])
    except Exception:  # the database being down must not take search with it
        log.warning("could not read the contacts revision", exc_info=True)
        return
    if revision != state["rev"]:
        refresh_contacts(app)
        state["rev"] = revision


def get_search() -> SearchService:
    """The search service, its contacts brought up to date with the shared database."""
    sync_contacts(current_app._get_current_object())
    return current_app.extensions["kb.search"]
