"""Fill-in fields: the parts of a runbook's commands a responder must replace.

Runbooks are written with placeholders (`<R2_ENDPOINT>`, `<bucket>`, `"$DATABASE_URL"`) or
with example values (`https://api.alcom.cm`, `user@example.com`). A responder under
pressure edits them in a terminal, one typo away from the wrong database. kb finds them,
marks each in the rendered code as `<span class="kb-field" data-field="NAME">…</span>`,
and the pages offer one small form that fills every command at once.

What counts, for any team's runbook:
- `<NAME>` in any code (not an HTML tag, not `List<String>`, not `<<EOF`, not `<none>` in
  command output, not a name whose closing tag `</NAME>` is in the same block; in HTML or
  XML blocks only ALL-CAPS names);
- `$VAR` and `${VAR}` in shell code only (not `$1`, `$(cmd)`, `\\$X`, `'$X'` in single
  quotes, `${X:-default}`, variables the block assigns itself, or the shell's own `$HOME`);
- the example values a file declares in its front matter:
  `fields: {api_url: https://api.alcom.cm, user_email: user@example.com}`.

Fields with the same name however written (`<DATABASE_URL>`, `$DATABASE_URL`) are one
field. Names that look secret (KEY, TOKEN, SECRET, PASSWORD…) are never stored by kb.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape, unescape

FIELD_CLASS = "kb-field"
MAX_VALUE = 2000  # characters; a field holds a host, a name, an id, not a file
MAX_NAME = 100


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SHELLS = _words(
    "bash sh shell zsh ksh dash fish console terminal shell-session shellsession "
    "sh-session bash-session"
)
MARKUP = _words("html htm xhtml xml svg vue jsx tsx jinja django erb handlebars")
# Tags that are never anyone's placeholder name; other names count as tags only when the
# block closes them (`<table>…</table>`), so `SELECT * FROM <table>` stays a field.
TAGS = _words(
    "a abbr b blockquote body br code dd del details div dl dt em h1 h2 h3 h4 h5 h6 "
    "head hr html i iframe img ins kbd li meta nav noscript ol p pre s script small "
    "span strong style sub summary sup tbody td th thead tr tt u ul wbr"
)
# Words tools print between angle brackets (`kubectl get pods`: NOMINATED NODE <none>).
OUTPUT_WORDS = _words(
    "none nil null unknown pending invalid empty undefined missing redacted no-value "
    "eof nothing unset snip snipped truncated omitted scrubbed filtered masked idle "
    "unnamed"
)
# Variables every shell sets: the responder's shell fills them, not the responder.
SHELL_OWN = _words(
    "HOME PATH USER PWD OLDPWD SHELL HOSTNAME HOSTTYPE OSTYPE RANDOM UID EUID PPID "
    "IFS LINENO SECONDS TMPDIR LANG TERM EDITOR LOGNAME DISPLAY REPLY OPTARG OPTIND "
    "PS1 PS2 PIPESTATUS FUNCNAME BASH_SOURCE BASH_REMATCH BASHPID SHLVL"
)
SECRET_WORDS = _words(
    "key keys token tokens secret secrets password passwords passwd passphrase "
    "credential credentials apikey"
)
_SECRET_SUFFIXES = ("key", "token", "secret", "password", "passwd", "passphrase")
_NOT_SECRET = frozenset(["monkey", "donkey", "turkey", "hockey", "jockey", "whiskey", "lackey"])

# `<name>`, `<pod-name>`, `<name of patch file>` (words joined by single spaces, at most
# five); never after a word (`List<String>`) or `<` (`<<EOF`), never `< x >` with spaces.
_ANGLE = re.compile(r"(?<![\w<\\])<([A-Za-z](?:[\w.-]*\w)?(?: [\w.-]*\w){0,4})>")
_SHELL_VAR = re.compile(r"(?<![\\$\w])\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
_ASSIGNED = re.compile(
    r"(?:^|[\s;&|(`])(?:(?:export|local|readonly)\s+|(?:declare|typeset)\s+(?:-\w+\s+)*)?"
    r"([A-Za-z_]\w*)\+?=",
    re.MULTILINE,
)
_LOOP = re.compile(r"\b(?:for|select)\s+([A-Za-z_]\w*)\s+in\b")
# `read [-r] [-p PROMPT] NAME…`: options that take an argument end in one of p a d n N t u i.
_READ = re.compile(
    r"\bread\b(?:[ \t]+-[A-Za-z]*[padnNtui][ \t]*(?:\"[^\"]*\"|'[^']*'|\S+)|[ \t]+-[A-Za-z]+)*"
    r"((?:[ \t]+[A-Za-z_]\w*)+)"
)
NAME = re.compile(r"^[A-Za-z][\w.-]{0,99}$")  # a declared field's name
_WORD_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SPAN = re.compile(
    r'<span class="kb-field(?: filled)?" data-field="([^"]+)"(?: data-example="([^"]*)")?>'
    r"([^<]*)</span>"
)


@dataclass(frozen=True)
class Placeholder:
    """Where a field sits in one piece of code: [start, end) and its name as written."""

    start: int
    end: int
    name: str


@dataclass(frozen=True)
class Field:
    """One input of a page's form."""

    key: str  # the name folded: DATABASE_URL, database-url and Database_Url are one field
    name: str  # as the runbook first writes it, for the label
    example: str  # the text the commands show until it is filled
    secret: bool


