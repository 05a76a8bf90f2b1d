"""/api/contacts: the emergency directory for scripts. Every write names the version it
was based on (a PUT must; a DELETE may), so two editors never overwrite each other."""

from __future__ import annotations

from flask import abort, jsonify, request

from kb.contacts import service
from kb.contacts.model import Contact
from kb.contacts.validation import Invalid, read_changes, read_contact
from kb.db import get_session
from kb.web.api import bp
from kb.web.api.public import change_public, contact_public, send
from kb.web.auth import editor_required
from kb.web.contacts import ONE_TIME_TOKEN, changed, contact_or_404, ids_in_range, who

bp.url_value_preprocessor(ids_in_range)


def _invalid(errors: dict[str, str]):
    return jsonify({"errors": errors}), 422


def _conflict(stale: service.StaleVersion, error: str):
    current = contact_public(stale.current).model_dump(mode="json") if stale.current else None
    return jsonify({"error": error, "current": current}), 409


@bp.get("/contacts")
def list_contacts():
    return send([contact_public(c) for c in service.list_contacts(session=get_session())])


@bp.post("/contacts")
@editor_required
def create_contact():
    """A new contact. With an `Idempotency-Key` header, the same key again (a retry after a
    timeout, two at once) returns the contact it made, 200, and adds nothing."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not ONE_TIME_TOKEN.fullmatch(key):
        return _invalid({"Idempotency-Key": "16 to 100 letters, digits, - or _ (a UUID works)"})
    try:
        contact_in = read_contact(request.get_json(silent=True))
    except Invalid as invalid:
        return _invalid(invalid.errors)
    try:
        contact = service.create_contact(
            session=get_session(),
            contact_in=contact_in,
            by=who(),
            once=f"api:{who()}:{key}" if key else None,
        )
    except service.Repeated as repeated:
        if repeated.contact is None:
            return jsonify({"error": "that key made a contact that has since been deleted"}), 409
        return send(contact_public(repeated.contact), 200)
    changed()
    return send(contact_public(contact), 201)


@bp.put("/contacts/<int:contact_id>")
@editor_required
def update_contact(contact_id: int):
    contact = contact_or_404(contact_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _invalid({"body": "send a JSON object"})
    version = payload.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        return _invalid({"version": "send the version your change is based on"})
    try:
        updated = service.update_contact(
            session=get_session(),
            contact=contact,
            contact_in=read_changes(payload),
            version=version,
            by=who(),
        )
    except Invalid as invalid:
        return _invalid(invalid.errors)
    except service.StaleVersion as stale:
        return _conflict(stale, "conflict: the contact changed since your version")
    changed()
    return send(contact_public(updated))


@bp.delete("/contacts/<int:contact_id>")
@editor_required
def delete_contact(contact_id: int):
    contact = contact_or_404(contact_id)
    payload = request.get_json(silent=True) or {}
    version = payload.get("version") if isinstance(payload, dict) else None
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        return _invalid({"version": "send the version your deletion is based on, or none"})
    try:
        service.delete_contact(session=get_session(), contact=contact, version=version, by=who())
    except service.StaleVersion as stale:
        return _conflict(stale, "conflict")
    changed()
    return "", 204


@bp.get("/contacts/<int:contact_id>/history")
def contact_history(contact_id: int):
    changes = service.history(session=get_session(), contact_id=contact_id)
    if not changes and get_session().get(Contact, contact_id) is None:
        abort(404)
    return send([change_public(c) for c in changes])
