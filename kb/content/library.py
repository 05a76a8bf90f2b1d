"""A whole content folder: every file parsed, links across files resolved, problems gathered."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.content.model import Article, ContentError, Document, Problem, Tree
from kb.content.outline import Outline, outline
from kb.content.parser import (
    ARTICLE_PREFIX,
    anchor_table,
    article_url,
    doc_slug,
    join_link,
    parse_text,
)
from kb.content.slugs import page_name, path_slug


@dataclass
class Library:
    root: Path
    articles: dict[str, Article] = field(default_factory=dict)  # in reading order
    trees: dict[str, Tree] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # alias (lowercased) -> slug
    names: dict[str, str] = field(default_factory=dict)  # name_key(file name, H1, title) -> slug
    # name_key(section title) -> slug, for titles only one section has (`### AlertName`)
    section_names: dict[str, str] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # source -> sha256 of its text
    order: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # files that could not be parsed at all
    # slug -> what links from other files call it ("[BlockedUserAttemptsIsHigh](x.md)")
    mentions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def article(self, slug: str) -> Article | None:
        return self.articles.get(slug)

    def resolve(self, slug_or_alias: str) -> Article | None:
        key = slug_or_alias.strip("/")
        return self.articles.get(key) or self.articles.get(self.aliases.get(key.lower(), ""))

    def named(self, name: str) -> Article | None:
        """The file called `name` by its file name, H1 or title, however it is spelled:
        `KubePodCrashLooping`, `kube-pod-crash-looping`, `Kube Pod Crash Looping`."""
        return self.articles.get(self.names.get(name_key(name), ""))

    def lookup(self, words: str) -> Article | None:
        """The page `words` names, as a `/go/` link or an alert's name means it: a slug; a
        file's path in any case, `.md` or not (before an alias spelled alike); an alias; a
        file's name (`folder/AlertName`, `AlertName.md` too); the one section so titled."""
        path_like = "/" in words.strip("/") or words.lower().endswith(".md")
        return (
            self.article(words.strip("/"))
            or (self.article(path_slug(words)) if path_like else None)
            or self.resolve(words)
            or self.named(words)
            or self.named(page_name(words))
            or self.named_section(words)
        )

    def named_section(self, name: str) -> Article | None:
        """The one section titled `name`, spelled any way: teams that keep many alerts in
        one file give each its heading (`### MimirRequestErrors`)."""
        return self.articles.get(self.section_names.get(name_key(name), ""))

    def breadcrumb(self, article: Article) -> list[Article]:
        trail = []
        current = self.articles.get(article.parent or "")
        while current is not None:
            trail.append(current)
            current = self.articles.get(current.parent or "")
        return trail[::-1]

    def children(self, article: Article) -> list[Article]:
        return [self.articles[c] for c in article.children if c in self.articles]

    def descendants(self, article: Article) -> list[Article]:
        found: list[Article] = []
        for child in self.children(article):
            found.append(child)
            found.extend(self.descendants(child))
        return found

    def topic_of(self, article: Article) -> Article:
        """The topic an article belongs to: itself, or for a part (a section titled only
        `Diagnosis`, `Meaning`…) the topic above it. Search shows topics, not parts."""
        current = article
        while current.role is not None and current.parent in self.articles:
            current = self.articles[current.parent]
        return current

    def parts_of(self, topic: Article) -> list[Article]:
        """The parts under a topic, in reading order, parts of parts included."""
        found: list[Article] = []
        for child in self.children(topic):
            if child.role is not None:
                found.append(child)
                found.extend(self.parts_of(child))
        return found

    def whole_html(self, article: Article, html_of: Callable[[Article], str] | None = None) -> str:
        """An article with its subsections under their headings, as GitHub shows the file;
        `html_of` gives a section's body (a page may put live data in it)."""
        body = html_of or (lambda section: section.html)
        parts = [body(article)]
        for section in self.descendants(article):
            parts.extend((section.heading_html, body(section)))
        return "\n".join(parts)

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        index = self.order.index(article.slug)
        before = self.articles[self.order[index - 1]] if index > 0 else None
        after = self.articles[self.order[index + 1]] if index + 1 < len(self.order) else None
        return before, after

    def documents(self) -> list[Article]:
        return [a for a in self.articles.values() if a.level == 0]

    def tree_for(self, article: Article) -> Tree | None:
        return self.trees.get(article.tree or "")


