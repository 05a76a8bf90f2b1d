"""Fill-in fields in a real browser: type a value once, every command shows it, and the copy
button copies the filled command; an alert's labels arrive already filled in."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect
from sqlmodel import Session

from kb.auth.service import create_token, create_user

VERIFY = "/a/operations/11-check-the-release"
STAGING = "https://api.staging.courier.example"


def test_fill_api_url_once_and_copy_a_command_containing_it(browser, base):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    sent = []
    page.on("request", lambda request: sent.append(request.url + (request.post_data or "")))
    try:
        page.goto(base + VERIFY)
        field = page.get_by_role("textbox", name="api_url")
        expect(field).to_have_attribute("placeholder", "https://api.courier.example")
        field.fill(STAGING)
        commands = page.locator(".prose pre").first
        expect(commands).to_contain_text(f"curl {STAGING}/health")
        expect(commands).to_contain_text(f"curl {STAGING}/health/ready")
        expect(commands).not_to_contain_text("https://api.courier.example")

        commands.hover()
        page.get_by_role("button", name="Copy").first.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert f"curl {STAGING}/health" in copied
        assert "api.courier.example/" not in copied

        # Kept in this browser only: the next page (and a reload) show it, kb never saw it.
        page.goto(base + "/a/operations/5-quick-reference")
        expect(page.locator(".prose pre").first).to_contain_text(f"curl {STAGING}/health")
        assert not [url for url in sent if "staging" in url]
    finally:
        context.close()


def test_a_secret_field_stays_in_the_tab_and_never_reaches_kb(page, base):
    sent = []
    page.on("request", lambda request: sent.append(request.url + (request.post_data or "")))
    page.goto(base + "/a/operations/41-reset-a-couriers-password")
    secret = page.get_by_label("new_password")
    expect(secret).to_have_attribute("type", "password")
    secret.fill("Tr0ub4dor&3-very-secret")
    expect(page.locator(".prose pre").first).to_contain_text("Tr0ub4dor&3-very-secret")
    assert page.evaluate("localStorage.getItem('kb.fields') || ''").find("Tr0ub4dor") == -1
    assert "Tr0ub4dor" in page.evaluate("sessionStorage.getItem('kb.fields')")
    page.reload()
    assert not [url for url in sent if "Tr0ub4dor" in url]


def _alert_token(app) -> str:
    with Session(app.extensions["kb.db"]) as session:
        create_user(
            session=session, username="am", password="a long enough password", role="alerts"
        )
        return create_token(session=session, username="am")


def test_an_alerts_labels_arrive_filled_in_and_a_teammate_sees_what_was_typed(
    browser, page, base, live_app
):
    token = _alert_token(live_app)
    alert = {
        "version": "4",
        "status": "firing",
        "receiver": "kb",
        "groupKey": '{}:{alertname="LabelUploadFailing"}',
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "LabelUploadFailing", "bucket": "courier-labels-prod"},
                "annotations": {"summary": "Label uploads fail with 500"},
                "startsAt": "2026-11-29T10:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example.org/graph",
                "fingerprint": "0f0e0d0c0b0a0908",
            }
        ],
    }
    answer = httpx.post(
        base + "/api/alerts",
        json=alert,
        headers={"Authorization": f"Bearer {token}"},
        trust_env=False,
    )
    result = answer.json()["alerts"][0]
    assert result["matched_by"] == "alertname"

    page.goto(base + result["diagnosis_url"])
    expect(page.locator(".kb-alert")).to_contain_text("LabelUploadFailing")
    expect(page.locator(".kb-alert-labels")).to_contain_text("bucket=courier-labels-prod")
    expect(page.get_by_role("textbox", name="bucket")).to_have_value("courier-labels-prod")
    command = page.locator(".step pre").first
    expect(command).to_contain_text('curl -X GET "https://<STORE_ENDPOINT>/courier-labels-prod"')

    page.get_by_role("textbox", name="STORE_ENDPOINT").fill("abc123.store.example")
    expect(page.locator(".kb-fields-status")).to_have_text("Saved for everyone on this diagnosis.")
    expect(command).to_contain_text("https://abc123.store.example/courier-labels-prod")

    teammate = browser.new_page()
    try:
        teammate.goto(base + result["diagnosis_url"])
        expect(teammate.locator(".step pre").first).to_contain_text(
            "https://abc123.store.example/courier-labels-prod"
        )
    finally:
        teammate.close()


def test_without_javascript_the_form_posts_and_the_page_comes_back_filled(phone_page, base):
    phone_page.goto(base + VERIFY)
    phone_page.get_by_label("api_url").fill(STAGING)
    phone_page.get_by_role("button", name="Fill in").click()
    expect(phone_page.locator(".prose pre").first).to_contain_text(f"curl {STAGING}/health")
    phone_page.wait_for_load_state("load")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
