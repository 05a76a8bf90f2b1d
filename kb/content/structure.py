"""One section's tokens → its HTML and its structure (links, labelled blocks, steps, tables).

Everything is read from markdown-it's syntax tree, never from HTML text, and every list
item and link keeps the source line its token maps to, for `kb check` messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from kb.content.markdown import render_inline, render_tokens
from kb.content.roles import DIAGNOSIS, RESOLUTION, SYMPTOMS, role_of
from kb.content.slugs import children_text, inline_text
from kb.content.text import html_to_text

LinkResolver = Callable[[str], str | None]

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z ]{1,30}?)\s*:?\s*$")
SYMPTOM_LABELS = {"symptoms", "symptom"}
DIAGNOSIS_LABELS = {"diagnosis", "troubleshooting"}
SOLUTION_LABELS = {
    "solution",
    "solutions",
    "resolution",
    "steps",
    "diagnosis",
    "fix",
    "mitigation",
    "troubleshooting",
    "workaround",
}
BRANCH_ARROW = re.compile(r"\s*(?:→|->|=>)\s*")
_LISTS = ("bullet_list", "ordered_list")


def _number_tables(nodes: list[SyntaxTreeNode]) -> None:
    """Each top-level table marked with its place among the section's `tables`
    (`<table class="kb-table-0">`), so a page can show live data in its place (the
    contacts directory for an Emergency Contacts table) by that mark alone."""
    tables = [node for node in nodes if node.type == "table"]
    for index, node in enumerate(tables):
        node.nester_tokens.opening.attrSet("class", f"{TABLE_MARK}{index}")


TABLE_MARK = "kb-table-"


def is_internal(href: str) -> bool:
    return bool(href) and not _EXTERNAL.match(href)


@dataclass
class RawStep:
    """A list item as found in the syntax tree, before it becomes a tree node."""

    html: str
    text: str
    check: str | None = None
    branches: list[str] = field(default_factory=list)  # each "label → target" as text
    line: int = 0
    role: str = "resolution"  # "diagnosis" asks what was found; "resolution", did it fix it
    # items of a list that reads like answers but has one without `→ target`: the list is
    # shown as text and the step asks the usual questions, which `kb check` warns about
    strays: list[str] = field(default_factory=list)


@dataclass
class Facts:
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    # (href as written, line, the link's own text, kb's URL for it or None when broken)
    links: list[tuple[str, int, str, str | None]] = field(default_factory=list)
    symptoms: str | None = None
    symptoms_html: str = ""
    steps: list[RawStep] | None = None  # from labelled blocks (Diagnosis:, then Solution:)
    steps_label: str = ""  # the label of the first of them
    step_roles: list[str] = field(default_factory=list)  # the roles they were read as
    intro: str = ""  # first paragraph that is not a label, as text
    intro_html: str = ""
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cell texts
    first_list: SyntaxTreeNode | None = None  # the first top-level list, for heading trees
    links_only: bool = False  # nothing but lists of links: a table of contents
    nodes: list[SyntaxTreeNode] = field(default_factory=list)  # top-level blocks, in order


@dataclass
class SectionReader:
    """Renders sections of one file; `env` is markdown-it's per-document state."""

    env: dict
    resolve: LinkResolver
    offset: int  # front-matter lines before the Markdown body

    def line_of(self, node_or_token) -> int:
        found = getattr(node_or_token, "map", None)
        return self.offset + found[0] + 1 if found else 0

    def read(self, tokens: list[Token], first_line: int) -> tuple[str, Facts]:
        """The section's HTML and what it holds; `first_line` for tokens without a map."""
        while tokens and tokens[-1].type == "hr":
            tokens = tokens[:-1]  # a closing `---` between sections is noise on its own page
        facts = Facts()
        self._links_and_headings(tokens, facts, first_line)
        nodes = SyntaxTreeNode(tokens).children
        _mark_branch_lists(nodes)
        _number_tables(nodes)
        html = render_tokens(tokens, self.env)
        self._blocks(nodes, facts)
        facts.nodes = nodes
        facts.links_only = bool(nodes) and all(_is_link_list(node) for node in nodes)
        return html, facts

    def _links_and_headings(self, tokens: list[Token], facts: Facts, first_line: int) -> None:
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                text = " ".join(inline_text(tokens[index + 1]).split())
                facts.headings.append((int(token.tag[1]), str(token.attrGet("id") or ""), text))
            if token.type != "inline":
                continue
            line = self.line_of(token) or first_line
            children = token.children or []
            for position, child in enumerate(children):
                if child.type != "link_open":
                    continue
                href = str(child.attrGet("href") or "")
                if is_internal(href):
                    resolved = self.resolve(href)
                    text = _link_text(children, position)
                    facts.links.append((href, line, text, resolved))
                    if resolved is not None:
                        child.attrSet("href", resolved)
                elif href.startswith(("http://", "https://")):
                    child.attrSet("rel", "noopener noreferrer")

    def _blocks(self, nodes: list[SyntaxTreeNode], facts: Facts) -> None:
        for index, node in enumerate(nodes):
            label = label_of(node)
            if node.type == "paragraph" and not facts.intro and label is None:
                facts.intro, facts.intro_html = self.text(node), self.html(node)
            if facts.first_list is None and node.type in _LISTS:
                facts.first_list = node
            if node.type == "table":
                facts.tables.append(self._table(node))
            if label in SYMPTOM_LABELS and facts.symptoms is None:
                facts.symptoms, facts.symptoms_html = self._after_label(node, nodes[index + 1 :])
            elif label in SOLUTION_LABELS:
                # one list per role: "How to investigate:" then "How to fix:"
                role = "diagnosis" if label in DIAGNOSIS_LABELS else "resolution"
                if role in facts.step_roles:
                    continue
                found = self._steps_after(nodes[index + 1 :])
                for step in found:
                    step.role = role
                facts.steps = [*(facts.steps or []), *found]
                facts.step_roles.append(role)
                facts.steps_label = facts.steps_label or label

    def html(self, node: SyntaxTreeNode) -> str:
        return render_tokens(node.to_tokens(), self.env).strip()

    def text(self, node: SyntaxTreeNode) -> str:
        return html_to_text(self.html(node))

    def _table(self, table: SyntaxTreeNode) -> list[list[str]]:
        rows = []
        for part in table.children:
            for row in part.children:
                cells = [
                    html_to_text(render_inline(cell.children[0].token.children or [], self.env))
                    if cell.children and cell.children[0].token
                    else ""
                    for cell in row.children
                ]
                rows.append(cells)
        return [row for row in rows if row]

    def _after_label(
        self, paragraph: SyntaxTreeNode, following: list[SyntaxTreeNode]
    ) -> tuple[str, str]:
        rest: list[Token] = []
        for child in _leading(paragraph.children[0])[1:]:
            rest.extend(child.to_tokens())
        while rest and rest[0].type in ("softbreak", "hardbreak"):
            rest = rest[1:]
        html = render_inline(rest, self.env).strip()
        text = html_to_text(html)
        if not text and following and following[0].type in ("paragraph", *_LISTS):
            text, html = self.text(following[0]), self.html(following[0])
        return text, html

    def _steps_after(self, following: list[SyntaxTreeNode]) -> list[RawStep]:
        for node in following:
            if node.type in _LISTS:
                return self.steps(node)
            if label_of(node) is not None or node.type == "heading":
                break
        return []

    def steps(self, listing: SyntaxTreeNode) -> list[RawStep]:
        steps = []
        for item in listing.children:
            branches: list[str] = []
            strays: list[str] = []
            body: list[Token] = []
            for child in item.children:
                if is_branch_list(child):
                    branches.extend(self.text(li) for li in child.children)
                    continue
                strays.extend(_strays(child))
                body.extend(child.to_tokens())
            html = render_tokens(body, self.env).strip()
            steps.append(
                RawStep(
                    html=html,
                    text=html_to_text(html),
                    check=check_name(item),
                    branches=branches,
                    line=self.line_of(item),
                    strays=strays,
                )
            )
        return steps


