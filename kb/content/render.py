"""Render one section of Markdown to HTML and pull out its structure on the way.

The structure (title, heading ids, internal links, labelled Symptoms/Solution blocks)
is read from Python-Markdown's element tree by a tree processor, never from HTML text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.serializers import to_html_string
from markdown.treeprocessors import Treeprocessor

from kb.content.slugs import github_slug
from kb.content.text import html_to_text

LinkResolver = Callable[[str], str | None]

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z ]{1,30}?)\s*:?\s*$")
SYMPTOM_LABELS = {"symptoms", "symptom"}
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


def is_internal(href: str) -> bool:
    return bool(href) and not _EXTERNAL.match(href)


@dataclass
class RawStep:
    """A numbered step as found in the element tree, before it becomes a tree node."""

    html: str
    text: str
    check: str | None = None
    branches: list[str] = field(default_factory=list)  # each "label → target" as text


@dataclass
class Facts:
    title_text: str = ""
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    symptoms: str | None = None
    symptoms_html: str = ""
    steps: list[RawStep] | None = None  # from a labelled Solution block
    first_list: list[RawStep] | None = None  # the first top-level list, for heading trees
    intro: str = ""  # first paragraph, as text
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cell texts


@dataclass
class RenderJob:
    """What a render needs to know from outside the section, and what it reports back."""

    resolve: LinkResolver
    inner_anchors: list[str]
    strip_heading: bool
    facts: Facts = field(default_factory=Facts)


def _text(element: etree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


class _StructureProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, owner: ArticleExtension):
        super().__init__(md)
        self.owner = owner

    def run(self, root: etree.Element) -> None:
        job = self.owner.job
        if job is None:
            return
        facts = job.facts
        if job.strip_heading and len(root) and root[0].tag in ("h1", "h2", "h3"):
            heading = root[0]
            facts.title_text = self._fragment_text(heading)
            root.remove(heading)
        # A closing `---` separates sections in a long runbook; on its own page it is noise.
        while len(root) and root[-1].tag == "hr":
            root.remove(root[-1])
        anchors = list(job.inner_anchors)
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                # Pair with the outline's anchors in order; a heading the outline did not
                # see (inside a quote or a list) must not shift the ones after it.
                text = _text(element)
                base = github_slug(text) or "section"
                if anchors and (anchors[0] == base or anchors[0].startswith(base + "-")):
                    anchor = anchors.pop(0)
                    element.set("id", anchor)
                    facts.headings.append((int(element.tag[1]), anchor, text))
            elif element.tag == "a":
                href = element.get("href", "")
                if is_internal(href):
                    facts.links.append(href)
                    resolved = job.resolve(href)
                    if resolved is not None:
                        element.set("href", resolved)
                elif href.startswith(("http://", "https://")):
                    element.set("rel", "noopener noreferrer")
        self._find_blocks(root, facts)
        for table in root.iter("table"):
            rows = [[self._fragment_text(cell) for cell in row] for row in table.iter("tr")]
            facts.tables.append([row for row in rows if row])

    def _find_blocks(self, root: etree.Element, facts: Facts) -> None:
        children = list(root)
        for index, element in enumerate(children):
            if element.tag == "p" and not facts.intro:
                facts.intro = self._fragment_text(element)
            if facts.first_list is None and element.tag in ("ol", "ul"):
                facts.first_list = self._steps(element)
            label = self._label(element)
            if label in SYMPTOM_LABELS and facts.symptoms is None:
                facts.symptoms, facts.symptoms_html = self._after_label(
                    element, children[index + 1 :]
                )
            elif label in SOLUTION_LABELS and facts.steps is None:
                facts.steps = self._steps_after(children[index + 1 :])

    @staticmethod
    def _label(element: etree.Element) -> str | None:
        """`**Symptoms:**` opening a paragraph names the block it starts."""
        if element.tag != "p" or not len(element) or element[0].tag not in ("strong", "b"):
            return None
        if (element.text or "").strip():
            return None
        match = _LABEL.match("".join(element[0].itertext()))
        return match.group(1).strip().lower() if match else None

    def _after_label(
        self, element: etree.Element, following: list[etree.Element]
    ) -> tuple[str, str]:
        copy = etree.Element("p")
        copy.text = (element[0].tail or "").lstrip()
        for child in list(element)[1:]:
            copy.append(child)
        text, html = self._fragment_text(copy), self._inner_html(copy)
        if not text and following and following[0].tag in ("p", "ul", "ol"):
            text, html = self._fragment_text(following[0]), self._serialize(following[0])
        return text, html

    def _steps_after(self, following: list[etree.Element]) -> list[RawStep]:
        for element in following:
            if element.tag in ("ol", "ul"):
                return self._steps(element)
            if self._label(element) is not None or element.tag.startswith("h"):
                break
        return []

    def _steps(self, listing: etree.Element) -> list[RawStep]:
        steps = []
        for item in listing.findall("li"):
            branches: list[str] = []
            body = etree.Element("div")
            body.text = item.text
            for child in item:
                if child.tag == "ul" and self._is_branch_list(child):
                    branches.extend(self._fragment_text(li) for li in child.findall("li"))
                    if child.tail and child.tail.strip():
                        body.append(etree.Element("span"))
                        body[-1].text = child.tail
                    continue
                body.append(child)
            steps.append(
                RawStep(
                    html=self._inner_html(body),
                    text=self._fragment_text(body),
                    check=self._check_name(body),
                    branches=branches,
                )
            )
        return steps

    def _is_branch_list(self, listing: etree.Element) -> bool:
        items = listing.findall("li")
        return bool(items) and all(BRANCH_ARROW.search(self._fragment_text(li)) for li in items)

    @staticmethod
    def _check_name(body: etree.Element) -> str | None:
        """`**Check:** `probe-name`` marks a step that runs a live check."""
        for parent in body.iter():
            children = list(parent)
            for index, child in enumerate(children[:-1]):
                label = "".join(child.itertext()).strip().rstrip(":").lower()
                if child.tag in ("strong", "b") and label == "check":
                    following = children[index + 1]
                    if following.tag == "code" and not (child.tail or "").strip():
                        return (following.text or "").strip()
        return None

    def _serialize(self, element: etree.Element) -> str:
        html = to_html_string(element)
        for processor in self.md.postprocessors:
            html = processor.run(html)
        return html

    def _inner_html(self, element: etree.Element) -> str:
        wrapper = self._serialize(element)
        start = wrapper.find(">") + 1
        end = wrapper.rfind("</")
        return wrapper[start:end].strip() if end >= start else ""

    def _fragment_text(self, element: etree.Element) -> str:
        return html_to_text(self._inner_html(element))


_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( {1,4})(?=\S)")
_FENCE_LINE = re.compile(r"^ *(`{3,}|~{3,})")


class _ListIndentPreprocessor(Preprocessor):
    """Read lists the way GitHub does, so runbooks render as their authors saw them.

    Python-Markdown wants four spaces before nested content and a blank line before a
    list; GitHub (CommonMark) nests at the marker's width (three spaces under `1.`) and
    lets a list interrupt a paragraph, as the runbook's `**Solution:**` lists do.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        items: list[tuple[int, int]] = []  # (content column in source, column in output)
        fence: str | None = None
        previous_blank, previous_text = True, False
        # Inside a list item, Python-Markdown nests a list straight after the item's first
        # paragraph, but after a later paragraph it needs the blank line, as at top level.
        later_paragraph = False
        for line in lines:
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            if not stripped:
                out.append(line)
                previous_blank, previous_text = True, False
                continue
            match = None if fence else _ITEM.match(line)
            if fence is None:
                while items and indent < items[-1][0] and (match or previous_blank):
                    items.pop()
            shift = items[-1][1] - items[-1][0] if items and indent >= items[-1][0] else 0
            if fence is not None:
                if stripped.startswith(fence):
                    fence = None
                out.append(" " * max(indent + shift, 0) + stripped)
                continue
            fence_match = _FENCE_LINE.match(line)
            if fence_match:
                fence = fence_match.group(1)
            if match:
                marker = match.group(2)
                interrupts = marker[0] in "-*+" or marker[:-1] == "1"
                if previous_text and interrupts and (not items or later_paragraph):
                    out.append("")
                new_indent = indent + shift
                source_content = indent + len(marker) + len(match.group(3))
                items.append((source_content, new_indent + 4))
                out.append(" " * new_indent + marker + " " + line[match.end() :])
                previous_blank, previous_text, later_paragraph = False, False, False
                continue
            out.append(" " * (indent + shift) + stripped)
            later_paragraph = later_paragraph or previous_blank
            previous_blank = False
            previous_text = not stripped.startswith(("#", "|", ">", "<"))
        return out


class ArticleExtension(Extension):
    def __init__(self, **kwargs):
        self.job: RenderJob | None = None
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After inline processing (20) so text and links are final, before prettify (10).
        md.treeprocessors.register(_StructureProcessor(md, self), "kb-structure", 15)
        # After whitespace normalisation (30), before fenced code is stashed (25).
        md.preprocessors.register(_ListIndentPreprocessor(md), "kb-list-indent", 28)


def new_renderer() -> tuple[markdown.Markdown, ArticleExtension]:
    """A fresh Markdown instance per document, as Python-Markdown's state is per instance."""
    extension = ArticleExtension()
    md = markdown.Markdown(
        extensions=[
            "tables",
            "sane_lists",
            "pymdownx.superfences",
            "pymdownx.highlight",
            extension,
        ],
        extension_configs={
            "pymdownx.highlight": {
                "css_class": "highlight",
                "guess_lang": False,
                "pygments_lang_class": True,
            }
        },
        output_format="html",
    )
    return md, extension


def render(md: markdown.Markdown, extension: ArticleExtension, source: str, job: RenderJob) -> str:
    extension.job = job
    md.reset()
    try:
        return md.convert(source)
    finally:
        extension.job = None
