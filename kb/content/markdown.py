"""The Markdown kb reads: CommonMark plus what GitHub adds, as markdown-it-py implements it.

Runbooks are written on GitHub or GitLab and read there, so "Markdown" here means what
those sites render: CommonMark (a specification with a test suite, not one tool's habits)
and GitHub's extensions (tables, strikethrough, task lists, bare-URL links, footnotes,
`> [!WARNING]` alerts). MkDocs-style `!!! warning` admonitions are read too, as runbooks
often come from MkDocs sites. `render_html` is exactly the path an article body takes.
"""

from __future__ import annotations

import io
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.gfm import gfm_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from kb.content import fields
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


# Where a document's front matter `fields` ride through rendering (markdown-it's `env`).
FIELDS_ENV = "kb.fields"


def _marked_highlight(code: str, lang: str, found: list[fields.Placeholder]) -> str:
    """Pygments colouring with the fields marked: tokens are cut at a field's edges, and a
    field's own text is one plain span, so filling it in replaces exactly that text."""
    lexer = _lexer(lang.lower()) if lang and len(code) <= _HIGHLIGHT_LIMIT else None
    if lexer is None:
        return fields.mark(code, found)
    tokens = list(lexer.get_tokens_unprocessed(code))
    parts, cursor = [], 0
    for placeholder in found:
        parts.append(_format_range(tokens, cursor, placeholder.start))
        parts.append(fields.span(placeholder.name, code[placeholder.start : placeholder.end]))
        cursor = placeholder.end
    parts.append(_format_range(tokens, cursor, len(code)))
    return "".join(parts)


def _format_range(tokens: list, start: int, end: int) -> str:
    pieces = []
    for offset, kind, value in tokens:
        low, high = max(start, offset), min(end, offset + len(value))
        if low < high:
            pieces.append((kind, value[low - offset : high - offset]))
    if not pieces:
        return ""
    out = io.StringIO()
    _FORMATTER.format(pieces, out)
    html = out.getvalue()
    # Pygments ends every line it writes with a newline; a range cut mid-line has none.
    if not pieces[-1][1].endswith("\n") and html.endswith("\n"):
        html = html[:-1]
    return html


def _fence(self, tokens, idx, options, env) -> str:
    """A fenced block, its fields marked (kb.content.fields); unchanged when it has none."""
    token = tokens[idx]
    info = unescapeAll(token.info).strip() if token.info else ""
    lang = info.split(maxsplit=1)[0] if info else ""
    found = fields.find_placeholders(token.content, lang, env.get(FIELDS_ENV))
    if not found:
        return RendererHTML.fence(self, tokens, idx, options, env)
    classes = f' class="{options.langPrefix}{escapeHtml(lang)}"' if lang else ""
    return f"<pre><code{classes}>{_marked_highlight(token.content, lang, found)}</code></pre>\n"


def _code_block(self, tokens, idx, options, env) -> str:
    """An indented block: no language, so only `<NAME>` and declared example values."""
    found = fields.find_placeholders(tokens[idx].content, "", env.get(FIELDS_ENV))
    if not found:
        return RendererHTML.code_block(self, tokens, idx, options, env)
    return f"<pre><code>{fields.mark(tokens[idx].content, found)}</code></pre>\n"


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
    md = MarkdownIt("commonmark", {"highlight": _highlight})
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
