"""Synonym groups from `content/synonyms.txt`, matched on analysed terms."""

from __future__ import annotations

from pathlib import Path

from kb.search.analysis import terms

SYNONYMS_FILE = "synonyms.txt"
Phrase = tuple[str, ...]


def load_synonyms(content_dir: Path) -> list[list[Phrase]]:
    path = Path(content_dir) / SYNONYMS_FILE
    if not path.exists():
        return []
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        phrases = [tuple(terms(p)) for p in line.split(",")]
        unique = list(dict.fromkeys(p for p in phrases if p))
        if len(unique) > 1:
            groups.append(unique)
    return groups


def _contains(haystack: Phrase, needle: Phrase) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def alternatives(query_terms: list[str], groups: list[list[Phrase]]) -> list[Phrase]:
    """Phrases that mean what the query says, other than those it already contains."""
    found: list[Phrase] = []
    haystack = tuple(query_terms)
    for group in groups:
        if any(_contains(haystack, phrase) for phrase in group):
            found.extend(p for p in group if not _contains(haystack, p) and p not in found)
    return found
