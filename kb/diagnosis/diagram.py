"""A guide as an SVG diagram, drawn on the server: no JavaScript, no CDN, works offline.

Where things go is `kb.diagnosis.layout`'s job; this draws it, at its natural size (the
page scrolls it sideways on a narrow screen rather than shrinking its text), with the
path of a diagnosis highlighted: the steps visited, the answers taken, where it stands.
Colours come from the page's stylesheet, so dark mode applies.
"""

from __future__ import annotations

from html import escape

from kb.diagnosis.layout import Answer, Layout, Route, StepBox, layout

_ARROWS = "".join(
    f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
    f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
    f'class="{css}"/></marker>'
    for name, css in (("kb-arrow", "arrow-head"), ("kb-arrow-taken", "arrow-head taken"))
)


def render_svg(
    tree, visited: list[str] | None = None, taken: set[tuple[str, str]] | None = None
) -> str:
    """The diagram of `tree`; `visited` (node ids, the last one current) and `taken`
    ((node id, answer label) pairs) highlight a diagnosis's path."""
    plan = layout(tree)
    visited = visited or []
    taken = taken or set()
    current = visited[-1] if visited else None
    last = visited[-2] if len(visited) > 1 else None

    def was_taken(item: Answer | Route) -> bool:
        return any((item.node, label) in taken for label in item.labels)

    routes = sorted(plan.routes, key=was_taken)  # the path drawn last, over the rest
    parts = [_open(plan, tree.title)]
    parts += [_step(step, visited, current) for step in plan.steps]
    parts += [_route(route, was_taken(route)) for route in routes]
    for answer in plan.answers:
        reached = answer.kind == "end" and answer.node == last and answer.target == current
        reached = reached and was_taken(answer)
        parts.append(_answer(answer, was_taken(answer), reached))
    parts.append("</svg>")
    return "".join(parts)


def _open(plan: Layout, title: str) -> str:
    w, h = round(plan.width), round(plan.height)
    return (
        f'<svg class="tree-diagram" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'role="img" aria-label="Diagram of the steps of {escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><defs>{_ARROWS}</defs>'
    )


def _route(route: Route, taken: bool) -> str:
    d = " ".join(f"{'M' if i == 0 else 'L'} {x:g} {y:g}" for i, (x, y) in enumerate(route.points))
    css, arrow = ("edge taken", "kb-arrow-taken") if taken else ("edge", "kb-arrow")
    return f'<path class="{css}" d="{d}" marker-end="url(#{arrow})"/>'


def _step(step: StepBox, visited: list[str], current: str | None) -> str:
    node, box = step.node, step.rect
    css = f"node {node.kind}"
    css += " visited" if node.id in visited else ""
    css += " current" if node.id == current else ""
    texts = [
        f'<text class="node-kind" x="{box.x + 12:g}" y="{box.y + 20:g}">{escape(step.heading)}</text>'
    ]
    texts += [
        f'<text class="node-text" x="{box.x + 12:g}" y="{box.y + 38 + i * 17:g}">{escape(line)}</text>'
        for i, line in enumerate(step.lines)
    ]
    return (
        f'<g class="{css}"><title>{escape(node.text)}</title>'
        f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.w:g}" height="{box.h:g}" rx="8"/>'
        + "".join(texts)
        + "</g>"
    )


def _answer(answer: Answer, taken: bool, reached: bool) -> str:
    box = answer.rect
    css = f"answer {answer.kind}" + (f" {answer.target}" if answer.kind == "end" else "")
    css += (" taken" if taken else "") + (" current" if reached else "")
    return (
        f'<g class="{css}"><title>{escape(answer.title)}</title>'
        f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.w:g}" height="{box.h:g}" rx="11"/>'
        f'<text x="{box.x + 7:g}" y="{box.y + 15.5:g}">{escape(answer.text)}</text></g>'
    )
