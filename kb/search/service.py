"""Answering searches: open the live index, spell-correct, rank, highlight."""

from __future__ import annotations

import html
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.searching import Searcher

from kb.search.analysis import terms
from kb.search.index import current_generation
from kb.search.query import FIELD_WEIGHTS, build_query, clean, words
from kb.search.synonyms import alternatives

log = logging.getLogger(__name__)
SNIPPET_CHARS = 220


@dataclass
class Result:
    id: str
    title: str
    url: str
    kind: str
    snippet: str  # HTML: escaped text with <mark> around matches
    score: float
    breadcrumb: str = ""
    tree: str = ""


@dataclass
class Answer:
    query: str
    results: list[Result] = field(default_factory=list)
    did_you_mean: str | None = None
    total: int = 0


class SearchService:
    """One per app process; each thread keeps its own Whoosh searcher and refreshes it."""

    def __init__(self, data_dir: Path, synonyms: list):
        self.data_dir = Path(data_dir)
        self.synonyms = synonyms
        self.vocabulary = {w for group in synonyms for phrase in group for w in phrase}
        self._local = threading.local()

    def _searcher(self) -> Searcher | None:
        generation = current_generation(self.data_dir)
        if generation is None:
            return None
        cached = getattr(self._local, "entry", None)
        if cached and cached[0] == generation:
            searcher = cached[1]
            if not searcher.up_to_date():
                searcher = searcher.refresh()  # a per-file update committed meanwhile
                self._local.entry = (generation, searcher)
            return searcher
        if cached:
            cached[1].close()
        searcher = whoosh_index.open_dir(generation).searcher()
        self._local.entry = (generation, searcher)
        return searcher

    def _forget(self) -> None:
        cached = getattr(self._local, "entry", None)
        if cached:
            try:
                cached[1].close()
            finally:
                self._local.entry = None

    def search(self, text: str, limit: int = 10) -> Answer:
        text = clean(text)
        answer = Answer(query=text)
        if not text:
            return answer
        for attempt in (1, 2):
            try:
                searcher = self._searcher()
                if searcher is None:
                    return answer
                return self._search(searcher, text, limit, answer)
            except (OSError, EOFError, KeyError, ValueError):
                # The generation this thread had open was swapped and pruned: reopen once.
                self._forget()
                if attempt == 2:
                    raise
        return answer

    def _search(self, searcher: Searcher, text: str, limit: int, answer: Answer) -> Answer:
        corrected = self._correct(searcher, text)
        if corrected != text:
            answer.did_you_mean = corrected
        query_terms = terms(corrected)
        query = build_query(query_terms, alternatives(query_terms, self.synonyms))
        hits = searcher.search(query, limit=max(1, min(limit, 100)), terms=True)
        hits.fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        hits.formatter = HtmlFormatter(tagname="mark", between=" … ")
        answer.total = len(hits)
        for hit in hits:
            answer.results.append(
                Result(
                    id=hit["id"],
                    title=hit.get("display_title") or hit["title"],
                    url=hit["url"],
                    kind=hit["kind"],
                    snippet=self._snippet(hit),
                    score=round(hit.score, 4),
                    breadcrumb=hit.get("breadcrumb", ""),
                    tree=hit.get("tree", ""),
                )
            )
        return answer

    @staticmethod
    def _snippet(hit) -> str:
        for name in ("symptoms", "body"):
            if hit.get(name):
                marked = hit.highlights(name, top=2)
                if marked:
                    return marked
        plain = hit.get("symptoms") or hit.get("body") or ""
        cut = plain[:SNIPPET_CHARS]
        return html.escape(cut + ("…" if len(plain) > SNIPPET_CHARS else ""))

    def _correct(self, searcher: Searcher, text: str) -> str:
        """Replace words the index has never seen with the nearest word it has.

        Only words of four letters or more, never a word of the synonyms file, and
        swapped letters first (the commonest slip: "shfit", "clsoe"), so real words
        the runbook happens not to use ("numbers") are left alone.
        """
        reader = searcher.reader()
        corrector = None
        fixed = text
        for word in words(text):
            lowered = word.lower()
            word_terms = terms(word)
            if len(lowered) < 4 or not lowered.isalpha() or not word_terms:
                continue
            if lowered in self.vocabulary or any(
                reader.doc_frequency(name, term) for term in word_terms for name in FIELD_WEIGHTS
            ):
                continue
            swapped = [
                lowered[:i] + lowered[i + 1] + lowered[i] + lowered[i + 2 :]
                for i in range(len(lowered) - 1)
            ]
            suggestion = next((w for w in swapped if reader.doc_frequency("spell", w)), None)
            if suggestion is None:
                corrector = corrector or searcher.corrector("spell")
                found = corrector.suggest(lowered, limit=1, maxdist=2 if len(lowered) >= 8 else 1)
                suggestion = found[0] if found else None
            if suggestion:
                fixed = fixed.replace(word, suggestion, 1)
        return fixed
