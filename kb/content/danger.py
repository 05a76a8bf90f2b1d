"""Commands that can destroy data, found wherever a runbook shows them.

A table of patterns, each with what the command does in words a responder reads before
pressing Enter. They are matched against each command's code (its comments taken out, its
continued lines joined, see `kb.content.commands`); the comment a runbook writes above or
beside a command counts too when it warns ("CAREFUL", "caution", "overwrites"). Used when
rendering, so every team's runbook gets the same warnings without marking anything up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.content.commands import Command, split_comment

_NO_WHERE = r"(?![^;]*\bWHERE\b)"  # no WHERE before the statement ends


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    why: str


def _rule(pattern: str, why: str, flags: int = 0) -> Rule:
    return Rule(re.compile(pattern, flags), why)


RULES: tuple[Rule, ...] = (
    _rule(
        r"\bDROP\s+(TABLE|DATABASE|SCHEMA|VIEW|MATERIALIZED\s+VIEW|INDEX|COLUMN|USER|ROLE|"
        r"OWNED|EXTENSION|SEQUENCE|FUNCTION|TRIGGER|TYPE)\b",
        "DROP deletes the object and everything in it",
        re.I,
    ),
    _rule(r"\bdropdb\b", "dropdb deletes a whole database"),
    _rule(r"\bTRUNCATE\b", "truncate empties the table or file at once", re.I),
    _rule(
        r"\bDELETE\s+FROM\s+\S+" + _NO_WHERE, "DELETE FROM without WHERE deletes every row", re.I
    ),
    _rule(r"\bUPDATE\s+\S+\s+SET\b" + _NO_WHERE, "UPDATE without WHERE changes every row", re.I),
    _rule(r"(?<![\w-])--force(?![\w-])", "--force skips the checks that would stop it"),
    _rule(r"\bgit\s+push\b[^;&|\n]*\s-[a-zA-Z]*f\b", "git push -f overwrites the remote's history"),
    _rule(r"\breset\b[^;&|\n]*\s--hard\b", "reset --hard throws away uncommitted work"),
    _rule(r"\bgit\s+clean\b[^;&|\n]*\s-[a-zA-Z]*f", "git clean -f deletes untracked files"),
    _rule(
        r"\bpg_restore\b[^;&|]*\s(--clean|-c)(?=\s|$)",
        "pg_restore --clean drops each object before restoring it",
    ),
    _rule(
        r"\bpg_restore\b[^;&|]*\s(-d|--dbname)(\s|=)",
        "pg_restore -d restores into the database it names, over the data there",
    ),
    _rule(
        r"\b(psql|mysql|mongo|mongosh|sqlite3)\b[^;&|]*\s<\s*\S",
        "feeding a dump file to a database client runs all of it against the database",
    ),
    _rule(r"\bmongorestore\b", "mongorestore writes over the collections it restores"),
    _rule(
        r"(?<!git )\brm\s+(-\S+\s+)*(-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\b",
        "rm -r deletes a whole folder tree, without a bin to restore from",
    ),
    _rule(r"\bFLUSH(ALL|DB)\b", "FLUSHALL and FLUSHDB empty Redis of every key", re.I),
    _rule(
        r"\b(kubectl|oc)\s+delete\s+(namespaces?|ns|projects?|pvc|pv|persistentvolumes?|"
        r"persistentvolumeclaims?)\b",
        "deleting a namespace or volume deletes the data stored in it",
    ),
    _rule(r"\bmkfs(\.\w+)?\b", "mkfs formats the disk, erasing it"),
    _rule(r"\bdd\b[^;&|\n]*\bof=/dev/", "dd of=/dev/… writes over a disk"),
)
WARNING = re.compile(
    r"\b(careful|caution|danger(ous)?|destructive|irreversible|cannot be undone|"
    r"can't be undone|data loss|lose (all )?data|overwrites?|wipes?|warning)\b",
    re.I,
)


@dataclass(frozen=True)
class Danger:
    command: Command
    reasons: tuple[str, ...]


def reasons_for(command: Command) -> list[str]:
    """Why `command` can destroy data, one reason per rule it matches; empty when safe."""
    code = "\n".join(split_comment(line, command.sql)[0] for line in command.text.split("\n"))
    found = [rule.why for rule in RULES if rule.pattern.search(code)]
    if command.note and WARNING.search(command.note):
        found.append(f"the runbook warns: {command.note}")
    return found


def find_dangers(commands: list[Command]) -> list[Danger]:
    return [Danger(c, tuple(why)) for c in commands if (why := reasons_for(c))]
