"""Turning what someone typed into a contact, or saying per field what is wrong.

Phone numbers go to E.164 with `phonenumbers` (default region CM, so `6 71 23 45 67`
works); emails are checked by `email-validator` without DNS; URLs must be http(s) with a
host. Runbook placeholders (`[TBD]`, `+237XXXXXXXXX`) mean "missing", never data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from kb.contacts.model import GROUPS

DEFAULT_REGION = "CM"
PLACEHOLDER = re.compile(r"^\s*\[?\s*(tbd|tba|todo|n/?a|none|-)\s*\]?\s*$|x{3,}", re.IGNORECASE)
LIMITS = {
    "role": 120,
    "name": 120,
    "notes": 1000,
    "owner": 120,
    "url": 500,
    "status_url": 500,
    "email": 254,
}
# Control characters would let a value break out of its line in a vCard or a log; notes
# may keep line breaks (as \n), nothing else may.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")
# A cell starting with one of these is a formula to a spreadsheet opening the export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class FieldError(ValueError):
    """What is wrong with one field, in words for the person who typed it."""


def _text(field: str, raw) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str | int):
        raise FieldError("must be text")
    value = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    if field in LIMITS and len(value) > LIMITS[field]:
        raise FieldError(f"at most {LIMITS[field]} characters")
    if _CONTROL.search(value) or (field != "notes" and _LINE_BREAK.search(value)):
        raise FieldError("must not contain line breaks or control characters")
    if field in ("role", "name", "owner") and value.startswith(("=", "+", "@")):
        raise FieldError("must not start with =, + or @ (spreadsheets run those as formulas)")
    return value


def _group(field: str, raw) -> str:
    group = (_text(field, raw) or "").lower()
    if group not in GROUPS:
        raise FieldError(f"choose one of: {', '.join(GROUPS)}")
    return group


def _role(field: str, raw) -> str:
    role = _text(field, raw)
    if not role:
        raise FieldError("a role is required (On-Call, DevOps, Railway…)")
    return role


def _optional(field: str, raw) -> str | None:
    value = _text(field, raw)
    return None if is_placeholder(value) else value


def _phone(field: str, raw) -> str | None:
    value = _optional(field, raw)
    try:
        return normalize_phone(value) if value else None
    except ValueError as exc:
        raise FieldError(str(exc)) from None


def _email(field: str, raw) -> str | None:
    value = _optional(field, raw)
    try:
        return validate_email(value, check_deliverability=False).normalized if value else None
    except EmailNotValidError as exc:
        raise FieldError(str(exc)) from None


def _url(field: str, raw) -> str | None:
    value = _optional(field, raw)
    parts = urlsplit(value or "")
    if value and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise FieldError("must be a full http:// or https:// address")
    return value


def _order(field: str, raw) -> int:
    try:
        order = int(raw if raw not in (None, "") else 100)
    except (TypeError, ValueError):
        order = -1
    if not 0 <= order <= 10_000:
        raise FieldError("a whole number from 0 to 10000")
    return order


@dataclass(frozen=True)
class FieldSpec:
    """One contact field as people meet it: read by `clean`, shown in the form."""

    name: str
    clean: Callable
    label: str
    input: str = "text"  # the form input's type; "select" for the group
    hint: str = ""


# The contact fields in CSV column order. A new field is a model field, a migration, and
# one line here: validation, the form, CSV export and import all follow this table.
FIELDS = [
    FieldSpec("group", _group, "Group", "select"),
    FieldSpec("role", _role, "Role or service", hint="On-Call, DevOps, Railway…"),
    FieldSpec("name", _optional, "Name"),
    FieldSpec("phone", _phone, "Phone", "tel", "Cameroon numbers without +237 work: 6 71 23 45 67"),
    FieldSpec("phone_alt", _phone, "Second phone", "tel"),
    FieldSpec("email", _email, "Email", "email"),
    FieldSpec("url", _url, "Support URL", "url"),
    FieldSpec("status_url", _url, "Status page", "url", "Where a vendor posts its incidents"),
    FieldSpec("notes", _optional, "Notes"),
    FieldSpec("escalation_order", _order, "Escalation order (1 is called first)", "number"),
    FieldSpec("owner", _optional, "Owner (who keeps this current)"),
]
CLEANERS = {spec.name: spec.clean for spec in FIELDS}


def clean_contact(data: dict, *, partial: bool = False) -> tuple[dict, dict[str, str]]:
    """Cleaned values and per-field errors. `partial` checks only the fields given."""
    values: dict = {}
    errors: dict[str, str] = {}
    for field, clean in CLEANERS.items():
        if partial and field not in data:
            continue
        try:
            values[field] = clean(field, data.get(field))
        except FieldError as error:
            errors[field] = str(error)
    return values, errors


def missing_fields(contact) -> list[str]:
    """What an incomplete contact still lacks: people need a name, phone and email;
    vendors a support URL."""
    if contact.group == "external":
        return [] if contact.url else ["url"]
    return [f for f in ("name", "phone", "email") if not getattr(contact, f)]
