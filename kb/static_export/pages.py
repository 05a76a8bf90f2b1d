"""The export's reading pages: home, one page per article (as the live app shows it), the
list of guides, and an A–Z index that stands in for search without JavaScript."""

from __future__ import annotations

from kb.static_export.paths import A_TO_Z, GUIDE_LIST, HOME, article_path
from kb.static_export.site import Site


def write_home(site: Site) -> None:
    library = site.library
    sections = [(doc, library.children(doc)) for doc in library.documents()]
    site.page(HOME, "export/home.html", trees=site.trees, sections=sections)
    site.page(GUIDE_LIST, "export/guides.html", trees=site.trees)


def write_articles(site: Site) -> None:
    library = site.library
    order = library.order
    for position, slug in enumerate(order):
        article = library.articles[slug]
        here = article_path(slug)
        previous = library.articles[order[position - 1]] if position else None
        following = library.articles[order[position + 1]] if position + 1 < len(order) else None
        site.page(
            here,
            "export/article.html",
            article=article,
            body=site.content(library.whole_html(article), here, article.source),
            sections=library.descendants(article),
            breadcrumb=library.breadcrumb(article),
            previous=previous,
            following=following,
            tree=_guide_of(site, article),
        )


def _guide_of(site: Site, article):
    tree = site.library.tree_for(article)
    return tree if tree is not None and tree.nodes else None


def _letter(title: str) -> str:
    first = title.strip()[:1].upper()
    return first if first.isalpha() else "#"


def write_a_to_z(site: Site) -> None:
    """Every page by title, under its first letter; where titles repeat (each runbook has
    its `Meaning`), the page it belongs to says which is which."""
    library = site.library
    letters: dict[str, list] = {}
    for article in sorted(library.articles.values(), key=lambda a: (a.title.casefold(), a.slug)):
        parent = library.articles.get(article.parent or "")
        letters.setdefault(_letter(article.title), []).append(
            (article, parent.title if parent else "")
        )
    ordered = sorted(letters.items(), key=lambda pair: (pair[0] == "#", pair[0]))
    site.page(A_TO_Z, "export/a-z.html", letters=ordered, trees=bool(site.trees))
