"""Where each part of a guide's diagram goes: a layered layout made for troubleshooting guides.

Each step is a layer of its own, in the runbook's order, so "step 3" is the third box down
and the diagram reads top to bottom like the runbook. A step's answers are labels drawn
inside its box, one row each, so no label can land on another or on a line:

- answers that go on to the next step hang on the arrow down to it;
- answers that end the guide say so in their label (`pass → Resolved`), so the ends sit
  beside the step that reaches them instead of far off to one side;
- answers that jump to another step leave to the right and run down (or up) a lane of
  their own beside the boxes; jumps to the same step share a lane, shorter spans take the
  inner lanes, so nested jumps never cross.

The width is one box plus a lane per overlapping jump: a phone shows the boxes whole and
scrolls sideways only for the lanes. A general layered layout (grandalf's Sugiyama) was
tried first; on the OpenShift guides it drifted into staircases 1,200 px wide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.content.model import END_ESCALATE, END_RESOLVED, Branch, Node, Tree
from kb.diagnosis.textwidth import clip, text_width, wrap

PAD = 8
BOX_W = 270
TEXT_SIZE, HEADING_SIZE, ANSWER_SIZE = 13, 10.5, 12
INSET = 12  # text and answers from the box's left edge
LINE_H = 17
MAX_LINES = 3
ANSWER_H, ANSWER_GAP, ANSWER_PAD = 22, 5, 7
ARROW_GAP = ANSWER_H + 22  # between two boxes: the arrow down and its label
ARROW_X = PAD + 22
LANE_GAP = 13
ENTRY_DY = 14  # where a jump comes into its target: beside the target's heading
KINDS = {"check": "live check", "question": "question"}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


@dataclass
class StepBox:
    node: Node
    rect: Rect
    heading: str  # "3 · QUESTION"
    lines: list[str]  # the step's text, wrapped and cut to fit


@dataclass
class Answer:
    """One label: a step's answer, or the answers that share the arrow down."""

    node: str
    labels: tuple[str, ...]
    target: str  # a node id, END_RESOLVED or END_ESCALATE
    text: str  # as drawn, cut to fit
    title: str  # in full, for the tooltip
    rect: Rect
    kind: str  # "next", "jump" or "end"


@dataclass
class Route:
    node: str
    labels: tuple[str, ...]
    target: str
    points: list[tuple[float, float]]  # a polyline; the arrow head is at the last point


@dataclass
class Layout:
    width: float
    height: float
    steps: list[StepBox] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)


def end_of(target: str, tree: Tree) -> str | None:
    """The end an answer leads to, or None when it leads to a step (an unknown target
    escalates, as the engine does)."""
    if target == END_RESOLVED:
        return END_RESOLVED
    return None if tree.node(target) else END_ESCALATE


def layout(tree: Tree) -> Layout:
    result = Layout(width=0, height=PAD)
    jumps: list[Answer] = []
    for index, node in enumerate(tree.nodes):
        following = tree.nodes[index + 1].id if index + 1 < len(tree.nodes) else None
        down = [b for b in node.branches if following and b.target == following]
        side = [b for b in node.branches if not (following and b.target == following)]
        side.sort(key=lambda b: _row_order(b, index, tree))
        step, answers = _step_box(node, result.height, side, tree)
        result.steps.append(step)
        result.answers.extend(answers)
        jumps.extend(a for a in answers if a.kind == "jump")
        result.height = step.rect.bottom + ARROW_GAP
        if down:
            result.answers.append(_arrow_label(node.id, down, step.rect.bottom))
            result.routes.append(_arrow(node.id, down, step.rect.bottom))
    boxes = {step.node.id: step.rect for step in result.steps}
    lanes = _lanes(jumps, boxes)
    for answer in jumps:
        result.routes.append(_jump(answer, lanes[answer.target], boxes[answer.target]))
    result.width = PAD + BOX_W + LANE_GAP * (1 + len(set(lanes.values()))) + PAD
    result.height -= ARROW_GAP - PAD
    return result


