"""Reading a condition's values the way Gatus reads them: its number forms and Go durations.

Both sides of a condition are text until compared. These functions say when a text is a
number (`200`, `0x1`, `0o2`, `0b0010`, `123.40000000000005`, `1e3`) or a duration (`500ms`,
`1s`, `1h30m`), so that `[BODY].data == 0x1` and `[RESPONSE_TIME] < 1s` mean what they
mean in Gatus. Numbers are exact decimals, never floats; `NaN`, `Infinity` and friends are
text, so a response can never make a comparison raise.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_PREFIXED = re.compile(r"[+-]?0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)")
_LEADING_ZERO = re.compile(r"[+-]?0\d")
_DURATION = re.compile(r"([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_MS = {
    "ns": Decimal("0.000001"),
    "us": Decimal("0.001"),
    "µs": Decimal("0.001"),  # micro sign
    "μs": Decimal("0.001"),  # Greek mu: Go accepts both
    "ms": Decimal(1),
    "s": Decimal(1000),
    "m": Decimal(60_000),
    "h": Decimal(3_600_000),
}
MAX_NUMBER_CHARS = 1000  # a longer text is a document, not a number worth reading


def read_number(text: str) -> Decimal | None:
    """The number a text spells in one of Gatus's forms, or None when it is text."""
    if not text or len(text) > MAX_NUMBER_CHARS:
        return None
    try:
        if _PREFIXED.fullmatch(text):
            return Decimal(int(text, 0))
        if _DECIMAL.fullmatch(text):
            return Decimal(text)
    except (ValueError, InvalidOperation):
        return None
    return None


def has_leading_zero(text: str) -> bool:
    """`012`: Gatus (Go) reads a leading 0 as octal (ten); kb reads twelve."""
    return bool(_LEADING_ZERO.match(text)) and read_number(text) is not None


def read_duration(text: str) -> Decimal | None:
    """Milliseconds in a Go duration (`500ms`, `1.5s`, `2m`, `1h30m`), or None."""
    if not text or len(text) > 100:
        return None
    match = _DURATION.fullmatch(text)
    if not match:
        return None
    total = sum(
        (Decimal(amount) * _UNIT_MS[unit] for amount, unit in _DURATION_PART.findall(match[2])),
        Decimal(0),
    )
    return -total if match[1] == "-" else total


def read_quantity(text: str) -> Decimal | None:
    """What an ordering (`<`, `>=`, ...) compares: a number, else a duration in ms."""
    number = read_number(text)
    return number if number is not None else read_duration(text)


def format_duration(milliseconds: int | Decimal) -> str:
    """Whole seconds as Go prints a duration, without zero parts: `336h`, `1h30m`, `45s`."""
    seconds = int(Decimal(milliseconds) / 1000)  # truncated toward zero, as Gatus does
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    parts.append(f"{seconds}s" if seconds or not (hours or minutes) else "")
    return sign + "".join(parts)
