"""Editing the directory safely: login comes back to where you were, delete asks first and
can be undone, restore shows what it will change, and the runbook shows the directory."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from kb.auth.service import create_user
from tests.acme import write_acme
from tests.conftest import form_token, post_contact_form

PASSWORD = "correct horse battery"


@pytest.fixture
def app(make_app, content_dir):
    app = make_app(write_acme(content_dir))
    with Session(app.extensions["kb.db"]) as session:
        create_user(session=session, username="edna", password=PASSWORD, role="editor")
    return app


def login(client, next_path: str | None = None):
    query = {"next": next_path} if next_path is not None else {}
    return client.post(
        "/login",
        query_string=query,
        data={"username": "edna", "password": PASSWORD, "csrf_token": form_token(client)},
    )


def by_role(client, role):
    return next(c for c in client.get("/api/contacts").get_json() if c["role"] == role)


def test_log_in_links_back_to_the_page_being_read(client):
    page = client.get("/contacts?q=stripe").get_data(as_text=True)
    assert 'href="/login?next=/contacts?q%3Dstripe">Log in</a>' in page
    assert login(client, "/contacts?q=stripe").headers["Location"] == "/contacts?q=stripe"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "\\\\evil.example.com",
        "javascript:alert(1)",
        "/contacts\r\nSet-Cookie: x=1",
        "contacts",
        "",
    ],
)
def test_login_never_sends_anyone_off_the_site(client, target):
    assert login(client, target).headers["Location"] == "/"


def test_an_editor_sent_to_log_in_from_a_missing_number_lands_on_the_form_and_back(client):
    lead = by_role(client, "Lead Developer")
    edit = f"/contacts/{lead['id']}/edit?next=/d/abc"
    sent = client.get(edit)
    assert sent.status_code == 302 and "/login?next=" in sent.headers["Location"]
    assert login(client, edit).headers["Location"] == edit
    form = client.get(edit).get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/d/abc">' in form
    saved = post_contact_form(
        client,
        lead,
        "edit",
        group="technical",
        role="Lead Developer",
        phone="6 99 88 77 66",
        next="/d/abc",
    )
    assert saved.headers["Location"] == f"/d/abc#contact-{lead['id']}"
    evil = post_contact_form(
        client, lead, "verify", version=lead["version"] + 1, next="//evil.example.com"
    )
    assert evil.headers["Location"] == f"/contacts#contact-{lead['id']}"


def test_the_new_contact_form_sent_twice_adds_one_contact(client):
    login(client)
    page = client.get("/contacts/new").text
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    form = {"group": "external", "role": "Twice", "name": "Tess", "once": once}
    form["csrf_token"] = form_token(client, "/contacts/new")
    first = client.post("/contacts/new", data=form)
    again = client.post("/contacts/new", data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]  # at the one contact
    assert [c["role"] for c in client.get("/api/contacts").get_json()].count("Twice") == 1
    assert "already sent" in client.get("/contacts").text
    fresh = client.get("/contacts/new").text  # a new form is a new contact, same values
    other = re.search(r'name="once" value="([^"]+)"', fresh).group(1)
    assert client.post("/contacts/new", data={**form, "once": other}).status_code == 303
    assert [c["role"] for c in client.get("/api/contacts").get_json()].count("Twice") == 2


def test_delete_asks_first_without_javascript_and_deletes_only_when_confirmed(client):
    login(client)
    on_call = by_role(client, "On-Call")
    ask = client.get(f"/contacts/{on_call['id']}/delete").get_data(as_text=True)
    assert "Delete On-Call — Ana Mbah?" in ask and "Yes, delete On-Call" in ask
    token = form_token(client, "/contacts")
    data = {"csrf_token": token, "version": on_call["version"]}
    unconfirmed = client.post(f"/contacts/{on_call['id']}/delete", data=data)
    assert unconfirmed.status_code == 200 and "Yes, delete On-Call" in unconfirmed.text
    assert by_role(client, "On-Call")["id"] == on_call["id"]  # still there
    done = client.post(f"/contacts/{on_call['id']}/delete", data={**data, "confirm": "yes"})
    assert done.headers["Location"] == "/contacts#recently-deleted"
    assert "On-Call" not in [c["role"] for c in client.get("/api/contacts").get_json()]
    history = client.get(f"/api/contacts/{on_call['id']}/history").get_json()
    assert history[0]["action"] == "delete" and history[0]["before"]["phone"] == "+237671234567"


def test_a_deleted_contact_is_listed_and_comes_back_under_its_own_id(client):
    login(client)
    on_call = by_role(client, "On-Call")
    token = form_token(client, "/contacts")
    client.post(
        f"/contacts/{on_call['id']}/delete",
        data={"csrf_token": token, "version": on_call["version"], "confirm": "yes"},
    )
    directory = client.get("/contacts").get_data(as_text=True)
    assert 'id="recently-deleted"' in directory and "<strong>On-Call</strong>" in directory
    deletion = client.get(f"/api/contacts/{on_call['id']}/history").get_json()[0]
    restore = f"/contacts/{on_call['id']}/restore/{deletion['id']}"
    preview = client.get(restore).get_data(as_text=True)
    assert "Restore On-Call?" in preview and "+237 6 71 23 45 67" in preview
    client.post(restore, data={"csrf_token": token})
    back = by_role(client, "On-Call")
    assert back["id"] == on_call["id"] and back["phone"] == "+237671234567"
    assert back["version"] > on_call["version"]  # an old form cannot overwrite it
    actions = [c["action"] for c in client.get(f"/api/contacts/{on_call['id']}/history").json]
    assert actions[:2] == ["restore", "delete"]
    assert 'id="recently-deleted"' not in client.get("/contacts").get_data(as_text=True)
    client.post(restore, data={"csrf_token": token})  # a second time: nothing to bring back
    roles = [c["role"] for c in client.get("/api/contacts").get_json()]
    assert roles.count("On-Call") == 1


def test_restore_previews_each_field_and_keeps_a_number_added_since(client):
    login(client)
    lead = by_role(client, "Lead Developer")
    token = form_token(client, "/contacts")

    def edit(version, **fields):
        data = {"csrf_token": token, "version": version, "group": "technical"}
        client.post(
            f"/contacts/{lead['id']}/edit", data={**data, "role": "Lead Developer", **fields}
        )
        return by_role(client, "Lead Developer")

    named = edit(lead["version"], name="Theo", email="lead@acme.example.com")
    latest = edit(
        named["version"], name="Theo N.", email="lead@acme.example.com", phone="6 99 88 77 66"
    )
    changes = client.get(f"/api/contacts/{lead['id']}/history").get_json()
    when_named = next(c for c in changes if (c["after"] or {}).get("name") == "Theo")
    restore = f"/contacts/{lead['id']}/restore/{when_named['id']}"
    preview = client.get(restore).get_data(as_text=True)
    assert 'value="name" checked' in preview  # Theo N. → Theo: ticked
    assert 'value="phone">' in preview and "would remove what is there now" in preview
    assert 'value="email"' not in preview  # unchanged fields are not offered
    client.post(
        restore, data={"csrf_token": token, "version": latest["version"], "field": ["name"]}
    )
    now = by_role(client, "Lead Developer")
    assert now["name"] == "Theo" and now["phone"] == "+237699887766"


def test_restore_with_nothing_ticked_changes_nothing(client):
    login(client)
    lead = by_role(client, "Lead Developer")
    token = form_token(client, "/contacts")
    client.post(
        f"/contacts/{lead['id']}/edit",
        data={
            "csrf_token": token,
            "version": lead["version"],
            "group": "technical",
            "role": "Lead Developer",
            "name": "Theo",
        },
    )
    first = client.get(f"/api/contacts/{lead['id']}/history").get_json()[-1]
    client.post(f"/contacts/{lead['id']}/restore/{first['id']}", data={"csrf_token": token})
    assert by_role(client, "Lead Developer")["name"] == "Theo"


def test_restore_refuses_a_change_of_another_contact(client):
    login(client)
    lead, on_call = by_role(client, "Lead Developer"), by_role(client, "On-Call")
    other = client.get(f"/api/contacts/{on_call['id']}/history").get_json()[0]
    assert client.get(f"/contacts/{lead['id']}/restore/{other['id']}").status_code == 404


def test_the_runbooks_contacts_section_shows_the_live_directory(client):
    login(client)
    lead = by_role(client, "Lead Developer")
    post_contact_form(
        client,
        lead,
        "edit",
        group="technical",
        role="Lead Developer",
        name="Theo",
        phone="6 99 88 77 66",
    )
    page = client.get("/a/acme/emergency-contacts").get_data(as_text=True)
    assert "[TBD]" not in page and "+237XXXXXXXXX" not in page and "<table" not in page
    assert "Theo" in page and 'href="tel:+237699887766"' in page
    assert page.count('class="live-directory"') == 2  # people and vendors
    assert 'href="/contacts#group-external">contacts directory</a>' in page
    assert f'href="/contacts/{lead["id"]}/edit?next=/a/acme/emergency-contacts">Edit</a>' in page
    assert ">status page</a>" in page  # Stripe's, found by the seed
    section = client.get("/a/acme/technical-emergency").get_data(as_text=True)
    assert "Theo" in section and "Mailgun" not in section


def test_other_tables_are_left_as_written_and_bad_cells_do_not_stop_kb(make_app, content_dir):
    (content_dir / "notes.md").write_text(
        "# Notes\n\n| Role | Phone | Email |\n|---|---|---|\n| Tester | 1 | t@x.example.com |\n\n"
        "| Date | Change |\n|---|---|\n| today | wrote it |\n",
        encoding="utf-8",
    )
    client = make_app(content_dir).test_client()
    page = client.get("/a/notes").get_data(as_text=True)
    assert '<table class="kb-table-1">' in page and "wrote it" in page
    assert '<table class="kb-table-0">' not in page and 'class="live-directory"' in page
    # a phone the directory cannot read is left out (shown as missing), not a failed start
    tester = by_role(client, "Tester")
    assert tester["phone"] is None and "phone" in tester["missing"]
