"""JSON endpoints for tools and chat bots."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, jsonify

from kb.content.parser import article_url
from kb.content_store import get_library

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).with_name("openapi.yaml")


@cache
def openapi_document() -> dict:
    """The JSON API described (OpenAPI 3.1); tests check it against the registered routes
    and run schemathesis against it."""
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/articles")
def articles():
    library = get_library()
    return jsonify(
        [
            {
                "title": a.title,
                "url": article_url(a.slug),
                "slug": a.slug,
                "parent": a.parent,
                "source": f"{a.source}:{a.line}",
            }
            for a in library.articles.values()
        ]
    )
