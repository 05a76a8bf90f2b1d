"""Split a Markdown file into front matter and heading sections, from its token stream.

The file is parsed once; markdown-it's source maps give every heading its line. A section
starts at each top-level H1-H3 (setext or ATX); headings inside code, HTML blocks,
`<details>`, lists or quotes stay inside their section, as they do on GitHub's page.
Every heading gets GitHub's anchor as its `id`, in document order.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

import yaml
from markdown_it.token import Token

from kb.content.fields import declared_fields
from kb.content.markdown import FIELDS_ENV, parse
from kb.content.model import ContentError, Problem
from kb.content.slugs import Slugger, declared_slug, inline_text

_FRONT_MATTER = {"---": "---", "+++": "+++"}
# Hugo links: `{{< ref "x.md" >}}` and `relref` resolve like `x.md`; other shortcodes stay.
_REF_SHORTCODE = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+\"?([^\"\s>%}]+)\"?\s*[>%]\}\}")
_SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*([\w.-]+)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_TOML_LINE = re.compile(r"\(at line (\d+)")


@dataclass
class Section:
    level: int  # 0 for the part before the first section heading
    title: str  # the heading's text as a reader sees it
    anchor: str
    line: int  # 1-based line of the heading (of the first body line for level 0)
    tokens: list[Token] = field(default_factory=list)  # the heading's own tokens excluded
    heading: list[Token] = field(default_factory=list)  # heading_open, inline, heading_close
    inner_anchors: list[str] = field(default_factory=list)  # other headings inside, in order
    code: list[str] = field(default_factory=list)  # contents of its code blocks


@dataclass
class Outline:
    meta: dict
    title: str | None  # the H1 that titles the whole file, if there is one
    title_line: int
    title_anchor: str
    title_heading: list[Token]  # the title's heading tokens, if the file has a title H1
    sections: list[Section]
    anchors: dict[str, int]  # every heading anchor in the file -> its line
    env: dict  # markdown-it's per-document state: reference links, footnotes
    lines: list[str]  # the file's lines, for messages that point inside a block
    offset: int  # lines taken by front matter, to turn token maps into file lines
    problems: list[Problem] = field(default_factory=list)


def split_front_matter(text: str, source: str) -> tuple[dict, str, int]:
    """Return (meta, the rest of the text, number of lines consumed)."""
    lines = text.split("\n")
    opener = lines[0].strip() if lines else ""
    if opener not in _FRONT_MATTER:
        return {}, text, 0
    closer = _FRONT_MATTER[opener]
    for end in range(1, len(lines)):
        closing = lines[end].strip()
        if closing == closer or (opener == "---" and closing == "..."):
            break
    else:
        return {}, text, 0  # a lone rule at the top, not front matter
    body = "\n".join(lines[1:end])
    meta = _load_yaml(body, source) if opener == "---" else _load_toml(body, source)
    if not isinstance(meta, dict):
        raise ContentError(source, 1, f"front matter must be keys and values, not a {_kind(meta)}")
    return meta, "\n".join(lines[end + 1 :]), end + 1


def _kind(value: object) -> str:
    return {list: "list", str: "piece of text"}.get(type(value), type(value).__name__)


def meta_problems(meta: dict, lines: list[str], offset: int, source: str) -> list[Problem]:
    """Front-matter keys kb reads, of a shape it cannot use: said with their line, rather
    than a title shown as `[1, 2]` or a page served at `/a/../../etc`."""
    found: list[Problem] = []

    def wrong(key: str, message: str) -> None:
        found.append(
            Problem(source, meta_line(lines, offset, key), f"front matter '{key}' {message}")
        )

    title = meta.get("title")
    if title is not None and not isinstance(title, str | int | float):
        wrong("title", f"must be text, not a {_kind(title)}")
    aliases = meta.get("aliases")
    if aliases is not None and not isinstance(aliases, str | list | dict):
        wrong("aliases", "must be a name, a list of names, or section anchors mapped to names")
    slug = meta.get("slug")
    if slug is not None and declared_slug(slug) is None:
        wrong(
            "slug",
            "may hold only letters, digits, '-', '_' and '.' in parts joined by '/' (no '..')",
        )
    return found


def _load_yaml(body: str, source: str) -> object:
    try:
        return yaml.safe_load(body) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentError(source, line, f"front matter is not valid YAML: {reason}") from None


def _load_toml(body: str, source: str) -> object:
    """Hugo's `+++` front matter."""
    try:
        return tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        # tomllib says "at end of document" for an error on the last line.
        line = 1 + (int(found.group(1)) if found else body.count("\n") + 1)
        reason = str(exc).split(" (at ")[0]
        raise ContentError(source, line, f"front matter is not valid TOML: {reason}") from None


