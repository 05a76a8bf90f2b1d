"""What the JSON API sends, as typed models: the one place a response body takes shape.

Every route answers with `send(model)`. The contact models live with their family in
kb.contacts.model; the rest are here. /api/openapi.json takes its schemas for these
bodies from the models themselves, so the description cannot drift from the answers.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, current_app
from pydantic import BaseModel, TypeAdapter

from kb.alerts.store import DiagnosisAlert
from kb.contacts import service
from kb.contacts.model import EDITABLE, Contact, ContactChange, ContactChangePublic, ContactPublic
from kb.web.contacts import author


class ArticlePublic(BaseModel):
    title: str
    url: str
    slug: str
    parent: str | None
    source: str  # file:line, for the person who will edit it


class TreePublic(BaseModel):
    id: str
    title: str
    url: str
    symptoms: str


class SectionLink(BaseModel):
    title: str
    url: str


class ResultPublic(BaseModel):
    title: str
    url: str
    kind: Literal["article", "troubleshooting", "contact"]
    snippet: str  # HTML: escaped text with <mark> around matches
    score: float
    breadcrumb: str
    section: SectionLink | None  # the best-matching part of a runbook, as a sub-link


class SearchPublic(BaseModel):
    query: str
    total: int
    page: int
    limit: int
    results: list[ResultPublic]
    did_you_mean: str | None


class OptionPublic(BaseModel):
    index: int
    label: str
    target: str


class EscalationContact(ContactPublic):
    """Someone to call at an escalation, and why they are on the list."""

    why: str = ""


class StepPublic(BaseModel):
    """The current step; an end (resolved, escalate) carries a note and, for an
    escalation, the people to call in order."""

    model_config = {"extra": "allow"}

    id: str
    kind: Literal["step", "question", "check", "end"]
    text: str | None = None
    html: str | None = None
    check: str | None = None
    result: Any = None
    waiting: Any = None
    options: list[OptionPublic] = []
    note: str | None = None
    contacts: list[EscalationContact] = []


class AlertPublic(BaseModel):
    """The alert a diagnosis was opened for, as its sender described it."""

    fingerprint: str
    source: Literal["alertmanager", "grafana"]
    name: str
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: str
    ends_at: str | None
    generator_url: str
    matched_by: str
    notifications: int


class DiagnosisPublic(BaseModel):
    id: str
    url: str
    tree: str
    title: str
    status: Literal["active", "unconfirmed", "resolved", "escalated"]
    version: int
    confirmed: bool | None
    step: StepPublic
    path: list[dict]
    alert: AlertPublic | None = None
    fields: dict[str, str] = {}  # fill-in values everyone on it shares (never secret ones)


class AlertResultPublic(BaseModel):
    """What became of one alert of a webhook."""

    fingerprint: str
    status: Literal["firing", "resolved"]
    diagnosis_url: str | None  # the open diagnosis (joined or new), or the one marked resolved
    runbook_url: str  # the guide's page, or a search when nothing matched
    matched_by: Literal["runbook_url", "alertname", "search", "none"]
    created: bool  # a new diagnosis was opened for it


class AlertsPublic(BaseModel):
    alerts: list[AlertResultPublic]


class TriagePublic(BaseModel):
    id: str
    url: str
    at: str
    summary: Any
    probes: list[dict]
    suggestions: list[dict]
    uncovered: list[dict]


def alert_public(alert: DiagnosisAlert) -> AlertPublic:
    """A stored alert as the API shows it."""
    return AlertPublic(
        fingerprint=alert.fingerprint,
        source=alert.source,
        name=alert.name,
        status=alert.status,
        labels=alert.labels,
        annotations=alert.annotations,
        starts_at=alert.starts_at.isoformat(timespec="seconds"),
        ends_at=alert.ends_at.isoformat(timespec="seconds") if alert.ends_at else None,
        generator_url=alert.generator_url,
        matched_by=alert.matched_by,
        notifications=alert.notifications,
    )


def contact_public(contact: Contact) -> ContactPublic:
    """A stored contact with its state (complete, stale) as the API shows it."""
    state = service.status(contact, current_app.config["KB_CONTACT_STALE_DAYS"])
    return ContactPublic.model_construct(
        id=contact.id,
        **{name: getattr(contact, name) for name in EDITABLE},
        version=contact.version,
        complete=state.complete,
        missing=state.missing,
        stale=state.stale,
        verified_at=contact.verified_at,
        updated_at=contact.updated_at,
        updated_by=author(contact.updated_by),
    )


def change_public(change: ContactChange) -> ContactChangePublic:
    return ContactChangePublic(
        id=change.id,
        action=change.action,
        at=change.at,
        by=author(change.by),
        before=change.before,
        after=change.after,
    )


_LIST = TypeAdapter(list[Any])  # built once: a list of models, each dumped by its own type


def send(body: BaseModel | list, status: int = 200) -> Response:
    """A model, or a list of models, as the JSON response body."""
    data = _LIST.dump_json(body) if isinstance(body, list) else body.model_dump_json()
    return Response(data, status=status, mimetype="application/json")
