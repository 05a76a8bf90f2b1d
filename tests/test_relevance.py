"""Ranking quality on the labelled query set in tests/relevance.yaml."""

from __future__ import annotations

from pathlib import Path

from kb.search.evaluate import evaluate, load_judgements, slug_of

QUERIES = Path(__file__).with_name("relevance.yaml")


def test_labelled_set_is_big_enough_to_mean_something():
    assert len(load_judgements(QUERIES)) >= 40


def test_hit_at_1_is_at_least_0_9(app):
    search = app.extensions["kb.search"]
    scores = evaluate(
        lambda q: [slug_of(r.url) for r in search.search(q, 10).results], load_judgements(QUERIES)
    )
    assert scores.hit_at_1 >= 0.9, scores.misses
    assert scores.mrr >= 0.9
