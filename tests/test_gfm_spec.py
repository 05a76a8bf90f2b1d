"""Conformance: every example of the GFM spec through `render_html`, the path article bodies take.

The comparison is documented in tests/gfm_spec.py. Examples that differ on purpose are
listed below with the reason; any other difference fails, and so does a listed example
that starts to pass (so the list stays true).
"""

from __future__ import annotations

import pytest

from kb.content import render_html
from tests.conftest import shared_path
from tests.gfm_spec import normalise, read_examples

RAW_HTML_SECTIONS = {"HTML blocks", "Raw HTML", "Disallowed Raw HTML (extension)"}

_UNKNOWN_TAG = "the sanitiser removes tags and attributes outside its allow-list"
_UNSAFE_TAG = (
    "GFM's tag filter shows <script>, <style>, <textarea> as text; core examples keep them"
)
_COMMENT = "the sanitiser removes comments, processing instructions and CDATA"
_SCHEME = "the sanitiser keeps only http, https, mailto and tel links"
_BARE_URL = "core CommonMark example; with GitHub's autolink extension on, as on GitHub, it links"
_AUTOLINK_PLUGIN = "mdit-py-plugins' GFM autolinks do not link ftp://"

EXPECTED_FAILURES = {
    # Outside the raw-HTML sections
    170: _UNKNOWN_TAG,  # <bar>
    288: _COMMENT,
    289: _COMMENT,
    500: _UNKNOWN_TAG,  # <foo bar="">
    532: _UNKNOWN_TAG,
    544: _UNKNOWN_TAG,
    604: _SCHEME,  # irc:
    606: _SCHEME,  # a+b+c:
    607: _SCHEME,  # made-up-scheme:
    609: _SCHEME,  # localhost:
    616: _BARE_URL,
    619: _BARE_URL,
    620: _BARE_URL,
    628: _AUTOLINK_PLUGIN,
    # HTML blocks, Raw HTML, Disallowed Raw HTML
    120: _UNKNOWN_TAG,
    133: _UNKNOWN_TAG,
    139: _UNKNOWN_TAG,  # <pre language="haskell">
    140: _UNSAFE_TAG,
    141: _UNSAFE_TAG,
    142: _UNSAFE_TAG,
    145: _UNSAFE_TAG,
    146: _COMMENT,
    147: _UNSAFE_TAG,
    148: _COMMENT,
    149: _COMMENT,
    151: _COMMENT,
    152: _COMMENT,
    160: "the sanitiser's HTML parser moves a <pre> out of a <tr> where the spec keeps it",
    632: _UNKNOWN_TAG,
    633: _UNKNOWN_TAG,
    634: _UNKNOWN_TAG,
    635: _UNKNOWN_TAG,
    636: _UNKNOWN_TAG,
    644: _COMMENT,
    645: "markdown-it follows CommonMark 0.31's comment rule; the GFM spec predates it",
    646: _COMMENT,
    647: _COMMENT,
    648: _COMMENT,
    649: _COMMENT,
}


@pytest.fixture(scope="module")
def outcomes():
    examples = read_examples(shared_path("fixtures", "gfm-spec", "spec.txt"))
    assert len(examples) == 673
    return [
        (example, normalise(render_html(example.markdown)) == normalise(example.html))
        for example in examples
    ]


def test_at_least_590_of_the_608_examples_outside_raw_html_render_as_github_does(outcomes):
    outside = [passed for example, passed in outcomes if example.section not in RAW_HTML_SECTIONS]
    assert len(outside) == 608
    assert sum(outside) >= 590


def test_every_difference_is_one_listed_with_its_reason(outcomes):
    failing = {example.number for example, passed in outcomes if not passed}
    assert failing - EXPECTED_FAILURES.keys() == set(), "new differences from GitHub"
    assert EXPECTED_FAILURES.keys() - failing == set(), "listed as failing but now passes"
