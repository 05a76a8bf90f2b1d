"""Error pages: a real 404, and no stack trace ever reaching a user."""

from __future__ import annotations

import logging

from flask import Flask, Response, abort, g, jsonify, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from kb.web.routing import wants_json

log = logging.getLogger(__name__)


def _render(status: int, title: str, message: str):
    if wants_json():
        body = {
            "error": title,
            "message": message,
            "status": status,
            "request_id": g.get("request_id"),
        }
        return jsonify(body), status
    try:
        return render_template("error.html", status=status, title=title, message=message), status
    except Exception:  # the error page itself failing must still not show a trace
        log.exception("error page failed to render")
        return Response(f"{status} {title}\n", status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul():
        """No address holds a NUL, and no form value may: databases cannot store it
        (PostgreSQL refuses the whole statement), so it is refused before any lookup."""
        if "\x00" in request.path:
            abort(404)
        # Only a form is read here: reading any other body now would fix its size limit
        # before a view could set its own (the alert webhook's).
        is_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
        if is_form and any("\x00" in k + v for k, v in request.form.items(multi=True)):
            abort(400, "A form value holds a NUL character (\\0), which kb cannot store.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 404:
            return _render(404, "Not found", "There is no page at this address.")
        response = make_response(_render(error.code or 500, error.name, error.description or ""))
        for name, value in error.get_headers():  # a 405's Allow, a 429's Retry-After, …
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(RecursionError)
    def too_deep(_error: RecursionError):
        # JSON nested thousands deep exhausts the parser's recursion: a bad request.
        return _render(400, "Bad Request", "The request body is nested too deeply.")

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        log.error("database unavailable on %s %s: %s", request.method, request.path, error.orig)
        return _render(
            503,
            "Database unavailable",
            "The database cannot be reached right now; try again shortly. "
            "Runbook pages and search still work.",
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, "Something went wrong", InternalServerError.description)
