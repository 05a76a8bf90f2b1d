"""The export's search: a small inverted index, written as a script that sets a global.

Opened from `file://`, a page cannot fetch() a JSON file, but it can load a script; so the
index is `search-index.js` (`window.KB_SEARCH_INDEX = {…}`) and `search.js` searches it in
the page, with no request anywhere. The words are made the same way here and in search.js
(`tokens`; tests/browser/test_export_search.py holds them to it): lower-cased, accents
dropped, contractions folded (`won't` → nothing, as in kb's own search), stop words out,
identifiers kept whole and split (`pg_dump`, `KubePodCrashLooping`), and plain words cut
to a rough stem (`closing`, `closed`, `closes` → `clos`). The stop words and contractions
travel in the index, so the script cannot disagree with this file about them.

Weights follow kb's search (kb.search.documents): a word in a title or alias counts more
than one in the symptoms, headings or breadcrumb, which count more than body text.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kb.search.analysis import CODES, NEGATIONS, STOP

FIELD_WEIGHTS = {
    "title": 8,
    "names": 6,
    "symptoms": 4,
    "headings": 3,
    "mentions": 3,  # what other files' links call the page, weighted as kb's search does
    "trail": 2,
    "body": 1,
}
MAX_BODY_WORDS = 400  # distinct body words kept per document, in reading order (as kb's parts)
SNIPPET_CHARS = 180
_TOKEN = re.compile(r"\w+(?:'\w+)?(?:[._/-]\w+(?:'\w+)?)*")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SPLIT = re.compile(r"[._/-]+")
_MARKS = re.compile(r"[\u0300-\u036f]")
SUFFIXES = ("'s", "'re", "'ll", "'ve", "'d", "'m")


def stem(word: str) -> str:
    """A rough stem, the same in search.js: enough that `closing` finds `close`."""
    if CODES.fullmatch(word):
        return word[:-1]
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith(("ed", "es")) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _fold(text: str) -> str:
    if text.isascii():
        return text  # nothing to fold, and most text is plain ASCII
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).replace("’", "'")


def _word(raw: str) -> str | None:
    """One token's word: contractions folded, stop words dropped, then stemmed."""
    word = raw.lower()
    if word in NEGATIONS:
        return None  # `won't` is `will not`: both stop words, as in kb's search
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            word = word[: -len(suffix)]
            break
    word = word.replace("'", "")
    if not word or word in STOP:
        return None
    return stem(word)


def _parts(raw: str) -> list[str]:
    """An identifier's parts (`pg_dump` → pg, dump; `KubePod` → Kube, Pod), else none."""
    if _SPLIT.search(raw):
        return [p for p in _SPLIT.split(raw) if p]
    return _CAMEL_PART.findall(raw) if _CAMEL.search(raw) else []


@lru_cache(maxsize=200_000)
def _token_words(raw: str) -> tuple[str, ...]:
    """The words one token gives; a token recurs thousands of times in a large export."""
    parts = _parts(raw)
    if not parts:
        word = _word(raw)
        return (word,) if word else ()
    whole = raw.lower().replace("'", "")
    found = [] if whole in STOP else [whole]
    for part in parts:
        word = _word(part)
        if word and word != whole:
            found.append(word)
    return tuple(found)


def tokens(text: str) -> list[str]:
    """The words of a text, in order; search.js's `tokens` gives the same list."""
    return [word for raw in _TOKEN.findall(_fold(text)) for word in _token_words(raw)]


@dataclass
class Entry:
    """One search result to be: where it goes, what it shows, and its text by field."""

    url: str  # from the site's root
    title: str
    kind: str  # article, troubleshooting, contact
    trail: str
    snippet: str
    fields: dict[str, str]
    guide: str = ""  # a guide's first page, for troubleshooting results
    names: list[str] = field(default_factory=list)  # name keys: a query typed so leads


def _weights(entry: Entry) -> dict[str, int]:
    """Each word's weight in one document: its fields' weights, more for repeats (damped)."""
    weights: dict[str, float] = {}
    for part, text in entry.fields.items():
        counts = Counter(tokens(text))
        if part == "body":
            counts = Counter({w: counts[w] for w in list(counts)[:MAX_BODY_WORDS]})
        for word, count in counts.items():
            weights[word] = weights.get(word, 0) + FIELD_WEIGHTS[part] * (1 + math.log(count))
    return {word: max(1, round(weight * 10)) for word, weight in weights.items()}


def build_index(entries: Iterable[Entry]) -> dict:
    """Sorted words, each with its postings (gaps between document numbers, and weights)."""
    docs: list[list[str]] = []
    postings: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    names: dict[str, list[int]] = {}
    for number, entry in enumerate(entries):
        for key in entry.names:
            names.setdefault(key, []).append(number)
        snippet = " ".join(entry.snippet.split())
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
        docs.append([entry.url, entry.title, entry.kind, entry.trail, snippet, entry.guide])
        for word, weight in _weights(entry).items():
            postings.setdefault(word, []).extend((number - last.get(word, 0), weight))
            last[word] = number
    # In the order JavaScript compares strings (UTF-16 code units), for its binary search.
    words = sorted(postings, key=lambda w: w.encode("utf-16-be"))
    return {
        "version": 1,
        "stop": sorted(STOP),
        "negations": sorted(NEGATIONS),
        "suffixes": list(SUFFIXES),
        "docs": docs,
        "words": words,
        "postings": [postings[w] for w in words],
        "names": names,
    }


def index_script(index: dict) -> str:
    """The index as a script: loading a script works where fetching JSON does not."""
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    # `</script` cannot end anything in a separate file, but U+2028/9 once ended JS strings.
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.KB_SEARCH_INDEX = {body};\n"
