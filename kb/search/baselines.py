"""Plain baselines for relevance: what a team would get without kb's ranking.

Both index the same articles as kb (title and text of each) and take the query's words
with OR: Whoosh with its defaults (BM25F over title and body), and SQLite FTS5 (porter
tokenizer, bm25 with the title weighted x4). `bench/relevance.py` and the relevance
tests compare kb with them on every labelled query set.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from kb.content.library import Library


def whoosh_ranker(library: Library, folder: Path):
    schema = Schema(slug=ID(stored=True), title=TEXT(), body=TEXT())
    ix = whoosh_index.create_in(folder, schema)
    with ix.writer() as writer:
        for article in library.articles.values():
            writer.add_document(slug=article.slug, title=article.title, body=article.text)
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], schema, group=OrGroup)

    def rank(query: str) -> list[list[str]]:
        return [[hit["slug"]] for hit in searcher.search(parser.parse(query), limit=10)]

    return rank


def fts5_ranker(library: Library, folder: Path):
    db = sqlite3.connect(folder / "fts.sqlite3")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, body, tokenize=porter)")
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?)",
        [(a.slug, a.title, a.text) for a in library.articles.values()],
    )
    db.commit()

    def rank(query: str) -> list[list[str]]:
        words = re.findall(r"\w+", query)
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute(
            "SELECT slug FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 4.0, 1.0) LIMIT 10",
            (match,),
        )
        return [[slug] for (slug,) in rows]

    return rank
