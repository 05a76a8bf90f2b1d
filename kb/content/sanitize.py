"""Rendered Markdown made safe to serve: a runbook author can format, never script.

nh3 (ammonia) removes scripts, event handlers and `javascript:` URLs from the HTML that
Python-Markdown passes through; the allow-list keeps what rendering produces: tables,
code with highlighting classes, heading ids, task-list checkboxes.
"""

from __future__ import annotations

import nh3

TAGS = set(nh3.ALLOWED_TAGS) | {
    "input",
    "details",
    "summary",
    "mark",
    "del",
    "ins",
    "sup",
    "sub",
    "hr",
}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "rel", "title", "class", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    # Fill-in fields in code (kb.content.fields): which field a placeholder is.
    "span": {"data-field"},
}


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        link_rel=None,
        url_schemes={"http", "https", "mailto", "tel"},
    )
