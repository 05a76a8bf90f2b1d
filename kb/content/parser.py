"""Markdown file → articles (one per H1-H3 section) and troubleshooting trees."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from kb.content.fields import fields_in, key_of
from kb.content.guides import Sources, find_guides
from kb.content.markdown import FIELDS_ENV, render_tokens
from kb.content.model import Article, ContentError, Document, Heading, Link, Problem
from kb.content.outline import Outline, Section, meta_line, outline
from kb.content.roles import is_navigation, role_of
from kb.content.sanitize import clean_html
from kb.content.slugs import declared_slug, page_name, path_slug
from kb.content.structure import Facts, SectionReader
from kb.content.text import html_to_text

ARTICLE_PREFIX = "/a/"
# Resolves a link to another file: (this file's source, href) -> URL, or None if broken.
ExternalResolver = Callable[[str, str], str | None]


def article_url(slug: str, fragment: str = "") -> str:
    return ARTICLE_PREFIX + slug + (f"#{fragment}" if fragment else "")


def doc_slug(source: str, meta: dict) -> str:
    return declared_slug(meta.get("slug")) or path_slug(source)


def section_slug(slug: str, anchor: str, reserved: frozenset[str] = frozenset()) -> str:
    """`doc/anchor`; where a file already owns that path (docs/x.md beside docs/README.md's
    section "x"), the section moves to `doc/-/anchor`, GitLab's separator, to stay unique."""
    candidate = f"{slug}/{anchor}"
    return f"{slug}/-/{anchor}" if candidate in reserved else candidate


def anchor_table(
    outl: Outline, slug: str, reserved: frozenset[str] = frozenset()
) -> dict[str, tuple[str, str]]:
    """Every heading anchor of a file → (slug of the article showing it, fragment)."""
    table: dict[str, tuple[str, str]] = {}
    if outl.title_anchor:
        table[outl.title_anchor] = (slug, "")
    for section in outl.sections:
        owner = slug if section.level == 0 else section_slug(slug, section.anchor, reserved)
        if section.level:
            table[section.anchor] = (owner, "")
        for inner in section.inner_anchors:
            table.setdefault(inner, (owner, inner))
    return table


def _title_from_path(source: str) -> str:
    words = page_name(source).replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) or "Untitled"


def _locate(lines: list[str], needle: str, first: int) -> int:
    """The line a link is on: its block's first line, or the line within it that holds it."""
    for number in range(first, min(first + 200, len(lines) + 1)):
        if needle in lines[number - 1]:
            return number
        if number > first and not lines[number - 1].strip():
            break
    return first


def parse_text(
    text: str,
    source: str,
    *,
    resolve_external: ExternalResolver | None = None,
    outl: Outline | None = None,
    checks: set[str] | None = None,
    reserved: frozenset[str] = frozenset(),
) -> Document:
    """Parse one file. Raises ContentError only when the file cannot be read at all."""
    try:
        outl = outl or outline(text, source)
    except ContentError:
        raise
    except RecursionError:
        raise ContentError(source, 1, "nesting too deep to parse") from None
    slug = doc_slug(source, outl.meta)
    anchors = anchor_table(outl, slug, reserved)
    problems: list[Problem] = list(outl.problems)
    if not text.strip():
        return Document(source=source, articles=[], trees=[], problems=[], anchors={})

    def resolve(href: str) -> str | None:
        path, _, fragment = href.partition("#")
        if not path:
            target = anchors.get(fragment)
            return article_url(*target) if target else None
        if resolve_external is None:
            return href
        return resolve_external(source, href)

    reader = SectionReader(env=outl.env, resolve=resolve, offset=outl.offset)
    articles: list[Article] = []
    facts_by_slug: dict[str, Facts] = {}
    stack: list[Article] = []
    for section in outl.sections:
        try:
            html, facts = reader.read(section.tokens, section.line)
        except RecursionError:
            raise ContentError(source, section.line, "nesting too deep to render") from None
        while stack and stack[-1].level >= section.level:
            stack.pop()
        parent = stack[-1] if stack else None
        article = _article(outl, section, slug, source, parent, reserved)
        _fill(article, outl, section, html, facts)
        for link in article.links:
            if link.target is None:
                problems.append(Problem(source, link.line, f"broken link: {link.href}"))
        articles.append(article)
        facts_by_slug[article.slug] = facts
        stack.append(article)

    _section_aliases(outl.meta, articles, problems, source)
    _unused_fields(outl, articles, problems, source)
    trees = find_guides(Sources(articles, facts_by_slug, reader), problems, checks)
    return Document(
        source=source, articles=articles, trees=trees, problems=problems, anchors=anchors
    )


