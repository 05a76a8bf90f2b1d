"""Arbitrary text never crashes the parser: articles, or one ContentError with file and line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.content.model import ContentError
from kb.content.parser import parse_text

MARKDOWN_BITS = st.sampled_from(
    [
        "# ",
        "## ",
        "### ",
        "#### ",
        "\n",
        "\n\n",
        "---\n",
        "```",
        "```bash\n",
        "~~~\n",
        "1. ",
        "   - ",
        "- ",
        "**Symptoms:** ",
        "**Solution:**\n",
        "**Check:** `x`",
        " → step 2",
        " -> ",
        "resolved",
        "escalate",
        "[a](#b)",
        "[r][1]\n[1]: http://x\n",
        "| a | b |\n|---|---|\n",
        "<div>",
        "</div>",
        "{{< hint >}}",
        "title: x\n",
        "\t",
        "    ",
        "Common Issues",
        "\x00",
        "\r",
    ]
)
TEXT = st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=20)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_parser_returns_articles_or_a_located_content_error(text):
    try:
        document = parse_text(text, "fuzz.md")
    except ContentError as error:
        assert error.source == "fuzz.md"
        assert error.line >= 1
        return
    for article in document.articles:
        assert article.title.strip()
        assert article.slug
    for problem in document.problems:
        assert problem.source == "fuzz.md" and problem.line >= 1
