"""What an alert webhook sends, read into typed models before anything is written.

Two senders, one shape: Prometheus Alertmanager's webhook (`"version": "4"`) and Grafana
Alerting's webhook contact point (`"version": "1"`, with `orgId`, `title`, `state`,
`message`, and per alert `silenceURL`, `dashboardURL`, `panelURL`, `values`). Both carry
`alerts[]` with `status`, `labels`, `annotations`, `startsAt`, `endsAt`, `generatorURL`
and `fingerprint` (Alertmanager since 0.19; older ones send none, and the fingerprint is
then the label set's, which is what Alertmanager's own is a hash of). Fields either sender
adds later are ignored, never refused.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic import ValidationError as ValidationError  # re-exported for the route

MAX_ALERTS = 200  # per request; Alertmanager's `max_alerts` in webhook_config caps it
MAX_BYTES = 512 * 1024
MAX_LABELS = 64


def _printable(text: str) -> str:
    """No NUL: PostgreSQL cannot store it, and no monitoring system means it."""
    return text.replace("\x00", "\ufffd")


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_printable),
    ]


LabelName = _text(200, min_length=1)
LabelValue = _text(2000)
AnnotationValue = _text(10_000)
Url = _text(2000)


class AlertIn(BaseModel):
    """One alert of a notification."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    status: Literal["firing", "resolved"]
    labels: dict[LabelName, LabelValue] = Field(max_length=MAX_LABELS)
    annotations: dict[LabelName, AnnotationValue] = Field(default={}, max_length=MAX_LABELS)
    starts_at: AwareDatetime = Field(alias="startsAt")
    ends_at: AwareDatetime | None = Field(default=None, alias="endsAt")
    generator_url: Url = Field(default="", alias="generatorURL")
    fingerprint: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._:-]{1,128}$")

    @field_validator("labels")
    @classmethod
    def _named(cls, labels: dict[str, str]) -> dict[str, str]:
        if not labels.get("alertname", "").strip():
            raise ValueError("every alert needs an alertname label")
        return labels

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "").strip()

    @property
    def identity(self) -> str:
        """The fingerprint, or (senders older than Alertmanager 0.19) the label set's."""
        if self.fingerprint:
            return self.fingerprint
        canonical = json.dumps(sorted(self.labels.items()), separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def ended(self) -> datetime | None:
        """When it resolved; Go's zero time (`0001-01-01T00:00:00Z`) means it has not."""
        if self.ends_at is None or self.ends_at.year <= 1:
            return None
        return self.ends_at


class WebhookIn(BaseModel):
    """A whole notification: a group of alerts."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    version: Literal["4", "1"]
    status: Literal["firing", "resolved"]
    receiver: Annotated[str, StringConstraints(max_length=500)] = ""
    alerts: list[AlertIn] = Field(min_length=1, max_length=MAX_ALERTS)
    group_key: Annotated[str, StringConstraints(max_length=5000)] = Field(
        default="", alias="groupKey"
    )
    external_url: Url = Field(default="", alias="externalURL")
    org_id: int | None = Field(default=None, alias="orgId")

    @property
    def source(self) -> str:
        return "grafana" if self.org_id is not None or self.version == "1" else "alertmanager"


def field_errors(error: ValidationError) -> dict[str, str]:
    """pydantic's errors as `{"alerts.0.startsAt": "message"}`, what the API answers 422 with."""
    errors: dict[str, str] = {}
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "body"
        errors.setdefault(where, _message(item))
    return errors


def _message(item: dict) -> str:
    kind = item["type"]
    if kind == "literal_error" and item["loc"][-1:] == ("version",):
        return 'expected "4" (Alertmanager) or "1" (Grafana)'
    if kind == "too_long" and item["loc"][-1:] == ("alerts",):
        return (
            f"at most {MAX_ALERTS} alerts a request: set max_alerts: {MAX_ALERTS} "
            "in Alertmanager's webhook_config"
        )
    return item["msg"].removeprefix("Value error, ")