def _shortcodes(body: str, source: str, offset: int) -> tuple[str, list[Problem]]:
    """Hugo ref shortcodes become plain links; every other kind is warned about once."""
    problems: list[Problem] = []
    if "{{" not in body:
        return body, problems
    seen: set[str] = set()
    lines = body.split("\n")
    fence = ""  # the open code fence's marker; shortcodes in code are shown as written
    for index, line in enumerate(lines):
        marker = _FENCE.match(line)
        if marker and (not fence or marker.group(1).startswith(fence)):
            fence = "" if fence else marker.group(1)
            continue
        if fence:
            continue
        lines[index] = line = _REF_SHORTCODE.sub(lambda m: m.group(1), line)
        number = offset + index + 1
        for match in _SHORTCODE.finditer(line):
            kind = match.group(1)
            if kind not in seen:
                seen.add(kind)
                problems.append(
                    Problem(
                        source,
                        number,
                        f"Hugo shortcode '{kind}' is shown as written",
                        severity="warning",
                    )
                )
    return "\n".join(lines), problems


def outline(text: str, source: str) -> Outline:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    meta, body, offset = split_front_matter(text, source)
    body, problems = _shortcodes(body, source, offset)
    problems.extend(meta_problems(meta, text.split("\n"), offset, source))
    declared, wrong = declared_fields(meta)
    # Declared example values travel with markdown-it's env to the code renderers.
    env: dict = {FIELDS_ENV: declared} if declared else {}
    line = meta_line(text.split("\n"), offset, "fields")
    problems.extend(Problem(source, line, message) for message in wrong)
    tokens, footnotes = _footnotes(parse(body, env))
    found = Outline(
        meta=meta,
        title=None,
        title_line=0,
        title_anchor="",
        title_heading=[],
        sections=[Section(level=0, title="", anchor="", line=offset + 1)],
        anchors={},
        env=env,
        lines=text.split("\n"),
        offset=offset,
        problems=problems,
    )
    slugger = Slugger()
    details = 0  # how many <details> are open around the current token
    skip_until = -1  # index of the heading_close of a heading that opened a section
    for index, token in enumerate(tokens):
        if index <= skip_until:
            continue
        current = found.sections[-1]
        if token.type == "html_block":
            details += len(_DETAILS_OPEN.findall(token.content))
            details = max(0, details - len(_DETAILS_CLOSE.findall(token.content)))
        elif token.type in ("fence", "code_block"):
            current.code.append(token.content.rstrip("\n"))
        if token.type == "heading_open" and _heading(found, tokens, index, slugger, details):
            skip_until = index + 2
        else:
            current.tokens.append(token)
    for section in found.sections:
        heading = section.heading if section.level else found.title_heading
        section.tokens.extend(_notes_for(heading + section.tokens, footnotes))
    return found


def _footnotes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The file's tokens without markdown-it's footnote list, and each footnote's tokens by
    id. markdown-it puts every footnote after the file's last block, which would show them
    all in the last section."""
    start = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), None)
    if start is None:
        return tokens, {}
    notes: dict[int, list[Token]] = {}
    current: list[Token] = []
    for token in tokens[start:]:
        if token.type == "footnote_open":
            current = notes.setdefault(token.meta["id"], [])
        if token.type not in ("footnote_block_open", "footnote_block_close"):
            current.append(token)
    return tokens[:start], notes  # the list is the stream's end (markdown-it's footnote_tail)


def _notes_for(tokens: list[Token], footnotes: dict[int, list[Token]]) -> list[Token]:
    """A footnote list for the section that refers to them, as its last block, so its marks
    link within the section's own page (and a note's own references come along)."""
    wanted: list[int] = []
    pending = list(tokens)
    while pending:
        token = pending.pop(0)
        for child in token.children or ():
            note = child.meta.get("id") if child.type == "footnote_ref" else None
            if note in footnotes and note not in wanted:
                wanted.append(note)
                pending.extend(footnotes[note])
    if not wanted:
        return []
    items = [token for note in wanted for token in footnotes[note]]
    return [Token("footnote_block_open", "", 1), *items, Token("footnote_block_close", "", -1)]


def meta_line(lines: list[str], offset: int, key: str, after: int = 0) -> int:
    """The line of a front-matter key (a regex), for messages about it; `after` skips to a
    nested key's parent. The parent's line (or 1) when it is not found."""
    for number in range(after + 1, offset + 1):
        if re.match(rf"{key}\s*[:=]", lines[number - 1]):
            return number
    return after or 1


def _heading(
    found: Outline, tokens: list[Token], index: int, slugger: Slugger, details: int
) -> bool:
    """Give a heading its anchor; True when it opens a section (or titles the file)."""
    token = tokens[index]
    number = found.offset + (token.map[0] if token.map else 0) + 1
    plain = inline_text(tokens[index + 1])
    anchor = slugger.unique(plain)
    found.anchors.setdefault(anchor, number)
    token.attrSet("id", anchor)
    level = int(token.tag[1])
    if level > 3 or token.level != 0 or details or not any(c.isalnum() for c in plain):
        found.sections[-1].inner_anchors.append(anchor)
        return False
    title = " ".join(plain.split())
    if level == 1 and found.title is None and len(found.sections) == 1:
        # The file's own title: its text stays with the file's page, not a section.
        found.title, found.title_line, found.title_anchor = title, number, anchor
        found.title_heading = tokens[index : index + 3]
        return True
    heading = tokens[index : index + 3]
    found.sections.append(Section(level, title, anchor, number, heading=heading))
    return True
