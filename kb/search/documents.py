"""What gets indexed: one search document per article (a troubleshooting one when the
article carries a tree) and, once the directory exists, per contact."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from kb.content.library import Library
from kb.content.model import Article, Tree
from kb.content.parser import article_url
from kb.content.roles import SYMPTOMS
from kb.content.slugs import page_name
from kb.search.analysis import terms

KIND_ARTICLE = "article"
KIND_TREE = "troubleshooting"
KIND_CONTACT = "contact"


# How many times each part is repeated in the combined `all` field: term frequency is
# what BM25 weighs, so repeating the title makes a title word count like several body ones.
PREVIEW_CHARS = 1500
REPEATS = {
    "title": 4,
    "aliases": 3,
    "symptoms": 3,
    "headings": 2,
    "context": 2,
    "mentions": 2,
    "body": 1,
}


def weighted_text(**parts: str) -> str:
    return "\n".join(" . ".join([text] * REPEATS[name]) for name, text in parts.items() if text)


SYMPTOMS_CHARS = 600
MAX_PART_TERMS = 400


# Link texts that name no page in particular ("see here", "this runbook").
GENERIC_LINK_WORDS = set(terms("here this link page doc docs documentation runbook read more see"))


def telling(link_text: str) -> bool:
    return any(term not in GENERIC_LINK_WORDS for term in terms(link_text))


# Table columns that say its rows are people or vendors to reach.
CONTACT_COLUMNS = {"phone", "mobile", "email", "e-mail", "contact", "support url", "pager"}


def holds_contacts(articles: list[Article]) -> bool:
    """Whether a topic lists whom to call: a table with a phone, email or support column.
    Such a page answers "need to reach the IT manager" as a contact card does."""
    return any(
        CONTACT_COLUMNS & {cell.strip().lower() for cell in table[0]}
        for article in articles
        for table in article.tables
        if table
    )


def _names(article: Article) -> list[str]:
    """Other names a file goes by: its file name and its H1 when front matter titles it
    (alert runbooks are named after their alert), and its aliases."""
    names = list(article.aliases)
    if article.level == 0:
        names.append(page_name(article.source))
        if article.h1 and article.h1 != article.title:
            names.append(article.h1)
    return names


@dataclass(frozen=True)
class TopicText:
    """What search reads of one topic, before any index encodes it: kb's Whoosh index and
    the static export's index weigh the same parts."""

    title: str  # the guide's title where the topic carries one
    indexed_title: str
    names: list[str]
    mentions: list[str]  # what links from other files call it
    trail: list[str]
    symptoms: str
    headings: list[str]
    body: str
    preview: str
    tree: Tree | None
    parts: list[Article]


def topic_text(library: Library, topic: Article) -> TopicText:
    """A topic's own text and its parts' (Meaning, Diagnosis…), read once."""
    tree = library.tree_for(topic)
    parts = library.parts_of(topic)
    seen = next((p for p in parts if p.role == SYMPTOMS), None)
    symptoms = tree.symptoms if tree else (seen.text[:SYMPTOMS_CHARS] if seen else "")
    title = tree.title if tree else topic.title
    body = " ".join([topic.text, *(p.text for p in parts)])
    headings = [h.text for h in topic.headings]
    for part in parts:
        headings.append(part.title)
        headings.extend(h.text for h in part.headings)
    return TopicText(
        title=title,
        indexed_title=title if title == topic.title else f"{title} — {topic.title}",
        names=_names(topic),
        mentions=[
            m for a in [topic, *parts] for m in library.mentions.get(a.slug, []) if telling(m)
        ],
        trail=[a.title for a in library.breadcrumb(topic)],
        symptoms=symptoms,
        headings=headings,
        body=body,
        preview=(symptoms if seen and not tree else body)[:PREVIEW_CHARS],
        tree=tree,
        parts=parts,
    )


def names_by_page(library: Library) -> dict[str, list[str]]:
    """Each file's name keys (`library.names` turned round): what `/go/` resolves to it,
    and what a query typed as exactly that name puts first."""
    owned: dict[str, list[str]] = {}
    for key, slug in library.names.items():
        owned.setdefault(slug, []).append(key)
    return owned


