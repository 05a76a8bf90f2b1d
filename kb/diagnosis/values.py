"""The values typed into a diagnosis's fill-in fields, shared by everyone on it.

One row per field, written by an upsert: two responders filling different fields at once
both keep theirs, and filling a field never bumps the diagnosis's version (so it never
turns someone's answer into a conflict). Values whose names look secret are refused here,
whatever the caller passed: they stay in the browser that typed them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, Session, SQLModel, select

from kb.content.fields import MAX_VALUE, key_of, refusal, shareable


class DiagnosisField(SQLModel, table=True):
    diagnosis_id: str = Field(primary_key=True, foreign_key="diagnosis.id", max_length=24)
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(default="", max_length=MAX_VALUE)
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def values_of(session: Session, diagnosis_id: str) -> dict[str, str]:
    """The usable values: one stored before today's rule (kb.content.fields.refusal) is
    never handed to a page, its script or the API."""
    rows = session.exec(select(DiagnosisField).where(DiagnosisField.diagnosis_id == diagnosis_id))
    return {row.key: row.value for row in rows if refusal(row.value) is None}


def save_values(*, session: Session, diagnosis_id: str, values: dict[str, str]) -> dict[str, str]:
    """Store the shareable values (an empty one clears its field); returns what was stored."""
    given = {key_of(k)[:100]: str(v)[:MAX_VALUE] for k, v in values.items()}
    kept = shareable({k: v for k, v in given.items() if refusal(v) is None})
    if not kept:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = DiagnosisField.__table__
    now = datetime.now(UTC)
    for key, value in kept.items():
        statement = (
            insert(table)
            .values(diagnosis_id=diagnosis_id, key=key, value=value, updated_at=now)
            .on_conflict_do_update(
                index_elements=[table.c.diagnosis_id, table.c.key],
                set_={"value": value, "updated_at": now},
            )
        )
        session.execute(statement)
    session.commit()
    return kept
