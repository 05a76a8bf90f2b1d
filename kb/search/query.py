"""From what a person typed to a Whoosh query, without a query language that can fail.

User text is never handed to Whoosh's parser: it is analysed into terms like the
documents were, so quotes, `AND`, `*`, `field:` or 5,000 characters are just words.

Ranking is two-stage so it stays fast at 10,000 articles: a flat sum of term matches
(which Whoosh can evaluate with block-max skipping) picks candidates; then the few
candidates are re-ranked in Python for how many of the query's terms they contain and
whether the query appears as a phrase in their title or symptoms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.query import And, NullQuery, Or, Query, Term
from wordfreq import zipf_frequency

from kb.search.analysis import TOKEN_PATTERN, terms
from kb.search.synonyms import Phrase as TermPhrase

MAX_QUERY_CHARS = 500
FIELD = "all"  # the one searched field; documents weight title and symptoms by repeating them
SYNONYM_WEIGHT = 0.6
CANDIDATES = 12
COORDINATION = 0.8  # how much matching all of the query's terms is worth over matching one
PHRASE_BONUS = 0.5  # the query as a phrase in the title or symptoms
ARRAY_UNION_FROM = 3  # query parts from which retrieval scores into an array
_WORD = re.compile(TOKEN_PATTERN)


def clean(text: str) -> str:
    """Printable text of bounded length; control characters become spaces."""
    text = "".join(
        " " if unicodedata.category(ch)[0] == "C" else ch for ch in text[: MAX_QUERY_CHARS * 2]
    )
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


# Everyday English words ("new", "actually", "right now") say less about which page is
# meant than rare ones. A corpus-only idf cannot tell in a small runbook, where "new" may
# be as rare as "migration"; general English frequency (wordfreq) is the prior, and it
# fades as the library grows and its own idf becomes reliable.
ORDINARY_DISCOUNT = 0.8  # an everyday word's weight at most this much lower, in a tiny library
PRIOR_DOCUMENTS = 100  # library size at which the discount is halved


@lru_cache(maxsize=50_000)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def term_weights(text: str, documents: int) -> dict[str, float]:
    """Each query term's weight, 1.0 for a rare word, less for an everyday one."""
    strength = ORDINARY_DISCOUNT * PRIOR_DOCUMENTS / (PRIOR_DOCUMENTS + documents)
    weights: dict[str, float] = {}
    for word in words(text):
        everyday = min(1.0, max(0.0, (_zipf(word.lower()) - 3.0) / 4.0))  # zipf 3..7
        for term in terms(word):
            weights[term] = min(weights.get(term, 1.0), 1.0 - strength * everyday)
    return weights


def retrieval_query(
    query_terms: list[str],
    alternatives: list[TermPhrase],
    weights: dict | None = None,
    compounds: dict | None = None,
) -> Query:
    """Stage one: every query term, every word typed apart that the runbooks write as one
    (as much as its parts), and every synonym at a lower weight, summed."""
    if not query_terms:
        return NullQuery
    weights = weights or {}
    parts: list[Query] = [
        Term(FIELD, term, boost=weights.get(term, 1.0)) for term in dict.fromkeys(query_terms)
    ]
    for joined, typed in (compounds or {}).items():
        parts.append(
            Term(FIELD, joined, boost=min((weights.get(t, 1.0) for t in typed), default=1.0))
        )
    for phrase in alternatives:
        # every word of a multi-word synonym must be there ("out of memory")
        weight = SYNONYM_WEIGHT / len(phrase)
        words_ = [Term(FIELD, word, boost=weight) for word in phrase]
        parts.append(words_[0] if len(words_) == 1 else And(words_))
    # Past 5,000 documents Whoosh unites terms in a binary tree of matchers walked in
    # Python per document; scoring each term's postings into an array ranks the same and
    # is faster with three or more terms. Chosen here, not by index size.
    query = Or(parts)
    many = len(parts) >= ARRAY_UNION_FROM
    query.matcher_type = Or.ARRAY_MATCHER if many else Or.DEFAULT_MATCHER
    return query


def contains_phrase(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return size > 1 and any(
        haystack[i : i + size] == needle for i in range(len(haystack) - size + 1)
    )


# Words that say "I want to reach someone": contacts, and pages listing them, answer
# them better than other pages.
CONTACT_INTENT = {"phone", "number", "call", "email", "mail", "contact", "reach", "who"}
CONTACT_BONUS = 0.8


def rerank_factor(
    query_terms: list[str],
    matched: set[str],
    short_text_terms: list[str],
    kind: str = "",
    weights: dict | None = None,
    reach: bool = False,
) -> float:
    """Stage two: reward covering more of the query, and the query as a phrase."""
    distinct = list(dict.fromkeys(query_terms))
    weights = weights or {}
    total = sum(weights.get(t, 1.0) for t in distinct)
    covered = sum(weights.get(t, 1.0) for t in distinct if t in matched)
    coverage = covered / total if total else 0.0
    factor = 1.0 + COORDINATION * coverage
    if contains_phrase(short_text_terms, distinct):
        factor += PHRASE_BONUS
    if (kind == "contact" or reach) and CONTACT_INTENT & set(distinct):
        factor += CONTACT_BONUS
    return factor
