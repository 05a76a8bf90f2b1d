"""Wires search into the app: the index is made current at start, one service per process."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app

from kb.content_store import get_library
from kb.search import index
from kb.search.service import SearchService
from kb.search.synonyms import load_synonyms

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    data_dir = Path(app.config["KB_DATA_DIR"])
    with app.app_context():
        library = get_library()
    index.ensure(data_dir, library)
    synonyms = load_synonyms(Path(app.config["KB_CONTENT_DIR"]))
    app.extensions["kb.search"] = SearchService(data_dir, synonyms)


def get_search() -> SearchService:
    return current_app.extensions["kb.search"]
