"""Stylesheets made from libraries at start rather than copied into the repo."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response
from pygments.formatters import HtmlFormatter

bp = Blueprint("assets", __name__)


@cache
def pygments_css() -> str:
    light = HtmlFormatter(style="friendly").get_style_defs("pre code")
    dark = HtmlFormatter(style="monokai").get_style_defs("pre code")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


@bp.get("/assets/pygments.css")
def highlight_css() -> Response:
    response = Response(pygments_css(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
