"""`kb alert-rules`: the `runbook_url` annotation to paste into each guide's alert rule.

Each guide gets a `/go/<name>` link that resolves back to it, by the name an alert rule
would use: a front-matter alias (`ApiDegraded`), else the file's name (alert runbooks are
named after their alert), else the section's slug. With that annotation, the alert
webhook (`POST /api/alerts`) matches the guide by its link, whatever the alert is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from kb.content.library import Library
from kb.content.model import Article, Tree
from kb.content.slugs import page_name


@dataclass(frozen=True)
class RuleLink:
    tree: Tree
    name: str  # what follows /go/
    url: str


def go_name(article: Article, library: Library) -> str:
    """The first name of an article that `/go/` resolves back to it."""
    candidates = list(article.aliases)
    if article.level == 0:
        candidates.append(page_name(article.source))
    for name in candidates:
        if (library.resolve(name) or library.named(name)) is article:
            return name
    return article.slug


def rule_links(library: Library, base_url: str) -> list[RuleLink]:
    links = []
    for tree in library.trees.values():
        article = library.article(tree.article)
        if article is None:
            continue
        name = go_name(article, library)
        links.append(RuleLink(tree, name, f"{base_url}/go/{quote(name, safe='/-_.~')}"))
    return links


def annotations_text(links: list[RuleLink]) -> str:
    """One block per guide: where it comes from, then the line to paste under
    `annotations:` (Prometheus) or into Grafana's Runbook URL."""
    blocks = [
        f"# {link.tree.title} ({link.tree.source}:{link.tree.line})\nrunbook_url: {link.url}"
        for link in links
    ]
    return "\n\n".join(blocks)
