"""Every end of a guide offers a way forward: a fix is confirmed by a person, "still
broken" goes on, and an escalation names whom to call and which vendors to open."""

from __future__ import annotations

import html
import re

import pytest

from kb.contacts.model import Contact
from kb.content.model import Branch, Node, Tree
from kb.diagnosis import engine
from kb.diagnosis.escalation import IN_LINE, MENTIONED, NAMED, escalation
from tests.acme import TREE, write_acme
from tests.conftest import form_token


@pytest.fixture
def acme(make_app, content_dir, simulator):
    write_acme(content_dir)
    app = make_app(content_dir, KB_PROBE_ENVIRON={"KB_TARGET_SHOP_URL": simulator.url})
    return app.test_client()


@pytest.fixture
def app_db(acme):
    from sqlmodel import Session

    return lambda: Session(acme.application.extensions["kb.db"])


def start(client, tree=TREE):
    response = client.post("/api/diagnoses", json={"tree": tree})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def answer(client, state, *choices):
    for choice in choices:
        response = client.post(f"/api/diagnoses/{state['id']}/answer", json={"choice": choice})
        assert response.status_code == 200, response.get_json()
        state = response.get_json()
    return state


def test_a_passing_check_is_not_called_resolved_before_a_person_says_so(acme):
    state = start(acme)  # the shop is healthy: the first check passes at once
    assert state["status"] == "unconfirmed" and state["confirmed"] is None
    labels = [(o["label"], o["target"]) for o in state["step"]["options"]]
    assert labels == [("Yes, it's fixed", "resolved"), ("No, still broken", "step-2")]
    page = acme.get(state["url"]).get_data(as_text=True)
    assert "The check passes" in page and "nobody has changed anything yet" in page
    assert '<h2 class="end resolved">' not in page
    assert "No, still broken: go on to step 2" in page


def test_still_broken_goes_to_the_next_untried_step_then_to_escalation(acme):
    state = answer(acme, start(acme), "No, still broken")
    assert state["status"] == "active" and state["step"]["id"] == "step-2"
    state = answer(acme, state, "Nothing there", "It works again")
    assert state["status"] == "unconfirmed"
    # every step has been tried: the way on is escalation, never a dead end
    assert state["step"]["options"][1] == {
        "index": 1,
        "label": "No, still broken",
        "target": "escalate",
    }
    state = answer(acme, state, 1)
    assert state["status"] == "escalated"
    assert [c["role"] for c in state["step"]["contacts"]][:2] == ["On-Call", "Lead Developer"]


def test_confirming_records_who_said_it_and_what_they_did_and_back_undoes_it(acme):
    state = start(acme)
    token = form_token(acme)
    acme.post(
        f"/d/{state['id']}/answer",
        data={"choice": "0", "remark": "nothing, it was a blip", "csrf_token": token},
    )
    state = acme.get(f"/api/diagnoses/{state['id']}").get_json()
    assert state["status"] == "resolved" and state["confirmed"] is True
    end = state["path"][-1]
    assert end["by"] == "person" and end["remark"] == "nothing, it was a blip"
    page = acme.get(state["url"]).get_data(as_text=True)
    assert '<h2 class="end resolved">Resolved: the shop reports ready</h2>' in page
    assert "nothing, it was a blip" in page and 'id="incident-summary"' in page
    acme.post(f"/d/{state['id']}/back", data={"csrf_token": token})
    state = acme.get(f"/api/diagnoses/{state['id']}").get_json()
    assert state["status"] == "unconfirmed" and "remark" not in state["path"][-1]


def test_a_diagnosis_confirmed_before_confirming_was_a_step_still_reads_resolved(acme, app_db):
    state = start(acme)
    with app_db() as session:
        from kb.diagnosis.store import Diagnosis

        record = session.get(Diagnosis, state["id"])
        record.confirmed = True  # how a confirmation was kept until now
        session.add(record)
        session.commit()
    assert acme.get(f"/api/diagnoses/{state['id']}").get_json()["status"] == "resolved"


def test_escalation_lists_whom_the_end_names_then_people_then_vendors_the_guide_mentions(acme):
    state = answer(acme, start(acme), "No, still broken", "Stripe shows an outage")
    reach = [(c["role"], c["why"]) for c in state["step"]["contacts"]]
    assert reach == [("Stripe", NAMED), ("On-Call", IN_LINE), ("Lead Developer", IN_LINE)]
    stripe = state["step"]["contacts"][0]
    # the runbook gives Stripe's status page elsewhere; the seed found it by its domain
    assert stripe["url"] == "https://support.stripe.com"
    assert stripe["status_url"] == "https://status.stripe.com"


def test_a_plain_escalation_still_shows_the_vendors_the_guide_is_about(acme):
    state = answer(acme, start(acme), "No, still broken", "Nothing there", "Still failing")
    vendors = [c["role"] for c in state["step"]["contacts"] if c["group"] == "external"]
    assert vendors == ["Stripe"]  # Mailgun is in the directory but not in this guide
    assert state["step"]["contacts"][-1]["why"] == MENTIONED


