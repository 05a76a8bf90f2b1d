"""From what a person typed to a Whoosh query, without a query language that can fail.

User text is never handed to Whoosh's parser: it is analysed into terms like the
documents were, so quotes, `AND`, `*`, `field:` or 5,000 characters are just words.
"""

from __future__ import annotations

import re
import unicodedata

from whoosh.query import NullQuery, Or, Phrase, Query, Term

from kb.search.analysis import TOKEN_PATTERN, terms
from kb.search.synonyms import Phrase as TermPhrase

MAX_QUERY_CHARS = 500
# Where a term counts most: a title or symptom naming it beats a mention in the body.
FIELD_WEIGHTS = {
    "title": 5.0,
    "aliases": 5.0,
    "symptoms": 4.0,
    "headings": 2.0,
    "code": 1.5,
    "body": 1.0,
    "breadcrumb": 0.5,
}
PHRASE_FIELDS = {"title": (1, 4.0), "symptoms": (2, 3.0), "body": (3, 1.5)}
SYNONYM_WEIGHT = 0.6
COORDINATION = 0.9  # reward documents matching more of the query's terms
_WORD = re.compile(TOKEN_PATTERN)


def clean(text: str) -> str:
    """Printable text of bounded length; control characters become spaces."""
    text = "".join(
        " " if unicodedata.category(ch)[0] == "C" else ch for ch in text[: MAX_QUERY_CHARS * 2]
    )
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _term(term: str, boost: float) -> Query:
    # A sum over fields, not DisjunctionMax: Whoosh 2.7's DisMax matcher scores a document
    # with whichever field matcher is ahead, so a body mention can tie a title match.
    return Or([Term(field, term, boost=weight * boost) for field, weight in FIELD_WEIGHTS.items()])


def _phrase(phrase: TermPhrase, boost: float) -> Query:
    if len(phrase) == 1:
        return _term(phrase[0], boost)
    return Or(
        [
            Phrase(field, list(phrase), slop=slop, boost=weight * boost)
            for field, (slop, weight) in PHRASE_FIELDS.items()
        ]
    )


def build_query(query_terms: list[str], alternatives: list[TermPhrase]) -> Query:
    if not query_terms:
        return NullQuery
    parts: list[Query] = [_term(term, 1.0) for term in dict.fromkeys(query_terms)]
    if len(query_terms) > 1:
        parts.append(_phrase(tuple(query_terms), 1.0))
    parts.extend(_phrase(phrase, SYNONYM_WEIGHT) for phrase in alternatives)
    return Or(parts, scale=COORDINATION)


def query_terms(text: str) -> list[str]:
    return terms(text)