def _row_order(branch: Branch, index: int, tree: Tree) -> tuple[int, int]:
    """Ends first, then jumps up (nearest first), then jumps down (farthest first): the
    order in which no two of one step's jumps cross each other's lanes."""
    if end_of(branch.target, tree):
        return (0, 0)
    to = next(i for i, n in enumerate(tree.nodes) if n.id == branch.target)
    return (1, index - to) if to < index else (2, index - to)


def _step_box(node: Node, y: float, side: list[Branch], tree: Tree) -> tuple[StepBox, list[Answer]]:
    """A step's box: heading, text, then a row for each answer that does not go down."""
    number = node.id.removeprefix("step-")
    heading = f"{number} · {KINDS.get(node.kind, 'step')}".upper()
    lines = wrap(node.text, TEXT_SIZE, BOX_W - 2 * INSET, MAX_LINES) or [""]
    top = y + 8 + 14 + len(lines) * LINE_H + 6
    answers = [
        _side_answer(node.id, branch, tree, top + row * (ANSWER_H + ANSWER_GAP))
        for row, branch in enumerate(side)
    ]
    rows = len(side) * (ANSWER_H + ANSWER_GAP)
    return StepBox(node, Rect(PAD, y, BOX_W, top - y + rows + 4), heading, lines), answers


def _side_answer(node_id: str, branch: Branch, tree: Tree, y: float) -> Answer:
    end = end_of(branch.target, tree)
    if end:
        suffix = " → " + ("Resolved" if end == END_RESOLVED else "Escalate")
        title = f"{branch.label}{suffix}{': ' + branch.note if branch.note else ''}"
    else:
        suffix = " → step " + branch.target.removeprefix("step-")
        title = branch.label + suffix
    room = BOX_W - 2 * INSET - 2 * ANSWER_PAD - text_width(suffix, ANSWER_SIZE)
    text = clip(branch.label, ANSWER_SIZE, room) + suffix
    rect = Rect(PAD + INSET, y, text_width(text, ANSWER_SIZE) + 2 * ANSWER_PAD, ANSWER_H)
    target = end or branch.target
    return Answer(node_id, (branch.label,), target, text, title, rect, "end" if end else "jump")


def _arrow_label(node_id: str, down: list[Branch], y: float) -> Answer:
    labels = tuple(b.label for b in down)
    full = " · ".join(labels)
    room = BOX_W - (ARROW_X - PAD) - INSET - 2 * ANSWER_PAD
    text = clip(full, ANSWER_SIZE, room)
    width = text_width(text, ANSWER_SIZE) + 2 * ANSWER_PAD
    rect = Rect(ARROW_X + 10, y + (ARROW_GAP - ANSWER_H) / 2, width, ANSWER_H)
    return Answer(node_id, labels, down[0].target, text, full, rect, "next")


def _arrow(node_id: str, down: list[Branch], y: float) -> Route:
    labels = tuple(b.label for b in down)
    return Route(node_id, labels, down[0].target, [(ARROW_X, y), (ARROW_X, y + ARROW_GAP)])


def _lanes(jumps: list[Answer], boxes: dict[str, Rect]) -> dict[str, int]:
    """A lane per target step, shared by every jump to it; shorter spans inner."""
    spans: dict[str, tuple[float, float]] = {}
    for answer in jumps:
        entry = boxes[answer.target].y + ENTRY_DY
        low, high = spans.get(answer.target, (entry, entry))
        spans[answer.target] = (min(low, answer.rect.cy), max(high, answer.rect.cy))
    taken: list[list[tuple[float, float]]] = []
    lanes: dict[str, int] = {}
    for target, (low, high) in sorted(spans.items(), key=lambda s: (s[1][1] - s[1][0], s[0])):
        lane = next(
            (i for i, used in enumerate(taken) if all(high < a or low > b for a, b in used)),
            len(taken),
        )
        if lane == len(taken):
            taken.append([])
        taken[lane].append((low - ANSWER_GAP, high + ANSWER_GAP))
        lanes[target] = lane
    return lanes


def _jump(answer: Answer, lane: int, target: Rect) -> Route:
    x = PAD + BOX_W + LANE_GAP * (lane + 1)
    y, entry = answer.rect.cy, target.y + ENTRY_DY
    points = [(answer.rect.right, y), (x, y), (x, entry), (target.right, entry)]
    return Route(answer.node, answer.labels, answer.target, points)
