"""How a code block is shown: coloured, each command in a span of its own, the dangerous ones
marked, and a callout above the block saying what they do.

All of it is HTML made on the server, so the warning is there without JavaScript; the page's
script only adds a copy button beside each `span.command`. A `$ ` prompt is wrapped apart so
that neither selecting nor copying takes it.
"""

from __future__ import annotations

import io
from functools import cache, lru_cache
from html import escape

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from kb.content import fields
from kb.content.commands import (
    PROMPT,
    Command,
    block_lines,
    is_command_language,
    is_transcript,
    split_commands,
)
from kb.content.danger import Danger, find_dangers

_FORMATTER = HtmlFormatter(nowrap=True)
# Past this size a code block is shown plain: colouring a log dump helps nobody and costs.
HIGHLIGHT_LIMIT = 20_000
SHOWN_COMMAND = 90  # characters of a command quoted in the callout


@cache
def _lexer(lang: str):
    try:
        return get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight_lines(lines: list[str], lang: str, found=()) -> list[str]:
    """Each line as HTML, coloured by Pygments when it knows the language, with the fill-in
    fields `found` (offsets into the lines joined by newlines) each one plain span, so that
    filling one in replaces exactly its text. Pygments closes its spans at every line end,
    and a field never spans lines, so lines can be wrapped one by one."""
    text = "\n".join(lines) + "\n"
    lexer = _lexer(lang.lower()) if lang else None
    if lexer is None or len(text) > HIGHLIGHT_LIMIT:
        html = fields.mark(text, list(found))
    elif not found:
        html = highlight(text, lexer, _FORMATTER)
    else:
        tokens = list(lexer.get_tokens_unprocessed(text))
        parts, cursor = [], 0
        for placeholder in found:
            parts.append(_format_range(tokens, cursor, placeholder.start))
            parts.append(fields.span(placeholder.name, text[placeholder.start : placeholder.end]))
            cursor = placeholder.end
        parts.append(_format_range(tokens, cursor, len(text)))
        html = "".join(parts)
    return html.split("\n")[: len(lines)]


def _format_range(tokens: list, start: int, end: int) -> str:
    """Pygments' HTML for the text from `start` to `end`, tokens cut at those edges."""
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


@lru_cache(maxsize=512)
def analyse(code: str, lang: str) -> tuple[tuple[Command, ...], tuple[Danger, ...]]:
    commands = split_commands(code, lang)
    return tuple(commands), tuple(find_dangers(commands))


def code_html(code: str, lang: str, declared: dict[str, str] | None = None) -> str:
    """The inside of `<pre><code>` for a block; `declared` are the front matter's fields."""
    lines = block_lines(code)
    commands, dangers = analyse(code, lang)
    transcript = is_transcript(lines, lang)
    one_by_one = transcript or is_command_language(lang)
    marked = {danger.command.first for danger in dangers}
    if transcript:
        shown = _transcript_lines(lines, commands, lang, declared)
    else:
        found = fields.find_placeholders("\n".join(lines) + "\n", lang, declared)
        shown = highlight_lines(lines, lang, found)
    starts = {command.first: command for command in commands}
    out: list[str] = []
    index = 0
    while index < len(lines):
        command = starts.get(index)
        if command is None or not (one_by_one or index in marked):
            out.append(shown[index] + "\n")
            index += 1
            continue
        css = ("command " if one_by_one else "") + ("danger" if index in marked else "")
        body = "\n".join(shown[command.first : command.last + 1])
        out.append(f'<span class="{css.strip()}">{body}\n</span>')
        index = command.last + 1
    html = "".join(out)
    return html if code.endswith("\n") else html.removesuffix("\n")


def _transcript_lines(
    lines: list[str], commands: tuple[Command, ...], lang: str, declared: dict[str, str] | None
) -> list[str]:
    """A console transcript: commands coloured as shell with their fields marked, prompts
    apart, output as it is."""
    shown = [escape(line, quote=False) for line in lines]
    shell = "bash" if lang.lower() in ("", "console", "shell-session", "terminal") else lang
    for command in commands:
        found = fields.find_placeholders(command.text + "\n", shell, declared)
        coloured = highlight_lines(command.text.split("\n"), shell, found)
        coloured[0] = f'<span class="prompt">{PROMPT}</span>{coloured[0]}'
        shown[command.first : command.last + 1] = coloured
    return shown


def danger_callout(code: str, lang: str) -> str:
    """The warning shown above a block with destructive commands; empty for a safe block."""
    dangers = analyse(code, lang)[1]
    if not dangers:
        return ""
    # Paragraphs, not a list: the page keeps the runbook's own structure (lists, headings).
    items = "".join(
        f'<p class="danger-item"><code>{escape(_first_line(d.command))}</code>: '
        f"{escape('; '.join(d.reasons))}.</p>"
        for d in dangers
    )
    noun = "command" if len(dangers) == 1 else "commands"
    return (
        f'<div class="danger-callout"><p class="danger-title"><strong>⚠ Destructive {noun} '
        f"below.</strong> Read what {'it does' if len(dangers) == 1 else 'they do'} before "
        f"you run {'it' if len(dangers) == 1 else 'them'}:</p>{items}</div>\n"
    )


def _first_line(command: Command) -> str:
    line = command.text.split("\n")[0].strip()
    more = len(line) > SHOWN_COMMAND or "\n" in command.text
    return line[:SHOWN_COMMAND].rstrip() + (" …" if more else "")
