"""Gatus's conditions (`[BODY].checks.database == ok`), parsed by a small grammar.

A condition pasted from a Gatus configuration means here what it means there: `LEFT OP
RIGHT` with a space on each side of the operator; the placeholders `[STATUS]`,
`[RESPONSE_TIME]` (ms), `[BODY]` (the raw text, or a JSON path such as `.items[1].name`),
`[CONNECTED]` and `[CERTIFICATE_EXPIRATION]`; `len()`, `has()`, `pat()` and `any()`; Go
durations and Gatus's number forms. Never `eval`.

Evaluating never raises: a value from a response is data. Every condition ends passed,
failed (showing the actual values, Gatus-style: `[BODY].checks.database (error) == ok`),
or in an error that says what went wrong. Where kb deliberately reads a condition
differently from Gatus, `review` says so, and `kb check` prints it with file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from kb.checks import jsonpath, pattern
from kb.checks.values import (
    format_duration,
    has_leading_zero,
    read_duration,
    read_number,
    read_quantity,
)

OPERATORS = ("==", "!=", "<=", ">=", ">", "<")  # the order Gatus looks for them in
EQUALITY = ("==", "!=")
PLACEHOLDERS = ("[STATUS]", "[RESPONSE_TIME]", "[BODY]", "[CONNECTED]", "[CERTIFICATE_EXPIRATION]")
TIME_PLACEHOLDERS = ("[RESPONSE_TIME]", "[CERTIFICATE_EXPIRATION]")
ELSEWHERE = {
    "[IP]": "[IP] is for Gatus's DNS and ICMP checks; kb's checks are HTTP requests",
    "[DNS_RCODE]": "[DNS_RCODE] is for Gatus's DNS checks; kb's checks are HTTP requests",
    "[DOMAIN_EXPIRATION]": "[DOMAIN_EXPIRATION] needs a WHOIS lookup, which kb does not make",
    "[CONTEXT]": "[CONTEXT] belongs to Gatus's suites; kb runs each check on its own",
    "[HEADER]": "[HEADER] is not supported by kb; check the status or the body instead",
}
SHOWN_CHARS = 80
_PLACEHOLDER = re.compile(r"\[([A-Za-z_]+)\]")
_FUNCTION = re.compile(r"(len|has|pat|any|age)\((.*)\)", re.S)
_BARE_OPERATOR = re.compile(r"==|!=|<=|>=|(?<=[\])])[<>]")


class ConditionError(ValueError):
    """A condition that does not follow the grammar; the message says what is wrong."""


class _Missing:
    def __str__(self) -> str:
        return "missing"


MISSING = _Missing()  # a Response without a parsed body (kept for callers that pass one)


@dataclass(frozen=True)
class Operand:
    kind: str  # "placeholder", "len", "has", "pat", "any", "literal"
    source: str  # as written, for messages
    placeholder: str = ""
    path: tuple[str | int, ...] = ()
    values: tuple[str, ...] = ()  # literal (one), any (several), pat (the pattern)

    @property
    def uses_body(self) -> bool:
        return self.placeholder == "[BODY]"

    @property
    def is_function_value(self) -> bool:
        return self.kind in ("pat", "any")


@dataclass(frozen=True)
class Condition:
    source: str
    left: Operand
    operator: str
    right: Operand

    @property
    def uses_body_path(self) -> bool:
        return any(o.uses_body and o.path for o in (self.left, self.right))

    @property
    def placeholders(self) -> set[str]:
        return {o.placeholder for o in (self.left, self.right) if o.placeholder}


@dataclass(frozen=True)
class Response:
    """What a condition can look at.

    `text` is the body as received. `body` may give an already parsed document instead
    (tests do); otherwise the text is parsed on first use of a JSON path. `status` and
    `response_time_ms` are None when no response came (`connected` tells whether the
    connection itself was made).
    """

    status: int | None = None
    response_time_ms: int | None = None
    body: object = MISSING
    text: str = ""
    connected: bool = True
    certificate_expiration_ms: int = 0

    @cached_property
    def document(self) -> object:
        if self.body is not MISSING:
            return self.body
        return jsonpath.parse_json(self.text)

    @cached_property
    def raw(self) -> str:
        if self.text or self.body is MISSING:
            return self.text
        return jsonpath.minified(self.body)


@dataclass(frozen=True)
class Outcome:
    condition: Condition
    success: bool
    shown: str  # Gatus-style, with actual values: `[BODY].checks.database (error) == ok`
    missing: bool = False  # failed because a value was absent, not because it was wrong
    error: str = ""  # the condition could not be evaluated; says why


@dataclass(frozen=True)
class _Value:
    text: str
    items: tuple[str, ...] | None = None  # an array's elements, for pat()
    shown: str = ""  # how to show it when not the text itself (durations)


@dataclass(frozen=True)
class _Absent:
    reason: str  # "missing", "null", "not JSON", "no response"


# Parsing ------------------------------------------------------------------------------


def _split(expression: str) -> tuple[str, str, str]:
    for operator in OPERATORS:
        token = f" {operator} "
        if token in expression:
            parts = expression.split(token)
            if len(parts) > 2:
                raise ConditionError(f"more than one '{operator}' in '{expression}'")
            return parts[0], operator, parts[1]
    for operator in OPERATORS:
        if expression.endswith(f" {operator}") or expression.startswith(f"{operator} "):
            raise ConditionError(f"empty side of a comparison in '{expression}'")
    bare = _BARE_OPERATOR.search(expression)
    if bare:
        raise ConditionError(
            f"put one space on each side of '{bare.group(0)}' in '{expression}' "
            "(Gatus rejects it too)"
        )
    raise ConditionError(f"no comparison operator ({', '.join(OPERATORS)}) in '{expression}'")


def _placeholder(text: str) -> Operand | None:
    match = _PLACEHOLDER.match(text)
    if not match:
        return None
    name = f"[{match.group(1).upper()}]"
    rest = text[match.end() :]
    if name in ELSEWHERE:
        raise ConditionError(ELSEWHERE[name])
    if name not in PLACEHOLDERS:
        raise ConditionError(
            f"unknown placeholder '{match.group(0)}' (kb knows {', '.join(PLACEHOLDERS)}); "
            "Gatus would silently compare it as plain text"
        )
    if rest and name != "[BODY]":
        raise ConditionError(f"{name} has no fields")
    try:
        path = jsonpath.parse_path(rest)
    except jsonpath.PathError as error:
        raise ConditionError(f"{error} after {name}") from None
    return Operand("placeholder", text, placeholder=name, path=path)


def _operand(text: str) -> Operand:
    text = text.strip()
    if not text:
        raise ConditionError("empty side of a comparison")
    function = _FUNCTION.fullmatch(text)
    if function:
        name, inner = function.group(1), function.group(2)
        if name == "age":
            raise ConditionError("age() is not supported by kb")
        if name == "pat":
            return Operand("pat", text, values=(inner,))
        if name == "any":
            values = tuple(v.strip() for v in inner.split(","))
            if not any(values):
                raise ConditionError("any() needs at least one value")
            return Operand("any", text, values=values)
        inside = _placeholder(inner.strip())
        if inside is None:
            raise ConditionError(f"{name}() takes a placeholder, such as {name}([BODY].items)")
        return Operand(name, text, placeholder=inside.placeholder, path=inside.path)
    found = _placeholder(text)
    return found if found is not None else Operand("literal", text, values=(text,))


def parse_condition(expression: str) -> Condition:
    """A condition, or ConditionError saying what is wrong with it."""
    expression = expression.strip()
    left_text, operator, right_text = _split(expression)
    left, right = _operand(left_text), _operand(right_text)
    for side in (left, right):
        if side.is_function_value and operator not in EQUALITY:
            raise ConditionError(f"{side.kind}(...) only works with == or !=")
    if left.is_function_value and right.is_function_value:
        raise ConditionError("compare a value with pat() or any(), not two functions")
    return Condition(expression, left, operator, right)


def review(condition: Condition) -> list[str]:
    """Where kb reads this condition differently from Gatus, or it can only ever pass or
    only ever fail: one sentence each, for `kb check`."""
    notes = []
    left, right, operator = condition.left, condition.right, condition.operator
    if left.kind == "pat":
        notes.append("pat(...) on the left never matches (in Gatus too): put it on the right")
    if left.kind == "literal" and right.kind == "literal":
        notes.append("compares two constants, so it never depends on the response")
    for side, other in ((left, right), (right, left)):
        if side.kind == "pat" and pattern.gatus_glob_characters(side.values[0]):
            notes.append(
                f"in {side.source}, kb matches ? and [ as themselves; "
                "Gatus treats them as wildcards"
            )
        literals = side.values if side.kind in ("literal", "any") else ()
        for value in literals:
            if has_leading_zero(value):
                notes.append(
                    f"kb reads {value} as a decimal number; Gatus reads a leading 0 as octal"
                )
        if side.kind != "literal":
            continue
        if operator in EQUALITY:
            timed = other.placeholder in TIME_PLACEHOLDERS and other.kind == "placeholder"
            if timed and read_number(side.source) is None and read_duration(side.source):
                notes.append(
                    f"== and != compare {side.source} as text (in Gatus too), so it never "
                    "equals a time: use < or > with a duration"
                )
            continue
        quantity = read_quantity(side.source)
        if quantity is None:
            notes.append(
                f"'{side.source}' is neither a number nor a duration, so this always fails "
                "(Gatus would read it as 0)"
            )
        elif quantity != quantity.to_integral_value() and read_duration(side.source) is None:
            notes.append(
                f"kb compares {side.source} exactly; Gatus drops the decimals before comparing"
            )
    return notes


# Evaluating ---------------------------------------------------------------------------


def _of_placeholder(name: str, response: Response) -> _Value | _Absent:
    if name == "[CONNECTED]":
        return _Value("true" if response.connected else "false")
    if name == "[CERTIFICATE_EXPIRATION]":
        ms = int(response.certificate_expiration_ms)
        return _Value(str(ms), shown=format_duration(ms))
    if name == "[STATUS]":
        return _Absent("no response") if response.status is None else _Value(str(response.status))
    if response.response_time_ms is None:
        return _Absent("no response")
    return _Value(str(int(response.response_time_ms)))


def _of_body(operand: Operand, response: Response) -> _Value | _Absent:
    if not operand.path:
        raw = response.raw
        if operand.kind == "has":
            return _Value("true" if raw.strip() else "false")
        if operand.kind == "len":
            stripped = raw.strip()
            if stripped.startswith("[") and stripped.endswith("]"):
                document = response.document
                if isinstance(document, list):
                    return _Value(str(len(document)))
            return _Value(str(len(raw)))
        return _Value(raw.strip())
    document = response.document
    found = (
        jsonpath.NOT_JSON
        if document is jsonpath.NOT_JSON
        else jsonpath.walk(document, operand.path)
    )
    exists = (
        found is not jsonpath.NOT_JSON and found is not jsonpath.NOT_FOUND and found is not None
    )
    if operand.kind == "has":
        return _Value("true" if exists else "false")
    if not exists:
        return _Absent("null" if found is None else str(found))
    if operand.kind == "len":
        return _Value(str(jsonpath.length_of(found)))
    items = tuple(jsonpath.text_of(i) for i in found) if isinstance(found, list) else None
    return _Value(jsonpath.text_of(found), items=items)


def _resolve(operand: Operand, response: Response) -> _Value | _Absent:
    if operand.kind in ("literal", "any", "pat"):
        return _Value(operand.source)
    if operand.placeholder == "[BODY]":
        if not response.connected:
            return _Absent("no response")
        return _of_body(operand, response)
    value = _of_placeholder(operand.placeholder, response)
    if isinstance(value, _Absent) or operand.kind == "placeholder":
        return value
    if operand.kind == "has":
        return _Value("true" if value.text else "false")
    return _Value(str(len(value.text)))  # len() of a plain value: its characters


def _equal(left: _Value, right: _Value) -> bool:
    a, b = read_number(left.text), read_number(right.text)
    if a is not None and b is not None:
        return a == b
    return left.text == right.text


def _order(left: _Value, operator: str, right: _Value) -> bool:
    a, b = read_quantity(left.text), read_quantity(right.text)
    if a is None or b is None:
        return False  # ordering needs two numbers or durations
    return _COMPARE[operator](a, b)


_COMPARE = {
    "<": Decimal.__lt__,
    "<=": Decimal.__le__,
    ">": Decimal.__gt__,
    ">=": Decimal.__ge__,
}


def _matches(pattern_text: str, value: _Value) -> bool:
    if value.items is not None:
        return any(pattern.matches(pattern_text, item) for item in value.items)
    return pattern.matches(pattern_text, value.text)


def _decide(condition: Condition, left: _Value | _Absent, right: _Value | _Absent) -> bool:
    l_op, r_op, operator = condition.left, condition.right, condition.operator
    if l_op.kind == "pat":
        return False  # as in Gatus: the pattern goes on the right
    if isinstance(left, _Absent) or isinstance(right, _Absent):
        return False  # a value that is not there fails the condition, whatever the operator
    if r_op.kind == "pat":
        found = _matches(r_op.values[0], left)
        return found if operator == "==" else not found
    if r_op.kind == "any" or l_op.kind == "any":
        options, other = (r_op, left) if r_op.kind == "any" else (l_op, right)
        found = any(_equal(other, _Value(v)) for v in options.values)
        return found if operator == "==" else not found
    if operator == "==":
        return _equal(left, right)
    if operator == "!=":
        return not _equal(left, right)
    return _order(left, operator, right)


def _show(operand: Operand, value: _Value | _Absent) -> str:
    if operand.kind in ("literal", "any", "pat"):
        return operand.source
    if isinstance(value, _Absent):
        return f"{operand.source} ({value.reason})"
    text = value.shown or value.text
    text = " ".join(text.split())
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 1] + "…"
    return f"{operand.source} ({text})"


def evaluate(condition: Condition, response: Response) -> Outcome:
    """Pass or fail with the actual values shown; an error, named, instead of raising."""
    left: _Value | _Absent = _Absent("not evaluated")
    right: _Value | _Absent = _Absent("not evaluated")
    try:
        left = _resolve(condition.left, response)
        right = _resolve(condition.right, response)
        success = _decide(condition, left, right)
        error = ""
    except Exception as failure:  # a response must never crash a probe
        success, error = False, f"could not evaluate: {type(failure).__name__}"
    shown = f"{_show(condition.left, left)} {condition.operator} {_show(condition.right, right)}"
    missing = not error and (isinstance(left, _Absent) or isinstance(right, _Absent))
    return Outcome(condition, success, shown, missing=missing, error=error)
