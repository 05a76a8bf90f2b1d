"""The parser: Markdown in, articles out."""

from __future__ import annotations

import pytest

from kb.content.library import load_library
from kb.content.model import ContentError
from kb.content.parser import parse_text
from tests.conftest import write

RUNBOOK = """---
title: Ops
aliases: [ops-runbook]
---

# Ops runbook

Intro text.

## Table of Contents

1. [Deploy](#1-deploy)
2. [Backup](#2-backup--restore)

## 1. Deploy

Push to `main`.

### 1.1 Verify

```bash
curl https://api.example.com/health
```

#### Expected

A JSON body.

## 2. Backup & Restore

| Command | What |
|---|---|
| `pg_dump` | dump |

```text
## not a heading, inside a fence
```
"""


def titles(doc):
    return [a.title for a in doc.articles]


def by_title(doc, title):
    return next(a for a in doc.articles if a.title == title)


def test_each_h2_and_h3_is_an_article_under_the_file_page():
    doc = parse_text(RUNBOOK, "ops.md")
    assert titles(doc) == [
        "Ops",
        "Table of Contents",
        "1. Deploy",
        "1.1 Verify",
        "2. Backup & Restore",
    ]
    root = doc.articles[0]
    assert root.level == 0 and root.slug == "ops"
    deploy, verify = by_title(doc, "1. Deploy"), by_title(doc, "1.1 Verify")
    assert deploy.parent == "ops" and verify.parent == deploy.slug
    assert deploy.children == [verify.slug]


def test_slugs_follow_github_anchors():
    doc = parse_text(RUNBOOK, "ops.md")
    assert by_title(doc, "2. Backup & Restore").slug == "ops/2-backup--restore"
    assert by_title(doc, "1.1 Verify").slug == "ops/11-verify"


def test_anchor_links_resolve_to_article_urls():
    doc = parse_text(RUNBOOK, "ops.md")
    toc = by_title(doc, "Table of Contents")
    assert 'href="/a/ops/1-deploy"' in toc.html
    assert 'href="/a/ops/2-backup--restore"' in toc.html
    assert doc.problems == []


def test_deeper_headings_stay_in_their_article_with_ids():
    doc = parse_text(RUNBOOK, "ops.md")
    verify = by_title(doc, "1.1 Verify")
    assert [h.text for h in verify.headings] == ["Expected"]
    assert 'id="expected"' in verify.html
    assert doc.anchors["expected"] == ("ops/11-verify", "expected")


def test_code_keeps_its_language_and_is_searchable_text():
    doc = parse_text(RUNBOOK, "ops.md")
    verify = by_title(doc, "1.1 Verify")
    assert "language-bash" in verify.html
    assert "curl https://api.example.com/health" in verify.code
    assert "curl https://api.example.com/health" in verify.text


def test_tables_render_and_headings_inside_fences_are_not_sections():
    doc = parse_text(RUNBOOK, "ops.md")
    backup = by_title(doc, "2. Backup & Restore")
    assert '<table class="kb-table-0">' in backup.html and "<code>pg_dump</code>" in backup.html
    assert "not a heading" not in titles(doc)
    assert "## not a heading" in backup.code


def test_source_lines_point_at_headings():
    doc = parse_text(RUNBOOK, "ops.md")
    lines = RUNBOOK.split("\n")
    for article in doc.articles[1:]:
        assert article.title.split()[-1] in lines[article.line - 1]


def test_front_matter_gives_title_and_aliases():
    doc = parse_text(RUNBOOK, "ops.md")
    assert doc.articles[0].aliases == ["ops-runbook"]
    assert doc.articles[0].meta["title"] == "Ops"


def test_file_without_h1_is_titled_from_its_name():
    doc = parse_text("## Restart\n\nDo it.\n", "guides/db-restart.md")
    assert doc.articles[0].title == "Db restart"
    assert doc.articles[0].slug == "guides/db-restart"
    assert doc.articles[1].slug == "guides/db-restart/restart"


def test_a_readme_names_its_folder():
    doc = parse_text("# Redis\n\ntext\n", "docs/redis/README.md")
    assert doc.articles[0].slug == "docs/redis"


def test_empty_file_gives_no_articles():
    assert parse_text("  \n\n", "empty.md").articles == []


def test_later_h1s_become_sections_and_decorations_are_skipped():
    doc = parse_text("# ═════\n# Title\n\n# Second\n\ntext\n", "x.md")
    assert titles(doc) == ["Title", "Second"]


def test_broken_anchor_is_a_problem_with_its_line():
    doc = parse_text("# T\n\n## A\n\nsee [x](#nowhere)\n", "t.md")
    assert [str(p) for p in doc.problems] == ["t.md:5: broken link: #nowhere"]


def test_invalid_front_matter_raises_content_error_with_line():
    with pytest.raises(ContentError) as error:
        parse_text("---\ntitle: [unclosed\n---\n# T\n", "bad.md")
    assert error.value.source == "bad.md"
    assert error.value.line >= 2
    assert "front matter" in str(error.value)


def test_reference_links_defined_at_the_end_work_in_every_section():
    doc = parse_text("# T\n\n## A\n\nsee [docs][d]\n\n## B\n\n[d]: https://example.com\n", "t.md")
    assert 'href="https://example.com"' in by_title(doc, "A").html


def test_lists_nest_the_way_github_shows_them():
    text = "## S\n\n**Solution:**\n1. one\n   - nested\n2. two\n"
    html = parse_text(text, "t.md").articles[1].html
    assert "<ol>" in html and "<ul>" in html and "<li>nested</li>" in html


def test_separator_rules_at_section_end_are_dropped():
    doc = parse_text("## A\n\ntext\n\n---\n\n## B\n", "t.md")
    assert "<hr" not in by_title(doc, "A").html


def test_a_symlink_out_of_the_content_folder_is_never_published(tmp_path):
    from kb.content.library import load_library

    secret = tmp_path / "secret.txt"
    secret.write_text("KB_SECRET_KEY=hunter2hunter2hunter2\n")
    content = tmp_path / "content"
    content.mkdir()
    (content / "ok.md").write_text("# Fine\n\ntext\n")
    (content / "envleak.md").symlink_to(secret)
    (content / "inside.md").symlink_to(content / "ok.md")
    library = load_library(content)
    assert "envleak" not in library.articles and "inside" in library.articles
    assert not any("hunter2" in a.text for a in library.articles.values())
    assert [str(p) for p in library.errors] == [
        "envleak.md:1: not read: a link to a file outside the content folder"
    ]


def test_links_from_other_files_name_the_pages_they_point_to(tmp_path):
    from kb.search.documents import telling

    write(tmp_path, "a.md", "# Alpha\n\n- [Own section](#beta)\n\n## Beta\n\nText.\n")
    write(
        tmp_path,
        "b.md",
        "# B\n\nSee [the disk\nfull alert](a.md#beta), [Alpha](a.md), [](a.md),\n"
        "[![icon](i.png)](a.md) and [see here](a.md).\n",
    )
    library = load_library(tmp_path)
    # a file's own links, texts repeating the title, empty and image-only links add nothing
    assert library.mentions == {"a/beta": ["the disk full alert"], "a": ["see here"]}
    assert telling("the disk full alert") and not telling("see here")
