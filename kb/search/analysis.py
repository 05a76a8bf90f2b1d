"""How text becomes search terms, the same way for documents and for what people type.

Three things matter for on-call queries: contractions collapse (`won't`, `wont` and
`will not` all reduce to nothing, so "shift won't close" = "cannot close shift"),
identifiers stay whole (`pg_dump`, `DATABASE_URL`, `/health/ready`, `429`,
`KubePodCrashLooping`) while their parts are findable too (`kube pod crash looping`),
and only plain words are stemmed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from whoosh.analysis import (
    STOP_WORDS,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.porter import stem

# A word with an optional apostrophe part (won't, user's), joined into compounds by . _ / -
TOKEN_PATTERN = r"\w+(?:['’]\w+)?(?:[._/-]\w+(?:['’]\w+)?)*"
NEGATIONS = {
    "won't": "will",
    "wont": "will",
    "can't": "can",
    "cant": "can",
    "cannot": "can",
    "don't": "do",
    "dont": "do",
    "doesn't": "does",
    "doesnt": "does",
    "didn't": "did",
    "didnt": "did",
    "isn't": "is",
    "isnt": "is",
    "aren't": "are",
    "wasn't": "was",
    "wasnt": "was",
    "couldn't": "could",
    "couldnt": "could",
    "shouldn't": "should",
    "haven't": "have",
    "hasn't": "has",
    "ain't": "is",
}
SUFFIXES = ("'s", "'re", "'ll", "'ve", "'d", "'m")
COMPOUND_MARKS = "._/-"
# Whoosh's list plus the question words people type ("how do I restore a backup").
STOP = STOP_WORDS | {
    "how",
    "what",
    "who",
    "why",
    "where",
    "which",
    "do",
    "does",
    "did",
    "i",
    "my",
    "me",
    "our",
    "there",
    "their",
    "they",
    "get",
    "got",
    "has",
    "had",
    "been",
    "was",
    "were",
    "should",
    "could",
    "would",
    "im",
    "its",
    "any",
    "all",
    "some",
    "into",
    "about",
}


_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")


class CamelCaseFilter(Filter):
    """`KubePodCrashLooping` stays whole and is also `Kube Pod Crash Looping`: alert names
    are written that way, and people type them both ways."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if not _CAMEL.search(text):
                yield token
                continue
            yield token
            parts = _CAMEL_PART.findall(text)
            # Neighbours joined too: prose writes as one word what a name capitalises
            # twice (`DNSNxDomain` is about NXDOMAIN). Joins first, so the last part stays
            # next to the word after the name, for phrase matching.
            if len(parts) > 2:
                for first, second in pairwise(parts):
                    token.text = first + second
                    yield token
            for part in parts:
                token.text = part
                yield token


class ContractionFilter(Filter):
    """`won't` → will not, `user's` → user; curly apostrophes count too."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text.replace("’", "'")
            if text in NEGATIONS:
                token.text = NEGATIONS[text]
                yield token
                token.text = "not"
                yield token
                continue
            for suffix in SUFFIXES:
                if text.endswith(suffix) and len(text) > len(suffix):
                    text = text[: -len(suffix)]
                    break
            token.text = text.replace("'", "")
            yield token


class CompoundFilter(Filter):
    """Keep `pg_dump` and `health/ready` whole, and also index their parts."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if not any(mark in text for mark in COMPOUND_MARKS):
                yield token
                continue
            yield token
            for mark in COMPOUND_MARKS:
                text = text.replace(mark, " ")
            for part in text.split():
                token.text = part
                yield token


# A status code in the plural, as people say them: "500s", "5xxs", "404s".
CODES = re.compile(r"\d(?:\d\d|xx)s")


@lru_cache(maxsize=50_000)
def stem_word(word: str) -> str:
    """Porter for plain words only; identifiers and numbers stay exactly as written, but
    for a code's plural, which is the code."""
    if word.isalpha():
        return stem(word)
    return word[:-1] if CODES.fullmatch(word) else word


def text_analyzer():
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | CamelCaseFilter()
        | LowercaseFilter()
        | ContractionFilter()
        | CompoundFilter()
        | StopFilter(stoplist=STOP, minsize=1)
        | StemFilter(stemfn=stem_word, cachesize=-1)
    )


def spelling_analyzer():
    """Real words, unstemmed, for "did you mean" suggestions that read as words."""
    return RegexTokenizer(r"[^\W\d_]{3,}") | LowercaseFilter()


_ANALYZER = text_analyzer()


def terms(text: str) -> list[str]:
    """The search terms of a piece of text, in order."""
    return [token.text for token in _ANALYZER(text)]
