"""Reading a contact from what someone sent, with per-field errors in their words.

The rules live on the model's field types (kb.contacts.fields); this module turns a
pydantic ValidationError into `{field: message}` for forms and the API, and lists the
fields for the form and CSV columns, in the model's order, from the model itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from kb.contacts.fields import Input
from kb.contacts.model import ContactBase, ContactCreate, ContactUpdate


class Invalid(Exception):
    """What was sent cannot be a contact; `errors` says why, field by field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid contact")
        self.errors = errors


@dataclass(frozen=True)
class FieldSpec:
    """One contact field as people meet it in the form."""

    name: str
    label: str
    input: str = "text"  # the form input's type; "select" for the group
    hint: str = ""


def _input_of(metadata: list) -> str:
    return next((m.kind for m in metadata if isinstance(m, Input)), "text")


FIELDS = [
    FieldSpec(name, info.title or name, _input_of(info.metadata), info.description or "")
    for name, info in ContactBase.model_fields.items()
]


def _message(error: dict) -> str:
    if error["type"] == "string_too_long":
        return f"at most {error['ctx']['max_length']} characters"
    return error["msg"]


def errors_of(error: ValidationError) -> dict[str, str]:
    """The first problem with each field; a body that is not an object is `body`'s."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "body"
        errors.setdefault(field, _message(item) if item["loc"] else "send a JSON object")
    return errors


def read_contact(data) -> ContactCreate:
    try:
        return ContactCreate.model_validate(data)
    except ValidationError as error:
        raise Invalid(errors_of(error)) from None


def read_changes(data) -> ContactUpdate:
    """The fields sent, each checked; `model_dump(exclude_unset=True)` gives just those."""
    try:
        return ContactUpdate.model_validate(data)
    except ValidationError as error:
        raise Invalid(errors_of(error)) from None


def missing_fields(contact) -> list[str]:
    """What an incomplete contact still lacks: people need a name, phone and email;
    vendors a support URL."""
    if contact.group == "external":
        return [] if contact.url else ["url"]
    return [f for f in ("name", "phone", "email") if not getattr(contact, f)]
