"""kb: an incident knowledge base and troubleshooting expert system."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kb import config as settings


def create_app(config: dict | None = None) -> Flask:
    """The app factory: environment first, then the caller's overrides (tests)."""
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.from_mapping(settings.settings_from_env(app.instance_path))
    if config:
        app.config.update(config)
    settings.finish(app.config)

    from kb import cli, content_store, db
    from kb.checks import service as checks
    from kb.contacts import setup as contacts
    from kb.search import setup as search
    from kb.web import init_app as init_web

    content_store.init_app(app)
    db.init_app(app)
    contacts.init_app(app)
    search.init_app(app)
    checks.init_app(app)
    init_web(app)
    cli.init_app(app)
    if app.config.get("KB_TRUST_PROXY"):
        # Behind a load balancer: believe its X-Forwarded-For/Proto (one hop), so
        # cookies are Secure under HTTPS and rate limits see the real client.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app
