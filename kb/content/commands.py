"""The commands in a code block, one by one: what a responder copies, and what is checked for danger.

A runbook's block often holds several commands with comments between them; pasting all of
them at once runs the dangerous one with the harmless ones. A command here is what a shell
or a SQL prompt reads as one: a line, with the lines it continues onto (a trailing `\\`, an
open quote, a here-document, a SQL statement until its `;`). Comment lines and blank lines
belong to no command, but a comment just above a command (or at its end) is kept as its note,
since that is where runbooks write "CAREFUL". In a console transcript only the `$ ` lines
are commands; the rest is output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Blocks in these languages are commands to paste, one by one; any other block is text to
# read or copy whole (YAML, JSON, logs), unless it is a `$ ` transcript.
SHELLS = {"bash", "sh", "shell", "zsh", "ksh", "fish", "powershell", "pwsh", "ps1", "shel"}
SQL = {"sql", "psql", "pgsql", "postgres", "postgresql", "plpgsql", "mysql", "sqlite", "tsql"}
CONSOLES = {"console", "shell-session", "terminal", "shellsession"}
PROMPT = "$ "
SQL_START = re.compile(
    r"(?i)(select|insert|update|delete|drop|truncate|alter|create|grant|revoke|with|begin|"
    r"vacuum|reindex|cluster|copy|explain|analyze)\b"
)
COMMENT_MARK = re.compile(r"^(#+|--|//)\s*")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


@dataclass(frozen=True)
class Command:
    first: int  # index of its first line in the block
    last: int  # index of its last line
    text: str  # as you would paste it: its lines, without a `$ ` prompt
    note: str = ""  # the comment just above it or at its end, if any
    sql: bool = False  # read as a SQL statement (ends at `;`)


def is_command_language(lang: str) -> bool:
    return lang.lower() in SHELLS | SQL | CONSOLES


def is_transcript(lines: list[str], lang: str) -> bool:
    return lang.lower() in CONSOLES or any(line.startswith(PROMPT) for line in lines)


def block_lines(code: str) -> list[str]:
    """A block's lines, without the newline that ends the last one."""
    return code.removesuffix("\n").split("\n") if code else []


def split_comment(line: str, sql: bool = False) -> tuple[str, str]:
    """(code, comment) of one line: `#` after a space (or `--` in SQL), outside quotes."""
    quote = None
    for index, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif (index == 0 or line[index - 1].isspace()) and (
            ch == "#" or (sql and line.startswith("--", index))
        ):
            return line[:index], COMMENT_MARK.sub("", line[index:]).rstrip()
    return line, ""


def is_comment(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("#", "//")) or stripped == "--" or stripped.startswith("-- ")


def _open_quote(code: str, quote: str | None) -> str | None:
    """The quote still open at the end of `code`, given the one open at its start."""
    for ch in code:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
    return quote


def _command_end(lines: list[str], start: int, sql: bool) -> int:
    """Index of the last line of the command starting at `start`."""
    heredoc: str | None = None
    quote: str | None = None
    index = start
    while True:
        line = lines[index]
        if heredoc:
            if line.strip() == heredoc:
                return index
        else:
            code = split_comment(line, sql)[0] if quote is None else line
            quote = _open_quote(code, quote)
            if found := HEREDOC.search(code):
                heredoc = found.group(2)
            ends = code.rstrip().endswith(";") if sql else not code.rstrip().endswith("\\")
            if ends and quote is None and heredoc is None:
                return index
        if index + 1 >= len(lines) or (sql and not lines[index + 1].strip()):
            return index
        index += 1


def split_commands(code: str, lang: str = "") -> list[Command]:
    """Every command of a block, in order."""
    lines = block_lines(code)
    transcript = is_transcript(lines, lang)
    commands: list[Command] = []
    note, index = "", 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or (transcript and not line.startswith(PROMPT)):
            note, index = "", index + 1
        elif is_comment(line):
            note, index = f"{note} {COMMENT_MARK.sub('', line.strip())}".strip(), index + 1
        else:
            body = line.removeprefix(PROMPT) if transcript else line
            sql = lang.lower() in SQL or bool(SQL_START.match(body.strip()))
            last = _command_end(lines, index, sql)
            text = "\n".join([body, *lines[index + 1 : last + 1]])
            trailing = split_comment(lines[last], sql)[1]
            commands.append(Command(index, last, text, f"{note} {trailing}".strip(), sql))
            note, index = "", last + 1
    return commands
