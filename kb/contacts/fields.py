"""The kinds of value a contact field can hold, each a type that validates itself.

A field's type says how what someone typed is read (phone numbers to E.164 with
`phonenumbers`, default region CM so `6 71 23 45 67` works; emails checked by
`email-validator` without DNS; URLs http(s) with a host) and which input the form shows.
Runbook placeholders (`[TBD]`, `+237XXXXXXXXX`) mean "missing", never data. Because the
rules ride on the types, a new contact field is one annotated line on the model (plus its
migration): the API, the form, CSV import and export all read the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

GROUPS = ("technical", "business", "external")
GROUP_TITLES = {
    "technical": "Technical emergency",
    "business": "Business emergency",
    "external": "External services",
}
DEFAULT_REGION = "CM"
# A whole value that stands for "not known yet": `[TBD]`, `N/A`, or a number template such
# as `+237XXXXXXXXX` or `6XX XXX XXX` (digits and x's only). Never a value that merely
# holds "xxx" (`Account XXX-123`, `Alexxx`).
PLACEHOLDER = re.compile(
    r"^\s*\[?\s*(tbd|tba|todo|n/?a|none|-)\s*\]?\s*$"
    r"|^\s*\+?(?=(?:[^x]*x){3})[x\d\s().-]+$",
    re.IGNORECASE,
)
# Control characters would let a value break out of its line in a vCard or a log; notes
# may keep line breaks (as \n), nothing else may.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")  # and bidi overrides
_LINE_BREAK = re.compile(r"[\r\n\t]")
# A cell starting with one of these is a formula to a spreadsheet opening the export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Input:
    """Which form input a field's type is edited with (`select` lists the groups)."""

    kind: str


def problem(message: str) -> PydanticCustomError:
    """A validation error whose message is exactly the words given, for the person typing."""
    return PydanticCustomError("contact_field", message)


def is_placeholder(value: str | None) -> bool:
    return value is None or not value.strip() or bool(PLACEHOLDER.search(value))


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            "not a valid phone number (include the country code if it is not Cameroon)"
        )
    if number.extension:  # E.164 has no place for it: dropping it would lose it
        raise ValueError("extensions are not kept in a number; put it in the notes")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _text(raw, *, lines: bool = False) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise problem("must be text")
    value = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(value) or (not lines and _LINE_BREAK.search(value)):
        raise problem("must not contain line breaks or control characters")
    return value


def _no_formula(value: str | None) -> str | None:
    if value and value.startswith(("=", "+", "@")):
        raise problem("must not start with =, + or @ (spreadsheets run those as formulas)")
    return value


def _optional(value: str | None) -> str | None:
    return None if is_placeholder(value) else value


def _line(raw) -> str | None:
    return _optional(_no_formula(_text(raw)))


def _notes(raw) -> str | None:
    return _optional(_text(raw, lines=True))


def _role(raw) -> str:
    role = _no_formula(_text(raw))
    if not role:
        raise problem("a role is required (On-Call, DevOps, Railway…)")
    return role


def _group(raw) -> str:
    group = (_text(raw) or "").lower()
    if group not in GROUPS:
        raise problem(f"choose one of: {', '.join(GROUPS)}")
    return group


def _phone(raw) -> str | None:
    value = _optional(_text(raw))
    try:
        return normalize_phone(value) if value else None
    except ValueError as exc:
        raise problem(str(exc)) from None


def _email(raw) -> str | None:
    value = _optional(_text(raw))
    try:
        return validate_email(value, check_deliverability=False).normalized if value else None
    except EmailNotValidError as exc:
        raise problem(str(exc)) from None


def _url(raw) -> str | None:
    value = _optional(_text(raw))
    try:
        parts = urlsplit(value or "")
        scheme, host = parts.scheme, parts.hostname
    except ValueError:  # an unclosed [IPv6 address
        scheme, host = "", None
    if value and (scheme not in ("http", "https") or not host or " " in value):
        raise problem("must be a full http:// or https:// address")
    return value


def _order(raw) -> int:
    if isinstance(raw, float) and not raw.is_integer():
        raise problem("a whole number from 0 to 10000")  # 5.7 is not quietly 5
    try:
        order = int(raw if raw not in (None, "") else 100)
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 is infinity
        order = -1
    if isinstance(raw, bool) or not 0 <= order <= 10_000:
        raise problem("a whole number from 0 to 10000")
    return order


Group = Annotated[str, BeforeValidator(_group), Input("select")]
Role = Annotated[str, BeforeValidator(_role), Input("text")]
Line = Annotated[str | None, BeforeValidator(_line), Input("text")]
Notes = Annotated[str | None, BeforeValidator(_notes), Input("text")]
Phone = Annotated[str | None, BeforeValidator(_phone), Input("tel")]
Email = Annotated[str | None, BeforeValidator(_email), Input("email")]
Url = Annotated[str | None, BeforeValidator(_url), Input("url")]
Order = Annotated[int, BeforeValidator(_order), Input("number")]
