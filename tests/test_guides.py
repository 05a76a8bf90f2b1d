"""Runbooks in the formats teams already write become guides, without editing them."""

from __future__ import annotations

import pytest

from kb.content.explain import explain
from kb.content.library import load_library
from kb.content.model import END_ESCALATE, END_RESOLVED
from kb.content.parser import parse_text
from tests.conftest import shared_path, write

ALERT_RUNBOOK = """# DiskFillingUp

## Meaning

The node's root filesystem will be full within four hours.

## Impact

Pods on the node are evicted.

## Diagnosis

1. Find the largest folders: `du -sh /var/*`
2. Check for old container images: `crictl images`

## Mitigation

Remove unused images with `crictl rmi --prune`.
"""

LONGHORN_STYLE = """---
title: "Troubleshooting: Volume stuck attaching"
---

## Applicable versions

All.

## Symptoms

The volume stays in `attaching` for minutes.

## Reason

The engine image is not deployed on the node.

## Solution

1. Redeploy the engine image.
2. Restart the longhorn-manager pod on the node.
"""

PROSE_DIAGNOSIS = """# CertificateExpiring

## Meaning

A certificate expires within a week.

## Diagnosis

Read the expiry date from the secret and compare it with today.

## Mitigation

1. Renew the certificate.
2. Restart the ingress.
"""


def only_tree(text: str, name: str = "x.md"):
    doc = parse_text(text, name)
    assert len(doc.trees) == 1, [t.title for t in doc.trees]
    assert doc.problems == []
    return doc.trees[0]


def answers(node):
    return [(b.label, b.target) for b in node.branches]


def test_an_alert_runbook_is_a_guide_meaning_is_the_symptom_impact_is_shown():
    tree = only_tree(ALERT_RUNBOOK)
    assert tree.title == "DiskFillingUp" and tree.format == "sections"
    assert tree.symptoms.startswith("The node's root filesystem")
    assert "evicted" in tree.impact
    assert [n.text.split(":")[0] for n in tree.nodes] == [
        "Find the largest folders",
        "Check for old container images",
        "Remove unused images with crictl rmi --prune.",
    ]


def test_diagnosis_steps_ask_what_was_found_and_fixes_ask_if_they_helped():
    first, second, fix = only_tree(ALERT_RUNBOOK).nodes
    assert answers(first) == [("Looks normal", "step-2"), ("Found the cause", "step-3")]
    assert answers(second) == [("Looks normal", "step-3"), ("Found the cause", "step-3")]
    assert answers(fix) == [
        ("Yes, that fixed it", END_RESOLVED),
        ("No, still broken", END_ESCALATE),
    ]


def test_prose_diagnosis_is_one_step_that_moves_on_not_a_fake_question():
    tree = only_tree(PROSE_DIAGNOSIS)
    first = tree.nodes[0]
    assert first.text.startswith("Read the expiry date")
    assert answers(first) == [("Continue", "step-2")]
    assert answers(tree.nodes[-1])[1] == ("No, still broken", END_ESCALATE)


def test_longhorn_style_symptoms_reason_solution():
    tree = only_tree(LONGHORN_STYLE)
    assert tree.title == "Troubleshooting: Volume stuck attaching"
    assert "attaching" in tree.symptoms and "engine image" in tree.impact
    assert len(tree.nodes) == 2 and tree.nodes[0].kind == "step"


def test_gitlab_style_symptoms_and_possible_checks():
    text = "# Slow scrapes\n\n## Symptoms\n\nScrapes take long.\n\n## Possible checks\n\n1. Look at the target.\n2. Look at the network.\n"
    tree = only_tree(text)
    assert tree.nodes[0].kind == "question" and tree.nodes[-1].branches[0].target == END_ESCALATE


def test_headings_qualified_with_steps_alert_or_common_keep_their_role():
    """Teams write "Investigation Steps", "Alert Description", "Common Causes"."""
    text = (
        "# NodeDiskIOSaturation\n\n## Alert Description\n\nDisk IO queue is long.\n\n"
        "## Common Causes\n\nA backup job.\n\n## Investigation Steps\n\n"
        "1. Run `iostat -x 1`.\n2. Find the process with `iotop`.\n\n"
        "## Resolution Steps\n\n1. Move the job off peak hours.\n"
    )
    tree = only_tree(text)
    assert "queue is long" in tree.symptoms and "backup job" in tree.impact
    assert [n.kind for n in tree.nodes] == ["question", "question", "step"]
    assert answers(tree.nodes[0])[1][1] == tree.nodes[2].id  # found the cause → the fix


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Investigating the problem", "diagnosis"),
        ("Investigation of the problem", "diagnosis"),
        ("Diagnosing problems", "diagnosis"),
        ("Potential resolution steps", "resolution"),
        ("Resolving the issue", "resolution"),
        ("Recommended actions", "resolution"),
        ("The problem", "symptoms"),
        ("The issue", "symptoms"),
    ],
)
def test_headings_as_other_teams_phrase_a_role_keep_it(title, role):
    from kb.content.roles import role_of

    assert role_of(title) == role


