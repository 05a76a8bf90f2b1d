"""The contacts directory: pages for people, JSON for scripts."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from kb.contacts import service
from kb.contacts.model import EDITABLE, GROUP_TITLES, GROUPS, Contact, ContactChange
from kb.contacts.transfer import parse_csv, to_csv, to_vcard
from kb.contacts.validation import FIELDS, display_phone
from kb.db import get_session
from kb.search.setup import refresh_contacts
from kb.web.auth import current_user, editor_required, safe_next

bp = Blueprint("contacts", __name__)


def _stale_days() -> int:
    return int(current_app.config.get("KB_CONTACT_STALE_DAYS", 90))


@bp.app_template_global()
def author(username: str | None) -> str:
    """Who made a change, for those logged in; anonymous readers see only that an editor
    did (a public list of editors' usernames is a list of accounts to lock out)."""
    if current_user() is not None or username in (None, "system", "runbook seed", "anonymous"):
        return username or ""
    return "an editor"


def contact_json(contact: Contact) -> dict:
    state = service.status(contact, _stale_days())
    return {
        "id": contact.id,
        **{name: getattr(contact, name) for name in EDITABLE},
        "version": contact.version,
        "complete": state.complete,
        "missing": state.missing,
        "stale": state.stale,
        "verified_at": contact.verified_at.isoformat() if contact.verified_at else None,
        "updated_at": contact.updated_at.isoformat() if contact.updated_at else None,
        "updated_by": author(contact.updated_by),
    }


MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database kb runs on


@bp.url_value_preprocessor
def _ids_in_range(_endpoint, values) -> None:
    """A contact id no database can hold is simply not found (not a 500)."""
    if values and not 0 < values.get("contact_id", 1) <= MAX_ID:
        abort(404)


def _contact_or_404(contact_id: int) -> Contact:
    contact = get_session().get(Contact, contact_id)
    if contact is None:
        abort(404)
    return contact


def _who() -> str:
    user = current_user()
    return user.username if user else "anonymous"


def _version() -> int | None:
    raw = (
        request.form.get("version")
        if request.form
        else (request.get_json(silent=True) or {}).get("version")
    )
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _changed() -> None:
    refresh_contacts(current_app._get_current_object())


@bp.app_template_filter("phone")
def phone_filter(value: str | None) -> str:
    return display_phone(value)


# Pages ---------------------------------------------------------------------------------


@bp.get("/contacts")
def directory():
    query = request.args.get("q", "").strip().lower()
    contacts = service.list_contacts(session=get_session())
    if query:
        contacts = [
            c
            for c in contacts
            if query in " ".join(filter(None, [c.role, c.name, c.email, c.notes, c.group])).lower()
        ]
    rows = [(c, service.status(c, _stale_days())) for c in contacts]
    groups = [(g, GROUP_TITLES[g], [(c, s) for c, s in rows if c.group == g]) for g in GROUPS]
    return render_template(
        "contacts/list.html",
        groups=[(key, title, items) for key, title, items in groups if items],
        incomplete=sum(1 for _, s in rows if not s.complete),
        stale=sum(1 for _, s in rows if s.stale),
        query=request.args.get("q", ""),
        stale_days=_stale_days(),
        deleted=service.deleted(session=get_session()),
    )


def _form_page(contact: Contact | None, values: dict, errors: dict, status: int = 200):
    return (
        render_template(
            "contacts/form.html",
            contact=contact,
            values=values,
            errors=errors,
            groups=GROUPS,
            titles=GROUP_TITLES,
            fields=FIELDS,
            next=request.values.get("next", ""),
        ),
        status,
    )


def _back(contact_id: int | None = None):
    """Back where the editor came from (`next`: a path on this site only), else the
    directory; at the contact's card either way."""
    anchor = f"#contact-{contact_id}" if contact_id else ""
    target = safe_next(request.values.get("next"), url_for("contacts.directory"))
    return redirect(target + ("" if "#" in target else anchor), code=303)


@bp.route("/contacts/new", methods=["GET", "POST"])
@editor_required
def new():
    if request.method == "GET":
        return _form_page(None, {"group": request.args.get("group", "technical")}, {})
    try:
        contact = service.create_contact(
            session=get_session(), data=request.form.to_dict(), by=_who()
        )
    except service.Invalid as invalid:
        return _form_page(None, request.form.to_dict(), invalid.errors, 422)
    _changed()
    flash(f"Added {contact.role}.")
    return redirect(url_for("contacts.directory") + f"#contact-{contact.id}", code=303)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(contact_id: int):
    contact = _contact_or_404(contact_id)
    if request.method == "GET":
        values = {f: getattr(contact, f) or "" for f in service.EDITABLE}
        values["phone"] = display_phone(contact.phone)
        values["phone_alt"] = display_phone(contact.phone_alt)
        return _form_page(contact, values, {})
    version = _version()
    try:
        updated = service.update_contact(
            session=get_session(),
            contact=contact,
            data=request.form.to_dict(),
            version=version or -1,
            by=_who(),
        )
    except service.Invalid as invalid:
        return _form_page(contact, request.form.to_dict(), invalid.errors, 422)
    except service.StaleVersion as stale:
        return render_template(
            "contacts/conflict.html", mine=request.form.to_dict(), current=stale.current
        ), 409
    _changed()
    flash(f"Saved {updated.role}.")
    return _back(updated.id)


@bp.post("/contacts/<int:contact_id>/verify")
@editor_required
def verify(contact_id: int):
    contact = _contact_or_404(contact_id)
    try:
        service.verify_contact(
            session=get_session(), contact=contact, version=_version() or -1, by=_who()
        )
    except service.StaleVersion as stale:
        return render_template("contacts/conflict.html", mine=None, current=stale.current), 409
    flash(f"Marked {contact.role} as checked today.")
    return _back(contact_id)


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@editor_required
def remove(contact_id: int):
    """Asks first (a page, so it works without JavaScript); deletes only when confirmed."""
    contact = _contact_or_404(contact_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        state = service.status(contact, _stale_days())
        return render_template("contacts/delete.html", contact=contact, state=state)
    try:
        service.delete_contact(
            session=get_session(), contact=contact, version=_version() or -1, by=_who()
        )
    except service.StaleVersion as stale:
        return render_template("contacts/conflict.html", mine=None, current=stale.current), 409
    _changed()
    flash(
        f"Deleted {contact.role}. Restore it from “Recently deleted” below if that was a mistake."
    )
    return redirect(url_for("contacts.directory") + "#recently-deleted", code=303)


@bp.get("/contacts/<int:contact_id>/history")
def history_page(contact_id: int):
    changes = service.history(session=get_session(), contact_id=contact_id)
    contact = get_session().get(Contact, contact_id)
    if contact is None and not changes:
        abort(404)
    return render_template(
        "contacts/history.html", contact=contact, changes=changes, fields=service.EDITABLE
    )


def _change_or_404(contact_id: int, change_id: int) -> ContactChange:
    change = get_session().get(ContactChange, change_id)
    if change is None or change.contact_id != contact_id or service.restorable(change) is None:
        abort(404)
    return change


def _preview(contact: Contact | None, change: ContactChange) -> list[dict]:
    """Field by field: what it says now, what restoring brings back, and whether that is
    ticked to begin with: not when it would empty a field someone has filled since."""
    then = service.restorable(change) or {}
    rows = []
    for spec in FIELDS:
        now = getattr(contact, spec.name) if contact else None
        old = then.get(spec.name)
        if contact is not None and now == old:
            continue
        erases = old in (None, "") and now not in (None, "")
        rows.append(
            {"name": spec.name, "label": spec.label, "now": now, "then": old, "erases": erases}
        )
    return rows


@bp.route("/contacts/<int:contact_id>/restore/<int:change_id>", methods=["GET", "POST"])
@editor_required
def restore(contact_id: int, change_id: int):
    """A preview of what restoring changes, each field to tick; then the restore."""
    change = _change_or_404(contact_id, change_id)
    contact = get_session().get(Contact, contact_id)
    rows = _preview(contact, change)
    if request.method == "GET":
        return render_template("contacts/restore.html", contact=contact, change=change, rows=rows)
    try:
        if contact is None:
            service.undelete_contact(session=get_session(), change=change, by=_who())
        else:
            chosen = [r["name"] for r in rows if r["name"] in request.form.getlist("field")]
            if not chosen:
                flash("Nothing ticked, so nothing was restored.")
                return redirect(url_for("contacts.history_page", contact_id=contact_id), code=303)
            service.restore_contact(
                session=get_session(),
                contact=contact,
                change=change,
                version=_version() or -1,
                by=_who(),
                fields=chosen,
            )
    except service.Invalid as invalid:
        message = "; ".join(f"{k}: {v}" for k, v in invalid.errors.items())
        return render_template(
            "error.html", status=400, title="Cannot restore", message=message
        ), 400
    except service.StaleVersion as stale:
        return render_template("contacts/conflict.html", mine=None, current=stale.current), 409
    _changed()
    flash("Restored the earlier values." if contact else "Restored the contact.")
    return redirect(url_for("contacts.history_page", contact_id=contact_id), code=303)


@bp.get("/contacts/export.csv")
def export_csv():
    body = to_csv(service.list_contacts(session=get_session()))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )


@bp.get("/contacts/export.vcf")
def export_vcard():
    body = to_vcard(service.list_contacts(session=get_session()))
    return Response(
        body,
        mimetype="text/vcard",
        headers={"Content-Disposition": 'attachment; filename="contacts.vcf"'},
    )


@bp.route("/contacts/import", methods=["GET", "POST"])
@editor_required
def import_page():
    if request.method == "GET":
        return render_template("contacts/import.html", rows=None, problem=None, text="")
    upload = request.files.get("file")
    text = (
        upload.read().decode("utf-8", errors="replace") if upload else request.form.get("text", "")
    )
    rows, problem = parse_csv(text)
    valid = rows and not problem and all(not r.errors for r in rows)
    if request.form.get("confirm") == "yes" and valid:
        for row in rows:
            service.create_contact(session=get_session(), data=row.values, by=_who())
        _changed()
        flash(f"Imported {len(rows)} contact(s).")
        return redirect(url_for("contacts.directory"), code=303)
    return render_template(
        "contacts/import.html", rows=rows, problem=problem, text=text, valid=valid
    )


# JSON API ------------------------------------------------------------------------------


@bp.get("/api/contacts")
def list_api():
    return jsonify([contact_json(c) for c in service.list_contacts(session=get_session())])


@bp.post("/api/contacts")
@editor_required
def create_api():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify({"errors": {"body": "send a JSON object"}}), 422
    try:
        contact = service.create_contact(session=get_session(), data=payload, by=_who())
    except service.Invalid as invalid:
        return jsonify({"errors": invalid.errors}), 422
    _changed()
    return jsonify(contact_json(contact)), 201


@bp.put("/api/contacts/<int:contact_id>")
@editor_required
def update_api(contact_id: int):
    contact = _contact_or_404(contact_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify({"errors": {"body": "send a JSON object"}}), 422
    version = payload.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        return jsonify({"errors": {"version": "send the version your change is based on"}}), 422
    try:
        updated = service.update_contact(
            session=get_session(), contact=contact, data=payload, version=version, by=_who()
        )
    except service.Invalid as invalid:
        return jsonify({"errors": invalid.errors}), 422
    except service.StaleVersion as stale:
        current = contact_json(stale.current) if stale.current else None
        return jsonify(
            {"error": "conflict: the contact changed since your version", "current": current}
        ), 409
    _changed()
    return jsonify(contact_json(updated))


@bp.delete("/api/contacts/<int:contact_id>")
@editor_required
def delete_api(contact_id: int):
    contact = _contact_or_404(contact_id)
    payload = request.get_json(silent=True) or {}
    version = payload.get("version") if isinstance(payload, dict) else None
    try:
        service.delete_contact(session=get_session(), contact=contact, version=version, by=_who())
    except service.StaleVersion as stale:
        current = contact_json(stale.current) if stale.current else None
        return jsonify({"error": "conflict", "current": current}), 409
    _changed()
    return "", 204


@bp.get("/api/contacts/<int:contact_id>/history")
def history_api(contact_id: int):
    changes = service.history(session=get_session(), contact_id=contact_id)
    if not changes and get_session().get(Contact, contact_id) is None:
        abort(404)
    return jsonify(
        [
            {
                "id": c.id,
                "action": c.action,
                "at": c.at.isoformat(),
                "by": author(c.by),
                "before": c.before,
                "after": c.after,
            }
            for c in changes
        ]
    )