def name_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _index_names(library: Library) -> None:
    """Each file's names: file names first, then H1s and titles where no file is so named.
    Where two files share a name, the one with more to read wins (the other is usually a
    stub saying the runbook moved, or an example)."""
    by_file_name: dict[str, str] = {}
    by_heading: dict[str, str] = {}
    for page in library.documents():
        _claim(library, by_file_name, page_name(page.source), page)
        for name in {page.h1, page.title}:
            _claim(library, by_heading, name, page)
    library.names = {**by_heading, **by_file_name}
    titles: dict[str, list[str]] = {}
    for article in library.articles.values():
        if article.level:
            titles.setdefault(name_key(article.title), []).append(article.slug)
    library.section_names = {
        key: slugs[0] for key, slugs in titles.items() if key and len(slugs) == 1
    }


MAX_MENTIONS, MENTION_CHARS = 20, 120


def _index_mentions(library: Library) -> None:
    """What other files call each page when they link to it: words the page itself may
    never use, as anchor text is for web search. A file's links to itself (its table of
    contents) and texts that only repeat the title add nothing."""
    found: dict[str, dict[str, str]] = {}
    for article in library.articles.values():
        for link in article.links:
            target = link.target or ""
            if not target.startswith(ARTICLE_PREFIX) or link.text in ("", link.href):
                continue
            slug = target.removeprefix(ARTICLE_PREFIX).split("#", 1)[0]
            page = library.articles.get(slug)
            text = link.text[:MENTION_CHARS]
            if page is None or page.source == article.source:
                continue
            key = text.casefold()
            texts = found.setdefault(slug, {})
            if key != page.title.casefold() and len(texts) < MAX_MENTIONS:
                texts.setdefault(key, text)
    library.mentions = {slug: list(texts.values()) for slug, texts in found.items() if texts}


def _claim(library: Library, names: dict[str, str], name: str, page: Article) -> None:
    key = name_key(name)
    other = library.articles.get(names.get(key, ""))
    if key and (other is None or _size(library, page) > _size(library, other)):
        names[key] = page.slug


def _size(library: Library, page: Article) -> int:
    return len(page.text) + sum(len(a.text) for a in library.descendants(page))


def content_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.md") if p.is_file() and not _hidden(p, root))


def escapes(path: Path, resolved_root: Path) -> bool:
    """Whether a file is, through a symbolic link, somewhere outside the content folder
    (`envleak.md -> /proc/self/environ` would publish the server's secrets)."""
    return not path.resolve().is_relative_to(resolved_root)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def load_library(root: Path, checks: set[str] | None = None) -> Library:
    """Parse every Markdown file under root. Problems are collected, never raised.

    `checks` names the live checks that exist; with it, trees naming others are errors.
    """
    root = Path(root)
    base = root if root.is_dir() else root.parent
    library = Library(root=base)
    texts, outlines = _read_files(library, root, base)
    roots = {source: doc_slug(source, outl.meta) for source, outl in outlines.items()}
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    reserved = frozenset(roots.values())
    for source, slug in roots.items():
        tables[source] = anchor_table(outlines[source], slug, reserved)

    def resolve_external(source: str, href: str) -> str | None:
        path, _, fragment = href.partition("#")
        path = path.split("?", 1)[0]
        target = _page_source(join_link(source, path), tables)
        if target not in tables and not path.endswith(".md"):
            # Hugo serves `a/b.md` at `a/b/`, and its links are relative to that URL.
            target = _page_source(join_link(source[:-3] + "/index.md", path or "."), tables)
        if target not in tables and path.startswith("/"):
            target = _site_page(path, tables) or target
        if target in tables:
            if not fragment:
                return article_url(roots[target])
            found = tables[target].get(fragment)
            return article_url(*found) if found else None
        if (base / target).exists():
            return href  # a file that is not a page (an image, a script): leave it be
        return None

    for source, text in texts.items():
        try:
            document = parse_text(
                text,
                source,
                resolve_external=resolve_external,
                outl=outlines[source],
                checks=checks,
                reserved=reserved,
            )
        except ContentError as exc:
            library.problems.append(Problem(exc.source, exc.line, exc.message))
            library.unreadable.append(source)
            continue
        _add_document(library, document)
    _check_aliases(library)
    _index_names(library)
    _index_mentions(library)
    return library


