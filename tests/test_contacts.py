"""The contacts directory through its API and pages."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kb.auth.service import create_token, create_user
from tests.conftest import form_token, post_contact_form


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def token(app):
    with Session(app.extensions["kb.db"]) as session:
        create_user(
            session=session, username="alice", password="correct horse battery", role="editor"
        )
        create_user(
            session=session, username="victor", password="correct horse battery", role="viewer"
        )
        return create_token(session=session, username="alice")


SEEDED = 7  # contacts in tests/fixtures/content/contacts.md


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def contacts(client):
    return client.get("/api/contacts").get_json()


def by_role(client, role):
    return next(c for c in contacts(client) if c["role"] == role)


def login(client, username="alice", password="correct horse battery"):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": form_token(client)},
    )


def test_a_fresh_start_has_the_runbooks_people_and_vendors(client):
    """tests/fixtures/content/contacts.md: five people (three of them placeholders, listed
    out of calling order) and two vendors."""
    listed = contacts(client)
    people = [c for c in listed if c["group"] != "external"]
    vendors = [c for c in listed if c["group"] == "external"]
    assert [(c["group"], c["role"]) for c in people] == [
        ("technical", "On-Call"),
        ("technical", "DevOps"),
        ("technical", "Lead Developer"),
        ("technical", "Database Admin"),
        ("business", "Operations Manager"),
    ]
    assert [c["role"] for c in vendors] == ["Hostco", "Printwell"]
    placeholders = [c for c in people if c["role"] in ("On-Call", "DevOps", "Operations Manager")]
    assert all(c["complete"] is False and c["missing"] == ["name", "phone"] for c in placeholders)
    assert all(c["phone"] is None and c["name"] is None for c in placeholders)  # [TBD] is no data
    lead = by_role(client, "Lead Developer")
    assert (lead["name"], lead["phone"], lead["complete"]) == ("Ada Eze", "+237671234567", True)
    assert by_role(client, "Database Admin")["phone"] == "+237699887766"  # 6 99 88 77 66
    assert by_role(client, "DevOps")["email"] == "devops@courier.example"
    assert all(c["complete"] for c in vendors)
    page = client.get("/contacts").get_data(as_text=True)
    assert "3 contacts incomplete" in page
    assert page.count("needs a real phone") == 3


def test_seeding_is_idempotent(app, client):
    from kb.contacts.seed import seed_contacts

    with Session(app.extensions["kb.db"]) as session:
        assert seed_contacts(session=session, library=app.extensions["kb.library"]) == 0
    assert len(contacts(client)) == SEEDED


def test_anonymous_writes_are_refused(client):
    assert client.post("/api/contacts", json={"role": "X"}).status_code == 401
    devops = by_role(client, "DevOps")
    assert client.put(f"/api/contacts/{devops['id']}", json={"version": 1}).status_code == 401
    assert client.delete(f"/api/contacts/{devops['id']}").status_code == 401
    assert (
        client.post("/api/contacts", json={"role": "X"}, headers=auth("kb_wrong")).status_code
        == 401
    )


def test_invalid_input_saves_nothing(client, token):
    before = contacts(client)
    response = client.post(
        "/api/contacts",
        json={
            "group": "nope",
            "role": "",
            "phone": "12",
            "email": "not-an-email",
            "url": "ftp://x",
        },
        headers=auth(token),
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"group", "role", "phone", "email", "url"}
    assert contacts(client) == before


def test_phones_are_stored_in_e164(client, token):
    created = client.post(
        "/api/contacts",
        json={
            "group": "technical",
            "role": "DBA",
            "name": "Ama",
            "phone": "6 71 23 45 67",
            "email": "ama@courier.example",
        },
        headers=auth(token),
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["phone"] == "+237671234567" and body["complete"] is True and body["version"] == 1
    assert "+237 6 71 23 45 67" in client.get("/contacts").get_data(as_text=True)


def test_updates_need_the_current_version(client, token):
    devops = by_role(client, "DevOps")
    url = f"/api/contacts/{devops['id']}"
    ok = client.put(
        url,
        json={"version": devops["version"], "name": "Bea", "phone": "+237 6 99 88 77 66"},
        headers=auth(token),
    )
    assert ok.status_code == 200
    assert ok.get_json()["missing"] == [] and ok.get_json()["version"] == devops["version"] + 1
    stale = client.put(
        url, json={"version": devops["version"], "name": "Overwriter"}, headers=auth(token)
    )
    assert stale.status_code == 409
    assert stale.get_json()["current"]["name"] == "Bea"
    assert by_role(client, "DevOps")["name"] == "Bea"
    assert client.put(url, json={"name": "x"}, headers=auth(token)).status_code == 422  # no version


def rename_devops(client, token, name: str) -> dict:
    devops = by_role(client, "DevOps")
    client.put(
        f"/api/contacts/{devops['id']}",
        json={"version": devops["version"], "name": name},
        headers=auth(token),
    )
    return devops


def test_history_records_who_when_before_and_after(client, token):
    devops = rename_devops(client, token, "Bea")
    history = f"/api/contacts/{devops['id']}/history"
    changes = client.get(history, headers=auth(token)).get_json()
    assert [c["action"] for c in changes] == ["update", "create"]
    assert changes[0]["by"] == "alice" and changes[0]["before"]["name"] is None
    assert changes[0]["after"]["name"] == "Bea"
    login(client)
    page = client.get(f"/contacts/{devops['id']}/history").get_data(as_text=True)
    assert "Bea" in page and "alice" in page


def test_editors_usernames_are_not_shown_to_anonymous_readers(client, token):
    devops = rename_devops(client, token, "Bea")
    assert client.get(f"/api/contacts/{devops['id']}/history").get_json()[0]["by"] == "an editor"
    assert by_role(client, "DevOps")["updated_by"] == "an editor"
    page = client.get(f"/contacts/{devops['id']}/history").get_data(as_text=True)
    assert "Bea" in page and "alice" not in page


def test_delete_is_204_and_kept_in_history(client, token):
    hostco = by_role(client, "Hostco")
    assert client.delete(f"/api/contacts/{hostco['id']}", headers=auth(token)).status_code == 204
    assert "Hostco" not in [c["role"] for c in contacts(client)]
    changes = client.get(f"/api/contacts/{hostco['id']}/history").get_json()
    assert (
        changes[0]["action"] == "delete"
        and changes[0]["before"]["url"] == "https://help.hostco.example"
    )


@pytest.mark.parametrize("version", ["1", True, 1.5, [1]])
def test_a_delete_naming_a_version_that_is_not_a_number_is_refused(client, token, version):
    hostco = by_role(client, "Hostco")
    response = client.delete(
        f"/api/contacts/{hostco['id']}", json={"version": version}, headers=auth(token)
    )
    assert response.status_code == 422 and "version" in response.get_json()["errors"]
    assert "Hostco" in [c["role"] for c in contacts(client)]


def test_a_retried_post_with_an_idempotency_key_adds_one_contact(client, token):
    body = {"group": "external", "role": "Retried", "name": "Rita"}
    headers = {**auth(token), "Idempotency-Key": "3f1c2a9e-7d4b-4c1e-9a0f-2b8d6e5c4a11"}
    first = client.post("/api/contacts", json=body, headers=headers)
    again = client.post("/api/contacts", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert [c["role"] for c in contacts(client)].count("Retried") == 1
    bad = client.post("/api/contacts", json=body, headers={**auth(token), "Idempotency-Key": "x"})
    assert bad.status_code == 422 and "Idempotency-Key" in bad.get_json()["errors"]


def test_html_in_names_is_escaped_on_every_page(client, token):
    evil = "<script>alert(1)</script>"
    created = client.post(
        "/api/contacts",
        json={"group": "business", "role": evil, "name": evil, "notes": evil},
        headers=auth(token),
    ).get_json()
    login(client)
    for url in [
        "/contacts",
        f"/contacts/{created['id']}/history",
        f"/contacts/{created['id']}/edit",
        "/search?q=alert",
    ]:
        page = client.get(url).get_data(as_text=True)
        assert evil not in page, url
        assert "&lt;script&gt;" in page, url


def test_viewers_cannot_edit(client, token):
    login(client, "victor")
    devops = by_role(client, "DevOps")
    assert client.get(f"/contacts/{devops['id']}/edit").status_code == 403


def test_the_edit_form_keeps_what_was_typed_and_says_what_is_wrong(client, token):
    login(client)
    devops = by_role(client, "DevOps")
    page = post_contact_form(
        client,
        devops,
        "edit",
        group="technical",
        role="DevOps",
        name="Bea Typed",
        phone="12345",
        email="bea@courier.example",
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'value="Bea Typed"' in html and 'value="12345"' in html
    assert "not a phone number" in html or "not a valid phone number" in html
    assert by_role(client, "DevOps")["name"] is None


def test_a_stale_form_shows_the_conflict_page(client, token):
    login(client)
    devops = by_role(client, "DevOps")
    client.put(
        f"/api/contacts/{devops['id']}",
        json={"version": devops["version"], "name": "First"},
        headers=auth(token),
    )
    page = post_contact_form(
        client, devops, "edit", group="technical", role="DevOps", name="Second"
    )
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "changed this contact meanwhile" in html and "First" in html and "Second" in html
    assert by_role(client, "DevOps")["name"] == "First"


def test_still_correct_reverifies_and_clears_the_stale_flag(client, token):
    login(client)
    devops = by_role(client, "DevOps")
    assert devops["stale"] is True  # seeded data was never checked by a person
    post_contact_form(client, devops, "verify")
    assert by_role(client, "DevOps")["stale"] is False


def test_restore_brings_back_earlier_values(client, token):
    login(client)
    devops = by_role(client, "DevOps")
    first = client.put(
        f"/api/contacts/{devops['id']}", json={"version": 1, "name": "One"}, headers=auth(token)
    ).get_json()
    client.put(
        f"/api/contacts/{devops['id']}",
        json={"version": first["version"], "name": "Two"},
        headers=auth(token),
    )
    changes = client.get(f"/api/contacts/{devops['id']}/history").get_json()
    one = next(c for c in changes if (c["after"] or {}).get("name") == "One")
    current = by_role(client, "DevOps")
    post_contact_form(client, current, f"restore/{one['id']}", field="name")
    assert by_role(client, "DevOps")["name"] == "One"
    assert client.get(f"/api/contacts/{devops['id']}/history").get_json()[0]["action"] == "restore"


def test_export_csv_and_vcard(client):
    csv_text = client.get("/contacts/export.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("group,role,name,phone")
    assert 'external,Hostco,,,,,https://help.hostco.example,,"Hosting, status page"' in csv_text
    vcard = client.get("/contacts/export.vcf").get_data(as_text=True)
    assert vcard.count("BEGIN:VCARD") == SEEDED and "EMAIL:devops@courier.example" in vcard


def test_import_previews_row_errors_and_writes_nothing_until_confirmed(client, token):
    login(client)
    good = "group,role,name,phone,email\ntechnical,SRE,Sam,6 71 23 45 67,sam@courier.example\n"
    bad = good + "business,,Nobody,123,nope\n"
    token_value = form_token(client, "/contacts/import")
    preview = client.post(
        "/contacts/import", data={"csrf_token": token_value, "text": bad}
    ).get_data(as_text=True)
    assert "role: a role is required" in preview and "nothing was imported" in preview
    assert "SRE" not in [c["role"] for c in contacts(client)]
    client.post("/contacts/import", data={"csrf_token": token_value, "text": good})
    assert "SRE" not in [c["role"] for c in contacts(client)]  # preview only
    client.post(
        "/contacts/import", data={"csrf_token": token_value, "text": good, "confirm": "yes"}
    )
    sam = by_role(client, "SRE")
    assert sam["phone"] == "+237671234567"


def test_search_finds_contacts(client):
    results = client.get("/api/search?q=devops+phone").get_json()["results"]
    assert results[0]["kind"] == "contact" and results[0]["title"] == "DevOps"


def test_escalations_read_the_directory(client, token):
    oncall = by_role(client, "On-Call")
    client.put(
        f"/api/contacts/{oncall['id']}",
        json={"version": oncall["version"], "name": "Olga", "phone": "677 00 11 22"},
        headers=auth(token),
    )
    state = client.post(
        "/api/diagnoses", json={"tree": "troubleshooting/issue-labels-wont-print"}
    ).get_json()
    for _ in range(3):  # each step's second answer leads on, the last one to escalation
        state = client.post(f"/api/diagnoses/{state['id']}/answer", json={"choice": 1}).get_json()
    assert state["status"] == "escalated"
    first = state["step"]["contacts"][0]
    assert (first["role"], first["name"], first["phone"]) == ("On-Call", "Olga", "+237677001122")


def create(client, token, **fields):
    body = {"group": "technical", "role": "DBA", **fields}
    return client.post("/api/contacts", json=body, headers=auth(token))


def test_csv_export_cannot_carry_a_spreadsheet_formula(client, token):
    assert create(client, token, notes='=HYPERLINK("http://evil.example","x")').status_code == 201
    assert create(client, token, role="Ops", notes="+cmd|' /C calc'!A0").status_code == 201
    exported = client.get("/contacts/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(" in exported and "'+cmd|" in exported
    assert ",=HYPERLINK(" not in exported and ",+cmd" not in exported


def test_csv_import_refuses_formulas_in_names_and_roles(client, token):
    login(client)
    text = "group,role,name\ntechnical,=cmd(),Eve\ntechnical,SRE,@SUM(A1)\n"
    preview = client.post(
        "/contacts/import",
        data={"csrf_token": form_token(client, "/contacts/import"), "text": text},
    ).get_data(as_text=True)
    assert preview.count("must not start with =, + or @") == 2


def test_a_line_break_in_a_url_cannot_forge_a_second_vcard(client, token):
    forged = "https://ok.example/\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Fake CEO"
    response = create(client, token, url=forged)
    assert response.status_code == 422 and "url" in response.get_json()["errors"]
    assert create(client, token, name="Eve\rFN:Fake CEO").status_code == 422
    assert create(client, token, notes="line one\r\nFN:Fake CEO").status_code == 201
    vcard = client.get("/contacts/export.vcf").get_data(as_text=True)
    assert "\r\nFN:Fake CEO" not in vcard and vcard.count("BEGIN:VCARD") == SEEDED + 1


def test_every_contact_field_is_read_shown_exported_and_documented_from_the_model():
    from kb.contacts.model import EDITABLE, ContactBase, ContactUpdate
    from kb.contacts.transfer import COLUMNS
    from kb.contacts.validation import FIELDS
    from kb.web.api.docs import openapi_document

    assert list(EDITABLE) == list(ContactBase.model_fields)
    assert [spec.name for spec in FIELDS] == list(EDITABLE) == COLUMNS
    assert set(ContactUpdate.model_fields) == set(EDITABLE)
    schemas = openapi_document()["components"]["schemas"]
    assert set(EDITABLE) <= set(schemas["Contact"]["properties"])
    assert set(EDITABLE) == set(schemas["ContactIn"]["properties"])


def test_a_field_sent_as_null_is_checked_like_any_other_value(client, token):
    created = create(client, token, role="Night DBA").get_json()
    response = client.put(
        f"/api/contacts/{created['id']}",
        json={"version": created["version"], "role": None},
        headers=auth(token),
    )
    assert response.status_code == 422 and "role" in response.get_json()["errors"]
    listed = {c["id"]: c for c in client.get("/api/contacts").get_json()}
    assert listed[created["id"]]["role"] == "Night DBA"


def test_an_update_changes_only_the_fields_sent(client, token):
    created = create(client, token, role="Night DBA", phone="677001199").get_json()
    response = client.put(
        f"/api/contacts/{created['id']}",
        json={"version": created["version"], "email": "dba@alcom.example"},
        headers=auth(token),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == "dba@alcom.example" and body["phone"] == created["phone"]
    assert body["role"] == "Night DBA" and body["version"] == created["version"] + 1


def test_the_form_shows_every_field_of_the_table(client, token):
    from kb.contacts.validation import FIELDS

    login(client)
    page = client.get("/contacts/new").get_data(as_text=True)
    for spec in FIELDS:
        assert f'name="{spec.name}"' in page and spec.label in page


def test_search_shows_a_contact_as_it_is_now_after_an_edit_and_a_delete(client, token):
    created = create(client, token, role="Zanzibar DBA", phone="677001199").get_json()
    assert client.get("/api/search?q=zanzibar").get_json()["total"] == 1  # a searcher is open
    client.put(
        f"/api/contacts/{created['id']}",
        json={"version": created["version"], "phone": "677009988"},
        headers=auth(token),
    )
    answer = client.get("/api/search?q=zanzibar").get_json()
    assert answer["total"] == 1 and len(answer["results"]) == 1
    assert "677009988" in answer["results"][0]["snippet"]
    client.delete(f"/api/contacts/{created['id']}", json={}, headers=auth(token))
    assert client.get("/api/search?q=zanzibar").get_json()["results"] == []


def test_only_a_whole_placeholder_is_no_data_xxx_inside_a_value_is_kept(client, token):
    kept = create(client, token, name="Alexxx", notes="Account XXX-123, call before 9am").get_json()
    assert (kept["name"], kept["notes"]) == ("Alexxx", "Account XXX-123, call before 9am")
    template = create(client, token, role="Vendor", phone="+237 6XX XXX XXX").get_json()
    assert template["phone"] is None and "phone" in template["missing"]


def test_an_escalation_order_too_large_for_a_number_is_a_422(client, token):
    response = create(client, token, escalation_order=float("1e308") * 10)  # JSON Infinity
    assert response.status_code in (400, 422)
    sent = client.post(
        "/api/contacts",
        data='{"group": "technical", "role": "DBA", "escalation_order": 1e400}',
        headers={**auth(token), "Content-Type": "application/json"},
    )
    assert sent.status_code == 422 and "escalation_order" in sent.get_json()["errors"]


def test_a_change_id_no_database_can_hold_is_not_found(client, token):
    login(client)
    devops = by_role(client, "DevOps")
    assert client.get(f"/contacts/{devops['id']}/restore/{2**63}").status_code == 404


def test_an_import_with_a_cell_past_csvs_limit_says_so(client, token):
    login(client)
    text = 'group,role\n"' + "a" * 400_000
    page = client.post(
        "/contacts/import",
        data={"csrf_token": form_token(client, "/contacts/import"), "text": text},
    )
    assert page.status_code == 200 and "not readable as CSV" in page.get_data(as_text=True)


def test_a_deleted_contacts_id_is_never_given_to_another(client, token):
    """Else its history and restore page would be someone else's, and an edit still
    holding the old contact's version would land on the new one."""
    old = create(client, token, role="Old Vendor", name="Bob Old").get_json()
    client.delete(f"/api/contacts/{old['id']}", headers=auth(token))
    new = create(client, token, role="New Person", name="Nina New").get_json()
    assert new["id"] != old["id"]
    stale = client.put(
        f"/api/contacts/{old['id']}", json={"version": 1, "name": "Bob"}, headers=auth(token)
    )
    assert stale.status_code == 404


