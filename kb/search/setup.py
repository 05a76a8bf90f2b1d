"""Wires search into the app: the index is made current at start, one service per process."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app

from kb.content_store import get_library
from kb.search import index
from kb.search.documents import CONTACTS_SOURCE, contact_document
from kb.search.service import SearchService
from kb.search.synonyms import load_synonyms

log = logging.getLogger(__name__)


def _extra(app: Flask) -> dict[str, list[dict]]:
    """Documents that live in the database rather than in content files."""
    from sqlmodel import Session

    from kb.contacts.service import list_contacts

    with Session(app.extensions["kb.db"]) as session:
        return {CONTACTS_SOURCE: [contact_document(c) for c in list_contacts(session=session)]}


def init_app(app: Flask) -> None:
    data_dir = Path(app.config["KB_DATA_DIR"])
    with app.app_context():
        library = get_library()
    index.ensure(data_dir, library, extra=_extra(app))
    synonyms = load_synonyms(Path(app.config["KB_CONTENT_DIR"]))
    app.extensions["kb.search"] = SearchService(data_dir, synonyms)


def refresh_contacts(app: Flask) -> None:
    """Re-index the contacts after a change; other workers see it within seconds."""
    try:
        index.ensure(
            Path(app.config["KB_DATA_DIR"]), app.extensions["kb.library"], extra=_extra(app)
        )
    except Exception:  # a stale search entry must not undo a saved contact
        log.exception("could not re-index contacts")


def get_search() -> SearchService:
    return current_app.extensions["kb.search"]
