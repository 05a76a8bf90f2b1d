"""Reading the GFM spec's examples, and the normalisation used to compare HTML.

Two renderings count as equal when they differ only in:
- anything an HTML5 parser (a browser) reads the same way: both sides are parsed into a
  DOM first, so a tag a browser closes by itself compares equal to one closed in the text;
- whitespace between block-level tags, and runs of whitespace outside `<pre>`;
- attribute order, entity spelling (`&quot;` / `"`), and boolean attributes' values;
- what kb adds on purpose: heading `id`s, `rel` on links, highlighting `<span>`s and
  `class`es on `pre`/`code`, and the classes that mark task lists (`contains-task-list`,
  `task-list-item`, `task-list-item-checkbox`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import html5lib

FENCE = "`" * 32
_BLOCK = (
    "address|article|aside|blockquote|details|div|dl|dd|dt|fieldset|figure|footer|form|"
    "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
_AROUND_BLOCK = re.compile(rf"\s*(</?(?:{_BLOCK})\b[^>]*>)\s*")
_BOOLEAN = {"disabled", "checked"}
_VOID = {"br", "hr", "img", "input", "area", "col", "embed", "source", "wbr"}
_TASK_CLASSES = {"contains-task-list", "task-list-item", "task-list-item-checkbox"}


@dataclass(frozen=True)
class Example:
    number: int
    section: str
    markdown: str
    html: str


def read_examples(path: Path) -> list[Example]:
    examples: list[Example] = []
    section = ""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#") and not line.startswith(FENCE):
            section = line.lstrip("#").strip()
        if line.startswith(FENCE + " example"):
            block: list[str] = []
            index += 1
            while not lines[index].startswith(FENCE):
                block.append(lines[index])
                index += 1
            split = block.index(".")
            markdown = "\n".join(block[:split]).replace("→", "\t")
            expected = "\n".join(block[split + 1 :]).replace("→", "\t")
            examples.append(Example(len(examples) + 1, section, markdown + "\n", expected + "\n"))
        index += 1
    return examples


def _attributes(tag: str, attrs: dict[str, str]) -> str:
    kept = []
    for name, value in attrs.items():
        if name == "id" and re.fullmatch(r"h[1-6]", tag):
            continue
        if name == "rel" and tag == "a":
            continue
        if name == "class" and (tag in ("pre", "code") or set(value.split()) <= _TASK_CLASSES):
            continue
        value = "" if name in _BOOLEAN else value
        kept.append(f' {name}="{html.escape(value)}"')
    return "".join(sorted(kept))


def _serialise(element, out: list[str], in_pre: bool, in_code: bool) -> None:
    tag = element.tag
    if not isinstance(tag, str):  # a comment
        out.append(f"<!--{element.text or ''}-->")
    elif in_code and tag == "span":
        pass  # kb's highlighting
    else:
        out.append(f"<{tag}{_attributes(tag, dict(element.attrib))}>")
    in_pre, in_code = in_pre or tag == "pre", in_code or tag == "code"
    if element.text and isinstance(tag, str):
        out.append(_text(element.text, in_pre))
    for child in element:
        _serialise(child, out, in_pre, in_code)
        if child.tail:
            out.append(_text(child.tail, in_pre))
    if isinstance(tag, str) and tag not in _VOID and not (in_code and tag == "span"):
        out.append(f"</{tag}>")


def _text(data: str, in_pre: bool) -> str:
    return html.escape(data if in_pre else re.sub(r"\s+", " ", data), quote=False)


def normalise(text: str) -> str:
    """The DOM a browser builds from `text` (HTML5 parsing), written out canonically."""
    fragment = html5lib.parseFragment(text, namespaceHTMLElements=False)
    out: list[str] = []
    if fragment.text:
        out.append(_text(fragment.text, False))
    for child in fragment:
        _serialise(child, out, False, False)
        if child.tail:
            out.append(_text(child.tail, False))
    return _AROUND_BLOCK.sub(r"\1", "".join(out)).strip()
