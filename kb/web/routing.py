"""The one place that decides whether a request is for the JSON API or for a page.

API requests get JSON errors and 401s; pages get HTML error pages and redirects to the
login page. Writes through the API need a Bearer token, or, from a logged-in browser,
the session plus its CSRF token (a cookie alone is what a cross-site page could send).
"""

from __future__ import annotations

from flask import request, session

API_PREFIX = "/api/"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def is_api() -> bool:
    return request.path.startswith(API_PREFIX)


def wants_json() -> bool:
    return is_api() or request.accept_mimetypes.best == "application/json"


def has_bearer() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def needs_csrf() -> bool:
    """Forms always; the API when a logged-in browser session (not a token) is writing."""
    if request.method not in WRITES:
        return False
    return not is_api() or (not has_bearer() and bool(session.get("user_id")))
