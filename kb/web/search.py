"""Search pages: results, go-links and the authors' gaps page (the JSON search is
kb.web.api.search, which reads its arguments the same way)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError

from kb.content.fields import shareable
from kb.content.parser import article_url
from kb.content_store import get_library
from kb.db import get_session
from kb.search.log import content_gaps, record_search
from kb.search.query import MAX_QUERY_CHARS, clean
from kb.search.service import MAX_RESULTS
from kb.search.setup import get_search

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_PAGE = 1_000_000  # any page past the results is simply empty
OPEN_TOKEN_SECONDS = 24 * 3600


def _int_arg(name: str, default: int, highest: int) -> int:
    """A whole-number query argument, held to 1..highest; anything else is the default."""
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        value = default
    return max(1, min(value, highest))


def limit_arg() -> int:
    return _int_arg("limit", DEFAULT_LIMIT, MAX_LIMIT)


def page_arg() -> int:
    return _int_arg("page", 1, MAX_PAGE)


def _opener() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="kb.search-opened")


def open_token(log_id: int | None) -> str | None:
    """What a result link carries so that opening it marks that search as answered."""
    return _opener().dumps(log_id) if log_id is not None else None


def read_open_token(token: str) -> int | None:
    if not token or len(token) > 200:
        return None
    try:
        value = _opener().loads(token, max_age=OPEN_TOKEN_SECONDS)
    except BadData:
        return None
    return value if isinstance(value, int) else None


def log_search(query: str, count: int) -> int | None:
    """Logging a search must never cost the search itself."""
    try:
        return record_search(get_session(), query, count)
    except SQLAlchemyError:
        log.warning("could not log search", exc_info=True)
        get_session().rollback()
        return None


def common_issues() -> list:
    library = get_library()
    return list(library.trees.values())


@bp.get("/search")
def search_page():
    # shown back in the page's title and search box: printable text only (a NUL is no HTML)
    query = clean(request.args.get("q", "")[: MAX_QUERY_CHARS * 2])
    limit, page = limit_arg(), page_arg()
    answer = get_search().search(query, limit, (page - 1) * limit) if query.strip() else None
    log_id = (
        log_search(answer.query, answer.total) if answer and answer.query and page == 1 else None
    )
    log_id = open_token(log_id)
    return render_template(
        "search.html",
        query=query,
        answer=answer,
        log_id=log_id,
        page=page,
        first=(page - 1) * limit + 1,
        more=bool(answer) and page * limit < min(answer.total, MAX_RESULTS),
        listed=MAX_RESULTS,
        common=common_issues() if not answer or not answer.total else [],
    )


@bp.get("/go/<path:words>")
def go(words: str):
    """Stable links for chat, alerts and bookmarks: a slug or alias, a file's name (an alert
    runbook's alert name), the one section so titled, or else the best search match."""
    words = words[:MAX_QUERY_CHARS]
    found = get_library().lookup(words)
    if found is not None:
        return redirect(_with_query(article_url(found.slug)))
    text = words.replace("-", " ").replace("/", " ").replace("_", " ")
    answer = get_search().search(text, 1)
    if answer.results:
        log_search(answer.query, answer.total)
        # a guess: the page says so, with a way to the other matches
        return redirect(_with_query(answer.results[0].url, guessed=clean(text)))
    return redirect(url_for("search.search_page") + "?" + urlencode({"q": text}))


def _with_query(url: str, **extra: str) -> str:
    """`url` with the link's own query (an alert's labels: `?namespace=prod` fills the
    page's fields) and `extra`, before any `#fragment`."""
    path, hash_, fragment = url.partition("#")
    passed = shareable(request.args.to_dict())  # as a page reads them; secrets never travel
    passed.pop("guessed", None)  # the page's notice is kb's to give
    query = urlencode({**passed, **extra})
    return path + (f"?{query}" if query else "") + hash_ + fragment


@bp.get("/gaps")
def gaps():
    return render_template("gaps.html", rows=content_gaps(get_session()))
