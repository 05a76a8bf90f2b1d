"""The search page of an export, its index (from the same topics kb's own search shows,
plus the contacts) and the script that searches it in the browser."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from kb.contacts.model import GROUP_TITLES
from kb.search.documents import names_by_page, topic_text, topics
from kb.static_export.paths import ASSETS, CONTACTS, SEARCH, article_path, guide_path
from kb.static_export.search_index import Entry, build_index, index_script
from kb.static_export.site import Site

SCRIPT = Path(__file__).parent / "static" / "search.js"


def _topic_entries(site: Site) -> list[Entry]:
    library = site.library
    owned = names_by_page(library)
    entries = []
    for topic in topics(library):
        text = topic_text(library, topic)
        guide = text.tree if text.tree is not None and text.tree.nodes else None
        entries.append(
            Entry(
                url=quote(article_path(topic.slug)),
                title=text.title,
                kind="troubleshooting" if guide else "article",
                trail=" › ".join(text.trail),
                snippet=text.preview,
                guide=quote(guide_path(guide.id, guide.start)) if guide else "",
                names=owned.get(topic.slug, []),
                fields={
                    "title": text.indexed_title,
                    "names": " ".join(text.names),
                    "symptoms": text.symptoms,
                    "headings": " ".join(text.headings),
                    "mentions": " ".join(text.mentions),
                    "trail": " ".join(text.trail),
                    "body": text.body,
                },
            )
        )
    return entries


def _contact_entries(site: Site) -> list[Entry]:
    entries = []
    for contact in site.snapshot.contacts:
        group = GROUP_TITLES.get(contact.group, contact.group)
        how = [contact.phone, contact.phone_alt, contact.email, contact.url]
        details = " · ".join(filter(None, [contact.name, *how]))
        entries.append(
            Entry(
                url=f"{CONTACTS}#contact-{contact.id}",
                title=contact.role + (f" — {contact.name}" if contact.name else ""),
                kind="contact",
                trail=f"Contacts › {group}",
                snippet=details,
                fields={
                    "title": f"{contact.role} {contact.name or ''}",
                    "headings": group,
                    "body": " ".join(filter(None, [*how, contact.notes, "phone email contact"])),
                },
            )
        )
    return entries


def write_search(site: Site) -> None:
    index = build_index([*_topic_entries(site), *_contact_entries(site)])
    site.write(f"{ASSETS}/search-index.js", index_script(index))
    site.write(f"{ASSETS}/search.js", SCRIPT.read_bytes())
    site.page(SEARCH, "export/search.html")
