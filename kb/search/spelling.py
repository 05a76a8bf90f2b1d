"""Did you mean: words nobody wrote anywhere, replaced by the nearest word the index has.

A word is left alone when the index has it, when it is in the synonyms file, or when it
is ordinary English (wordfreq's frequency list): "went" is not a typo of "sent" just
because the runbooks never say "went". Only letters-only words of 4 to 20 characters are
looked at, and at most three per query, so the work per query is bounded whatever
anyone types (a 5,000-letter "word" costs nothing).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.searching import Searcher
from wordfreq import zipf_frequency

from kb.search.analysis import terms
from kb.search.query import FIELD, words

MIN_LETTERS, MAX_LETTERS = 4, 20
MAX_CORRECTIONS = 3
ENGLISH_ZIPF = 3.0  # at least once per million words of ordinary English


@lru_cache(maxsize=20_000)
def is_english(word: str) -> bool:
    return zipf_frequency(word, "en") >= ENGLISH_ZIPF


def candidates(text: str) -> list[str]:
    """The words of a query that may be corrected, at most MAX_CORRECTIONS of them."""
    found = []
    for word in words(text):
        if MIN_LETTERS <= len(word) <= MAX_LETTERS and word.isalpha():
            found.append(word)
    return found


@dataclass(frozen=True)
class Corrector:
    """The nearest words of the index's spelling vocabulary (a swap of two letters is one
    edit), nearest first, then the most common: rapidfuzz compares with all of them in C."""

    words: list[str]
    frequency: Callable[[str], int]

    def suggest(self, word: str, limit: int = 1, maxdist: int = 1) -> list[str]:
        found = process.extract(
            word, self.words, scorer=OSA.distance, score_cutoff=maxdist, limit=None
        )
        found.sort(key=lambda match: (match[1], -self.frequency(match[0]), match[0]))
        return [match[0] for match in found[:limit]]


# Each reader's vocabulary is read once (14 ms at 10,000 articles), and dropped with it.
_VOCABULARIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def corrector_for(searcher: Searcher) -> Corrector:
    reader = searcher.reader()
    words = _VOCABULARIES.get(reader)
    if words is None:
        words = [term.decode("utf-8") for term in reader.lexicon("spell")]
        _VOCABULARIES[reader] = words
    return Corrector(words, lambda word: reader.doc_frequency("spell", word))


def correct(searcher: Searcher, text: str, vocabulary: set[str]) -> str:
    reader = searcher.reader()
    corrector = None
    fixed = text
    budget = MAX_CORRECTIONS
    for word in candidates(text):
        lowered = word.lower()
        word_terms = terms(word)
        if not word_terms or lowered in vocabulary:
            continue
        if any(reader.doc_frequency(FIELD, term) for term in word_terms) or is_english(lowered):
            continue
        if budget == 0:
            break
        budget -= 1
        # swapped letters first: the commonest slip ("shfit", "clsoe")
        swapped = [
            lowered[:i] + lowered[i + 1] + lowered[i] + lowered[i + 2 :]
            for i in range(len(lowered) - 1)
        ]
        suggestion = next((w for w in swapped if reader.doc_frequency("spell", w)), None)
        if suggestion is None:
            corrector = corrector or corrector_for(searcher)
            found = corrector.suggest(lowered, limit=1, maxdist=2 if len(lowered) >= 8 else 1)
            suggestion = found[0] if found else None
        if suggestion:
            # that word where it stands alone, not inside another ("myrollbak rollbak")
            whole = re.compile(rf"(?<![\w'’]){re.escape(word)}(?![\w'’])")
            fixed = whole.sub(suggestion, fixed, count=1)
    return fixed
