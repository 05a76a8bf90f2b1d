"""Relevance of kb's ranking against plain Whoosh defaults, on the labelled query set.

    python bench/relevance.py [--content content] [--queries tests/relevance.yaml]

Prints hit@1 and MRR for: kb (analysis, field weights, phrases, synonyms, spelling) and
plain Whoosh BM25F (StandardAnalyzer, MultifieldParser over title+body, with its default
AND grouping and with OR grouping), all over the same articles in the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.content.library import load_library  # noqa: E402
from kb.search.evaluate import evaluate, load_judgements, slug_of  # noqa: E402
from kb.search.index import build  # noqa: E402
from kb.search.service import SearchService  # noqa: E402
from kb.search.synonyms import load_synonyms  # noqa: E402


def plain_whoosh(library, folder: Path, group=None):
    schema = Schema(slug=ID(stored=True), title=TEXT(), body=TEXT())
    ix = whoosh_index.create_in(folder, schema)
    writer = ix.writer()
    for article in library.articles.values():
        writer.add_document(slug=article.slug, title=article.title, body=article.text)
    writer.commit()
    searcher = ix.searcher()
    kwargs = {"group": group} if group else {}
    parser = MultifieldParser(["title", "body"], schema, **kwargs)

    def rank(query: str) -> list[str]:
        return [hit["slug"] for hit in searcher.search(parser.parse(query), limit=10)]

    return rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--queries", type=Path, default=ROOT / "tests" / "relevance.yaml")
    parser.add_argument("--misses", action="store_true", help="list the queries kb gets wrong")
    args = parser.parse_args()

    library = load_library(args.content)
    judgements = load_judgements(args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "kb", library)
        service = SearchService(Path(tmp) / "kb", load_synonyms(args.content))
        ours = evaluate(
            lambda q: [slug_of(r.url) for r in service.search(q, 10).results], judgements
        )
        (Path(tmp) / "and").mkdir()
        (Path(tmp) / "or").mkdir()
        plain_and = evaluate(plain_whoosh(library, Path(tmp) / "and"), judgements)
        plain_or = evaluate(plain_whoosh(library, Path(tmp) / "or", OrGroup), judgements)

    print(f"{len(judgements)} labelled queries over {len(library.articles)} articles")
    print(f"{'ranking':<38} {'hit@1':>6} {'MRR':>6}")
    for name, scores in [
        ("kb", ours),
        ("plain Whoosh BM25F (default AND)", plain_and),
        ("plain Whoosh BM25F (OR)", plain_or),
    ]:
        print(f"{name:<38} {scores.hit_at_1:>6.3f} {scores.mrr:>6.3f}")
    print(f"kb vs plain (AND): hit@1 x{ours.hit_at_1 / max(plain_and.hit_at_1, 1e-9):.2f}")
    if args.misses:
        for query, first in ours.misses:
            print(f"  miss: {query!r} -> {first}")


if __name__ == "__main__":
    main()
