"""Gatus's pat(): `*` matches any run of characters, everything else matches itself.

Matched segment by segment with `str.find`, never through a regular expression, so a
pattern of many stars against a 64 KiB body takes linear time, not exponential.
"""

from __future__ import annotations


def matches(pattern: str, text: str) -> bool:
    """Whether the whole of `text` fits `pattern`."""
    if "*" not in pattern:
        return pattern == text
    first, *middle, last = pattern.split("*")
    if len(first) + len(last) > len(text) or not text.startswith(first):
        return False
    if not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for segment in middle:
        if not segment:
            continue
        found = text.find(segment, position, end)
        if found < 0:
            return False
        position = found + len(segment)
    return True


def gatus_glob_characters(pattern: str) -> bool:
    """`?` and `[...]` are wildcards in Gatus's pat() (Go's filepath.Match); kb reads them as
    themselves, which `kb check` points out."""
    return "?" in pattern or "[" in pattern
