"""Turning what someone typed into a contact, or saying per field what is wrong.

Phone numbers go to E.164 with `phonenumbers` (default region CM, so `6 71 23 45 67`
works); emails are checked by `email-validator` without DNS; URLs must be http(s) with a
host. Runbook placeholders (`[TBD]`, `+237XXXXXXXXX`) mean "missing", never data.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from kb.contacts.model import GROUPS

DEFAULT_REGION = "CM"
PLACEHOLDER = re.compile(r"^\s*\[?\s*(tbd|tba|todo|n/?a|none|-)\s*\]?\s*$|x{3,}", re.IGNORECASE)
LIMITS = {"role": 120, "name": 120, "notes": 1000, "owner": 120, "url": 500, "email": 254}
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


def clean_contact(data: dict, *, partial: bool = False) -> tuple[dict, dict[str, str]]:
    """Cleaned values and per-field errors. `partial` checks only the fields given."""
    values: dict = {}
    errors: dict[str, str] = {}

    def given(field: str) -> bool:
        return field in data or not partial

    def text(field: str) -> str | None:
        raw = data.get(field)
        if raw is None:
            return None
        if not isinstance(raw, str | int):
            errors[field] = "must be text"
            return None
        value = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
        if field in LIMITS and len(value) > LIMITS[field]:
            errors[field] = f"at most {LIMITS[field]} characters"
        if _CONTROL.search(value) or (field != "notes" and _LINE_BREAK.search(value)):
            errors[field] = "must not contain line breaks or control characters"
        elif field in ("role", "name", "owner") and value.startswith(("=", "+", "@")):
            errors[field] = "must not start with =, + or @ (spreadsheets run those as formulas)"
        return value

    if given("group"):
        group = (text("group") or "").lower()
        if group not in GROUPS:
            errors["group"] = f"choose one of: {', '.join(GROUPS)}"
        values["group"] = group
    if given("role"):
        role = text("role")
        if not role:
            errors["role"] = "a role is required (On-Call, DevOps, Railway…)"
        values["role"] = role
    for field in ("name", "notes", "owner"):
        if given(field):
            value = text(field)
            values[field] = None if is_placeholder(value) else value
    for field in ("phone", "phone_alt"):
        if given(field):
            value = text(field)
            if is_placeholder(value):
                values[field] = None
            else:
                try:
                    values[field] = normalize_phone(value)
                except ValueError as exc:
                    errors[field] = str(exc)
    if given("email"):
        value = text("email")
        if is_placeholder(value):
            values["email"] = None
        else:
            try:
                values["email"] = validate_email(value, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                errors["email"] = str(exc)
    if given("url"):
        value = text("url")
        if is_placeholder(value):
            values["url"] = None
        else:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                errors["url"] = "must be a full http:// or https:// address"
            values["url"] = value
    if given("escalation_order"):
        raw = data.get("escalation_order", 100)
        try:
            order = int(raw if raw not in (None, "") else 100)
            if not 0 <= order <= 10_000:
                raise ValueError
            values["escalation_order"] = order
        except (TypeError, ValueError):
            errors["escalation_order"] = "a whole number from 0 to 10000"
    return values, errors


def missing_fields(contact) -> list[str]:
    """What an incomplete contact still lacks: people need a name, phone and email;
    vendors a support URL."""
    if contact.group == "external":
        return [] if contact.url else ["url"]
    return [f for f in ("name", "phone", "email") if not getattr(contact, f)]
