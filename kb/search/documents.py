"""What gets indexed: one search document per article (a troubleshooting one when the
article carries a tree) and, once the directory exists, per contact."""

from __future__ import annotations

from collections.abc import Iterator

from kb.content.library import Library
from kb.content.model import Article
from kb.content.parser import article_url
from kb.search.analysis import terms

KIND_ARTICLE = "article"
KIND_TREE = "troubleshooting"
KIND_CONTACT = "contact"


# How many times each part is repeated in the combined `all` field: term frequency is
# what BM25 weighs, so repeating the title makes a title word count like several body ones.
PREVIEW_CHARS = 1500
REPEATS = {"title": 4, "aliases": 3, "symptoms": 3, "headings": 2, "body": 1}


def weighted_text(**parts: str) -> str:
    return "\n".join(" . ".join([text] * REPEATS[name]) for name, text in parts.items() if text)


def article_document(library: Library, article: Article) -> dict:
    tree = library.tree_for(article)
    trail = [a.title for a in library.breadcrumb(article)]
    symptoms = tree.symptoms if tree else ""
    title = (
        article.title
        if not tree or tree.title == article.title
        else f"{tree.title} — {article.title}"
    )
    return {
        "id": f"article:{article.slug}",
        "kind": KIND_TREE if tree else KIND_ARTICLE,
        "url": article_url(article.slug),
        "title": tree.title if tree else article.title,
        "breadcrumb": " › ".join(trail),
        "symptoms": symptoms,
        "preview": article.text[:PREVIEW_CHARS],
        "short": " ".join(terms(f"{title} . {symptoms}")),
        "source": article.source,
        "tree": tree.id if tree else "",
        "spell": " ".join([article.title, symptoms, article.text]),
        "all": weighted_text(
            title=title,
            aliases=" ".join(article.aliases),
            symptoms=symptoms,
            headings=" ".join(h.text for h in article.headings),
            body=article.text,
        ),
    }


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
        "spell": details,
        "all": weighted_text(title=title, aliases="", symptoms="", headings=group, body=body),
    }


def library_documents(library: Library, sources: set[str] | None = None) -> Iterator[dict]:
    """Documents of every article, or only of those from the given source files."""
    for article in library.articles.values():
        if sources is None or article.source in sources:
            yield article_document(library, article)
