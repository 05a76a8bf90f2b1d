"""Measuring pages as Chromium draws them: boxes, colours and contrast, kept screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path("test-results")  # git-ignored; written on every run so people can look
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @classmethod
    def of(cls, rect: dict) -> Box:
        return cls(rect["x"], rect["y"], rect["width"], rect["height"])

    def overlaps(self, other: Box, slack: float = 0.5) -> bool:
        return (
            self.x + slack < other.x + other.w
            and other.x + slack < self.x + self.w
            and self.y + slack < other.y + other.h
            and other.y + slack < self.y + self.h
        )

    def inside(self, other: Box, slack: float = 0.5) -> bool:
        return (
            self.x >= other.x - slack
            and self.y >= other.y - slack
            and self.x + self.w <= other.x + other.w + slack
            and self.y + self.h <= other.y + other.h + slack
        )


def keep_screenshot(page, name: str, **options) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    return path


_NUMBERS = re.compile(r"[\d.]+")


def parse_colour(css: str) -> tuple[float, float, float, float]:
    """`rgb()`, `rgba()` or `color(srgb …)` as computed by Chromium: r, g, b in 0..1, alpha."""
    r, g, b, *alpha = (float(n) for n in _NUMBERS.findall(css))
    if not css.startswith("color(srgb"):
        r, g, b = r / 255, g / 255, b / 255
    return r, g, b, alpha[0] if alpha else 1.0


def over(top: str, below: str) -> tuple[float, float, float]:
    """The colour seen where `top` (maybe translucent) lies over an opaque `below`."""
    r, g, b, a = parse_colour(top)
    r0, g0, b0, _ = parse_colour(below)
    return r * a + r0 * (1 - a), g * a + g0 * (1 - a), b * a + b0 * (1 - a)


def _luminance(rgb) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, two) -> float:
    """WCAG contrast ratio of two colours given as (r, g, b) in 0..1 or CSS strings."""
    one = parse_colour(one)[:3] if isinstance(one, str) else one
    two = parse_colour(two)[:3] if isinstance(two, str) else two
    light, dark = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
