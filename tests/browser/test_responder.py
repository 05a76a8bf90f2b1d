"""The 3 a.m. responder, in a real browser: no dead ends, someone to call, progress while
checks run, one source of truth for contacts, safe edits. Each journey runs at desktop
(1366×900) and phone (390×844) sizes, with and without JavaScript.

Screenshots of the escalation and triage pages are written to test-results/ on every
run, pass or fail, so a person can look at them.
"""

from __future__ import annotations

import re
import shutil
import threading

import pytest
from playwright.sync_api import expect
from sqlmodel import Session
from werkzeug.serving import make_server

from kb import create_app
from kb.auth.service import create_user
from tests.acme import write_acme
from tests.conftest import REPO

SHOTS = REPO / "test-results"
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
CLOSED = "http://127.0.0.1:9"
PASSWORD = "correct horse battery"
ALL = [(size, js) for size in SIZES for js in (True, False)]
IDS = [f"{size}-{'js' if js else 'nojs'}" for size, js in ALL]


@pytest.fixture
def acme(tmp_path_factory, simulator_process):
    """kb on 127.0.0.1 with a small runbook of another team's; its shop is the simulator
    (healthy unless a test says otherwise), its mail relay a closed port."""
    folder = tmp_path_factory.mktemp("acme")
    write_acme(folder / "content", timeout=1)
    app = create_app(
        {
            "TESTING": True,
            "KB_CONTENT_DIR": str(folder / "content"),
            "KB_DATA_DIR": str(folder / "data"),
            "KB_PROBE_ENVIRON": {
                "KB_TARGET_SHOP_URL": simulator_process.url,
                "KB_TARGET_MAIL_URL": CLOSED,
            },
            "KB_PROBE_CACHE_SECONDS": 0,
        }
    )
    with Session(app.extensions["kb.db"]) as session:
        create_user(session=session, username="edna", password=PASSWORD, role="editor")
    simulator_process.mode("healthy")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    simulator_process.mode("healthy")
    server.shutdown()
    app.extensions["kb.db"].dispose()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def open_page(browser):
    contexts = []

    def make(size: str, js: bool, scheme: str = "light"):
        context = browser.new_context(
            viewport=SIZES[size], java_script_enabled=js, color_scheme=scheme
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    """Written on every run, not only on failure: these pages are for people to look at."""
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_load_state("load")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    page.wait_for_load_state("load")  # measured with its stylesheets applied
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def start(page, base: str) -> None:
    page.goto(base + "/trees/acme/issue-checkout-fails")
    page.get_by_role("button", name="Start diagnosis").click()


def escalate(page, base: str) -> None:
    start(page, base)
    page.get_by_role("button", name="No, still broken: go on to step 2").click()
    page.get_by_role("button", name="Nothing there").click()
    page.get_by_role("button", name="Still failing").click()
    expect(page.locator("h2.end.escalate")).to_have_text("Escalate")


def log_in(page) -> None:
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("size, js", ALL, ids=IDS)
def test_escalation_gives_people_to_call_and_vendors_to_open(acme, open_page, size, js):
    page = open_page(size, js)
    escalate(page, acme)
    people = page.locator("ol.reach-list > li")
    expect(people).to_have_count(2)
    on_call = people.nth(0)
    expect(on_call).to_contain_text("On-Call — Ana Mbah")
    call = on_call.get_by_role("link", name="Call +237 6 71 23 45 67")
    expect(call).to_have_attribute("href", "tel:+237671234567")
    assert call.bounding_box()["height"] >= 44  # a target a thumb finds at 3 a.m.
    email = on_call.get_by_role("link", name="Email oncall@acme.example.com")
    expect(email).to_have_attribute("href", re.compile(r"^mailto:oncall@acme\.example\.com\?"))
    expect(people.nth(1)).to_contain_text("No phone number on file for Lead Developer.")
    stripe = page.locator("ul.reach-list > li", has_text="Stripe")
    expect(stripe.get_by_role("link", name="Stripe support")).to_have_attribute(
        "href", "https://support.stripe.com"
    )
    expect(stripe.get_by_role("link", name="Stripe status page")).to_have_attribute(
        "href", "https://status.stripe.com"
    )
    expect(page.get_by_text("Mailgun")).to_have_count(0)  # not a vendor of this guide
    fits(page)
    shot(page, f"escalation-{size}-{'js' if js else 'nojs'}")


@pytest.mark.parametrize("size, js", ALL, ids=IDS)
def test_a_missing_number_is_filled_by_an_editor_and_the_call_button_appears(
    acme, open_page, size, js
):
    page = open_page(size, js)
    escalate(page, acme)
    here = page.url
    lead = page.locator("ol.reach-list > li", has_text="Lead Developer")
    lead.get_by_role("link", name="Add the number").click()
    log_in(page)  # the login page returns to the form, and the form to the escalation
    page.get_by_label("Phone", exact=True).fill("6 99 88 77 66")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(re.escape(here) + "#contact-"))
    expect(lead.get_by_role("link", name="Call +237 6 99 88 77 66")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_copy_incident_summary_puts_the_timeline_on_the_clipboard(acme, open_page, size):
    page = open_page(size, True)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=acme)
    escalate(page, acme)
    page.get_by_role("button", name="Copy incident summary").click()
    expect(page.locator(".copy-status")).to_have_text("Copied: paste it into the incident channel.")
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.startswith("Incident: Checkout fails\nStatus: escalated\n")
    assert f"Link: {acme}/d/" in text  # completed with the browser's own address
    assert "→ No, still broken (the responder)" in text
    assert re.search(r"^\d\d:\d\d:\d\d Escalated$", text, re.M)


