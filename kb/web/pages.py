"""Server-rendered pages: home and articles."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, request
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from kb.content import fields
from kb.content.parser import article_url
from kb.content_store import get_library
from kb.db import get_session
from kb.search.log import record_open
from kb.web.directory_tables import with_live_directory
from kb.web.search import read_open_token

bp = Blueprint("pages", __name__)


@bp.app_template_global()
def url_of(slug: str, fragment: str = "") -> str:
    return article_url(slug, fragment)


@bp.get("/")
def home():
    library = get_library()
    sections = [(doc, library.children(doc)) for doc in library.documents()]
    trees = [(tree, library.article(tree.article)) for tree in library.trees.values()]
    return render_template("home.html", trees=trees, sections=sections)


@bp.route("/a/<path:slug>", methods=["GET", "POST"])
def article(slug: str):
    library = get_library()
    found = library.article(slug)
    if found is None:
        alias = library.resolve(slug)
        if alias is not None and request.method == "GET":
            return redirect(article_url(alias.slug), code=301)
        abort(404)
    if request.method == "GET":
        _note_opened_from_search(found.slug)
    previous, following = library.neighbours(found)
    body = library.whole_html(found, with_live_directory)
    page_fields = fields.fields_in(body)
    typed = _typed_values(page_fields)
    response = make_response(
        render_template(
            "article.html",
            article=found,
            body=Markup(fields.fill(body, typed)),
            page_fields=page_fields,
            field_values=typed,
            sections=library.descendants(found),
            breadcrumb=library.breadcrumb(found),
            previous=previous,
            following=following,
            tree=library.tree_for(found),
        )
    )
    if request.method == "POST":
        response.headers["Cache-Control"] = "no-store"  # it may show what was typed
    return response


def _typed_values(page_fields: list[fields.Field]) -> dict[str, str]:
    """Values for the page's fields: posted by its form (without JavaScript; nothing is
    stored), or in a link's query (`?namespace=prod`, as alert links carry labels), where
    a secret-looking name is ignored: secrets never travel in URLs, which servers log."""
    if request.method == "POST":
        return fields.clean_values(request.form.to_dict(), page_fields)
    return fields.shareable(fields.clean_values(request.args.to_dict(), page_fields))


def _note_opened_from_search(slug: str) -> None:
    """`?from=<token>` on a result link tells the gaps report that search succeeded. The
    token is signed (kb.web.search.open_token), so nobody can mark others' searches."""
    log_id = read_open_token(request.args.get("from", ""))
    if log_id is not None:
        try:
            record_open(get_session(), log_id, article_url(slug))
        except SQLAlchemyError:
            get_session().rollback()
