"""JSON endpoints for tools and chat bots."""

from __future__ import annotations

from flask import Blueprint, jsonify

from kb.content.parser import article_url
from kb.content_store import get_library

bp = Blueprint("api", __name__, url_prefix="/api")


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