def key_of(name: str) -> str:
    return re.sub(r"[-. ]", "_", name.strip().lower())


def is_secret(name: str) -> bool:
    """KEY, TOKEN, SECRET, PASSWORD… as a word of the name (RESEND_API_KEY, apiKey,
    db-password, AUTHTOKEN), not inside another word (monkey, KEYID, TOKENIZER)."""
    words = [w.lower() for w in _WORD_PARTS.findall(name)]
    for word in words:
        if word in SECRET_WORDS:
            return True
        if word not in _NOT_SECRET and word.endswith(_SECRET_SUFFIXES) and len(word) > 6:
            return True
    return False


def declared_fields(meta: dict) -> tuple[dict[str, str], list[str]]:
    """Front matter `fields: {name: example value}` and what is wrong with it."""
    raw = meta.get("fields")
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, ["front matter 'fields' must map names to example values"]
    found: dict[str, str] = {}
    problems = []
    for name, value in raw.items():
        name = str(name)
        if not NAME.match(name):
            problems.append(f"field '{name}': a name is letters, digits, '_', '-' or '.'")
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            problems.append(f"field '{name}': give the example value as it appears in commands")
        elif not str(value).strip() or len(str(value)) > MAX_VALUE:
            problems.append(f"field '{name}': the example value is empty or too long")
        else:
            found[name] = str(value).strip()
    return found, problems


def find_placeholders(code: str, lang: str = "", declared: dict[str, str] | None = None):
    """Every field in one piece of code, in order, none overlapping; declared example
    values win over a `<NAME>` or `$VAR` they overlap."""
    lang = (lang or "").lower()
    candidates = [(p, 0) for p in _declared_in(code, declared or {})]
    candidates += [(p, 1) for p in _angles(code, lang)]
    if lang in SHELLS:
        candidates += [(p, 1) for p in _shell_vars(code)]
    candidates.sort(key=lambda item: (item[0].start, item[1], item[0].start - item[0].end))
    chosen: list[Placeholder] = []
    for placeholder, _rank in candidates:
        if not chosen or placeholder.start >= chosen[-1].end:
            chosen.append(placeholder)
    return chosen


def _declared_in(code: str, declared: dict[str, str]):
    for name, value in declared.items():
        pattern = r"(?<![\w.@-])" + re.escape(value) + r"(?![\w@-])"
        for match in re.finditer(pattern, code):
            yield Placeholder(match.start(), match.end(), name)


def _angles(code: str, lang: str):
    closed = {m.lower() for m in re.findall(r"</([A-Za-z][\w.-]*)\s*>", code)}
    for match in _ANGLE.finditer(code):
        name = match.group(1)
        first = name.split()[0]
        if first in TAGS or first.lower() in closed or name.lower() in OUTPUT_WORDS:
            continue
        if lang in MARKUP and name != name.upper():
            continue
        yield Placeholder(match.start(), match.end(), name)


def _shell_vars(code: str):
    assigned = set(_ASSIGNED.findall(code)) | set(_LOOP.findall(code))
    for found in _READ.findall(code):
        assigned.update(found.split())
    quoted = _single_quoted(code)
    for match in _SHELL_VAR.finditer(code):
        name = match.group(1) or match.group(2)
        if name in assigned or name in SHELL_OWN or _inside(match.start(), quoted):
            continue
        yield Placeholder(match.start(), match.end(), name)


def _single_quoted(code: str) -> list[tuple[int, int]]:
    """Spans in single quotes, where the shell expands nothing (`awk '{print $NF}'`)."""
    spans, start, double, index = [], None, False, 0
    while index < len(code):
        char = code[index]
        if start is None and char == "\\":
            index += 2
            continue
        if char == "'" and not double:
            if start is None:
                start = index
            else:
                spans.append((start, index))
                start = None
        elif char == '"' and start is None:
            double = not double
        elif char == "\n" and start is None:
            double = False  # an unbalanced quote in a comment stops at the line
        index += 1
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in spans)


def span(name: str, text: str) -> str:
    """A field as the rendered code holds it (`text` is escaped here)."""
    return f'<span class="{FIELD_CLASS}" data-field="{escape(name)}">{escape(text, quote=False)}</span>'


