"""A live check for someone without kb: its request as a `curl` command, its conditions in
words. The live app runs checks itself; an export can only say how to run one by hand."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from kb.checks.catalog import SECRET, Catalog, Probe
from kb.checks.conditions import Condition, Operand

_SUBJECTS = {
    "[STATUS]": "the HTTP status",
    "[RESPONSE_TIME]": "the response time in ms",
    "[BODY]": "the response body",
    "[CONNECTED]": "the connection was made",
    "[CERTIFICATE_EXPIRATION]": "the time until the TLS certificate expires",
}
_VERBS = {
    "==": "is",
    "!=": "is not",
    "<": "is under",
    "<=": "is at most",
    ">": "is over",
    ">=": "is at least",
}
_SHELL_SPECIAL = set('"$`\\!')


def curl_command(probe: Probe, catalog: Catalog, environ: Mapping[str, str]) -> str:
    """The request kb would send, as one line to paste: method, headers (secrets left as
    shell variables, never their values), the probe's timeout, the status line shown."""
    target = catalog.targets[probe.target]
    parts = urlsplit(target.base_url(dict(environ)) + probe.path)
    words = ["curl", "--silent", "--show-error", "--include", "--max-time", f"{probe.timeout:g}"]
    if parts.username is not None or parts.password is not None:
        # The target's user and password stay out of the page: the reader's shell fills them.
        credentials = target.env_var.removesuffix("_URL") + "_CREDENTIALS"
        words += ["--user", f'"${{{credentials}}}"']
        parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
    url = urlunsplit(parts)
    if probe.method == "HEAD":
        words.append("--head")
    if any("[RESPONSE_TIME]" in c.placeholders for _, c in probe.conditions):
        words += ["--write-out", shlex.quote(r"\ntime: %{time_total}s\n")]
    line = " ".join(words)
    for name, value in probe.headers:
        line += " --header " + _header_argument(f"{name}: {value}")
    return f"{line} {shlex.quote(url)}"


def _header_argument(text: str) -> str:
    """`Authorization: Bearer ${RESEND_API_KEY}` → "Authorization: Bearer $RESEND_API_KEY":
    the shell fills the secret in from the reader's own environment."""
    if not SECRET.search(text):
        return shlex.quote(text)
    literal = SECRET.sub("", text)
    if _SHELL_SPECIAL.isdisjoint(literal):
        return '"' + SECRET.sub(lambda m: "${" + m.group(1) + "}", text) + '"'
    quoted = []
    for index, piece in enumerate(SECRET.split(text)):  # literal, name, literal, name, …
        if index % 2:
            quoted.append(f'"${{{piece}}}"')
        elif piece:
            quoted.append(shlex.quote(piece))
    return "".join(quoted)


def _path_text(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _thing(operand: Operand) -> str:
    if operand.placeholder == "[BODY]" and operand.path:
        return f"{_path_text(operand.path)} in the JSON body"
    return _SUBJECTS.get(operand.placeholder, operand.source)


def _subject(operand: Operand) -> str:
    thing = _thing(operand)
    if operand.kind == "len":
        return f"the length of {thing}"
    if operand.kind == "has":
        return f"whether there is {thing}"
    return thing


def _value(operand: Operand) -> str:
    if operand.kind == "any":
        return "one of " + ", ".join(operand.values)
    if operand.kind == "pat":
        return f"like the pattern {operand.values[0]} (* is any text)"
    if operand.kind == "literal":
        return operand.source
    return _subject(operand)


def condition_words(condition: Condition) -> str:
    """`[BODY].checks.database == ok` → `checks.database in the JSON body is ok`."""
    left, right, operator = condition.left, condition.right, condition.operator
    if left.kind == "literal" and right.kind != "literal":
        left, right = right, left
        operator = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(operator, operator)
    if (left.placeholder == "[CONNECTED]" or left.kind == "has") and right.kind == "literal":
        wanted = (right.source.lower() == "true") == (operator == "==")
        if left.kind == "has":
            return f"there is {'' if wanted else 'no '}{_thing(left)}"
        return "the connection is made" if wanted else "the connection is not made"
    verb = _VERBS[operator]
    if right.kind == "pat":
        verb = "looks" if operator == "==" else "does not look"
    return f"{_subject(left)} {verb} {_value(right)}"
