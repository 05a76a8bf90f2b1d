"""The app's handle on the parsed content: loaded once at start, shared by all views."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app

from kb.checks.catalog import load_catalog
from kb.content.library import Library, load_library

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    library = load_content(Path(app.config["KB_CONTENT_DIR"]))
    errors = library.errors
    for problem in errors[:20]:
        log.warning("content problem: %s", problem)
    if len(errors) > 20:
        log.warning("%d more content problems; run `kb check` for all", len(errors) - 20)
    app.extensions["kb.library"] = library


def load_content(content_dir: Path) -> Library:
    """Articles and trees, checked against the probes the same folder declares."""
    catalog = load_catalog(content_dir if content_dir.is_dir() else content_dir.parent)
    library = load_library(content_dir, checks=set(catalog.probes))
    library.problems.extend(catalog.problems)
    return library


def get_library() -> Library:
    return current_app.extensions["kb.library"]
