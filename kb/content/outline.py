"""Split a Markdown file into front matter and heading sections, with line numbers.

Python-Markdown keeps no source positions, so the one line-aware pass happens here:
it decides where articles start (ATX headings H1-H3 outside code fences) and which
line each heading is on. Everything inside a section is left to Python-Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from kb.content.model import ContentError
from kb.content.slugs import Slugger, heading_text

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_REFDEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S")
_FRONT_MATTER = {"---": "---", "+++": "+++"}


@dataclass
class Section:
    level: int  # 0 for the part before the first section heading
    title: str  # heading text with inline Markdown stripped
    anchor: str
    line: int  # 1-based line of the heading (of the first body line for level 0)
    lines: list[str] = field(default_factory=list)  # heading line included
    inner_anchors: list[str] = field(default_factory=list)  # H4-H6 inside, in order
    code: list[str] = field(default_factory=list)  # contents of its fenced blocks


@dataclass
class Outline:
    meta: dict
    title: str | None  # the H1 that titles the whole file, if there is one
    title_line: int
    title_anchor: str
    sections: list[Section]
    refdefs: list[str]  # reference-style link definitions, shared by all sections
    anchors: dict[str, int]  # every heading anchor in the file -> its line


def split_front_matter(text: str, source: str) -> tuple[dict, list[str], int]:
    """Return (meta, remaining lines, number of lines consumed)."""
    lines = text.split("\n")
    opener = lines[0].strip() if lines else ""
    if opener not in _FRONT_MATTER:
        return {}, lines, 0
    closer = _FRONT_MATTER[opener]
    for end in range(1, len(lines)):
        closing = lines[end].strip()
        if closing == closer or (opener == "---" and closing == "..."):
            break
    else:
        return {}, lines, 0  # a lone rule at the top, not front matter
    body = "\n".join(lines[1:end])
    meta: object = {}
    if opener == "---":
        try:
            meta = yaml.safe_load(body) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = 2 + (mark.line if mark else 0)
            reason = getattr(exc, "problem", None) or "invalid YAML"
            raise ContentError(source, line, f"front matter is not valid YAML: {reason}") from None
    # TOML front matter (Hugo's +++) is skipped rather than parsed: nothing we use lives there.
    if not isinstance(meta, dict):
        meta = {}
    return meta, lines[end + 1 :], end + 1


def outline(text: str, source: str) -> Outline:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    meta, lines, offset = split_front_matter(text, source)
    slugger = Slugger()
    anchors: dict[str, int] = {}
    refdefs: list[str] = []
    sections = [Section(level=0, title="", anchor="", line=offset + 1)]
    title: str | None = None
    title_line = 0
    title_anchor = ""
    fence: tuple[str, int] | None = None  # (fence char, length) while inside one
    code_lines: list[str] = []

    for index, line in enumerate(lines):
        number = offset + index + 1
        current = sections[-1]
        fence_match = _FENCE.match(line)
        if fence is not None:
            closes = (
                fence_match
                and fence_match.group(2)[0] == fence[0]
                and len(fence_match.group(2)) >= fence[1]
                and not line[fence_match.end() :].strip()
            )
            if closes:
                fence = None
                current.code.append("\n".join(code_lines))
                code_lines = []
                current.lines.append(line)
                continue
            code_lines.append(line)
            current.lines.append(line)
            continue
        if fence_match:
            fence = (fence_match.group(2)[0], len(fence_match.group(2)))
            current.lines.append(line)
            continue
        if _REFDEF.match(line):
            refdefs.append(line.strip())
        heading = _ATX.match(line)
        if not heading:
            current.lines.append(line)
            continue
        level = len(heading.group(1))
        raw = (heading.group(2) or "").strip()
        plain = heading_text(raw)
        anchor = slugger.unique(plain)
        anchors.setdefault(anchor, number)
        decorative = not any(ch.isalnum() for ch in plain)
        if level >= 4 or decorative:
            current.inner_anchors.append(anchor)
            current.lines.append(line)
            continue
        if level == 1 and title is None and len(sections) == 1:
            # The file's own title: its text stays with the file's page, not a section.
            title, title_line, title_anchor = plain, number, anchor
            current.lines.append("")  # keeps the section's lines aligned with the file's
            continue
        sections.append(Section(level=level, title=plain, anchor=anchor, line=number, lines=[line]))

    if fence is not None and code_lines:
        sections[-1].code.append("\n".join(code_lines))
    return Outline(
        meta=meta,
        title=title,
        title_line=title_line,
        title_anchor=title_anchor,
        sections=sections,
        refdefs=refdefs,
        anchors=anchors,
    )
