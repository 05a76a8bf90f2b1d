"""Every public runbook under ../shared/corpora parses: no exceptions, titled articles, trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.content.library import load_library
from kb.content.parser import parse_file
from tests.conftest import shared_path

CORPORA = ["gitlab-com-runbooks", "longhorn-kb", "openshift-runbooks"]


@pytest.fixture(scope="module", params=CORPORA)
def corpus(request) -> Path:
    return shared_path("corpora", request.param)


def test_every_file_parses_into_titled_articles(corpus):
    files = sorted(corpus.rglob("*.md"))
    assert len(files) > 100
    for path in files:
        document = parse_file(path, corpus)
        if not path.read_text(encoding="utf-8").strip():
            continue
        assert document.articles, path
        assert all(article.title.strip() for article in document.articles), path


def test_whole_corpus_loads_as_a_library_with_unique_slugs(corpus):
    library = load_library(corpus)
    assert len(library.articles) > 200
    assert not [p for p in library.problems if "duplicate slug" in p.message]


def test_symptoms_and_resolution_runbooks_give_trees():
    root = shared_path("corpora", "gitlab-com-runbooks")
    doc = parse_file(root / "docs/monitoring/prometheus-slow-scrapes.md", root)
    assert [t.title for t in doc.trees] == ["Prometheus Scraping Slowly"]
    assert doc.trees[0].symptoms.startswith("Prometheus is scraping targets slowly")


def test_common_issues_sections_give_trees():
    root = shared_path("corpora", "longhorn-kb")
    path = next(root.rglob("troubleshoot/troubleshooting.md"))
    doc = parse_file(path, root)
    titles = [t.title for t in doc.trees]
    assert any(t.startswith('"Invalid argument" Error in Disk Status') for t in titles)
    disk = next(t for t in doc.trees if t.title.startswith('"Invalid argument"'))
    assert [n.text.split()[0] for n in disk.nodes] == ["Remove", "Partition", "Add"]


def test_the_customer_runbook_as_shipped_parses_too():
    seed = shared_path("seed", "alcom-v3-runbook.md")
    doc = parse_file(seed)
    assert doc.articles[0].title == "ALCOM V3 — Operations Runbook"
    assert len(doc.trees) == 7
