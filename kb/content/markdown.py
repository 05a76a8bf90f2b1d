"""The Markdown kb reads: CommonMark plus what GitHub adds, as markdown-it-py implements it.

Runbooks are written on GitHub or GitLab and read there, so "Markdown" here means what
those sites render: CommonMark (a specification with a test suite, not one tool's habits)
and GitHub's extensions (tables, strikethrough, task lists, bare-URL links, footnotes,
`> [!WARNING]` alerts). MkDocs-style `!!! warning` admonitions are read too, as runbooks
often come from MkDocs sites. `render_html` is exactly the path an article body takes.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.gfm import gfm_plugin

from kb.content import fields
from kb.content.codeblocks import code_html, danger_callout
from kb.content.sanitize import clean_html

# Where a document's front matter `fields` ride through rendering (markdown-it's `env`).
FIELDS_ENV = "kb.fields"


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


@cache
def parser() -> MarkdownIt:
    """One configured parser; markdown-it keeps per-document state in `env`, so it is shared."""
    md = MarkdownIt("commonmark")
    md.use(gfm_plugin).use(admon_plugin)
    md.core.ruler.push("kb_github_tags", _github_tags)
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
