"""Relevance measured on labelled query sets: hit@1, hit@3 and mean reciprocal rank.

A query set (tests/relevance/<corpus>.yaml) names its corpus folder and, per query, the
answer as a file (`docs/x.md`: any part of that file counts) or a section of one
(`docs/x.md#anchor`: that section or anything inside it counts), plus `also` answers.
Rankers return, per result, the article slugs it offers (a grouped result offers its
runbook and its best section); a result is right when any of them is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.content.library import Library

Ranker = Callable[[str], list[list[str]]]  # query -> per result, the slugs it offers


@dataclass
class Judgement:
    query: str
    right: set[str]  # "path.md" or "path.md#anchor"
    kind: str = ""


@dataclass
class QuerySet:
    corpus: str
    root: Path
    judgements: list[Judgement]


@dataclass
class Scores:
    hit_at_1: float
    hit_at_3: float
    mrr: float
    misses: list[tuple[str, str | None]] = field(default_factory=list)  # (query, first)

    @property
    def missed(self) -> int:
        return len(self.misses)


def load_query_set(path: Path, base: Path) -> QuerySet:
    """A query set; its `root` is relative to `base` (the repository)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    judgements = [
        Judgement(str(row["q"]), {row["expect"], *row.get("also", [])}, row.get("kind", ""))
        for row in data["queries"]
    ]
    return QuerySet(str(data["corpus"]), (base / data["root"]).resolve(), judgements)


def answers_of(library: Library, slug: str) -> set[str]:
    """Every label an article satisfies: its file, and each section it is inside."""
    article = library.article(slug)
    if article is None:
        return set()
    # its own deeper headings too: an H4 is not a page of its own, but the section holding
    # it is where a reader finds it
    labels = {article.source, *(f"{article.source}#{h.anchor}" for h in article.headings)}
    current = article
    while current is not None:
        if current.level:
            labels.add(f"{current.source}#{current.anchor}")
        current = library.article(current.parent or "")
    return labels


def evaluate(library: Library, rank: Ranker, judgements: list[Judgement]) -> Scores:
    hits1 = hits3 = 0
    reciprocal = 0.0
    misses: list[tuple[str, str | None]] = []
    for judgement in judgements:
        ranked = rank(judgement.query)[:10]
        position = next(
            (
                index
                for index, offered in enumerate(ranked, 1)
                if any(answers_of(library, slug) & judgement.right for slug in offered)
            ),
            None,
        )
        hits1 += position == 1
        hits3 += position is not None and position <= 3
        reciprocal += 1 / position if position else 0.0
        if position != 1:
            misses.append((judgement.query, ranked[0][-1] if ranked else None))
    total = len(judgements) or 1
    return Scores(hits1 / total, hits3 / total, reciprocal / total, misses)
