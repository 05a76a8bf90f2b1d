"""Relevance per corpus: kb against plain Whoosh and SQLite FTS5, in one run.

    python bench/relevance.py [--misses] [--sets tests/relevance]

Every labelled query set under tests/relevance/ (written without seeing any ranking)
names its corpus. For each, the same articles are indexed three ways and asked the same
queries: kb (analysis, weights, synonyms, spelling, grouping), plain Whoosh BM25F over
title and body with OR grouping, and SQLite FTS5 (porter tokenizer, bm25 with the title
weighted x4, OR of the words). Prints hit@1, hit@3 and MRR, and how many queries each
misses at rank 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.content.library import Library, load_library  # noqa: E402
from kb.search.baselines import fts5_ranker, whoosh_ranker  # noqa: E402
from kb.search.evaluate import QuerySet, Scores, evaluate, load_query_set  # noqa: E402
from kb.search.index import build  # noqa: E402
from kb.search.service import SearchService  # noqa: E402
from kb.search.synonyms import load_synonyms  # noqa: E402


def kb_ranker(library: Library, content: Path, folder: Path):
    build(folder, library)
    service = SearchService(folder, load_synonyms(content))

    def rank(query: str) -> list[list[str]]:
        return [result.slugs() for result in service.search(query, 10).results]

    return rank


def measure(query_set: QuerySet, tmp: Path) -> tuple[Library, dict[str, Scores]]:
    library = load_library(query_set.root)
    folder = tmp / query_set.corpus
    for name in ("kb", "whoosh", "fts5"):
        (folder / name).mkdir(parents=True)
    rankers = {
        "kb": kb_ranker(library, query_set.root, folder / "kb"),
        "plain Whoosh BM25F (OR)": whoosh_ranker(library, folder / "whoosh"),
        "SQLite FTS5 (bm25, title x4, OR)": fts5_ranker(library, folder / "fts5"),
    }
    return library, {
        name: evaluate(library, rank, query_set.judgements) for name, rank in rankers.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=ROOT / "tests" / "relevance")
    parser.add_argument("--misses", action="store_true", help="list the queries kb gets wrong")
    args = parser.parse_args()

    met = True
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(args.sets.glob("*.yaml")):
            query_set = load_query_set(path, ROOT)
            library, scores = measure(query_set, Path(tmp))
            print(
                f"\n{query_set.corpus}: {len(query_set.judgements)} queries over "
                f"{len(library.articles)} articles from {len(library.documents())} files"
            )
            print(f"{'ranking':<34} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'missed':>7}")
            for name, score in scores.items():
                print(
                    f"{name:<34} {score.hit_at_1:>6.3f} {score.hit_at_3:>6.3f} "
                    f"{score.mrr:>6.3f} {score.missed:>7}"
                )
            ours, fts = scores["kb"], scores["SQLite FTS5 (bm25, title x4, OR)"]
            ok = ours.hit_at_1 >= 0.9 and ours.missed * 2 <= fts.missed
            met = met and ok
            print(
                f"target hit@1 >= 0.9 and misses <= half of FTS5's "
                f"({ours.missed} vs {fts.missed}): {'met' if ok else 'NOT met'}"
            )
            if args.misses:
                for query, first in ours.misses:
                    print(f"  miss: {query!r} -> {first}")
    print(f"\nall corpora: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
