"""The parsed shape of a content tree: what views, search and diagnosis consume."""

from __future__ import annotations

from dataclasses import dataclass, field


class ContentError(Exception):
    """A content file that cannot be read at all; carries where, so authors can fix it."""

    def __init__(self, source: str, line: int, message: str):
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Problem:
    """Something `kb check` reports; errors fail the check, warnings do not."""

    source: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.source}:{self.line}: {tag}{self.message}"


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Link:
    """An internal link as written, kept so `kb check` can point at its line."""

    href: str
    line: int
    text: str = ""  # the link's visible text: what the author called its target
    target: str | None = None  # kb's URL of the target, when it is one of the pages


@dataclass
class Article:
    slug: str
    title: str
    level: int  # 0 for a file's own page, then 1-3 for its H1-H3 sections
    source: str  # path relative to the content root, with forward slashes
    line: int
    html: str = ""  # its own text, without its subsections
    heading_html: str = ""  # its heading as the file shows it (`<h2 id=…>…</h2>`)
    text: str = ""
    code: str = ""  # commands and code blocks, indexed apart so identifiers stay whole
    headings: list[Heading] = field(default_factory=list)
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    anchor: str = ""  # the heading's GitHub-style anchor inside its file
    aliases: list[str] = field(default_factory=list)
    h1: str = ""  # a file's first H1, also when front matter gives another title
    meta: dict = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    tree: str | None = None  # id of the troubleshooting tree built from this article
    tables: list[list[list[str]]] = field(default_factory=list)  # header row first
    role: str | None = None  # what its heading says it is for (kb.content.roles), if generic
    navigation: bool = False  # a table of contents: a page, never a search result
    fields: list[str] = field(
        default_factory=list
    )  # fill-in fields in its code (kb.content.fields)


@dataclass
class Branch:
    """One way out of a step: an answer, or the outcome of a check."""

    label: str
    target: str  # a node id, or one of the END_* markers
    note: str = ""  # who to escalate to, or what resolved it
    outcome: str | None = None  # pass / fail / error for check steps
    subcheck: str | None = None  # a named condition, for "fail database"
    line: int = 0


END_RESOLVED = "resolved"
END_ESCALATE = "escalate"
ENDS = (END_RESOLVED, END_ESCALATE)


@dataclass
class Node:
    id: str
    kind: str  # "step" (did it help?), "question", or "check"
    html: str
    text: str
    line: int
    branches: list[Branch] = field(default_factory=list)
    check: str | None = None


@dataclass
class Tree:
    id: str
    title: str
    article: str  # slug of the article it was built from
    source: str
    line: int
    symptoms: str = ""
    symptoms_html: str = ""
    nodes: list[Node] = field(default_factory=list)
    impact: str = ""  # an alert runbook's Impact, shown before the steps
    impact_html: str = ""
    format: str = ""  # how the source was read (kb.content.guides), for `kb check --explain`
    explain: list[str] = field(default_factory=list)  # why, one line per decision

    @property
    def summary(self) -> str:
        """The symptoms cut to a card's length, at a word boundary."""
        if len(self.symptoms) <= 200:
            return self.symptoms
        return self.symptoms[:200].rsplit(" ", 1)[0] + "…"

    @property
    def start(self) -> str:
        return self.nodes[0].id

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)


@dataclass
class Document:
    """One parsed file: its articles in reading order, and the trees found in them."""

    source: str
    articles: list[Article]
    trees: list[Tree]
    problems: list[Problem]
    anchors: dict[str, tuple[str, str]]  # anchor -> (article slug, fragment or "")
