"""From alert to answer: Alertmanager's and Grafana's webhooks open a diagnosis on the guide
the alert is about, once per alert, and mark it when the alert resolves."""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect
from sqlmodel import Session, SQLModel, select

from kb.alerts.store import DiagnosisAlert
from kb.auth.service import create_token, create_user
from kb.cli import cli
from kb.content.library import load_library
from kb.db import import_models
from kb.diagnosis.store import Diagnosis
from tests.conftest import FIXTURES as TEST_RUNBOOKS
from tests.conftest import form_token, write

FIXTURES = Path(__file__).parent / "fixtures" / "alerts"

CRASH_LOOP = """\
# KubePodCrashLooping

## Meaning

A container of a pod keeps restarting.

## Impact

The service behind the pod is degraded.

## Diagnosis

Look at the pod's events and last logs:

```console
$ kubectl -n $NAMESPACE describe pod $POD
$ kubectl -n $NAMESPACE logs $POD --previous
```

## Mitigation

Fix the image or its configuration, then `kubectl -n <namespace> rollout restart deploy/<deployment>`.
"""

OPS = """\
---
aliases:
  issue-disk-full: [DiskFull]
---
# Ops

## Issue: Disk full

**Symptoms:** writes fail with "No space left on device"

**Solution:**

1. Check usage: `ssh <instance> df -h`
   - full → step 2
   - not full → escalate
2. Delete old logs on `<instance>`.

## Backups

Nightly, to the bucket.
"""