def test_without_javascript_the_summary_is_there_to_select(acme, open_page):
    page = open_page("phone", False)
    escalate(page, acme)
    expect(page.get_by_role("button", name="Copy incident summary")).to_be_hidden()
    page.get_by_text("Incident summary, as plain text for chat").click()
    expect(page.get_by_label("Incident summary")).to_have_value(re.compile("^Incident: Checkout"))


@pytest.mark.parametrize("size, js", ALL, ids=IDS)
def test_no_dead_ends_a_fix_is_confirmed_by_a_person(acme, open_page, size, js):
    page = open_page(size, js)
    start(page, acme)  # the shop is healthy: the check passes before anyone did anything
    expect(page.locator("h2.end.pending")).to_have_text("The check passes: the shop reports ready")
    expect(page.locator("h2.end.resolved")).to_have_count(0)
    page.get_by_role("button", name="No, still broken: go on to step 2").click()
    expect(page.locator(".current-step h2")).to_have_text("Step 2")
    page.get_by_role("button", name="Nothing there").click()
    page.get_by_role("button", name="It works again").click()
    expect(page.locator("h2.end.pending")).to_have_text("Fixed?: restarted")
    page.get_by_label("What did you do?").fill("restarted checkout-7f9c")
    page.get_by_role("button", name="Yes, it's fixed").click()
    expect(page.locator("h2.end.resolved")).to_have_text("Resolved: restarted")
    expect(page.locator(".current-step")).to_contain_text("restarted checkout-7f9c")
    fits(page)


@pytest.mark.parametrize("size, js", ALL, ids=IDS)
def test_check_everything_ends_with_every_result(acme, open_page, simulator_process, size, js):
    simulator_process.mode("db-down")
    page = open_page(size, js)
    page.goto(acme + "/triage")
    page.get_by_role("button", name="Check everything").click()
    expect(page).to_have_url(re.compile(r"/triage/[\w-]+$"))
    rows = page.locator(".run-results .check-list > li")
    expect(rows).to_have_count(3)
    expect(page.locator(".run-results .check-result.waiting")).to_have_count(0)
    expect(page.locator(".suggestions li").first).to_contain_text("Checkout fails")
    fits(page)
    shot(page, f"triage-{size}-{'js' if js else 'nojs'}")


@pytest.mark.parametrize("size", SIZES)
def test_checks_fill_in_as_they_return_while_a_slow_target_is_awaited(
    acme, open_page, simulator_process, size
):
    simulator_process.mode("slow")  # the shop answers after 1.5 s; its checks give up at 1 s
    page = open_page(size, True)
    page.goto(acme + "/triage")
    page.get_by_role("button", name="Check everything").click()
    live = page.locator(".live-run")
    expect(live).to_be_visible()
    expect(live.locator('[data-check="mail-up"]')).to_have_class(re.compile(r"\berror\b"))
    expect(live.locator('[data-check="shop-ready"]')).to_have_class(re.compile(r"\bwaiting\b"))
    expect(live.locator('[data-check="shop-ready"] .elapsed')).to_have_text(
        re.compile(r"^sent, no answer yet · \d+ s$")
    )
    shot(page, f"triage-running-{size}")
    expect(page).to_have_url(re.compile(r"/triage/[\w-]+$"), timeout=10_000)
    expect(page.locator('.run-results [data-check="shop-ready"]')).to_contain_text(
        "deadline exceeded"
    )


