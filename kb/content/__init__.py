"""Markdown runbooks → articles and troubleshooting trees (knows nothing of Flask)."""

from kb.content.markdown import render_html

__all__ = ["render_html"]