@pytest.mark.parametrize(
    "title",
    [
        "Alert",
        "Steps to reproduce the outage",
        "Common ground",
        "Known issues",
        "Problem statement",
    ],
)
def test_a_qualifier_alone_or_around_other_words_names_no_role(title):
    from kb.content.roles import role_of

    assert role_of(title) is None


def test_a_prose_diagnosis_with_nothing_after_it_says_its_button_escalates():
    tree = only_tree("# P\n\n## Meaning\n\nSlow.\n\n## Diagnosis\n\nLook at the graphs.\n")
    assert answers(tree.nodes[0]) == [("Next: who to call", END_ESCALATE)]


def test_an_answer_list_with_an_item_lacking_its_target_is_warned_about():
    text = (
        "# Api\n\n## Diagnosis\n\n1. Is the API up?\n   - yes → step 2\n   - no → escalate\n"
        "   - maybe\n2. Is the DB up?\n"
    )
    doc = parse_text(text, "x.md")
    assert [str(p) for p in doc.problems] == [
        "x.md:5: warning: step 1: 'maybe' has no '→ target', so its list of answers is "
        "read as text and the step asks the usual questions"
    ]


@pytest.mark.parametrize(
    "target", ["step 1.5", "step 2, then 3", "step 2a", "step 2-3", "step 2 or 3"]
)
def test_a_target_that_names_no_one_step_is_an_error(target):
    text = f"# Api\n\n## Diagnosis\n\n1. Up?\n   - yes → {target}\n   - no → escalate\n2. Db?\n"
    doc = parse_text(text, "x.md")
    assert any(f"'yes → {target}' points nowhere known" in str(p) for p in doc.problems)


@pytest.mark.parametrize(
    "target",
    ["step 2", "go to step 2", "Step 2 (the DB)", "step 2: DB", "step 2 and restart the pod"],
)
def test_a_step_target_may_carry_a_note(target):
    text = f"# Api\n\n## Diagnosis\n\n1. Up?\n   - yes → {target}\n   - no → escalate\n2. Db?\n"
    doc = parse_text(text, "x.md")
    assert doc.problems == [] and doc.trees[0].nodes[0].branches[0].target == "step-2"


def test_a_how_to_without_symptoms_or_diagnosis_is_not_a_guide():
    doc = parse_text("# Deploy\n\n## Steps\n\n1. Push.\n2. Watch.\n", "deploy.md")
    assert doc.trees == []


def test_explain_says_which_format_and_why(tmp_path):
    write(tmp_path, "alerts/DiskFillingUp.md", ALERT_RUNBOOK)
    write(tmp_path, "notes.md", "# Notes\n\nNothing to fix here.\n")
    library = load_library(tmp_path)
    lines = explain(library, "alerts/DiskFillingUp.md")
    assert "guide 'DiskFillingUp' read as 'sections', 3 step(s):" in lines
    assert "  line 3: 'Meaning' → symptoms" in lines
    assert any("'Diagnosis' → 2 step(s) from its list" in line for line in lines)
    assert explain(library, "notes.md")[-1].startswith("no guide:")


