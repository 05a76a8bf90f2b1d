"""Rendered Markdown made safe to serve: a runbook author can format, never script.

nh3 (ammonia) removes scripts, event handlers and `javascript:` URLs from the HTML that
markdown-it passes through; the allow-list keeps what rendering produces (tables, code
with highlighting classes, heading ids, task-list checkboxes, footnotes) and the layout
attributes GitHub keeps in a README's own HTML (`align`).
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
    "section",
}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "rel", "title", "class", "id"},
    "img": {"src", "alt", "title", "width", "height", "align"},
    **{tag: {"align"} for tag in ("div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "table")},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "li": {"value"},
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