def test_the_escalation_page_has_call_and_email_buttons_and_says_what_is_missing(acme):
    state = answer(acme, start(acme), "No, still broken", "Nothing there", "Still failing")
    page = acme.get(state["url"]).get_data(as_text=True)
    assert 'class="button big call" href="tel:+237671234567">Call +237 6 71 23 45 67</a>' in page
    assert re.search(r'href="mailto:oncall@acme\.example\.com\?subject=Incident%3A%20', page)
    assert "No phone number on file for Lead Developer." in page
    lead = next(c for c in state["step"]["contacts"] if c["role"] == "Lead Developer")
    edit = f'href="/contacts/{lead["id"]}/edit?next=/d/{state["id"]}">Add the number</a>'
    assert edit in page
    assert "(for editors: you will be asked to log in)" in page
    assert ">Stripe support</a>" in page and ">Stripe status page</a>" in page
    assert "Mailgun" not in page


def test_the_incident_summary_is_the_timeline_in_plain_text(acme):
    state = answer(acme, start(acme), "No, still broken", "Stripe shows an outage")
    page = acme.get(state["url"]).get_data(as_text=True)
    box = re.search(r'<textarea id="incident-summary"[^>]*>(.*?)</textarea>', page, re.S)
    text = html.unescape(box.group(1))
    lines = text.splitlines()
    assert lines[0] == "Incident: Checkout fails"
    assert lines[1] == "Status: escalated (Stripe)"
    assert lines[3] == f"Link: /d/{state['id']}"
    assert re.search(r"^\d\d:\d\d:\d\d Step 1: Check: shop-ready Ask the shop", text, re.M)
    assert "         check shop-ready: PASS" in text
    assert "→ No, still broken (the responder)" in text
    assert re.search(r"^\d\d:\d\d:\d\d Escalated to Stripe$", text, re.M)
    assert "**" not in text and "`" not in text  # plain text for chat, not Markdown


def test_the_summary_link_is_absolute_when_the_base_url_is_known(make_app, content_dir, simulator):
    write_acme(content_dir)
    client = make_app(
        content_dir,
        KB_BASE_URL="https://kb.acme.example.com",
        KB_PROBE_ENVIRON={"KB_TARGET_SHOP_URL": simulator.url},
    ).test_client()
    state = start(client)
    page = client.get(state["url"]).get_data(as_text=True)
    assert f"Link: https://kb.acme.example.com/d/{state['id']}" in page
    assert 'data-relative-link=""' in page


def _contact(role, group="technical", order=100, **fields):
    return Contact(role=role, group=group, escalation_order=order, **fields)


def test_vendors_are_matched_as_whole_words_from_the_directory_not_a_list_of_names():
    directory = [
        _contact("Lead", order=3),
        _contact("On call", order=1),
        _contact("Fly", group="external", order=20),  # not in "flying" or "butterfly"
        _contact("Hosting", group="external", name="Hetzner", order=21),
        _contact("Sales", group="business", order=5),
    ]
    guide = "Check the butterfly dashboard while flying; Hetzner support can reboot it."
    found = escalation(directory, "", guide)
    assert [(r.contact.role, r.why) for r in found] == [
        ("On call", IN_LINE),
        ("Lead", IN_LINE),
        ("Hosting", MENTIONED),
    ]
    named = escalation(directory, "escalate to fly", guide)
    assert (named[0].contact.role, named[0].why) == ("Fly", NAMED)


def _tree() -> Tree:
    def node(number: int, *branches: Branch) -> Node:
        return Node(f"step-{number}", "step", "", f"step {number}", number, list(branches))

    return Tree(
        "t",
        "T",
        "t",
        "t.md",
        1,
        nodes=[
            node(1, Branch("fixed", "resolved"), Branch("no", "step-2")),
            node(2, Branch("fixed", "resolved"), Branch("no", "step-3")),
            node(3, Branch("fixed", "resolved"), Branch("no", "escalate")),
        ],
    )


@pytest.mark.parametrize(
    "path, onwards",
    [
        (["fixed"], "step-2"),  # the step after the one that claimed the fix
        (["no", "no", "fixed"], "escalate"),  # all tried
        (["no", "fixed"], "step-3"),
    ],
)
def test_the_next_untried_step(path, onwards):
    walk = engine.start(_tree(), lambda names: {})
    for label in path:
        engine.answer(walk, label, lambda names: {})
    assert walk.status == engine.UNCONFIRMED
    assert engine.confirmations(walk)[1].target == onwards


def test_the_next_untried_step_wraps_round_to_earlier_steps():
    tree = _tree()
    tree.nodes[0].branches[1] = Branch("skip", "step-3")
    walk = engine.start(tree, lambda names: {})
    engine.answer(walk, "skip", lambda names: {})
    engine.answer(walk, "fixed", lambda names: {})
    assert engine.next_untried(walk) == "step-2"
