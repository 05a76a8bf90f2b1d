"""On a first start the directory is seeded from the runbook; later starts leave it be."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session, select

from kb.contacts.model import ContactChange
from kb.contacts.seed import seed_contacts
from kb.content.library import Library


def seed_first_time(*, session: Session, library: Library) -> int:
    """Fill a directory nobody has used yet from the runbook; returns how many were added.
    Any history at all means people have used it: never re-seed then, even if they
    deleted every contact."""
    if session.exec(select(ContactChange).limit(1)).first() is not None:
        return 0
    return seed_contacts(session=session, library=library)


def init_app(app: Flask) -> None:
    with Session(app.extensions["kb.db"]) as session:
        seed_first_time(session=session, library=app.extensions["kb.library"])
