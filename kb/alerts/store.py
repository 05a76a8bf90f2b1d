"""The alert behind a diagnosis: what fired, and whether it has resolved since.

Alertmanager retries, and an HA pair of Alertmanagers can deliver one notification twice
at the same moment; repeats come every `repeat_interval`. So one alert (one fingerprint)
has at most one *open* diagnosis: `open_key` holds the fingerprint while its diagnosis is
open and is unique (NULLs never collide), so two deliveries racing each other open one
diagnosis, and the loser joins it. Once the diagnosis is finished, the next firing opens
a new one. Labels and annotations whose names look secret are not kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import JSON, Column, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from kb.alerts.payload import AlertIn
from kb.content.fields import is_secret
from kb.diagnosis import store
from kb.diagnosis.engine import ACTIVE, Walk

TRIES = 3


class DiagnosisAlert(SQLModel, table=True):
    diagnosis_id: str = Field(primary_key=True, foreign_key="diagnosis.id", max_length=24)
    fingerprint: str = Field(index=True, max_length=128)
    open_key: str | None = Field(default=None, unique=True, max_length=128)
    source: str = Field(max_length=20)  # alertmanager or grafana
    name: str = Field(max_length=200)
    status: str = Field(default="firing", max_length=10)  # firing or resolved
    labels: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    annotations: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    starts_at: datetime
    ends_at: datetime | None = None
    generator_url: str = Field(default="", max_length=2000)
    matched_by: str = Field(max_length=20)
    notifications: int = 1  # how many firing notifications reached this diagnosis
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def kept(values: dict[str, str]) -> dict[str, str]:
    """Labels or annotations as stored: none whose name looks secret."""
    return {name: value for name, value in values.items() if not is_secret(name)}


def alert_of(session: Session, diagnosis_id: str) -> DiagnosisAlert | None:
    return session.get(DiagnosisAlert, diagnosis_id)


def join_or_open(
    *, session: Session, alert: AlertIn, source: str, matched_by: str, start: Callable[[], Walk]
) -> tuple[str, bool]:
    """The open diagnosis of this alert (joined), or a new one from `start()`; and whether
    it is new."""
    for _ in range(TRIES):
        row = session.exec(
            select(DiagnosisAlert).where(DiagnosisAlert.open_key == alert.identity)
        ).first()
        if row is not None:
            record = session.get(store.Diagnosis, row.diagnosis_id)
            if record is not None and record.status == ACTIVE:
                _fired_again(session, row.diagnosis_id, alert)
                return row.diagnosis_id, False
            _close(session, row.diagnosis_id, alert.identity)
        session.rollback()  # no transaction held open while the first checks run
        record = store.record_of(start())
        try:
            session.add(record)
            session.flush()
            session.add(_row(record.id, alert, source, matched_by))
            session.commit()
            return record.id, True
        except IntegrityError:
            session.rollback()  # another delivery of the same alert opened it first
    raise RuntimeError(f"could not open a diagnosis for alert {alert.identity}")


def _row(diagnosis_id: str, alert: AlertIn, source: str, matched_by: str) -> DiagnosisAlert:
    return DiagnosisAlert(
        diagnosis_id=diagnosis_id,
        fingerprint=alert.identity,
        open_key=alert.identity,
        source=source,
        name=alert.name[:200],
        labels=kept(alert.labels),
        annotations=kept(alert.annotations),
        starts_at=alert.starts_at,
        generator_url=alert.generator_url,
        matched_by=matched_by,
    )


def _fired_again(session: Session, diagnosis_id: str, alert: AlertIn) -> None:
    session.exec(
        update(DiagnosisAlert)
        .where(DiagnosisAlert.diagnosis_id == diagnosis_id)
        .values(
            status="firing",
            ends_at=None,
            starts_at=alert.starts_at,
            annotations=kept(alert.annotations),
            notifications=DiagnosisAlert.notifications + 1,
            updated_at=datetime.now(UTC),
        )
    )
    session.commit()


def _close(session: Session, diagnosis_id: str, fingerprint: str) -> None:
    """Its diagnosis is finished: the alert's next firing opens a new one."""
    session.exec(
        update(DiagnosisAlert)
        .where(DiagnosisAlert.diagnosis_id == diagnosis_id, DiagnosisAlert.open_key == fingerprint)
        .values(open_key=None)
    )
    session.commit()


def mark_resolved(*, session: Session, alert: AlertIn) -> str | None:
    """Mark the alert's latest diagnosis resolved; its id, or None if it never fired here."""
    row = session.exec(
        select(DiagnosisAlert)
        .where(DiagnosisAlert.fingerprint == alert.identity)
        .order_by(DiagnosisAlert.open_key.is_(None), DiagnosisAlert.received_at.desc())
    ).first()
    if row is None:
        return None
    now = datetime.now(UTC)
    session.exec(
        update(DiagnosisAlert)
        .where(DiagnosisAlert.diagnosis_id == row.diagnosis_id)
        .values(status="resolved", ends_at=alert.ended or now, updated_at=now)
    )
    session.commit()
    return row.diagnosis_id
