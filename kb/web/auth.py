"""Logging in and out, who the current user is, and what they may do.

Browsers use a session cookie (HttpOnly, SameSite=Lax, Secure under HTTPS) and CSRF
tokens on every form; scripts use `Authorization: Bearer <token>` from `kb token create`.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface

from kb.auth.model import User
from kb.auth.service import authenticate, end_sessions, user_for_token
from kb.content.fields import is_secret
from kb.db import get_session
from kb.ratelimit import SharedRateLimiter, shared_counter
from kb.web.routing import has_bearer, is_api

bp = Blueprint("auth", __name__)
LOGINS_PER_MINUTE = 10  # per client address, across every worker and instance
PUBLIC_ENDPOINTS = {"auth.login", "static", "health.health", "health.ready"}


class _SessionInterface(SecureCookieSessionInterface):
    """Cookies are Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def current_user() -> User | None:
    if "user" not in g:
        g.user = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            g.user = user_for_token(session=get_session(), token=header[7:].strip())
        elif session.get("user_id"):
            user = get_session().get(User, session["user_id"])
            g.user = user if user and session.get("epoch") == user.session_epoch else None
    return g.user


def _unauthenticated():
    """A 401 in the shape of every other API error (error, message, status, request_id)."""
    body = {
        "error": "authentication required",
        "message": "Log in, or send an API token as 'Authorization: Bearer <token>'.",
        "status": 401,
        "request_id": g.get("request_id"),
    }
    return jsonify(body), 401, {"WWW-Authenticate": "Bearer"}


def editor_required(view):
    """Writes need an editor or admin: 401 for nobody, 403 for a viewer."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user()
        if user is None:
            if is_api():
                return _unauthenticated()
            return redirect(url_for("auth.login", next=request.full_path))
        if not user.can_edit:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def alert_sender_required(view):
    """Alert webhooks come from monitoring systems: a Bearer token only (a browser session
    never posts alerts), of a user with the `alerts` role or an editor; 401, else 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user() if has_bearer() else None
        if user is None:
            return _unauthenticated()
        if not user.can_send_alerts:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only a path on this site; no scheme, host, backslash or control character (a CR/LF
    in a Location header is a response-splitting attempt). Anything else: `default`."""
    target = target or ""
    parts = urlsplit(target)
    unsafe = any(ord(ch) < 32 or ch in "\\\x7f" for ch in target)
    if unsafe or parts.scheme or parts.netloc or not target.startswith("/"):
        return default or url_for("pages.home")
    return target


def here() -> str | None:
    """The page being read, for "Log in" to come back to (none from the login page)."""
    if request.method != "GET" or request.endpoint in ("auth.login", None):
        return None
    # A link may carry fill-in values; one whose name looks secret is never echoed back.
    kept = [(k, v) for k, v in request.args.items(multi=True) if not is_secret(k)]
    return request.path + ("?" + urlencode(kept) if kept else "")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        limiter: SharedRateLimiter = current_app.extensions["kb.login_limit"]
        username = request.form.get("username", "")
        if not limiter.allow(request.remote_addr or "unknown"):
            error = "Too many attempts. Wait a minute and try again."
        else:
            user = authenticate(
                session=get_session(), username=username, password=request.form.get("password", "")
            )
            if user is not None:
                session.clear()
                session["user_id"] = user.id
                session["epoch"] = user.session_epoch
                session.permanent = True
                return redirect(safe_next(request.args.get("next")))
            # One message for every failure: unknown user, wrong password, locked account.
            error = "Invalid username or password."
        return render_template("login.html", error=error, username=username), 401
    return render_template("login.html", error=None, username="")


@bp.post("/logout")
def logout():
    user = current_user()
    if user is not None and not has_bearer():
        end_sessions(session=get_session(), user=user)
    session.clear()
    flash("Logged out.")
    return redirect(url_for("pages.home"))


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    # Flask's defaults hold these keys already (SameSite unset, a month's lifetime).
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=12)
    app.extensions["kb.login_limit"] = SharedRateLimiter(
        "login", LOGINS_PER_MINUTE, shared_counter(app)
    )
    app.register_blueprint(bp)

    @app.context_processor
    def user_in_templates():
        return {"current_user": current_user(), "here": here}

    @app.before_request
    def private_unless_public():
        """With KB_PUBLIC_READ=false, everything but logging in needs a user."""
        if app.config.get("KB_PUBLIC_READ", True):
            return None
        # Health checks come from load balancers, which have no account.
        if request.endpoint in PUBLIC_ENDPOINTS or current_user() is not None:
            return None
        if is_api():
            return _unauthenticated()
        return redirect(url_for("auth.login", next=request.full_path))