def _check_aliases(library: Library) -> None:
    """An alias that is another page's address never reaches its own page: `/go/` and
    links find the page first. Said, not dropped (Hugo keeps such aliases as redirects)."""
    for key, slug in library.aliases.items():
        other = library.articles.get(key)
        if other is not None and other.slug != slug:
            page = library.articles[slug]
            library.problems.append(
                Problem(
                    page.source,
                    page.line,
                    f"alias '{key}' is the address of {other.source}:{other.line}, "
                    "which /go/ and links open instead",
                    "warning",
                )
            )


def _read_files(library: Library, root: Path, base: Path) -> tuple[dict, dict]:
    """Each readable file's text and outline; what cannot be read is a problem, not a crash."""
    texts: dict[str, str] = {}
    outlines: dict[str, Outline] = {}
    resolved_base = base.resolve()
    for path in content_files(root):
        source = path.relative_to(base).as_posix()
        try:
            if escapes(path, resolved_base):
                raise ContentError(
                    source, 1, "not read: a link to a file outside the content folder"
                )
            text = path.read_text(encoding="utf-8-sig")  # a BOM is not text
            outlines[source] = outline(text, source)
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            library.problems.append(Problem(source, line, "not UTF-8 text"))
            library.unreadable.append(source)
            continue
        except ContentError as exc:
            library.problems.append(Problem(exc.source, exc.line, exc.message))
            library.unreadable.append(source)
            continue
        except OSError as exc:  # permissions, a file gone since the folder was listed
            library.problems.append(Problem(source, 1, f"cannot be read: {exc.strerror}"))
            library.unreadable.append(source)
            continue
        texts[source] = text
        library.digests[source] = hashlib.sha256(text.encode()).hexdigest()
    return texts, outlines


def _page_source(target: str, pages: dict) -> str:
    """A link's file, also when written Hugo's way: without `.md`, or naming a folder."""
    if target in pages or target.endswith(".md"):
        return target
    stem = target.rstrip("/")
    for candidate in (f"{stem}.md", f"{stem}/_index.md", f"{stem}/index.md", f"{stem}/README.md"):
        if candidate in pages:
            return candidate
    return target


def _site_page(path: str, pages: dict) -> str | None:
    """A site generator's page (Middleman, Jekyll: `alerts/disk-full.html.md` is served at
    `/manual/alerts/disk-full.html`) linked site-absolutely from a folder that is one part
    of its site: the `.html.md` file whose path is the longest tail of the link's. Only
    that pairing counts, so a link to another site's README or folder stays a broken link."""
    if not path.lower().endswith((".html", ".htm")):
        return None
    parts = [p for p in path.split("/") if p]
    for start in range(len(parts)):
        candidate = "/".join(parts[start:]) + ".md"
        if candidate in pages:
            return candidate
    return None


def _add_document(library: Library, document: Document) -> None:
    library.problems.extend(document.problems)
    skipped: set[str] = set()
    for article in document.articles:
        if article.slug in library.articles:
            other = library.articles[article.slug]
            library.problems.append(
                Problem(
                    article.source,
                    article.line,
                    f"duplicate slug '{article.slug}', already used by {other.source}:{other.line}",
                )
            )
            skipped.add(article.slug)
            continue
        library.articles[article.slug] = article
        library.order.append(article.slug)
        for alias in article.aliases:
            key = alias.strip().strip("/").lower()
            if key in library.aliases and library.aliases[key] != article.slug:
                library.problems.append(
                    Problem(article.source, article.line, f"duplicate alias '{alias}'")
                )
            elif key:
                library.aliases[key] = article.slug
    for tree in document.trees:
        if tree.article in skipped:
            continue
        library.trees[tree.id] = tree
