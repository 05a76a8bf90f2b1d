"""Walking a troubleshooting tree one step at a time.

A diagnosis is a list of visits. Each visit names a node and, once left, the answer that
left it: given by a person, or picked by a live check's result. Check steps run on
arrival and move on by themselves; a check that cannot decide (not configured, or an
error the tree has no branch for) waits for a person to answer in its place.

A "resolved" end is only a claim until a person confirms it: a passing check says
nothing about what users see, and "after fixing it the API is ready" is worth asking
again. Confirmed, the diagnosis is resolved; "still broken" goes on to the next step
nobody has tried yet, or to escalation when none is left. No end is a dead end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kb.checks.runner import ERROR, FAIL, PASS, ProbeResult
from kb.content.model import END_ESCALATE, END_RESOLVED, ENDS, Branch, Node, Tree

ACTIVE, RESOLVED, ESCALATED = "active", "resolved", "escalated"
UNCONFIRMED = "unconfirmed"  # at a "resolved" end nobody has confirmed yet
FIXED, NOT_FIXED = "Yes, it's fixed", "No, still broken"
REMARK_LIMIT = 500
ProbeRunner = Callable[[list[str]], dict[str, ProbeResult]]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Visit:
    node: str  # a node id, or an END_* marker for the final visit
    at: str = field(default_factory=now)
    check: dict | None = None  # the probe result, as a dict, for check steps
    choice: str | None = None  # the label of the branch taken
    by: str | None = None  # "check" or "person"
    note: str = ""  # on an end: what resolved it, or who to escalate to
    left_at: str | None = None
    remark: str = ""  # what the person said they did, in their words

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: dict) -> Visit:
        return cls(**data)


@dataclass
class Walk:
    tree: Tree
    visits: list[Visit]

    @property
    def current(self) -> Visit:
        return self.visits[-1]

    @property
    def status(self) -> str:
        node = self.current.node
        if node == END_RESOLVED:
            return RESOLVED if self.current.choice == FIXED else UNCONFIRMED
        return ESCALATED if node == END_ESCALATE else ACTIVE

    @property
    def node(self) -> Node | None:
        return self.tree.node(self.current.node)

    def waiting_check(self) -> bool:
        """A check step whose result did not pick a branch: a person must answer."""
        node = self.node
        return node is not None and node.kind == "check" and self.current.choice is None


def choose_branch(node: Node, result: ProbeResult) -> Branch | None:
    """The branch a check result selects, or None when a person must decide."""
    by_outcome = [b for b in node.branches if b.outcome == result.outcome]
    if result.outcome == PASS or result.outcome == ERROR:
        return by_outcome[0] if by_outcome else None
    if result.outcome != FAIL:
        return None  # skipped: nothing was measured
    # Prefer the branch naming a condition that failed on a real value; a value that is
    # simply absent (a 429 page has no `checks.database`) is no evidence about the database.
    real = [c.name for c in result.conditions if not c.success and not c.missing]
    for name in real:
        named = next((b for b in by_outcome if b.subcheck == name), None)
        if named:
            return named
    generic = next((b for b in by_outcome if not b.subcheck), None)
    return generic or (by_outcome[0] if by_outcome else None)


def _enter(walk: Walk, target: str, note: str) -> None:
    walk.visits.append(Visit(node=target, note=note if target in ENDS else ""))


def _answered(visit: Visit, branch: Branch, by: str) -> None:
    visit.choice = branch.label
    visit.by = by
    visit.left_at = now()


def _leave(walk: Walk, branch: Branch, by: str) -> None:
    _answered(walk.current, branch, by)
    _enter(walk, branch.target, branch.note)


def settle(walk: Walk, run: ProbeRunner) -> None:
    """Run the checks at the current step and follow them until a person is needed."""
    for _ in range(len(walk.tree.nodes) + 1):  # a valid tree has no loops; stay bounded anyway
        node = walk.node
        if node is None or node.kind != "check" or walk.current.check is not None:
            return
        result = run([node.check])[node.check]
        walk.current.check = result.to_dict()
        branch = choose_branch(node, result)
        if branch is None:
            return
        _leave(walk, branch, "check")


def start(tree: Tree, run: ProbeRunner) -> Walk:
    walk = Walk(tree=tree, visits=[Visit(node=tree.start)])
    settle(walk, run)
    return walk


def next_untried(walk: Walk) -> str | None:
    """The first step after the one that led here that nobody has visited, wrapping round
    to the steps before it; None when every step has been tried."""
    ids = [node.id for node in walk.tree.nodes]
    tried = {visit.node for visit in walk.visits}
    came_from = walk.visits[-2].node if len(walk.visits) > 1 else ""
    start = ids.index(came_from) + 1 if came_from in ids else 0
    return next((i for i in ids[start:] + ids[:start] if i not in tried), None)


def confirmations(walk: Walk) -> list[Branch]:
    """The answers at an unconfirmed "resolved" end: it is fixed, or go on."""
    onwards = next_untried(walk) or END_ESCALATE
    return [
        Branch(FIXED, END_RESOLVED, note=walk.current.note),
        Branch(NOT_FIXED, onwards),
    ]


def options(walk: Walk) -> list[Branch]:
    """What a person can answer at the current step."""
    if walk.status == UNCONFIRMED:
        return confirmations(walk)
    node = walk.node
    if node is None:
        return []
    if node.kind == "check" and walk.current.choice is not None:
        return []
    return node.branches


def answer(walk: Walk, choice: int | str, run: ProbeRunner, remark: str = "") -> Branch:
    """Take the branch a person chose (by position or label), then run what follows.
    `remark` is what they add in their own words (what they did), kept on the step."""
    branches = options(walk)
    if isinstance(choice, int) or (isinstance(choice, str) and choice.isdigit()):
        index = int(choice)
        branch = branches[index] if 0 <= index < len(branches) else None
    else:
        said = str(choice).strip().lower()  # its label, or how its button reads
        branch = next(
            (b for b in branches if said in (b.label.lower(), label_for(b).lower())), None
        )
    if branch is None:
        raise ValueError(f"no such answer here: {choice!r}")
    walk.current.remark = " ".join(remark.split())[:REMARK_LIMIT]
    if walk.status == UNCONFIRMED and branch.target == END_RESOLVED:
        _answered(walk.current, branch, "person")  # the end stays, now confirmed
        return branch
    _leave(walk, branch, "person")
    settle(walk, run)
    return branch


def back(walk: Walk) -> bool:
    """Undo the last answer a person gave (and the automatic steps after it); a
    confirmation at a "resolved" end is an answer too."""
    for index in range(len(walk.visits) - 1, -1, -1):
        if walk.visits[index].by == "person":
            del walk.visits[index + 1 :]
            visit = walk.visits[index]
            visit.choice = visit.by = visit.left_at = None
            visit.remark = ""
            return True
    return False


def label_for(branch: Branch) -> str:
    """How an answer reads on a button when a person answers for a check."""
    if branch.outcome == PASS:
        return "It passes"
    if branch.outcome == FAIL:
        return f"It fails: {branch.subcheck}" if branch.subcheck else "It fails"
    if branch.outcome == ERROR:
        return "It cannot be reached"
    return branch.label
