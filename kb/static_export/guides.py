"""Every guide as static pages: an overview, a page per step whose answers are links to
the next page, and a page per end. Walking a guide needs nothing but following links; a
live check is shown as the request to send by hand and what must hold for it to pass."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from kb.content.model import END_ESCALATE, END_RESOLVED, ENDS, Node, Tree
from kb.diagnosis.diagram import render_svg
from kb.diagnosis.engine import label_for
from kb.diagnosis.escalation import escalation, guide_text
from kb.static_export.checks import condition_words, curl_command
from kb.static_export.paths import guide_path
from kb.static_export.site import Site


@dataclass(frozen=True)
class Answer:
    label: str
    page: str  # the page in the guide's folder it leads to, without `.html`
    goes_to: str  # said in words, for the overview


@dataclass(frozen=True)
class Step:
    node: Node
    number: str
    html: Markup
    answers: list[Answer]


@dataclass(frozen=True)
class End:
    resolved: bool
    note: str


def end_pages(tree: Tree) -> dict[tuple[str, str], str]:
    """A page per distinct end (`escalate to Railway` is not `escalate`): the first of
    each kind is `resolved` or `escalate`, the next `resolved-2`, in the order of steps."""
    pages: dict[tuple[str, str], str] = {}
    counts = dict.fromkeys(ENDS, 0)
    for node in tree.nodes:
        for branch in node.branches:
            key = (branch.target, branch.note)
            if branch.target in ENDS and key not in pages:
                counts[branch.target] += 1
                suffix = "" if counts[branch.target] == 1 else f"-{counts[branch.target]}"
                pages[key] = branch.target + suffix
    return pages


def _answers(tree: Tree, node: Node, ends: dict[tuple[str, str], str]) -> list[Answer]:
    ids = {n.id for n in tree.nodes}
    answers = []
    for branch in node.branches:
        label = label_for(branch) if node.kind == "check" else branch.label
        if branch.target in ids:
            goes_to = "step " + branch.target.removeprefix("step-")
            page = branch.target
        elif branch.target in ENDS:
            page = ends[(branch.target, branch.note)]
            kind = "resolved" if branch.target == END_RESOLVED else "escalate"
            goes_to = kind + (f": {branch.note}" if branch.note else "")
        else:  # a step that does not exist (`kb check` reports it): back to the overview
            page, goes_to = "index", f"{branch.target} (missing)"
        answers.append(Answer(label=label, page=page, goes_to=goes_to))
    return answers


def _check(site: Site, node: Node) -> dict | None:
    catalog = site.snapshot.catalog
    probe = catalog.probes.get(node.check or "")
    if probe is None:
        return None
    return {
        "name": probe.name,
        "title": probe.title,
        "curl": curl_command(probe, catalog, site.snapshot.environ),
        "secrets": probe.secrets,
        "conditions": [(name, condition_words(c), c.source) for name, c in probe.conditions],
    }


def write_guide(site: Site, tree: Tree) -> None:
    ends = end_pages(tree)
    overview = guide_path(tree.id)
    steps = [
        Step(
            node=node,
            number=node.id.removeprefix("step-"),
            # The overview and the steps share a folder, so one rewrite serves them all.
            html=site.content(node.html, overview, tree.source),
            answers=_answers(tree, node, ends),
        )
        for node in tree.nodes
    ]
    shared = {"tree": tree, "article": site.library.article(tree.article)}
    site.page(
        overview,
        "export/guide.html",
        steps=steps,
        diagram=Markup(render_svg(tree)),
        impact=site.content(tree.impact_html, overview, tree.source),
        **shared,
    )
    for step in steps:
        site.page(
            guide_path(tree.id, step.node.id),
            "export/step.html",
            step=step,
            total=len(steps),
            check=_check(site, step.node) if step.node.kind == "check" else None,
            **shared,
        )
    for (target, note), page in ends.items():
        contacts = []
        if target == END_ESCALATE:
            text = guide_text(tree, site.library.article(tree.article))
            contacts = [reach.contact for reach in escalation(site.snapshot.contacts, note, text)]
        site.page(
            guide_path(tree.id, page),
            "export/end.html",
            end=End(resolved=target == END_RESOLVED, note=note),
            contacts=contacts,
            **shared,
        )


def write_guides(site: Site) -> None:
    for tree in site.trees:
        write_guide(site, tree)