def _article(
    outl: Outline,
    section: Section,
    slug: str,
    source: str,
    parent: Article | None,
    reserved: frozenset[str],
) -> Article:
    """The file's own page (level 0) or one section's, linked under its parent."""
    if section.level == 0 or parent is None:
        meta_title = outl.meta.get("title")
        title = str(meta_title).strip() if meta_title not in (None, "") else ""
        return Article(
            slug=slug,
            title=title or outl.title or _title_from_path(source),
            level=0,
            source=source,
            line=outl.title_line or section.line,
            anchor=outl.title_anchor,
            meta=outl.meta,
            aliases=_aliases(outl.meta),
            h1=outl.title or "",
        )
    article = Article(
        slug=section_slug(slug, section.anchor, reserved),
        title=section.title,
        level=section.level,
        source=source,
        line=section.line,
        anchor=section.anchor,
        parent=parent.slug,
        role=role_of(section.title),
    )
    parent.children.append(article.slug)
    return article


def _fill(article: Article, outl: Outline, section: Section, html: str, facts: Facts) -> None:
    """What an article shows and holds: sanitised HTML, text, code, headings, links."""
    article.html = clean_html(html)
    heading = section.heading if section.level else outl.title_heading
    article.heading_html = clean_html(render_tokens(heading, outl.env)) if heading else ""
    article.text = html_to_text(article.html)
    article.fields = [found.name for found in fields_in(article.html)]
    article.code = "\n".join(section.code)
    article.headings = [Heading(level, anchor, text) for level, anchor, text in facts.headings]
    article.tables = facts.tables
    article.navigation = bool(article.level) and (is_navigation(article.title) or facts.links_only)
    for href, line, text, target in facts.links:
        found = _locate(outl.lines, f"({href}", line)
        at = found if found != line else _locate(outl.lines, href, line)
        article.links.append(Link(href, at, text, target))


def _section_aliases(
    meta: dict, articles: list[Article], problems: list[Problem], source: str
) -> None:
    """Front matter `aliases:` as a mapping names sections: `{issue-x: [AlertName]}`."""
    raw = meta.get("aliases")
    if not isinstance(raw, dict):
        return
    by_anchor = {a.anchor: a for a in articles if a.level}
    for anchor, names in raw.items():
        article = by_anchor.get(str(anchor))
        if article is None:
            problems.append(Problem(source, 1, f"alias for unknown section '#{anchor}'"))
            continue
        names = [names] if isinstance(names, str) else names
        if isinstance(names, list):
            article.aliases.extend(str(n) for n in names if isinstance(n, str | int))


def _unused_fields(
    outl: Outline, articles: list[Article], problems: list[Problem], source: str
) -> None:
    """A declared example value that no command shows is a typo, or a field gone stale."""
    used = {key_of(name) for article in articles for name in article.fields}
    start = meta_line(outl.lines, outl.offset, "fields")
    for name, value in outl.env.get(FIELDS_ENV, {}).items():
        if key_of(name) not in used:
            problems.append(
                Problem(
                    source,
                    meta_line(outl.lines, outl.offset, rf"\s+{re.escape(name)}", start),
                    f"field '{name}': its example value '{value}' is in no code of this file",
                    severity="warning",
                )
            )


def _aliases(meta: dict) -> list[str]:
    raw = meta.get("aliases", [])
    if isinstance(raw, str):
        raw = [raw]
    return [str(a) for a in raw if isinstance(a, str | int)] if isinstance(raw, list) else []


def relative_source(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def parse_file(path: Path, root: Path | None = None, **kwargs) -> Document:
    root = root or path.parent
    source = relative_source(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM is not text
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ContentError(source, line, "not UTF-8 text") from None
    except OSError as exc:
        raise ContentError(source, 1, f"cannot read: {exc.strerror}") from None
    return parse_text(text, source, **kwargs)


def join_link(source: str, href_path: str) -> str:
    """A relative link's target path, as a content-root-relative source name."""
    base = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(base, href_path)).lstrip("/")