@pytest.mark.parametrize(
    "field, value, says",
    [
        ("url", "http://exa mple.com", "must be a full http:// or https:// address"),
        ("url", "http://[::1", "must be a full http:// or https:// address"),
        ("escalation_order", 5.7, "a whole number from 0 to 10000"),
        ("phone", "+237 6 71 23 45 67 ext 5", "extensions are not kept in a number"),
        ("name", "Bob\u202eevil", "must not contain line breaks or control characters"),
    ],
)
def test_a_value_kb_would_change_or_could_not_use_is_refused_not_altered(
    client, token, field, value, says
):
    response = create(client, token, **{field: value})
    assert response.status_code == 422
    assert response.get_json()["errors"][field].startswith(says)


def test_the_id_migration_survives_a_run_that_failed_midway(tmp_path):
    """pysqlite creates the table copy outside the transaction: a failed run leaves it."""
    import sqlite3

    from sqlmodel import Session

    from kb.contacts import service
    from kb.contacts.model import ContactCreate
    from kb.db import import_models, make_engine, upgrade

    import_models()
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    upgrade(engine, tmp_path, "0005")
    with Session(engine) as session:
        gone = service.create_contact(
            session=session, contact_in=ContactCreate(group="technical", role="Gone"), by="t"
        )
        service.delete_contact(session=session, contact=gone, version=gone.version, by="t")
    with sqlite3.connect(tmp_path / "kb.sqlite3") as raw:
        raw.execute("CREATE TABLE _alembic_tmp_contact (id INTEGER)")
    upgrade(engine, tmp_path)
    with Session(engine) as session:
        new = service.create_contact(
            session=session, contact_in=ContactCreate(group="technical", role="New"), by="t"
        )
    assert new.id > gone.id
    engine.dispose()


def test_a_401_has_the_shape_of_every_other_api_error(client):
    refused = client.post("/api/contacts", json={"role": "X"})
    body = refused.get_json()
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert body["error"] == "authentication required" and body["status"] == 401
    assert "Bearer" in body["message"] and "request_id" in body
