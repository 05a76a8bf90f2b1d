"""HTTP layer: blueprints for pages and JSON, error pages, static assets."""

from __future__ import annotations

from flask import Flask

from kb.web import api, assets, diagnose, errors, pages, search


def init_app(app: Flask) -> None:
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(assets.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(diagnose.bp)
    errors.init_app(app)
