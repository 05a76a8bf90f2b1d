"""Two editors at once: whoever lands second is told what happened, never shown a 500.

Each race is replayed in a fixed order: one session loads the contact, another changes it,
then the first writes with what it loaded, as a request does between reading the row and
writing it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from kb.contacts import service
from kb.contacts.model import Contact, ContactChange, ContactCreate, ContactUpdate


@pytest.fixture
def engine(make_app):
    return make_app().extensions["kb.db"]


@pytest.fixture
def contact_id(engine) -> int:
    with Session(engine) as session:
        created = service.create_contact(
            session=session, contact_in=ContactCreate(group="technical", role="Racer"), by="a"
        )
        return created.id


def delete_elsewhere(engine, contact_id: int) -> None:
    with Session(engine) as other:
        contact = other.get(Contact, contact_id)
        service.delete_contact(session=other, contact=contact, version=None, by="b")


def rename(session: Session, loaded: Contact, name: str, by: str) -> Contact:
    """Save a new name from the version `loaded` was read at, as an edit form does."""
    return service.update_contact(
        session=session,
        contact=loaded,
        contact_in=ContactUpdate(name=name),
        version=loaded.version,
        by=by,
    )


def test_deleting_a_contact_someone_just_deleted_says_it_is_gone(engine, contact_id):
    with Session(engine) as mine:
        loaded = mine.get(Contact, contact_id)
        delete_elsewhere(engine, contact_id)
        with pytest.raises(service.StaleVersion) as lost:
            service.delete_contact(session=mine, contact=loaded, version=None, by="a")
    assert lost.value.current is None


def test_saving_a_contact_someone_just_deleted_says_it_is_gone(engine, contact_id):
    with Session(engine) as mine:
        loaded = mine.get(Contact, contact_id)
        delete_elsewhere(engine, contact_id)
        with pytest.raises(service.StaleVersion) as lost:
            rename(mine, loaded, "Late", by="a")
    assert lost.value.current is None


def test_a_second_save_on_the_same_version_gets_the_first_ones_values(engine, contact_id):
    with Session(engine) as mine:
        loaded = mine.get(Contact, contact_id)
        with Session(engine) as other:
            rename(other, other.get(Contact, contact_id), "First", by="b")
        with pytest.raises(service.StaleVersion) as lost:
            rename(mine, loaded, "Second", by="a")
    assert lost.value.current.name == "First"


def test_bringing_back_a_contact_twice_at_once_brings_it_back_once(engine, contact_id):
    delete_elsewhere(engine, contact_id)
    with Session(engine) as mine:
        deletion = mine.exec(select(ContactChange).where(ContactChange.action == "delete")).one()

        def restored_meanwhile(session, *_):
            with Session(engine) as other:
                change = other.get(ContactChange, deletion.id)
                service.undelete_contact(session=other, change=change, by="b")

        event.listen(mine, "before_flush", restored_meanwhile, once=True)
        with pytest.raises(service.StaleVersion) as lost:
            service.undelete_contact(session=mine, change=deletion, by="a")
    assert lost.value.current.role == "Racer"
    with Session(engine) as session:
        assert len(session.exec(select(Contact).where(Contact.role == "Racer")).all()) == 1
        actions = [c.action for c in service.history(session=session, contact_id=contact_id)]
    assert actions == ["restore", "delete", "create"]


def test_one_form_sent_twice_at_once_adds_one_contact(engine):
    new = ContactCreate(group="technical", role="Doubled")
    with Session(engine) as mine:

        def the_other_copy_lands_first(session, *_):
            with Session(engine) as other:
                service.create_contact(session=other, contact_in=new, by="a", once="form:x" * 3)

        event.listen(mine, "before_flush", the_other_copy_lands_first, once=True)
        with pytest.raises(service.Repeated) as repeated:
            service.create_contact(session=mine, contact_in=new, by="a", once="form:x" * 3)
    assert repeated.value.contact.role == "Doubled"
    with Session(engine) as session:
        assert len(session.exec(select(Contact).where(Contact.role == "Doubled")).all()) == 1
