"""Troubleshooting guides found in the formats teams already write, without editing them.

Three shapes are read (README, "Troubleshooting trees"), each recorded on the guide with
the reasons, for `kb check --explain`:

- **labelled**: `**Symptoms:**` then a list after `**Solution:**` (or Resolution, Steps…)
  inside one section;
- **sections**: child sections named for their role (kb.content.roles): Symptoms or
  Meaning, Impact, Reason, Diagnosis or Possible checks, Solution, Resolution or
  Mitigation: GitLab's, Longhorn's and the Prometheus/OpenShift alert-runbook shapes;
- **common issues**: each child of a section titled "Common Issues" (or "Known issues").

A diagnosis step asks what was found; a fix asks whether it helped; prose that explains
is one step that moves on. Steps an author wrote answers for keep them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.content.model import Article, Problem, Tree
from kb.content.roles import CAUSE, DIAGNOSIS, IMPACT, RESOLUTION, SYMPTOMS
from kb.content.sanitize import clean_html
from kb.content.structure import Facts, RawStep, SectionReader
from kb.content.trees import build_tree, validate_tree

COMMON_ISSUES = ("common issues", "known issues", "common problems")
_STEP_ROLES = {DIAGNOSIS: "diagnosis", RESOLUTION: "resolution"}


@dataclass
class Sources:
    """What guide finding needs of one parsed file."""

    articles: list[Article]
    facts: dict[str, Facts]
    reader: SectionReader

    def __post_init__(self) -> None:
        self._by_slug = {a.slug: a for a in self.articles}

    def by_slug(self, slug: str) -> Article | None:
        return self._by_slug.get(slug)

    def children(self, article: Article) -> list[Article]:
        return [self._by_slug[slug] for slug in article.children]

    def whole(self, article: Article) -> tuple[str, str]:
        """(text, html) of a section with its subsections, as its page shows it."""
        html, text = [article.html], [article.text]
        for child in self.children(article):
            child_text, child_html = self.whole(child)
            html.extend((child.heading_html, child_html))
            text.extend((child.title, child_text))
        return " ".join(t for t in text if t), "\n".join(h for h in html if h)


def find_guides(sources: Sources, problems: list[Problem], checks: set[str] | None) -> list[Tree]:
    trees = []
    for article in sources.articles:
        found = _labelled(sources, article) or _sections(sources, article)
        found = found or _common_issue(sources, article)
        if found is None:
            continue
        if not found[-1]:
            # Shaped like a guide, with nothing to walk: a page, and a warning to say why.
            problems.append(
                Problem(
                    article.source,
                    article.line,
                    f"'{article.title}' looks like a guide ({found[0]}) but has no steps",
                    severity="warning",
                )
            )
            continue
        tree, tree_problems = _build(article, *found)
        problems.extend(tree_problems)
        problems.extend(validate_tree(tree, checks))
        article.tree = tree.id
        trees.append(tree)
    return trees


# A finder returns (format, reasons, symptoms (text, html), impact (text, html), steps).
Found = tuple[str, list[str], tuple[str, str], tuple[str, str], list[RawStep]]


def _labelled(sources: Sources, article: Article) -> Found | None:
    facts = sources.facts[article.slug]
    if not facts.steps:
        return None  # a solution in prose is read by the other shapes, or is a page
    steps = f"a list of {len(facts.steps)} step(s) after a '{facts.steps_label}' label"
    if facts.symptoms is not None:
        reasons = [
            f"line {article.line}: '{article.title}' has a **Symptoms:** paragraph and {steps}"
        ]
        return "labelled", reasons, (facts.symptoms, facts.symptoms_html), ("", ""), facts.steps
    if facts.steps_label == "steps" or not facts.intro:
        return None  # "Steps:" alone is a procedure, not troubleshooting
    reasons = [
        f"line {article.line}: '{article.title}' has {steps}; "
        "no symptoms label → its first paragraph stands for the symptoms"
    ]
    return "labelled", reasons, (facts.intro, facts.intro_html), ("", ""), facts.steps


def _sections(sources: Sources, article: Article) -> Found | None:
    children = sources.children(article)
    by_role: dict[str, list[Article]] = {}
    for child in children:
        if child.role:
            by_role.setdefault(child.role, []).append(child)
    if DIAGNOSIS not in by_role and not (RESOLUTION in by_role and SYMPTOMS in by_role):
        return None
    reasons = [f"line {article.line}: '{article.title}' has sections named for their role"]
    symptoms = ("", "")
    if SYMPTOMS in by_role:
        seen = by_role[SYMPTOMS][0]
        symptoms = sources.whole(seen)
        reasons.append(f"line {seen.line}: '{seen.title}' → symptoms")
    else:
        symptoms = (sources.facts[article.slug].intro, "")
        reasons.append("no symptoms section → the introduction stands for the symptoms")
    impact = ("", "")
    for role in (IMPACT, CAUSE):
        for section in by_role.get(role, []):
            text, html = sources.whole(section)
            impact = (f"{impact[0]} {text}".strip(), f"{impact[1]}{section.heading_html}{html}")
            reasons.append(f"line {section.line}: '{section.title}' → shown before the steps")
    steps: list[RawStep] = []
    for role in (DIAGNOSIS, RESOLUTION):
        for section in by_role.get(role, []):
            found, how = _steps_of(sources, section, _STEP_ROLES[role])
            steps.extend(found)
            reasons.append(f"line {section.line}: '{section.title}' → {how}")
    return "sections", reasons, symptoms, impact, steps


def _common_issue(sources: Sources, article: Article) -> Found | None:
    parent = sources.by_slug(article.parent or "")
    if parent is None:
        return None
    if not any(label in parent.title.lower() for label in COMMON_ISSUES):
        return None
    facts = sources.facts[article.slug]
    steps, how = _steps_of(sources, article, "resolution", any_list=True)
    if facts.symptoms is not None:
        symptoms = (facts.symptoms, facts.symptoms_html)
    else:
        symptoms = (facts.intro, "")
    reasons = [f"line {article.line}: '{article.title}' is under '{parent.title}' → {how}"]
    return "common issues", reasons, symptoms, ("", ""), steps


def _steps_of(
    sources: Sources, section: Article, role: str, any_list: bool = False
) -> tuple[list[RawStep], str]:
    """A section's steps: its numbered list's items, its subsections, or its whole text."""
    facts = sources.facts[section.slug]
    listing = facts.first_list
    others = [n for n in facts.nodes if n is not listing]
    if listing is not None and (any_list or listing.type == "ordered_list"):
        steps = sources.reader.steps(listing)
        for step in steps:
            step.role = role
        if steps and others:
            _attach_context(sources.reader, facts, listing, steps)
        return steps, f"{len(steps)} step(s) from its list (line {steps[0].line if steps else 0})"
    children = sources.children(section)
    if children and len(section.text) < 200:
        steps = []
        for child in children:
            text, html = sources.whole(child)
            lead = f"{section.html}\n" if section.html and not steps else ""
            steps.append(
                RawStep(
                    html=f"{lead}{child.heading_html}{html}",
                    text=f"{child.title} {text}",
                    line=child.line,
                    role=role,
                )
            )
        return steps, f"{len(steps)} step(s), one per subsection"
    text, html = sources.whole(section)
    if not text:
        return [], "no text"
    prose = "information" if role == "diagnosis" else role
    step = RawStep(html=html, text=text, line=section.line + 1, role=prose)
    return [step], "one step carrying its whole text"


def _attach_context(reader: SectionReader, facts: Facts, listing, steps: list[RawStep]) -> None:
    """Paragraphs before a numbered list introduce its first step; after, end its last."""
    index = facts.nodes.index(listing)
    before = "\n".join(reader.html(n) for n in facts.nodes[:index])
    after = "\n".join(reader.html(n) for n in facts.nodes[index + 1 :])
    if before:
        steps[0].html = f"{before}\n{steps[0].html}"
    if after:
        steps[-1].html = f"{steps[-1].html}\n{after}"


def _build(
    article: Article,
    format_: str,
    reasons: list[str],
    symptoms: tuple[str, str],
    impact: tuple[str, str],
    steps: list[RawStep],
) -> tuple[Tree, list[Problem]]:
    tree, problems = build_tree(
        tree_id=article.slug,
        title=_tree_title(article.title),
        article=article.slug,
        source=article.source,
        line=article.line,
        symptoms=symptoms[0],
        symptoms_html=symptoms[1],
        steps=steps,
        step_lines=[step.line or article.line for step in steps],
    )
    for node in tree.nodes:
        node.html = clean_html(node.html)
    tree.symptoms_html = clean_html(tree.symptoms_html)
    tree.impact, tree.impact_html = impact[0], clean_html(impact[1])
    tree.format, tree.explain = format_, reasons
    return tree, problems


def _tree_title(title: str) -> str:
    """`Issue: Shift Won't Close` reads better as the symptom alone."""
    head, sep, rest = title.partition(":")
    if sep and head.strip().lower() in ("issue", "problem", "symptom") and rest.strip():
        return rest.strip()
    return title
