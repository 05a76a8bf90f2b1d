"""On a first start the directory is seeded from the runbook; later starts leave it be."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session, select

from kb.contacts.model import ContactChange
from kb.contacts.seed import seed_contacts


def init_app(app: Flask) -> None:
    with Session(app.extensions["kb.db"]) as session:
        # Any history at all means people have used the directory: never re-seed then,
        # even if they deleted every contact.
        if session.exec(select(ContactChange).limit(1)).first() is None:
            seed_contacts(session=session, library=app.extensions["kb.library"])