def _source_text(node: SyntaxTreeNode) -> str:
    return " ".join(n.content for n in node.walk() if n.type == "inline")


def is_branch_list(node: SyntaxTreeNode) -> bool:
    """A bullet list whose every item reads `answer → target`: a step's answers."""
    items = node.children
    return (
        node.type == "bullet_list"
        and bool(items)
        and all(BRANCH_ARROW.search(_source_text(item)) for item in items)
    )


def _strays(node: SyntaxTreeNode) -> list[str]:
    """In a bullet list where most items read `answer → target`, the items that do not."""
    if node.type != "bullet_list" or not node.children:
        return []
    texts = [_source_text(item) for item in node.children]
    arrows = sum(bool(BRANCH_ARROW.search(text)) for text in texts)
    if arrows * 2 < len(texts):
        return []
    return [text for text in texts if not BRANCH_ARROW.search(text)]


def _mark_branch_lists(nodes: list[SyntaxTreeNode]) -> None:
    """`class="branches"` on answer lists inside list items: styled as answers, and left
    out of the text that search indexes and snippets show."""
    for node in nodes:
        for inner in node.walk():
            if inner.type == "list_item":
                for child in inner.children:
                    if is_branch_list(child) and child.nester_tokens:
                        child.nester_tokens.opening.attrSet("class", "branches")


