"""One source of truth: a runbook's Emergency Contacts tables shown as the live directory.

The directory is seeded from those tables (kb.contacts.seed) and edited since; the
Markdown keeps its table, but the page shows what the directory says now, so a
`[TBD]` fixed in the directory is fixed everywhere a responder looks. The parser marks
each table with its place (`kb-table-N`); the seed's rule says which are contacts.
"""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy.exc import SQLAlchemyError

from kb.contacts.seed import contact_table_group
from kb.contacts.service import list_contacts, status
from kb.content.model import Article
from kb.content.structure import TABLE_MARK
from kb.db import get_session


def _groups(article: Article) -> dict[int, str]:
    """Which of the article's tables are contacts tables, and of which group."""
    found = {}
    for index, table in enumerate(article.tables):
        group = contact_table_group(article.title, table[0]) if table else None
        if group:
            found[index] = group
    return found


def with_live_directory(article: Article) -> str:
    """The article's HTML, its contacts tables replaced by the directory's entries; as
    written when the directory cannot be read (the runbook must always show)."""
    groups = _groups(article)
    if not groups:
        return article.html
    try:
        contacts = list_contacts(session=get_session())
    except SQLAlchemyError:
        current_app.logger.warning("contacts unavailable; runbook tables shown as written")
        get_session().rollback()
        return article.html
    days = current_app.config["KB_CONTACT_STALE_DAYS"]
    html = article.html
    for index, group in groups.items():
        start = html.find(f'<table class="{TABLE_MARK}{index}">')
        end = html.find("</table>", start)
        if start < 0 or end < 0:
            continue
        rows = [(c, status(c, days)) for c in contacts if c.group == group]
        live = render_template("contacts/live_table.html", rows=rows, group=group)
        html = html[:start] + live + html[end + len("</table>") :]
    return html
