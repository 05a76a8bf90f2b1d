"""Error pages: a real 404, and no stack trace ever reaching a user."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, title: str, message: str):
    if wants_json():
        return jsonify({"error": title, "message": message, "status": status}), status
    try:
        return render_template("error.html", status=status, title=title, message=message), status
    except Exception:  # the error page itself failing must still not show a trace
        log.exception("error page failed to render")
        return Response(f"{status} {title}\n", status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 404:
            return _render(404, "Not found", "There is no page at this address.")
        return _render(error.code or 500, error.name, error.description or "")

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, "Something went wrong", InternalServerError.description)
