"""A tree as an SVG diagram, made on the server: no JavaScript, no CDN, works offline.

Steps stand in a column in their order; answers that lead to the next step are short
arrows down, others arc out to the right; ends (resolved, escalate) sit in a column of
their own. The path of a diagnosis is highlighted.
"""

from __future__ import annotations

from html import escape

from kb.content.model import END_ESCALATE, END_RESOLVED, Tree

BOX_W, BOX_H, GAP = 300, 48, 34
LEFT, TOP = 10, 10
END_X, END_W = 560, 150


def _short(text: str, size: int = 44) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def render_svg(
    tree: Tree, visited: list[str] | None = None, taken: set[tuple[str, str]] | None = None
) -> str:
    visited = visited or []
    taken = taken or set()
    current = visited[-1] if visited else None
    rows = {node.id: index for index, node in enumerate(tree.nodes)}
    height = TOP * 2 + len(tree.nodes) * (BOX_H + GAP)
    ends = {
        END_RESOLVED: TOP,
        END_ESCALATE: max(TOP + BOX_H + GAP, height - TOP - BOX_H - GAP),
    }
    parts = [
        f'<svg class="tree-diagram" viewBox="0 0 {END_X + END_W + 10} {height}" role="img" '
        f'aria-label="Diagram of the troubleshooting steps" xmlns="http://www.w3.org/2000/svg">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'class="arrow-head"/></marker></defs>',
    ]
    lanes = iter(range(1, 10_000))
    for node in tree.nodes:
        for branch in node.branches:
            css = "edge taken" if (node.id, branch.label) in taken else "edge"
            parts.extend(_edge(rows, ends, node.id, branch, css, lanes))
    for node in tree.nodes:
        parts.append(_node_box(node, TOP + rows[node.id] * (BOX_H + GAP), visited, current))
    for end, y in ends.items():
        css = f"end {end}" + (" current" if current == end else "")
        label = "Resolved" if end == END_RESOLVED else "Escalate"
        parts.append(
            f'<g class="{css}"><rect x="{END_X}" y="{y}" width="{END_W}" height="{BOX_H}" rx="24"/>'
            f'<text x="{END_X + END_W / 2}" y="{y + 30}" text-anchor="middle">{label}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _edge(rows: dict, ends: dict, source: str, branch, css: str, lanes) -> list[str]:
    """One answer's arrow: straight down to the next step, a curve back or ahead to a
    further one (each in its own lane), or across to an end."""
    y = TOP + rows[source] * (BOX_H + GAP)
    label = escape(_short(branch.label, 26))
    if branch.target not in rows:
        ey = ends.get(branch.target, ends[END_ESCALATE]) + BOX_H / 2
        sy = y + BOX_H / 2 + (6 if branch.target == END_ESCALATE else -6)
        return [
            f'<path class="{css}" d="M {LEFT + BOX_W} {sy} L {END_X} {ey}" marker-end="url(#arrow)"/>',
            f'<text class="edge-label" x="{LEFT + BOX_W + 8}" y="{sy - 3}">{label}</text>',
        ]
    ty = TOP + rows[branch.target] * (BOX_H + GAP)
    if rows[branch.target] == rows[source] + 1:
        x = LEFT + BOX_W / 2
        return [
            f'<path class="{css}" d="M {x} {y + BOX_H} L {x} {ty}" marker-end="url(#arrow)"/>',
            f'<text class="edge-label" x="{x + 6}" y="{y + BOX_H + GAP / 2 + 4}">{label}</text>',
        ]
    out = LEFT + BOX_W + 14 + (next(lanes) % 8) * 22
    path = (
        f"M {LEFT + BOX_W} {y + BOX_H / 2 - 6} C {out} {y + BOX_H / 2 - 6}, "
        f"{out} {ty + BOX_H / 2 + 6}, {LEFT + BOX_W} {ty + BOX_H / 2 + 6}"
    )
    return [
        f'<path class="{css}" d="{path}" marker-end="url(#arrow)"/>',
        f'<text class="edge-label" x="{out - 4}" y="{(y + ty) / 2 + BOX_H / 2}">{label}</text>',
    ]


def _node_box(node, y: float, visited: list[str], current: str | None) -> str:
    css = (
        "node"
        + (" visited" if node.id in visited else "")
        + (" current" if node.id == current else "")
    )
    kind = {"check": "live check", "question": "question"}.get(node.kind, "step")
    number = node.id.removeprefix("step-")
    return (
        f'<g class="{css} {node.kind}"><title>{escape(node.text)}</title>'
        f'<rect x="{LEFT}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8"/>'
        f'<text class="node-kind" x="{LEFT + 10}" y="{y + 17}">{number} · {kind}</text>'
        f'<text class="node-text" x="{LEFT + 10}" y="{y + 36}">{escape(_short(node.text))}</text></g>'
    )
