"""/api/articles: every article with where it comes from."""

from __future__ import annotations

from kb.content.parser import article_url
from kb.content_store import get_library
from kb.web.api import bp
from kb.web.api.public import ArticlePublic, send


@bp.get("/articles")
def articles():
    return send(
        [
            ArticlePublic(
                title=a.title,
                url=article_url(a.slug),
                slug=a.slug,
                parent=a.parent,
                source=f"{a.source}:{a.line}",
            )
            for a in get_library().articles.values()
        ]
    )
