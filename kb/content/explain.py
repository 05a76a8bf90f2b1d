"""`kb check --explain FILE`: how kb read one file, and why, in words an author can act on."""

from __future__ import annotations

from kb.content.library import Library

NO_GUIDE = (
    "no guide: kb builds one from a section with a **Symptoms:** paragraph and a list "
    "after **Solution:** (or Resolution, Steps…), from child sections named Diagnosis "
    "(or Possible checks), or Symptoms/Meaning with Solution/Resolution/Mitigation, or "
    "from each section under one titled 'Common Issues'"
)


def explain(library: Library, source: str) -> list[str]:
    articles = [a for a in library.articles.values() if a.source == source]
    if source in library.unreadable:
        return [f"{source}: not read, for the problem reported with its line"]
    if not articles and source in library.digests:
        return [f"{source}: no text, so no article and no guide"]
    if not articles:
        return [f"{source}: not read (not a Markdown file under the content folder?)"]
    lines = [f"{source}: {len(articles)} article(s)"]
    for article in articles:
        indent = "  " * (article.level or 1)
        if article.role:
            what = f"part of '{library.topic_of(article).title}' ({article.role})"
        elif article.navigation:
            what = "table of contents: a page, not a search result"
        else:
            what = "topic: a page and a search result"
        heading = "#" * article.level + " " if article.level else "file: "
        lines.append(f"{indent}{heading}{article.title} (line {article.line}): {what}")
    trees = [t for t in library.trees.values() if t.source == source]
    for tree in trees:
        lines.append(f"guide '{tree.title}' read as '{tree.format}', {len(tree.nodes)} step(s):")
        lines.extend(f"  {reason}" for reason in tree.explain)
        for node in tree.nodes:
            answers = " | ".join(f"{b.label} → {b.target.replace('-', ' ')}" for b in node.branches)
            lines.append(
                f"  {node.id.replace('-', ' ')} (line {node.line}, {node.kind}): {answers}"
            )
    if not trees:
        lines.append(NO_GUIDE)
    return lines
