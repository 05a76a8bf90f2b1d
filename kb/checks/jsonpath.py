"""Gatus's JSON paths into a response body: `.a.b`, `[0]`, `.items[1].name`.

A body is parsed keeping every number as the text it was sent as, so `18` is two
characters long and `123.40000000000005` keeps its digits; the text of a value is what a
condition compares (strings as they are, objects and arrays as minified JSON). A path
that does not exist, or that reaches `null`, finds nothing: that fails a condition, it
never raises.
"""

from __future__ import annotations

import json
import re


class JsonNumber(str):
    """A JSON number, as the characters it was written with."""


class _Absent:
    def __init__(self, reason: str):
        self.reason = reason

    def __str__(self) -> str:
        return self.reason

    def __repr__(self) -> str:
        return f"<{self.reason}>"


NOT_JSON = _Absent("not JSON")
NOT_FOUND = _Absent("missing")
_PART = re.compile(r"\.([^.\[\]\s]+)|\[(\d+)\]")


class PathError(ValueError):
    """A path that is not `.key` and `[index]` parts; the message says where."""


def parse_path(text: str) -> tuple[str | int, ...]:
    """`.items[1].name` → ("items", 1, "name")."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _PART.match(text, position)
        if not match:
            rest = text[position:]
            if rest.startswith("[*]"):
                raise PathError("[*] (every element) is not supported; name an index such as [0]")
            raise PathError(f"bad path '{rest}': use .key and [index] parts")
        parts.append(match[1] if match[1] is not None else int(match[2]))
        position = match.end()
    return tuple(parts)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")  # Python reads NaN and Infinity; JSON does not


def _number(text: str) -> JsonNumber:
    """Kept as written: one absurdly long number leaves the rest of the document readable
    (kb.checks.values reads it as text, not as a number)."""
    return JsonNumber(text)


def parse_json(text: str) -> object:
    """The document in a body, or NOT_JSON."""
    if not text.strip():
        return NOT_JSON
    try:
        return json.loads(
            text, parse_int=_number, parse_float=_number, parse_constant=_reject_constant
        )
    except (ValueError, RecursionError):
        return NOT_JSON


def walk(document: object, path: tuple[str | int, ...]) -> object:
    """The value at `path`, NOT_FOUND when absent, None when it is `null`."""
    current = document
    for part in path:
        in_list = isinstance(part, int) and isinstance(current, list) and part < len(current)
        in_object = isinstance(part, str) and isinstance(current, dict) and part in current
        if not (in_list or in_object):
            return NOT_FOUND
        current = current[part]
    return current


def minified(value: object) -> str:
    """A value as minified JSON text, numbers as they were sent."""
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, dict):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}:{minified(v)}" for k, v in value.items()
        )
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(minified(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return text_of(value)


def text_of(value: object) -> str:
    """What a value reads as in a condition: strings as they are, the rest as JSON text."""
    if isinstance(value, str):
        return str(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list | tuple):
        return minified(value)
    return str(value)


def length_of(value: object) -> int:
    """Gatus's len(): an array's elements, a string's characters, else its JSON text's."""
    if isinstance(value, list | tuple):
        return len(value)
    return len(text_of(value))
