"""Synonym groups: kb's general operations vocabulary, then a team's `content/synonyms.txt`
on top, matched on analysed terms."""

from __future__ import annotations

from pathlib import Path

from kb.search.analysis import terms

SYNONYMS_FILE = "synonyms.txt"
DEFAULT_FILE = Path(__file__).with_name("operations-synonyms.txt")
Phrase = tuple[str, ...]


def load_synonyms(content_dir: Path) -> list[list[Phrase]]:
    """The shipped operations groups, then the team's own (if the content has a file)."""
    team = Path(content_dir) / SYNONYMS_FILE
    return read_groups(DEFAULT_FILE) + (read_groups(team) if team.is_file() else [])


def read_groups(path: Path) -> list[list[Phrase]]:
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
