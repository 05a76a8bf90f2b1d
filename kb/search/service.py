"""Answering searches: open the live index, spell-correct, rank, highlight."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from kb.content.library import name_key
from kb.content.parser import article_url
from kb.search.analysis import terms
from kb.search.index import close_leaked_files, current_generation, current_link
from kb.search.query import (
    CANDIDATES,
    FIELD,
    clean,
    rerank_factor,
    retrieval_query,
    term_weights,
    words,
)
from kb.search.snippets import snippet
from kb.search.spelling import correct
from kb.search.synonyms import alternatives

log = logging.getLogger(__name__)
REFRESH_SECONDS = 2.0  # how often a reader looks for per-file updates committed by others
MAX_SYNONYMS = 3
MAX_COMPOUNDS = 3
# A word in more topics than both of these is too common to retrieve by (re-ranking still
# counts it): at 10,000 articles it halves query time; small libraries never reach it.
COMMON_SHARE, COMMON_MIN = 0.1, 1000
DOC_SET_CACHE = 5_000
ANSWER_CACHE = (
    1_000  # answers a process keeps  # terms whose document sets a thread keeps for counting
)
# How deep paging reaches: results past this are counted in `total` but never listed (a
# page that deep would cost a ranking of all before it, and nobody reads that far).
MAX_RESULTS = 2_500


def best_part(parts_field: str, query_terms: list[str]) -> tuple[str, str] | None:
    """(slug, title) of the part of a topic that holds most of the query's terms, when that
    is a part rather than the topic itself (which comes first in the field)."""
    if not parts_field:
        return None
    wanted = set(query_terms)
    rows = json.loads(parts_field)
    scored = [(len(wanted & set(row[2].split())), -index, row) for index, row in enumerate(rows)]
    count, position, row = max(scored)
    return (row[0], row[1]) if count and position != 0 else None


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
    section_title: str = ""  # the best-matching part of a runbook, shown as a sub-link
    section_url: str = ""

    def slugs(self) -> list[str]:
        """The articles this result offers: the runbook, then its best section."""
        urls = [self.url, self.section_url] if self.section_url else [self.url]
        return [url.removeprefix("/a/").split("#", 1)[0] for url in urls]


@dataclass
class Answer:
    query: str
    results: list[Result] = field(default_factory=list)
    did_you_mean: str | None = None
    total: int = 0


class LRU:
    """A bounded map shared by a process's threads, least recently used out first."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if not self.size:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class SearchService:
    """One per app process; each thread keeps its own Whoosh searcher and refreshes it."""

    def __init__(self, data_dir: Path, synonyms: list, repair=None, cache_size: int = ANSWER_CACHE):
        self.data_dir = Path(data_dir)
        self.repair = repair  # rebuilds a missing or damaged index
        self.synonyms = synonyms
        self.vocabulary = {w for group in synonyms for phrase in group for w in phrase}
        self._local = threading.local()
        # Incidents make many people type the same few things; an answer is reused until
        # the index changes (the key holds its generation), never across a change.
        self._answers = LRU(cache_size)
        self._epoch = 0  # moved on by invalidate(): every thread looks for updates at once

    def _searcher(self) -> Searcher | None:
        generation = current_link(self.data_dir)
        cached = getattr(self._local, "entry", None)
        if cached and cached[0] == generation:
            searcher, checked, epoch = cached[1], cached[2], cached[3]
            if time.monotonic() - checked > REFRESH_SECONDS or epoch != self._epoch:
                if not searcher.up_to_date():
                    # A per-file update committed meanwhile. A new searcher, not
                    # Searcher.refresh(): whoosh-reloaded's refresh keeps the replaced
                    # segments, so an edited contact would show twice, a deleted one still.
                    fresh = whoosh_index.open_dir(generation).searcher()
                    searcher.close()
                    searcher = fresh
                self._local.entry = (generation, searcher, time.monotonic(), self._epoch)
            return searcher
        if cached:
            cached[1].close()
            self._local.entry = None
        if generation is None or current_generation(self.data_dir) is None:
            return None
        searcher = whoosh_index.open_dir(generation).searcher()
        self._local.entry = (generation, searcher, time.monotonic(), self._epoch)
        return searcher

    def invalidate(self) -> None:
        """This process just updated the index (a contact saved here or elsewhere): every
        thread checks for the update on its next search, not REFRESH_SECONDS later."""
        self._epoch += 1

    def _forget(self) -> None:
        cached = getattr(self._local, "entry", None)
        if cached:
            try:
                cached[1].close()
            finally:
                self._local.entry = None

    def search(self, text: str, limit: int = 10, offset: int = 0) -> Answer:
        """Results `offset` to `offset + limit` of the topics matching `text`, best first."""
        text = clean(text)
        limit = max(1, min(limit, 100))
        offset = max(0, min(offset, MAX_RESULTS))
        answer = Answer(query=text)
        if not text:
            return answer
        for attempt in (1, 2, 3):
            failure: Exception | None = None
            try:
                searcher = self._searcher()
                if searcher is None:
                    if self.repair is None or attempt == 3:
                        return answer
                    raise FileNotFoundError("no search index")
                key = (self._local.entry[0], searcher.reader().generation(), text, limit, offset)
                cached = self._answers.get(key)
                if cached is not None:
                    return replace(cached, results=list(cached.results))
                found = self._search(searcher, text, limit, offset, answer)
                self._answers.put(key, replace(found, results=list(found.results)))
                return found
            except Exception as error:
                if attempt == 3:
                    raise
                failure = error
            # First: the generation this thread had open was swapped and pruned, so
            # reopen. Then: the index is gone or damaged, so rebuild it.
            self._forget()
            close_leaked_files(failure)
            if attempt == 2 and self.repair is not None:
                log.warning("search index unusable; rebuilding it")
                self.repair()
        return answer

    def _search(
        self, searcher: Searcher, text: str, limit: int, offset: int, answer: Answer
    ) -> Answer:
        corrected = correct(searcher, text, self.vocabulary)
        if corrected != text:
            answer.did_you_mean = corrected
        query_terms = terms(corrected)
        synonyms = self._cheapest(searcher, alternatives(query_terms, self.synonyms))
        compounds = self._compounds(searcher, corrected, query_terms)
        telling = self._telling(searcher, query_terms)
        weights = term_weights(corrected, searcher.doc_count())
        query = retrieval_query(telling, synonyms, weights, compounds)
        wanted = min(offset + limit, MAX_RESULTS)
        # A comprehension, not list(): list() asks Results for its length, which makes
        # Whoosh count every match again (a quarter of the query's time at 10,000 topics).
        hits = [hit for hit in searcher.search(query, limit=max(CANDIDATES, wanted))]
        # Counted over what retrieval can return, so every counted result is reachable.
        answer.total = self._count(searcher, telling, synonyms + [(t,) for t in compounds])
        # Only the best CANDIDATES are re-ranked, the rest follow in Whoosh's order: the
        # same order whichever page is asked for, so pages neither repeat nor skip. A file
        # called exactly what was typed joins them wherever Whoosh put it, and leads.
        named = self._named(searcher, {text, corrected})
        head = hits[:CANDIDATES]
        tail = [hit for hit in hits[CANDIDATES:] if hit.docnum not in named]
        if missing := named - {hit.docnum for hit in head}:
            head += [hit for hit in searcher.search(query, limit=len(missing), filter=missing)]
        docnums = sorted(h.docnum for h in head)
        contained = self._containment(searcher, query_terms, docnums)
        for docnum, found in self._containment(searcher, list(compounds), docnums).items():
            for joined in found:  # the word written as one covers both words typed
                contained.setdefault(docnum, set()).update(compounds[joined])
        ranked = []
        for hit in head:
            short = hit.get("short", "").split()
            factor = rerank_factor(
                query_terms,
                contained.get(hit.docnum, set()),
                short,
                hit["kind"],
                weights,
                reach=bool(hit.get("reach")),
            )
            ranked.append((hit.score * factor, hit))
        ranked.sort(key=lambda pair: (pair[1].docnum in named, pair[0]), reverse=True)
        if named and ranked:  # scores shown in the order listed: a named file ties the best
            best = max(score for score, _ in ranked)
            ranked = [(max(s, best) if h.docnum in named else s, h) for s, h in ranked]
        ranked.extend((hit.score, hit) for hit in tail)
        highlight_terms = set(query_terms) | {t for phrase in synonyms for t in phrase}
        highlight_terms |= set(compounds)
        for score, hit in ranked[offset:wanted]:
            result = Result(
                id=hit["id"],
                title=hit["title"],
                url=hit["url"],
                kind=hit["kind"],
                snippet=self._snippet(hit, highlight_terms),
                score=round(score, 4),
                breadcrumb=hit.get("breadcrumb", ""),
                tree=hit.get("tree", ""),
            )
            best = best_part(hit.get("parts", ""), query_terms)
            if best is not None:
                result.section_title, result.section_url = best[1], article_url(best[0])
            answer.results.append(result)
        return answer

    @staticmethod
    def _named(searcher: Searcher, texts: set[str]) -> set[int]:
        """Topics whose file is called exactly what was typed, however it is spelled
        ("KubePodCrashLooping", "kube pod crash looping"): an alert's name is how its
        runbook is asked for, and `/go/` resolves the same names to the same file."""
        found: set[int] = set()
        for key in {name_key(text) for text in texts} - {""}:
            found.update(searcher.document_numbers(name=key))
        return found

    @staticmethod
    def _telling(searcher: Searcher, query_terms: list[str]) -> list[str]:
        """The query's words worth walking postings for: a word in a large share of all
        topics ranks nothing but costs the most, so it is left to the re-ranking (which
        still counts it) whenever the query has rarer words."""
        reader = searcher.reader()
        common = max(COMMON_SHARE * reader.doc_count(), COMMON_MIN)
        distinct = list(dict.fromkeys(query_terms))
        rare = [t for t in distinct if reader.doc_frequency(FIELD, t) <= common]
        return rare or distinct

    def _count(self, searcher: Searcher, query_terms: list[str], synonyms: list) -> int:
        """How many topics match, exactly: the union of the query words' documents (and of
        each synonym phrase's, all of its words), from cached sets of document numbers
        rather than by running the scored query again."""
        matched: set[int] = set()
        for term in dict.fromkeys(query_terms):
            matched |= self._docs(searcher, term)
        for phrase in synonyms:
            sets = [self._docs(searcher, term) for term in phrase]
            matched |= set.intersection(*sets) if sets else set()
        return len(matched)

    def _docs(self, searcher: Searcher, term: str) -> set[int]:
        cache = self._local.__dict__.setdefault("docs", {})
        key = (self._local.entry[0], searcher.reader().generation(), term)
        found = cache.get(key)
        if found is None:
            if len(cache) > DOC_SET_CACHE:
                cache.clear()
            reader = searcher.reader()
            try:
                found = set(reader.postings(FIELD, term).all_ids())
            except TermNotFound:
                found = set()
            cache[key] = found
        return found

    @staticmethod
    def _compounds(searcher: Searcher, text: str, query_terms: list[str]) -> dict:
        """Two words typed apart that the runbooks' prose writes as one ("file system",
        "huge pages", "time out"): the joined word's term -> the two words' terms."""
        reader = searcher.reader()
        found: dict[str, tuple[str, ...]] = {}
        typed = [w.lower() for w in words(text) if w.isalpha()]
        for first, second in pairwise(typed):
            word = first + second
            # a word the runbooks' prose writes (not a part of some CamelCase name)
            if not any(reader.doc_frequency("spell", w) for w in {word, word.rstrip("s")}):
                continue
            joined = terms(word)
            if len(joined) == 1 and joined[0] not in query_terms and len(found) < MAX_COMPOUNDS:
                found[joined[0]] = (*terms(first), *terms(second))
        return found

    @staticmethod
    def _cheapest(searcher: Searcher, phrases: list) -> list:
        """The few most specific synonyms: each one costs a walk along its postings, and a
        word found in thousands of pages ("sql", "error") adds time but not meaning."""
        reader = searcher.reader()

        def cost(phrase) -> int:
            frequencies = [reader.doc_frequency(FIELD, term) for term in phrase]
            return min(frequencies) if len(phrase) > 1 else frequencies[0]

        present = [(cost(p), p) for p in phrases]
        return [p for c, p in sorted(present, key=lambda pair: pair[0]) if c][:MAX_SYNONYMS]

    @staticmethod
    def _containment(searcher: Searcher, query_terms: list[str], docnums: list[int]) -> dict:
        """Which query terms each candidate contains, read by skipping along the postings:
        cheaper than asking Whoosh to record matched terms for every document it scores."""
        found: dict[int, set[str]] = {}
        for term in dict.fromkeys(query_terms):
            try:
                postings = searcher.reader().postings(FIELD, term)
            except TermNotFound:
                continue
            for docnum in docnums:
                if not postings.is_active():
                    break
                if postings.id() < docnum:
                    postings.skip_to(docnum)
                if postings.is_active() and postings.id() == docnum:
                    found.setdefault(docnum, set()).add(term)
        return found

    @staticmethod
    def _snippet(hit, highlight_terms: set[str]) -> str:
        """Matches marked in the symptoms when they have any, else in the body's start."""
        symptoms = hit.get("symptoms") or ""
        if symptoms and "<mark>" in (marked := snippet(symptoms, highlight_terms)):
            return marked
        return snippet(hit.get("preview") or symptoms, highlight_terms)