def test_check_explain_command(tmp_path):
    from click.testing import CliRunner

    from kb.cli import check_command

    path = write(tmp_path, "DiskFillingUp.md", ALERT_RUNBOOK)
    result = CliRunner().invoke(check_command, ["--explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "read as 'sections'" in result.output and "(line 14, question)" in result.output


@pytest.fixture(scope="module")
def openshift():
    return load_library(shared_path("corpora", "openshift-runbooks"))


def test_every_openshift_runbook_with_diagnosis_or_mitigation_is_a_guide(openshift):
    with_steps = {
        a.source
        for a in openshift.articles.values()
        if a.title.strip().lower() in ("diagnosis", "mitigation")
    }
    guided = {tree.source for tree in openshift.trees.values()}
    assert len(with_steps) > 200
    assert with_steps <= guided


def test_every_openshift_alert_name_has_a_page(openshift):
    for page in openshift.documents():
        stem = page.source.rsplit("/", 1)[-1].removesuffix(".md")
        if stem.lower() == "readme":
            continue
        found = openshift.named(stem)
        assert found is not None and found.source.rsplit("/", 1)[-1] == f"{stem}.md", stem
        assert openshift.named(stem.lower()) is found


@pytest.fixture
def openshift_client(make_app):
    return make_app(content_dir=shared_path("corpora", "openshift-runbooks")).test_client()


def test_api_trees_lists_every_openshift_guide(openshift_client, openshift):
    listed = {tree["id"] for tree in openshift_client.get("/api/trees").get_json()}
    assert listed == set(openshift.trees) and len(listed) > 200


def walk(client, tree_id: str, choices: list[str]) -> dict:
    state = client.post("/api/diagnoses", json={"tree": tree_id}).get_json()
    return walk_on(client, state, choices)


def walk_on(client, state: dict, choices: list[str]) -> dict:
    for label in choices:
        response = client.post(f"/api/diagnoses/{state['id']}/answer", json={"choice": label})
        assert response.status_code == 200, response.get_json()
        state = response.get_json()
    return state


def guide_id(library, file_name: str) -> str:
    return next(t.id for t in library.trees.values() if t.source.endswith(f"/{file_name}"))


def test_three_openshift_guides_walk_to_where_they_should(openshift_client, openshift):
    # a cause found in diagnosis goes to the fix, and the fix resolves
    rules = guide_id(openshift, "PrometheusRuleFailures.md")
    state = walk(openshift_client, rules, ["Found the cause", "Yes, that fixed it"])
    assert state["status"] == "unconfirmed"  # until the responder says users see it fixed
    state = walk_on(openshift_client, state, ["Yes, it's fixed"])
    assert state["status"] == "resolved"
    # nothing found, the fix did not help: escalate, with people to call
    spread = guide_id(openshift, "HighlyAvailableWorkloadIncorrectlySpread.md")
    state = walk(openshift_client, spread, ["Continue", "No, still broken"])
    assert state["status"] == "escalated" and state["step"]["contacts"] is not None
    # every diagnosis step looks normal, then the fix works
    quorum = guide_id(openshift, "CephMonQuorumAtRisk.md")
    tree = openshift.trees[quorum]
    state = walk(openshift_client, quorum, ["Continue", "Yes, that fixed it", "Yes, it's fixed"])
    assert state["status"] == "resolved" and len(tree.nodes) == 2


def test_go_lands_on_every_openshift_runbook_by_its_alert_name(openshift_client, openshift):
    for page in openshift.documents():
        stem = page.source.rsplit("/", 1)[-1].removesuffix(".md")
        if stem.lower() == "readme":
            continue
        for name in (stem, stem.lower()):
            response = openshift_client.get(f"/go/{name}")
            assert response.status_code == 302, name
            landed = openshift.article(response.headers["Location"].removeprefix("/a/"))
            assert landed.source.rsplit("/", 1)[-1] == f"{stem}.md", (name, landed.source)


def test_a_solution_in_prose_is_a_page_not_an_empty_guide(make_app, tmp_path):
    text = "# Ops\n\n## Disk alerts\n\n**Symptoms:** the disk alert fires.\n\n**Solution:** Delete old logs.\n"
    doc = parse_text(text, "ops.md")
    assert doc.trees == [] and doc.problems == []
    under_common_issues = parse_text(
        text.replace("# Ops", "# Ops\n\n## Common Issues").replace("## Disk", "### Disk"), "ops.md"
    )
    assert [len(t.nodes) for t in under_common_issues.trees] == [1]  # one step, its text
    content = tmp_path / "content"
    write(content, "ops.md", text)
    client = make_app(content_dir=content).test_client()
    assert client.get("/api/trees").get_json() == []
    assert client.get("/").status_code == 200


def test_an_empty_diagnosis_section_gives_no_guide():
    doc = parse_text(
        "# Alert\n\n## Meaning\n\nIt fires.\n\n## Diagnosis\n\n## Mitigation\n\n", "a.md"
    )
    assert doc.trees == [] and "has no steps" in doc.problems[0].message


def test_plain_symptoms_and_resolution_paragraph_labels_make_a_guide():
    text = (
        "# Gitaly\n\n## Race during upgrade\n\nSymptoms:\n\n* the old process has not exited\n\n"
        "Resolution:\n\n* Find the old pid.\n* `kill -9 <parent PID>`.\n"
    )
    tree = only_tree(text)
    assert tree.symptoms == "the old process has not exited"
    assert [answers(n)[0][0] for n in tree.nodes] == ["Yes, that fixed it"] * 2


def test_a_grafana_style_alert_section_is_a_guide_investigate_then_fix():
    """Grafana's mixins keep alerts as sections of one file: a paragraph on what fired,
    then `How to **investigate**:` and `How to fix:` lists, no Symptoms label."""
    text = (
        "# Tempo runbook\n\n## TempoCompactionsFailing\n\n"
        "Compactions have failed for the last hour.\n\n"
        "How it **works**:\n\n- Compactors merge blocks.\n\n"
        "How to **investigate**:\n\n- Check the compactor logs.\n- Check the object store.\n\n"
        "How to fix:\n\n- Restart the compactors.\n"
    )
    tree = only_tree(text)
    assert tree.symptoms == "Compactions have failed for the last hour."
    assert [n.kind for n in tree.nodes] == ["question", "question", "step"]
    assert answers(tree.nodes[0]) == [("Looks normal", "step-2"), ("Found the cause", "step-3")]
    # the last check: either answer goes to the fix, and what was found is on the record
    assert answers(tree.nodes[1]) == [("Looks normal", "step-3"), ("Found the cause", "step-3")]
    assert answers(tree.nodes[2])[0] == ("Yes, that fixed it", "resolved")


def test_steps_alone_are_a_procedure_not_a_guide():
    doc = parse_text(
        "# Deploy\n\n## Roll out\n\nShip it.\n\nSteps:\n\n1. Build.\n2. Push.\n", "d.md"
    )
    assert doc.trees == []