def _is_link_list(node: SyntaxTreeNode) -> bool:
    """A list whose every item is a lone link within the knowledge base (nested lists of the
    same kind allowed): a table of contents."""
    if node.type not in _LISTS:
        return False
    for item in node.children:
        for child in item.children:
            if child.type in _LISTS:
                if not _is_link_list(child):
                    return False
                continue
            if child.type != "paragraph":
                return False
            inline = [
                n
                for n in child.children[0].children
                if not (n.type == "text" and not n.content.strip())
            ]
            if len(inline) != 1 or inline[0].type != "link":
                return False
            if not is_internal(str(inline[0].attrs.get("href", ""))):
                return False  # a list of outside links (status pages…) is content
    return True


def _plain(node: SyntaxTreeNode) -> str:
    return "".join(
        n.content for n in node.walk() if n.type in ("text", "code_inline", "text_special")
    )


def _leading(inline: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """An inline node's children without the empty text markdown-it leaves before a mark."""
    children = inline.children
    start = 0
    while start < len(children) and children[start].type == "text" and not children[start].content:
        start += 1
    return children[start:]


# A label's role (kb.content.roles) as the label the guide finders read.
_ROLE_LABELS = {SYMPTOMS: "symptoms", DIAGNOSIS: "diagnosis", RESOLUTION: "solution"}
MAX_LABEL_CHARS = 40


def label_of(node: SyntaxTreeNode) -> str | None:
    """`**Symptoms:**` opening a paragraph names the block it starts; so does a short
    paragraph that is only a role's name and a colon, however emphasised (`How to fix:`,
    Grafana's `How to **investigate**:`). A role's other names read as its label."""
    if node.type != "paragraph" or not node.children:
        return None
    inline = node.children[0]
    children = _leading(inline)
    bold = children and children[0].type == "strong" and _LABEL.match(_plain(children[0]))
    if bold:
        label = bold.group(1).strip().lower()
    elif inline.content.rstrip(" *_").endswith(":"):
        # a line of its own that ends in a colon (the source is looked at first, as every
        # paragraph of every file passes here; only these are walked for their text)
        whole = _plain(node).strip()
        if not whole.endswith(":") or len(whole) > MAX_LABEL_CHARS:
            return None
        label = " ".join(whole[:-1].lower().split())
    else:
        return None
    if label in SYMPTOM_LABELS or label in SOLUTION_LABELS:
        return label
    # an unknown bold label still ends the block before it; a plain line is just text
    return _ROLE_LABELS.get(role_of(label) or "", label if bold else None)


def check_name(item: SyntaxTreeNode) -> str | None:
    """``**Check:** `probe-name` `` marks a step that runs a live check."""
    for node in item.walk():
        if node.type != "inline":
            continue
        children = node.children
        for index, child in enumerate(children):
            if child.type != "strong" or _plain(child).strip().rstrip(":").lower() != "check":
                continue
            for following in children[index + 1 :]:
                if following.type == "text" and not following.content.strip():
                    continue
                if following.type == "code_inline":
                    return following.content.strip()
                break
    return None


def _link_text(children: list[Token], start: int) -> str:
    """The visible text of the link opened at `start`: what its author called the target."""
    depth = 0
    for end, child in enumerate(children[start:], start):
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if depth == 0:
            return " ".join(children_text(children[start + 1 : end]).split())
    return ""
