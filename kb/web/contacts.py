"""The contacts directory's pages: list, edit, history, import and export (the JSON API
for scripts is kb.web.api.contacts)."""

from __future__ import annotations

import re
import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from kb.contacts import service
from kb.contacts.fields import display_phone
from kb.contacts.model import EDITABLE, GROUP_TITLES, GROUPS, Contact, ContactChange
from kb.contacts.transfer import parse_csv, to_csv, to_vcard
from kb.contacts.validation import FIELDS, Invalid, read_changes, read_contact
from kb.db import get_session
from kb.search.setup import refresh_contacts
from kb.web.auth import current_user, editor_required, safe_next

bp = Blueprint("contacts", __name__)


def _stale_days() -> int:
    return current_app.config["KB_CONTACT_STALE_DAYS"]


@bp.app_template_global()
def author(username: str | None) -> str:
    """Who made a change, for those logged in; anonymous readers see only that an editor
    did (a public list of editors' usernames is a list of accounts to lock out)."""
    if current_user() is not None or username in (None, "system", "runbook seed", "anonymous"):
        return username or ""
    return "an editor"


MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database kb runs on


def ids_in_range(_endpoint, values) -> None:
    """A contact or change id no database can hold is simply not found (not a 500)."""
    for name in ("contact_id", "change_id"):
        if values and not 0 < values.get(name, 1) <= MAX_ID:
            abort(404)


bp.url_value_preprocessor(ids_in_range)


def contact_or_404(contact_id: int) -> Contact:
    contact = get_session().get(Contact, contact_id)
    if contact is None:
        abort(404)
    return contact


def _form_fields() -> dict:
    """The contact fields a form sent (not its token or version)."""
    return {k: v for k, v in request.form.items() if k in EDITABLE}


def who() -> str:
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


def changed() -> None:
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


# The one-time token a new-contact form carries (kb.contacts.model.ContactReceipt).
ONE_TIME_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")


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
        values = {"group": request.args.get("group", "technical"), "once": secrets.token_urlsafe()}
        return _form_page(None, values, {})
    try:
        contact_in = read_contact(request.form.to_dict())
    except Invalid as invalid:
        return _form_page(None, request.form.to_dict(), invalid.errors, 422)
    once = request.form.get("once", "")
    try:
        contact = service.create_contact(
            session=get_session(),
            contact_in=contact_in,
            by=who(),
            once=f"form:{once}" if ONE_TIME_TOKEN.fullmatch(once) else None,
        )
    except service.Repeated as repeated:  # a double click, a resubmit after a slow answer
        flash("This form was already sent; the contact was added once.")
        anchor = f"#contact-{repeated.contact.id}" if repeated.contact else ""
        return redirect(url_for("contacts.directory") + anchor, code=303)
    changed()
    flash(f"Added {contact.role}.")
    return redirect(url_for("contacts.directory") + f"#contact-{contact.id}", code=303)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(contact_id: int):
    contact = contact_or_404(contact_id)
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
            contact_in=read_changes(_form_fields()),
            version=version or -1,
            by=who(),
        )
    except Invalid as invalid:
        return _form_page(contact, request.form.to_dict(), invalid.errors, 422)
    except service.StaleVersion as stale:
        return render_template(
            "contacts/conflict.html", mine=request.form.to_dict(), current=stale.current
        ), 409
    changed()
    flash(f"Saved {updated.role}.")
    return _back(updated.id)


@bp.post("/contacts/<int:contact_id>/verify")
@editor_required
def verify(contact_id: int):
    contact = contact_or_404(contact_id)
    try:
        service.verify_contact(
            session=get_session(), contact=contact, version=_version() or -1, by=who()
        )
    except service.StaleVersion as stale:
        return render_template("contacts/conflict.html", mine=None, current=stale.current), 409
    flash(f"Marked {contact.role} as checked today.")
    return _back(contact_id)


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@editor_required
def remove(contact_id: int):
    """Asks first (a page, so it works without JavaScript); deletes only when confirmed."""
    contact = contact_or_404(contact_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        state = service.status(contact, _stale_days())
        return render_template("contacts/delete.html", contact=contact, state=state)
    try:
        service.delete_contact(
            session=get_session(), contact=contact, version=_version() or -1, by=who()
        )
    except service.StaleVersion as stale:
        return render_template("contacts/conflict.html", mine=None, current=stale.current), 409
    changed()
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
            service.undelete_contact(session=get_session(), change=change, by=who())
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
                by=who(),
                fields=chosen,
            )
    except Invalid as invalid:
        message = "; ".join(f"{k}: {v}" for k, v in invalid.errors.items())
        return render_template(
            "error.html", status=400, title="Cannot restore", message=message
        ), 400
    except service.StaleVersion as stale:
        return render_template("contacts/conflict.html", mine=None, current=stale.current), 409
    changed()
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
            service.create_contact(session=get_session(), contact_in=row.contact, by=who())
        changed()
        flash(f"Imported {len(rows)} contact(s).")
        return redirect(url_for("contacts.directory"), code=303)
    return render_template(
        "contacts/import.html", rows=rows, problem=problem, text=text, valid=valid
    )
