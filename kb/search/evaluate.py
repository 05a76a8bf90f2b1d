"""Relevance measured on a labelled query set: hit@1 and mean reciprocal rank."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

Ranker = Callable[[str], list[str]]  # query -> slugs, best first


@dataclass
class Judgement:
    query: str
    right: set[str]


@dataclass
class Scores:
    hit_at_1: float
    mrr: float
    misses: list[tuple[str, str | None]]  # (query, what came first instead)


def load_judgements(path: Path) -> list[Judgement]:
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [Judgement(str(r["q"]), {r["expect"], *r.get("also", [])}) for r in rows]


def evaluate(rank: Ranker, judgements: list[Judgement], depth: int = 10) -> Scores:
    hits, reciprocal, misses = 0, 0.0, []
    for judgement in judgements:
        ranked = rank(judgement.query)[:depth]
        position = next((i for i, slug in enumerate(ranked, 1) if slug in judgement.right), None)
        if position == 1:
            hits += 1
        else:
            misses.append((judgement.query, ranked[0] if ranked else None))
        reciprocal += 1 / position if position else 0.0
    total = len(judgements) or 1
    return Scores(hit_at_1=hits / total, mrr=reciprocal / total, misses=misses)


def slug_of(url: str) -> str:
    return url.removeprefix("/a/").split("#", 1)[0]
