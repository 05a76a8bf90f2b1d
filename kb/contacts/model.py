"""Contacts and their history, in the SQLModel family pattern (Base → Create/Update/table)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

GROUPS = ("technical", "business", "external")
GROUP_TITLES = {
    "technical": "Technical emergency",
    "business": "Business emergency",
    "external": "External services",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class ContactBase(SQLModel):
    group: str = Field(default="technical", max_length=20, index=True)
    role: str = Field(max_length=120)
    name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=32)  # E.164
    phone_alt: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    url: str | None = Field(default=None, max_length=500)
    status_url: str | None = Field(default=None, max_length=500)  # a vendor's status page
    notes: str | None = Field(default=None, max_length=1000)
    escalation_order: int = Field(default=100)
    owner: str | None = Field(default=None, max_length=120)


class ContactCreate(ContactBase):
    pass


class ContactUpdate(SQLModel):
    group: str | None = None
    role: str | None = None
    name: str | None = None
    phone: str | None = None
    phone_alt: str | None = None
    email: str | None = None
    url: str | None = None
    status_url: str | None = None
    notes: str | None = None
    escalation_order: int | None = None
    owner: str | None = None


class Contact(ContactBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=120)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="system", max_length=120)
    verified_at: datetime | None = None
    verified_by: str | None = Field(default=None, max_length=120)


class ContactChange(SQLModel, table=True):
    """One change to one contact: who, when, and the values before and after."""

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(index=True)
    action: str = Field(max_length=20)  # create, update, delete, verify, restore
    at: datetime = Field(default_factory=utcnow)
    by: str = Field(max_length=120)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))


EDITABLE = tuple(ContactUpdate.model_fields)