def payload(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def alert_app(make_app, content_dir):
    write(content_dir, "kube/KubePodCrashLooping.md", CRASH_LOOP)
    write(content_dir, "ops.md", OPS)
    return make_app(content_dir, KB_BASE_URL="https://kb.example.org")


def token_for(app, role: str, name: str | None = None) -> dict:
    name = name or f"{role}-bot"
    with Session(app.extensions["kb.db"]) as session:
        create_user(session=session, username=name, password="a long enough password", role=role)
        return {"Authorization": f"Bearer {create_token(session=session, username=name)}"}


@pytest.fixture
def post(alert_app):
    client = alert_app.test_client()
    headers = token_for(alert_app, "alerts", "alertmanager")

    def send(body, **kwargs):
        return client.post("/api/alerts", json=body, headers=headers, **kwargs)

    send.client = client
    send.app = alert_app
    return send


def rows(app, model) -> int:
    with Session(app.extensions["kb.db"]) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_an_alertmanager_alert_opens_a_diagnosis_on_the_guide_its_name_names(post):
    answer = post(payload("alertmanager-v4.json"))
    assert answer.status_code == 200
    [result] = answer.get_json()["alerts"]
    assert result["fingerprint"] == "1a30ba71cca2921f"
    assert result["matched_by"] == "alertname"
    assert result["created"] is True
    assert result["runbook_url"].startswith("https://kb.example.org/a/kube/kubepodcrashlooping")
    assert result["diagnosis_url"].startswith("https://kb.example.org/d/")

    page = post.client.get(result["diagnosis_url"].removeprefix("https://kb.example.org"))
    html = page.get_data(as_text=True)
    assert "<h1>KubePodCrashLooping</h1>" in html
    assert "<strong>KubePodCrashLooping</strong>" in html and "from Alertmanager" in html
    for label in ("namespace=payments", "pod=api-7d9f8c-x2k4q", "container=api"):
        assert f"<code>{label}</code>" in html
    assert "since <time>2026-11-29 07:52:26 UTC</time>" in html
    assert "Pod is crash looping." in html


def test_a_grafana_alert_follows_its_runbook_url_to_kb(post):
    [result] = post(payload("grafana.json")).get_json()["alerts"]
    assert result["matched_by"] == "runbook_url"
    assert result["runbook_url"] == (
        "https://kb.example.org/a/ops/issue-disk-full?instance=db-1.example.org%3A9100"
    )
    html = post.client.get(result["diagnosis_url"].removeprefix("https://kb.example.org")).text
    assert "<h1>Disk full</h1>" in html and "from Grafana" in html
    assert "<code>instance=db-1.example.org:9100</code>" in html
    assert "Disk almost full on db-1" in html
    assert "<dt><code>runbook_url</code></dt><dd>https://kb.example.org/go/DiskFull</dd>" in html


@pytest.mark.parametrize(
    ("link", "guide"),
    [
        ("https://kb.example.org/go/DiskFull", "ops/issue-disk-full"),
        ("https://kb.example.org/a/ops#issue-disk-full", "ops/issue-disk-full"),
        ("/a/ops/issue-disk-full", "ops/issue-disk-full"),
        ("https://kb.example.org/go/kube-pod-crash-looping", "kube/kubepodcrashlooping"),
        (
            "https://github.com/acme/runbooks/blob/main/alerts/KubePodCrashLooping.md",
            "kube/kubepodcrashlooping",
        ),
        (
            "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
            "kube/kubepodcrashlooping",
        ),
    ],
)
def test_runbook_links_of_every_kind_lead_to_the_guide(post, link, guide):
    body = payload("alertmanager-v4.json")
    body["alerts"][0]["labels"]["alertname"] = "SomethingElse"
    body["alerts"][0]["annotations"]["runbook_url"] = link
    [result] = post(body).get_json()["alerts"]
    assert result["matched_by"] == "runbook_url"
    assert result["runbook_url"].split("?")[0] == f"https://kb.example.org/a/{guide}"
    assert result["diagnosis_url"] is not None


def test_the_same_alert_firing_again_returns_the_same_open_diagnosis(post):
    first = post(payload("alertmanager-v4.json")).get_json()["alerts"][0]
    again = post(payload("alertmanager-v4.json")).get_json()["alerts"][0]
    assert again["diagnosis_url"] == first["diagnosis_url"]
    assert again["created"] is False
    assert rows(post.app, Diagnosis) == 1
    html = post.client.get(first["diagnosis_url"].removeprefix("https://kb.example.org")).text
    assert "notified 2 times" in html


def test_an_alert_without_a_fingerprint_is_known_by_its_labels(post):
    body = payload("alertmanager-v4.json")
    del body["alerts"][0]["fingerprint"]  # Alertmanager before 0.19
    first = post(body).get_json()["alerts"][0]
    assert post(body).get_json()["alerts"][0]["diagnosis_url"] == first["diagnosis_url"]
    assert len(first["fingerprint"]) == 16


def test_once_its_diagnosis_is_finished_the_alert_opens_a_new_one(post):
    first = post(payload("alertmanager-v4.json")).get_json()["alerts"][0]
    api = first["diagnosis_url"].replace("https://kb.example.org/d/", "/api/diagnoses/")
    for _ in range(4):  # walk to an end: every step's first answer
        state = post.client.get(api).get_json()
        if state["status"] != "active":
            break
        post.client.post(api + "/answer", json={"choice": 0, "version": state["version"]})
    assert post.client.get(api).get_json()["status"] != "active"
    again = post(payload("alertmanager-v4.json")).get_json()["alerts"][0]
    assert again["created"] is True and again["diagnosis_url"] != first["diagnosis_url"]


def test_a_resolved_alert_marks_its_diagnosis_on_the_page_and_in_the_export(post):
    first = post(payload("alertmanager-v4.json")).get_json()["alerts"][0]
    resolved = payload("alertmanager-v4.json")
    resolved["status"] = resolved["alerts"][0]["status"] = "resolved"
    resolved["alerts"][0]["endsAt"] = "2026-11-29T08:10:00Z"
    [result] = post(resolved).get_json()["alerts"]
    assert result["status"] == "resolved" and result["created"] is False
    assert result["diagnosis_url"] == first["diagnosis_url"]
    path = first["diagnosis_url"].removeprefix("https://kb.example.org")
    html = post.client.get(path).text
    assert '<section class="kb-alert resolved"' in html
    assert "resolved <time>2026-11-29 08:10:00 UTC</time>" in html
    export = post.client.get(path + "/export.md").text
    assert (
        "- Alert: `KubePodCrashLooping` from Alertmanager, resolved at 2026-11-29 08:10:00 UTC"
        in export
    )
    assert "`namespace=payments`" in export
    state = post.client.get(path.replace("/d/", "/api/diagnoses/")).get_json()
    assert state["alert"]["status"] == "resolved"
    # Firing again while the diagnosis is still open: the same diagnosis, firing again.
    again = post(payload("alertmanager-v4.json")).get_json()["alerts"][0]
    assert again["diagnosis_url"] == first["diagnosis_url"]
    assert '<section class="kb-alert firing"' in post.client.get(path).text


def test_a_resolved_alert_kb_never_saw_firing_writes_nothing(post):
    body = payload("alertmanager-v4.json")
    body["alerts"][0]["status"] = "resolved"
    [result] = post(body).get_json()["alerts"]
    assert result["diagnosis_url"] is None
    assert rows(post.app, Diagnosis) == 0


def test_an_alert_found_only_by_search_is_linked_but_opens_no_diagnosis(post):
    body = payload("alertmanager-v4.json")
    body["alerts"][0]["labels"]["alertname"] = "NightlyBackupsMissing"
    body["alerts"][0]["annotations"] = {"summary": "No backups to the bucket"}
    [result] = post(body).get_json()["alerts"]
    assert result["matched_by"] == "search"
    assert result["runbook_url"] == "https://kb.example.org/a/ops/backups"
    assert result["diagnosis_url"] is None
    assert rows(post.app, Diagnosis) == 0


def test_an_alert_found_nowhere_gets_a_search_link(post):
    body = payload("alertmanager-v4.json")
    body["alerts"][0]["labels"]["alertname"] = "Qxzvwk"
    body["alerts"][0]["annotations"] = {}
    [result] = post(body).get_json()["alerts"]
    assert result["matched_by"] == "none"
    assert result["runbook_url"] == "https://kb.example.org/search?q=Qxzvwk"
    assert result["diagnosis_url"] is None


def _bad_payloads():
    good = payload("alertmanager-v4.json")

    def changed(edit):
        body = copy.deepcopy(good)
        edit(body)
        return body

    return [
        ("version 3", changed(lambda b: b.update(version="3")), "version"),
        ("no alerts", changed(lambda b: b.update(alerts=[])), "alerts"),
        (
            "no alertname",
            changed(lambda b: b["alerts"][0]["labels"].pop("alertname")),
            "alerts.0.labels",
        ),
        (
            "bad time",
            changed(lambda b: b["alerts"][0].update(startsAt="yesterday")),
            "alerts.0.startsAt",
        ),
        (
            "naive time",
            changed(lambda b: b["alerts"][0].update(startsAt="2026-11-29T10:00:00")),
            "alerts.0.startsAt",
        ),
        (
            "bad status",
            changed(lambda b: b["alerts"][0].update(status="pending")),
            "alerts.0.status",
        ),
        (
            "labels a list",
            changed(lambda b: b["alerts"][0].update(labels=["a"])),
            "alerts.0.labels",
        ),
        (
            "bad fingerprint",
            changed(lambda b: b["alerts"][0].update(fingerprint="<x>")),
            "alerts.0.fingerprint",
        ),
        # One bad alert after a good one: the good one is not written either.
        (
            "second bad",
            changed(lambda b: b["alerts"].append({"status": "firing"})),
            "alerts.1.labels",
        ),
        ("a list", [good], "body"),
    ]


@pytest.mark.parametrize(
    ("case", "body", "field"), _bad_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_an_invalid_payload_gets_422_with_field_errors_and_writes_nothing(post, case, body, field):
    before = {table: rows(post.app, table) for table in (Diagnosis, DiagnosisAlert)}
    answer = post(body)
    assert answer.status_code == 422, case
    assert field in answer.get_json()["errors"], answer.get_json()
    assert {table: rows(post.app, table) for table in (Diagnosis, DiagnosisAlert)} == before


def test_a_payload_that_is_not_json_gets_422(post):
    answer = post.client.post(
        "/api/alerts",
        data="{not json",
        content_type="application/json",
        headers=token_for(post.app, "alerts", "other"),
    )
    assert answer.status_code == 422
    assert "body" in answer.get_json()["errors"]


def test_payload_size_and_alert_count_are_limited(post):
    body = payload("alertmanager-v4.json")
    body["alerts"] = [copy.deepcopy(body["alerts"][0]) for _ in range(201)]
    answer = post(body)
    assert answer.status_code == 422
    assert "max_alerts: 200" in answer.get_json()["errors"]["alerts"]
    huge = payload("alertmanager-v4.json")
    huge["commonAnnotations"]["description"] = "x" * 600_000
    answer = post(huge)
    assert answer.status_code == 413
    assert answer.is_json
    assert rows(post.app, Diagnosis) == 0


def test_only_bearer_tokens_of_alert_senders_and_editors_may_post(post):
    app, client = post.app, post.client
    body = payload("alertmanager-v4.json")
    assert client.post("/api/alerts", json=body).status_code == 401
    bad = {"Authorization": "Bearer kb_not-a-token"}
    assert client.post("/api/alerts", json=body, headers=bad).status_code == 401
    viewer = token_for(app, "viewer")
    assert client.post("/api/alerts", json=body, headers=viewer).status_code == 403
    editor = token_for(app, "editor")
    assert client.post("/api/alerts", json=body, headers=editor).status_code == 200
    # A logged-in browser session never posts alerts, CSRF token or not.
    browser = app.test_client()
    browser.post(
        "/login",
        data={
            "username": "editor-bot",
            "password": "a long enough password",
            "csrf_token": form_token(browser),
        },
    )
    answer = browser.post(
        "/api/alerts", json=body, headers={"X-CSRFToken": form_token(browser, "/")}
    )
    assert answer.status_code == 401


def test_an_alerts_account_cannot_edit_contacts(post):
    headers = token_for(post.app, "alerts", "grafana")
    answer = post.client.post(
        "/api/contacts", json={"group": "technical", "role": "X"}, headers=headers
    )
    assert answer.status_code == 403


def test_deliveries_racing_each_other_open_one_diagnosis(post):
    """An HA pair of Alertmanagers can deliver one notification twice at the same moment."""
    headers = token_for(post.app, "alerts", "racer")
    start = threading.Barrier(6)
    answers = []

    def deliver():
        client = post.app.test_client()
        start.wait()
        answers.append(
            client.post("/api/alerts", json=payload("alertmanager-v4.json"), headers=headers)
        )

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [200] * 6
    urls = {a.get_json()["alerts"][0]["diagnosis_url"] for a in answers}
    assert len(urls) == 1
    assert rows(post.app, Diagnosis) == 1
    assert sum(a.get_json()["alerts"][0]["created"] for a in answers) == 1


def test_alert_labels_fill_the_guides_fields(post):
    [result] = post(payload("alertmanager-v4.json")).get_json()["alerts"]
    html = post.client.get(result["diagnosis_url"].removeprefix("https://kb.example.org")).text
    assert (
        'name="namespace" data-key="namespace" type="text"\n             value="payments"' in html
    )
    assert 'data-field="NAMESPACE" data-example="$NAMESPACE">payments</span>' in html
    assert 'data-field="POD" data-example="$POD">api-7d9f8c-x2k4q</span>' in html


def test_kb_alert_rules_prints_a_runbook_url_per_guide_that_leads_back_to_it(
    alert_app, content_dir
):
    result = CliRunner(env={"KB_CONTENT_DIR": str(content_dir)}).invoke(
        cli, ["alert-rules", "--base-url", "https://kb.example.org/"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "# Disk full (ops.md:7)\nrunbook_url: https://kb.example.org/go/DiskFull" in result.output
    )
    assert "runbook_url: https://kb.example.org/go/KubePodCrashLooping" in result.output
    client = alert_app.test_client()
    links = [
        line.split(": ", 1)[1]
        for line in result.output.splitlines()
        if line.startswith("runbook_url")
    ]
    guides = {t.article for t in alert_app.extensions["kb.library"].trees.values()}
    landed = {
        client.get(link.removeprefix("https://kb.example.org"))
        .headers["Location"]
        .removeprefix("/a/")
        for link in links
    }
    assert landed == guides


def test_kb_alert_rules_on_a_runbook_with_aliases_uses_them():
    result = CliRunner(env={"KB_CONTENT_DIR": str(TEST_RUNBOOKS), "KB_BASE_URL": ""}).invoke(
        cli, ["alert-rules"]
    )
    assert result.exit_code == 0
    assert "runbook_url: /go/TrackerOutOfMemory" in result.output
    assert result.output.count("runbook_url:") == len(load_library(TEST_RUNBOOKS).trees) == 6
    assert "KB_BASE_URL is not set" in result.output


def test_the_schema_of_the_migrations_is_the_models(alert_app):
    """Migration 0004 creates exactly what the models declare (no drift either way)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import_models()
    with alert_app.extensions["kb.db"].connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        tables = set(inspect(connection).get_table_names())
    assert {"diagnosisalert", "diagnosisfield"} <= tables
    assert diff == []


def test_an_alert_kept_as_a_section_of_a_file_of_many_finds_that_section(content_dir):
    from kb.alerts.matching import find_guide
    from kb.alerts.payload import AlertIn

    write(
        content_dir,
        "runbooks.md",
        "# Mimir runbooks\n\n## MimirRequestErrors\n\n**Symptoms:** 5xx on a route\n\n"
        "**Solution:**\n\n1. Check the logs.\n   - found it → step 2\n   - nothing → escalate\n"
        "2. Roll back the last deploy.\n",
    )
    alert = AlertIn.model_validate(
        {
            "status": "firing",
            "labels": {"alertname": "MimirRequestErrors"},
            "startsAt": "2026-11-30T02:00:00Z",
        }
    )
    match = find_guide(alert, load_library(content_dir), lambda query: [])
    assert match.matched_by == "alertname"
    assert match.article.slug == "runbooks/mimirrequesterrors" and match.tree is not None
