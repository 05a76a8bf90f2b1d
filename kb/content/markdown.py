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
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.gfm import gfm_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from kb.content.sanitize import clean_html

_FORMATTER = HtmlFormatter(nowrap=True)
# Past this size a code block is shown plain: colouring a log dump helps nobody and costs.
_HIGHLIGHT_LIMIT = 20_000


@cache
def _lexer(lang: str):
    try:
        return get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Pygments colouring inside markdown-it's own `<pre><code class="language-x">`."""
    lexer = _lexer(lang.lower()) if lang and len(code) <= _HIGHLIGHT_LIMIT else None
    return pygments_highlight(code, lexer, _FORMATTER) if lexer else ""


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
