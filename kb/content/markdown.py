"""The Markdown kb reads: CommonMark plus what GitHub adds, as markdown-it-py implements it.

Runbooks are written on GitHub or GitLab and read there, so "Markdown" here means what
those sites render: CommonMark (a specification with a test suite, not one tool's habits)
and GitHub's extensions (tables, strikethrough, task lists, bare-URL links, footnotes,
`> [!WARNING]` alerts). MkDocs-style `!!! warning` admonitions are read too, as runbooks
often come from MkDocs sites. `render_html` renders as an article body is rendered; a
file's sections are rendered apart (kb.content.outline), each with its own footnotes.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.admon.index import admonition as admonition_rule
from mdit_py_plugins.gfm import gfm_plugin

from kb.content import fields
from kb.content.codeblocks import code_html, danger_callout
from kb.content.sanitize import clean_html

# Where a document's front matter `fields` ride through rendering (markdown-it's `env`).
FIELDS_ENV = "kb.fields"

# GFM's tag filter: raw HTML that would swallow or run the rest of the page is shown as text.
_DISALLOWED_TAG = re.compile(
    r"<(?=/?(?:title|textarea|style|xmp|iframe|noembed|noframes|script|plaintext)[\s/>])",
    re.IGNORECASE,
)
# The start of an address's name that the autolink plugin left behind at a `_`.
_EMAIL_HEAD = re.compile(r"(?<![\w.+-])[\w.+-]*_$", re.ASCII)
# What MkDocs (Python-Markdown) reads as an admonition's first line: a type, more class
# words, an optional quoted title. `!!! WARNING! untested !!!` is a paragraph there.
_ADMONITION_LINE = re.compile(r'(?:!!!|\?\?\?\+?) ?[\w-]+(?: +[\w-]+)*(?: +".*")? *$')


def _fence(self, tokens, idx, options, env) -> str:
    """A fenced block: the warning about any destructive command in it, then its code,
    coloured, one span per command, its fill-in fields marked (kb.content.codeblocks)."""
    token = tokens[idx]
    info = unescapeAll(token.info).strip() if token.info else ""
    lang = info.split(maxsplit=1)[0] if info else ""
    classes = f' class="{options.langPrefix}{escapeHtml(lang)}"' if lang else ""
    code = code_html(token.content, lang, env.get(FIELDS_ENV))
    return f"{danger_callout(token.content, lang)}<pre><code{classes}>{code}</code></pre>\n"


def _code_block(self, tokens, idx, options, env) -> str:
    """An indented block: read like a fenced block without a language."""
    code = tokens[idx].content
    html = code_html(code, "", env.get(FIELDS_ENV))
    return f"{danger_callout(code, '')}<pre><code>{html}</code></pre>\n"


def _code_inline(self, tokens, idx, options, env) -> str:
    content = tokens[idx].content
    found = fields.find_placeholders(content, "", env.get(FIELDS_ENV))
    if not found:
        return RendererHTML.code_inline(self, tokens, idx, options, env)
    return f"<code>{fields.mark(content, found)}</code>"


def _github_tags(state: StateCore) -> None:
    """Write what GitHub writes: `<del>` for strikethrough, and `align` for table alignment
    instead of `style="text-align:…"` (no inline style, so the page's Content-Security-Policy
    needs no `unsafe-inline`, and the sanitiser keeps it)."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type in ("s_open", "s_close"):
                child.tag = "del"
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrs["align"] = style.partition(":")[2]


def _tag_filter(state: StateCore) -> None:
    """GFM's disallowed raw HTML: `<title>`, `<script>`… start as `&lt;`, as on GitHub. The
    sanitiser would otherwise read the rest of a section as that tag's text."""
    for token in state.tokens:
        tokens = token.children if token.type == "inline" else [token]
        for child in tokens or ():
            if child.type in ("html_block", "html_inline"):
                child.content = _DISALLOWED_TAG.sub("&lt;", child.content)


def _whole_email_addresses(state: StateCore) -> None:
    """A bare address with `_` in its name links whole, as on GitHub: the autolink plugin
    sees only the part after the last `_` (emphasis takes the `_` first), so
    `john_doe@example.com` would send mail to `doe@example.com`."""
    for token in state.tokens:
        children = token.children or []
        for index in range(1, len(children) - 1):
            link, before, label = children[index], children[index - 1], children[index + 1]
            href = str(link.attrs.get("href", ""))
            if not (link.markup == "autolink" and href.startswith("mailto:")):
                continue
            cut = _EMAIL_HEAD.search(before.content) if before.type == "text" else None
            if cut and label.type == "text":
                before.content = before.content[: cut.start()]
                label.content = cut.group() + label.content
                link.attrs["href"] = "mailto:" + label.content


def _footnote_caption(self, tokens, idx, options, env) -> str:
    """A footnote's mark is its number, as GitHub shows it (markdown-it writes `[1]`, and
    `[1:1]` where the note is referred to again)."""
    return str(tokens[idx].meta["id"] + 1)


def _footnote_open(self, tokens, idx, options, env) -> str:
    """A note keeps its number in a section's own list, which holds only that section's
    notes (kb.content.outline), so the list does not count from 1."""
    number = tokens[idx].meta["id"] + 1
    return f'<li id="fn{number}" class="footnote-item" value="{number}">'


def _only_mkdocs_admonitions(md: MarkdownIt) -> None:
    """Read `!!!` lines as admonitions only where MkDocs would, so a line such as
    `!!! WARNING! untested !!!` stays the paragraph its author wrote."""

    def admonition(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        begin = state.bMarks[start] + state.tShift[start]
        if not _ADMONITION_LINE.match(state.src, begin, state.eMarks[start]):
            return False
        return admonition_rule(state, start, end, silent)

    alt = ["paragraph", "reference", "blockquote", "list"]
    md.block.ruler.at("admonition", admonition, {"alt": alt})


@cache
def parser() -> MarkdownIt:
    """One configured parser; markdown-it keeps per-document state in `env`, so it is shared."""
    md = MarkdownIt("commonmark")
    md.use(gfm_plugin).use(admon_plugin)
    _only_mkdocs_admonitions(md)
    # Link text is shown as written (GitHub does); markdown-it would decode `%7B` to `{`,
    # and a responder copying the text would copy a different URL.
    md.normalizeLinkText = lambda text: text
    md.core.ruler.push("kb_github_tags", _github_tags)
    md.core.ruler.push("kb_tag_filter", _tag_filter)
    md.core.ruler.push("kb_whole_email_addresses", _whole_email_addresses)
    md.add_render_rule("footnote_caption", _footnote_caption)
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    md.add_render_rule("code_inline", _code_inline)
    return md


def parse(text: str, env: dict | None = None) -> list[Token]:
    return parser().parse(text, env if env is not None else {})


def render_tokens(tokens: list[Token], env: dict) -> str:
    md = parser()
    return md.renderer.render(tokens, md.options, env)


def render_inline(children: list[Token], env: dict) -> str:
    md = parser()
    return md.renderer.renderInline(children, md.options, env)


def render_html(text: str) -> str:
    """Markdown to the HTML a page shows: rendered, then sanitised."""
    return clean_html(parser().render(text))
