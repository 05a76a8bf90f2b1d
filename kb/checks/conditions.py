"""Gatus-style conditions (`[BODY].checks.database == ok`), parsed by a small grammar.

Never `eval`: a condition is `operand OP operand`, where an operand is a placeholder
(`[STATUS]`, `[RESPONSE_TIME]`, `[BODY]` with a path such as `.checks.database` or
`.items[0]`), `len(...)` or `has(...)` of one, `any(a, b, ...)` on the right of `==`/`!=`,
or a literal. Numbers compare as decimals; a missing path fails and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
PLACEHOLDERS = ("[STATUS]", "[RESPONSE_TIME]", "[BODY]")
_PATH_PART = re.compile(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]")
_FUNCTION = re.compile(r"^(len|has|any)\((.*)\)$", re.S)


class ConditionError(ValueError):
    """A condition that does not follow the grammar; the message says what is wrong."""


class _Missing:
    def __str__(self) -> str:
        return "missing"


MISSING = _Missing()


@dataclass(frozen=True)
class Operand:
    kind: str  # "placeholder", "len", "has", "any", "literal"
    source: str  # as written, for messages
    placeholder: str = ""
    path: tuple[str | int, ...] = ()
    values: tuple[str, ...] = ()  # for literal (one) and any (several)

    @property
    def uses_body(self) -> bool:
        return self.placeholder == "[BODY]"


@dataclass(frozen=True)
class Condition:
    source: str
    left: Operand
    operator: str
    right: Operand

    @property
    def uses_body_path(self) -> bool:
        return any(o.uses_body and o.path for o in (self.left, self.right))


@dataclass(frozen=True)
class Response:
    """What a condition can look at."""

    status: int
    response_time_ms: int
    body: object  # parsed JSON, or MISSING when the body is not JSON
    text: str


@dataclass(frozen=True)
class Outcome:
    condition: Condition
    success: bool
    shown: str  # Gatus-style, with actual values: `[BODY].checks.database (error) == ok`
    missing: bool = False  # failed because a value was absent, not because it was wrong


def _split(expression: str) -> tuple[str, str, str]:
    depth = 0
    index = 0
    while index < len(expression):
        char = expression[index]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0:
            for operator in OPERATORS:
                if expression.startswith(operator, index):
                    return expression[:index], operator, expression[index + len(operator) :]
        index += 1
    raise ConditionError(f"no comparison operator ({', '.join(OPERATORS)}) in '{expression}'")


def _placeholder(text: str) -> Operand:
    for name in PLACEHOLDERS:
        if text.startswith(name):
            rest = text[len(name) :]
            path: list[str | int] = []
            position = 0
            while position < len(rest):
                match = _PATH_PART.match(rest, position)
                if not match:
                    raise ConditionError(f"bad path '{rest[position:]}' after {name}")
                path.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
                position = match.end()
            if path and name != "[BODY]":
                raise ConditionError(f"{name} has no fields")
            return Operand("placeholder", text, placeholder=name, path=tuple(path))
    raise ConditionError(f"unknown placeholder '{text}' (use {', '.join(PLACEHOLDERS)})")


def _operand(text: str, *, right: bool) -> Operand:
    text = text.strip()
    if not text:
        raise ConditionError("empty side of a comparison")
    function = _FUNCTION.match(text)
    if function:
        name, inner = function.group(1), function.group(2).strip()
        if name == "any":
            if not right:
                raise ConditionError("any(...) goes on the right-hand side")
            values = tuple(v.strip() for v in inner.split(",") if v.strip())
            if not values:
                raise ConditionError("any() needs at least one value")
            return Operand("any", text, values=values)
        inner_operand = _placeholder(inner)
        return Operand(name, text, placeholder=inner_operand.placeholder, path=inner_operand.path)
    if text.startswith("["):
        return _placeholder(text)
    return Operand("literal", text, values=(text,))


def parse_condition(expression: str) -> Condition:
    expression = expression.strip()
    left, operator, right = _split(expression)
    condition = Condition(
        expression, _operand(left, right=False), operator, _operand(right, right=True)
    )
    if condition.right.kind == "any" and operator not in ("==", "!="):
        raise ConditionError("any(...) only works with == or !=")
    if condition.left.kind == "literal" and condition.right.kind == "literal":
        raise ConditionError(f"'{expression}' compares two constants")
    return condition


def _walk(body: object, path: tuple[str | int, ...]) -> object:
    current = body
    for part in path:
        found = (isinstance(part, int) and isinstance(current, list) and part < len(current)) or (
            isinstance(part, str) and isinstance(current, dict) and part in current
        )
        if not found:
            return MISSING
        current = current[part]  # type: ignore[index]
    return current


def _value(operand: Operand, response: Response) -> object:
    if operand.kind in ("literal", "any"):
        return operand.values[0]
    if operand.placeholder == "[STATUS]":
        raw: object = response.status
    elif operand.placeholder == "[RESPONSE_TIME]":
        raw = response.response_time_ms
    elif operand.path:
        raw = _walk(response.body, operand.path)
    else:
        raw = response.body if response.body is not MISSING else response.text
    if operand.kind == "has":
        return "true" if raw is not MISSING else "false"
    if operand.kind == "len":
        if raw is MISSING:
            return MISSING
        return len(raw) if isinstance(raw, list | dict | str) else len(str(raw))
    return raw


def _text(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(_text(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(left: object, operator: str, right: object) -> bool:
    left_number, right_number = _decimal(left), _decimal(right)
    if left_number is not None and right_number is not None and left_number.is_finite():
        a, b = left_number, right_number
    elif operator in ("==", "!="):
        a, b = _text(left), _text(right)  # type: ignore[assignment]
    else:
        return False  # ordering needs two numbers
    return {
        "==": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[operator]


def evaluate(condition: Condition, response: Response) -> Outcome:
    left = _value(condition.left, response)
    right = _value(condition.right, response)
    if left is MISSING or right is MISSING:
        success = False
    elif condition.right.kind == "any":
        matches = any(_compare(left, "==", v) for v in condition.right.values)
        success = matches if condition.operator == "==" else not matches
    else:
        success = _compare(left, condition.operator, right)

    def show(operand: Operand, value: object) -> str:
        if operand.kind in ("literal", "any"):
            return operand.source
        return f"{operand.source} ({_text(value)[:80]})"

    shown = f"{show(condition.left, left)} {condition.operator} {show(condition.right, right)}"
    return Outcome(condition, success, shown, missing=left is MISSING or right is MISSING)
