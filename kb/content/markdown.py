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
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.gfm import gfm_plugin

from kb.content.codeblocks import code_html, danger_callout
from kb.content.sanitize import clean_html


def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Code inside markdown-it's own `<pre><code class="language-x">`: coloured, one span
    per command (see kb.content.codeblocks)."""
    return code_html(code, lang)


def _fence(self, tokens, idx, options, env) -> str:
    """A fenced block, after the warning about any destructive command in it."""
    token = tokens[idx]
    lang = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return danger_callout(token.content, lang) + RendererHTML.fence(self, tokens, idx, options, env)


def _code_block(self, tokens, idx, options, env) -> str:
    """An indented block: read like a fenced block without a language."""
    code = tokens[idx].content
    return f"{danger_callout(code, '')}<pre><code>{code_html(code, '')}</code></pre>\n"


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
    md = MarkdownIt("commonmark", {"highlight": _highlight})
    md.use(gfm_plugin).use(admon_plugin)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    md.core.ruler.push("kb_github_tags", _github_tags)
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