# A page waiting on a form's answer cannot be read by the test (Playwright waits for the
# navigation), so the page itself notes what its waiting message said, for the next page.
NOTE_THE_WAIT = """document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => {
    const note = document.querySelector(".busy-note");
    if (note) sessionStorage.setItem("waited", note.textContent);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
});"""


def test_a_step_that_runs_a_check_shows_it_is_waiting(acme, open_page, simulator_process):
    simulator_process.mode("slow")
    page = open_page("phone", True)
    page.add_init_script(NOTE_THE_WAIT)
    page.goto(acme + "/trees/acme/issue-checkout-fails")
    page.get_by_role("button", name="Start diagnosis").click()
    expect(page.locator(".current-step h2")).to_have_text("Step 2", timeout=10_000)
    waited = page.evaluate("sessionStorage.getItem('waited')")
    assert re.fullmatch(
        r"Running the live check “Shop is ready \(GET /health/ready\)”; "
        r"it gives up after 1 s… \d+ s",
        waited or "",
    ), waited


@pytest.mark.parametrize("size, js", ALL, ids=IDS)
def test_the_runbooks_contacts_section_is_the_live_directory(acme, open_page, size, js):
    page = open_page(size, js)
    page.goto(acme + "/a/acme/emergency-contacts")
    expect(page.locator(".live-directory")).to_have_count(2)
    expect(page.get_by_text("[TBD]")).to_have_count(0)
    expect(page.get_by_text("+237XXXXXXXXX")).to_have_count(0)
    on_call = page.locator(".live-directory .contact-card", has_text="On-Call")
    expect(on_call.get_by_role("link", name="+237 6 71 23 45 67")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    log_in(page)
    expect(page).to_have_url(acme + "/a/acme/emergency-contacts")  # back where you were
    lead = page.locator(".live-directory .contact-card", has_text="Lead Developer")
    lead.get_by_role("link", name="Edit").click()
    page.get_by_label("Name").fill("Theo Ngu")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/a/acme/emergency-contacts#contact-\d+$"))
    people = page.locator(".live-directory[data-group=technical]")
    expect(people).to_contain_text("Lead Developer — Theo Ngu")
    fits(page)


@pytest.mark.parametrize("size, js", ALL, ids=IDS)
def test_delete_asks_first_and_restore_shows_what_changes(acme, open_page, size, js):
    page = open_page(size, js)
    page.goto(acme + "/contacts")
    page.get_by_role("link", name="Log in").click()
    log_in(page)
    expect(page).to_have_url(acme + "/contacts")
    on_call = page.locator(".contact-card", has_text="On-Call")
    on_call.get_by_role("link", name="Edit").click()
    page.get_by_role("link", name="Delete this contact…").click()
    expect(page.locator("h1")).to_have_text("Delete On-Call — Ana Mbah?")
    page.get_by_role("link", name="No, keep it").click()
    expect(page.locator(".contact-card", has_text="On-Call")).to_be_visible()
    on_call.get_by_role("link", name="Edit").click()
    page.get_by_role("link", name="Delete this contact…").click()
    page.get_by_role("button", name="Yes, delete On-Call").click()
    expect(page.locator(".contact-card", has_text="On-Call")).to_have_count(0)
    gone = page.locator("#recently-deleted li", has_text="On-Call")
    gone.get_by_role("link", name="Restore…").click()
    expect(page.locator(".restore-fields")).to_contain_text("+237 6 71 23 45 67")
    page.get_by_role("button", name="Restore this contact").click()
    expect(page.locator(".history .change").first).to_contain_text("restore by edna")
    page.goto(acme + "/contacts")
    expect(page.locator(".contact-card", has_text="On-Call")).to_contain_text("Ana Mbah")
    fits(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_escalation_reads_in_light_and_dark(acme, open_page, scheme):
    page = open_page("phone", True, scheme)
    escalate(page, acme)
    for selector in (".reach-buttons .call", ".missing-info", "h2.end.escalate"):
        ratio = page.locator(selector).first.evaluate(CONTRAST)
        assert ratio >= 4.5, f"{selector} in {scheme}: contrast {ratio:.2f}"
    shot(page, f"escalation-phone-{scheme}")


CONTRAST = """(element) => {
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let node = element, bg = "rgba(0, 0, 0, 0)";
  while (node && (bg === "rgba(0, 0, 0, 0)" || bg === "transparent")) {
    bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
  }
  const a = lum(rgb(getComputedStyle(element).color)), b = lum(rgb(bg));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""