def topic_document(library: Library, topic: Article, names: list[str] | None = None) -> dict:
    """One search document per topic; `names` are the name keys the file owns."""
    text = topic_text(library, topic)
    return {
        "id": f"article:{topic.slug}",
        "name": " ".join(sorted(names or [])),
        "kind": KIND_TREE if text.tree else KIND_ARTICLE,
        "url": article_url(topic.slug),
        "title": text.title,
        "breadcrumb": " › ".join(text.trail),
        "symptoms": text.symptoms,
        "preview": text.preview,
        "short": " ".join(terms(f"{text.indexed_title} . {text.symptoms}")),
        "source": topic.source,
        "tree": text.tree.id if text.tree else "",
        "parts": _parts_field(topic, text.parts),
        "reach": holds_contacts([topic, *text.parts]),
        "spell": " ".join([topic.title, text.symptoms, text.body]),
        "all": weighted_text(
            title=text.indexed_title,
            aliases=" ".join(text.names),
            context=" ".join(text.trail),
            mentions=" . ".join(text.mentions),
            symptoms=text.symptoms,
            headings=" ".join(text.headings),
            body=text.body,
        ),
    }


def _parts_field(topic: Article, parts: list[Article]) -> str:
    """Each part's slug, title and terms, so a result can point at its best part."""
    if not parts:
        return ""
    rows = []
    for article in [topic, *parts]:
        words = list(dict.fromkeys(terms(f"{article.title} {article.text}")))[:MAX_PART_TERMS]
        rows.append([article.slug, article.title, " ".join(words)])
    return json.dumps(rows)


def topics(library: Library) -> Iterator[Article]:
    """What search shows: every article but parts (folded into their topic) and tables of
    contents (navigation, not answers)."""
    for article in library.articles.values():
        if article.role is None and not article.navigation:
            yield article


CONTACTS_SOURCE = "@contacts"


def contact_document(contact) -> dict:
    """A contact as a search document: its role, name and group find it ("devops phone")."""
    from kb.contacts.model import GROUP_TITLES

    title = contact.role + (f" — {contact.name}" if contact.name else "")
    group = GROUP_TITLES.get(contact.group, contact.group)
    details = " ".join(
        filter(
            None,
            [
                group,
                contact.role,
                contact.name,
                contact.phone,
                contact.email,
                contact.url,
                contact.notes,
            ],
        )
    )
    body = f"{details} phone email contact"
    return {
        "id": f"contact:{contact.id}",
        "kind": KIND_CONTACT,
        "url": f"/contacts#contact-{contact.id}",
        "title": title,
        "breadcrumb": f"Contacts › {group}",
        "symptoms": "",
        "preview": details,
        "short": " ".join(terms(title)),
        "source": CONTACTS_SOURCE,
        "tree": "",
        "parts": "",
        "spell": details,
        "all": weighted_text(title=title, aliases="", symptoms="", headings=group, body=body),
    }


def source_digests(library: Library) -> dict[str, str]:
    """Per file, what its search documents are made of: its own text, what other files'
    links call its pages (editing a link's words re-indexes the page it names), and the
    names it owns (a name moving to another file re-indexes both)."""
    inputs: dict[str, list[str]] = {}
    for slug, texts in library.mentions.items():
        inputs.setdefault(slug, []).extend(["@mentions", *texts])
    for slug, keys in names_by_page(library).items():
        inputs.setdefault(slug, []).extend(["@names", *sorted(keys)])
    by_source: dict[str, list[str]] = {}
    for slug, parts in inputs.items():
        article = library.article(slug)
        if article is not None:
            by_source.setdefault(article.source, []).extend([slug, *parts])
    return {
        source: (
            hashlib.sha256("\n".join([digest, *by_source[source]]).encode()).hexdigest()
            if source in by_source
            else digest
        )
        for source, digest in library.digests.items()
    }


def library_documents(library: Library, sources: set[str] | None = None) -> Iterator[dict]:
    """Documents of every topic, or only of those from the given source files."""
    owned = names_by_page(library)
    for topic in topics(library):
        if sources is None or topic.source in sources:
            yield topic_document(library, topic, owned.get(topic.slug))