def mark(code: str, placeholders: list[Placeholder]) -> str:
    """Code as escaped HTML with its fields marked, for code that is not highlighted."""
    parts, position = [], 0
    for placeholder in placeholders:
        parts.append(escape(code[position : placeholder.start], quote=False))
        parts.append(span(placeholder.name, code[placeholder.start : placeholder.end]))
        position = placeholder.end
    parts.append(escape(code[position:], quote=False))
    return "".join(parts)


def fields_in(html: str) -> list[Field]:
    """The fields a rendered page or step holds, one per name, in reading order."""
    found: dict[str, Field] = {}
    for match in _SPAN.finditer(html):
        name = unescape(match.group(1))
        key = key_of(name)
        if key not in found:
            example = unescape(match.group(2) if match.group(2) is not None else match.group(3))
            found[key] = Field(key=key, name=name, example=example, secret=is_secret(name))
    return list(found.values())


def fill(html: str, values: dict[str, str]) -> str:
    """The page with its fields showing `values` (by key); what it showed before is kept in
    `data-example`, so the form can be cleared again in the browser."""
    if not values:
        return html

    def replace(match: re.Match) -> str:
        name = match.group(1)
        value = values.get(key_of(unescape(name)))
        if not value:
            return match.group(0)
        example = match.group(2) if match.group(2) is not None else escape(unescape(match.group(3)))
        return (
            f'<span class="{FIELD_CLASS} filled" data-field="{name}" data-example="{example}">'
            f"{escape(value, quote=False)}</span>"
        )

    return _SPAN.sub(replace, html)


# What a value may hold: it is put into commands that responders copy and run, often from
# a link or a shared diagnosis someone else filled. So only what hosts, names, ids, paths,
# addresses and URLs are made of, which a shell reads as one plain word: no space (another
# argument), no quote, `$`, `;`, `|`, `&`, `<`, `>`, `*`, `?`, `~`, `!`, `#`, no control
# or invisible character, and no leading `-` (an option).
_PLAIN_WORD = re.compile(r"[\w.:/@%+=,\[\]-]+")


def refusal(value: str) -> str | None:
    """Why a value cannot fill a command, or None when it can."""
    if not value or (_PLAIN_WORD.fullmatch(value) and not value.startswith("-")):
        return None
    if value.startswith("-"):
        return "cannot start with -: a command would read it as an option"
    char = next(c for c in value if not _PLAIN_WORD.fullmatch(c))
    shown = char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    if char == " ":
        shown = "a space"
    return (
        f"cannot hold {shown}: it goes into commands people copy and run; only letters, "
        "digits and . : / @ % + = , [ ] - _"
    )


def _own_values(given: dict[str, str], fields: list[Field]) -> Iterator[tuple[str, str]]:
    """(key, trimmed value) for each given value of one of the page's own fields."""
    known = {f.key for f in fields}
    for name, value in given.items():
        key = key_of(str(name))
        if key in known and isinstance(value, str):
            yield key, value.strip()


def refusals(given: dict[str, str], fields: list[Field]) -> dict[str, str]:
    """For each of the page's fields whose value cannot fill a command, why."""
    return {key: why for key, value in _own_values(given, fields) if (why := refusal(value))}


def clean_values(given: dict[str, str], fields: list[Field]) -> dict[str, str]:
    """Only usable values for the page's own fields, trimmed and capped; secret ones are
    kept too (the caller decides where they may go: never to storage, URLs or logs). Every
    value `fill` puts in a command comes through here, `from_labels` or
    kb.diagnosis.values, each of which refuses what `refusal` refuses."""
    return {
        key: value[:MAX_VALUE]
        for key, value in _own_values(given, fields)
        if refusal(value) is None
    }


# Prometheus and Kubernetes label names, and other names runbooks give the same thing.
LABEL_SYNONYMS = {
    "pod": ("pod_name", "podname"),
    "node": ("node_name", "nodename"),
    "container": ("container_name",),
    "namespace": ("namespace_name", "ns"),
}


def from_labels(labels: dict[str, str]) -> dict[str, str]:
    """Values for fields named like an alert's labels (`namespace` fills `<NAMESPACE>` and
    `$NAMESPACE`); a label whose name looks secret fills nothing."""
    values: dict[str, str] = {}
    for name, value in labels.items():
        if is_secret(name) or not value or refusal(value) is not None:
            continue
        key = key_of(name)
        values.setdefault(key, value[:MAX_VALUE])
        for other in LABEL_SYNONYMS.get(key, ()):
            values.setdefault(other, value[:MAX_VALUE])
    return values


def shareable(values: dict[str, str]) -> dict[str, str]:
    """The values that may be stored, exported or put in a link: none that look secret."""
    return {key: value for key, value in values.items() if not is_secret(key)}
