"""How wide a line of text will be, without a browser: enough to wrap and size diagram boxes.

Widths are DejaVu Sans's advances (per 1000 em), the widest of the common sans fonts and the
one Debian's browsers fall back to, so a box sized here holds its text in narrower fonts too.
Characters not in the table count as a full em; a browser test measures the real text.
"""

from __future__ import annotations

from itertools import accumulate

_LOWER = (613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974)
_LOWER += (634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525)
_UPPER = (684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863)
_UPPER += (748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685)
_PUNCTUATION = {
    " ": 318, ".": 318, ",": 318, ":": 337, ";": 337, "-": 361, "_": 500, "/": 337,
    "(": 390, ")": 390, "[": 390, "]": 390, "'": 275, '"': 460, "!": 401, "?": 531,
    "·": 318, "…": 1000, "→": 838, "=": 838, "<": 838, ">": 838, "+": 838, "&": 780,
    "$": 636, "#": 838, "%": 950, "*": 500, "|": 337, "`": 500, "{": 636, "}": 636,
}  # fmt: skip
WIDTHS = {
    **dict(zip("abcdefghijklmnopqrstuvwxyz", _LOWER, strict=True)),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _UPPER, strict=True)),
    **dict.fromkeys("0123456789", 636),
    **_PUNCTUATION,
}
MARGIN = 1.04  # hinting and kerning differ a little between renderers


def text_width(text: str, size: float) -> float:
    """Width in pixels of `text` at font size `size`."""
    return sum(WIDTHS.get(ch, 1000) for ch in text) * size / 1000 * MARGIN


def clip(text: str, size: float, room: float) -> str:
    """`text` cut with an ellipsis so that it fits in `room` pixels."""
    text = " ".join(text.split())
    if text_width(text, size) <= room:
        return text
    budget = room * 1000 / size / MARGIN - WIDTHS["…"]
    widths = accumulate(WIDTHS.get(ch, 1000) for ch in text)
    end = next(i for i, used in enumerate(widths) if used > budget)  # exists: too wide
    return text[:end].rstrip() + "…"


def wrap(text: str, size: float, room: float, max_lines: int) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines of `room` pixels; the last line is
    cut with an ellipsis when the text is longer. A word wider than a line (a URL) is cut."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size) <= room:
            line = f"{line} {words.pop(0)}"
        if text_width(line, size) > room:  # one long word: cut it, keep the rest for later
            head = clip(line, size, room)[:-1]
            words.insert(0, line[len(head) :])
            line = head
        lines.append(line)
    if words and lines:
        lines[-1] = clip(lines[-1] + " " + " ".join(words), size, room)
    return lines
