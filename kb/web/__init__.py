"""HTTP layer: blueprints for pages and JSON, error pages, static assets."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from kb import observe
from kb.web import api, assets, auth, contacts, diagnose, errors, health, pages, search
from kb.web.exports import bp as exports_bp
from kb.web.routing import needs_csrf

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    observe.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(assets.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(diagnose.bp)
    app.register_blueprint(contacts.bp)
    app.register_blueprint(exports_bp)
    auth.init_app(app)
    # Every form carries a CSRF token; so must an API write made with a browser session
    # (kb.web.routing.needs_csrf). Token-authenticated and anonymous API calls need none.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)

    @app.before_request
    def _check_csrf():
        if needs_csrf():
            csrf.protect()

    errors.init_app(app)
