"""Runbooks render as GitHub renders them, and their structure comes with exact lines."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.gfm import gfm_plugin

from kb.content import render_html
from kb.content.library import load_library
from kb.content.outline import split_front_matter
from kb.content.parser import parse_text
from tests.conftest import shared_path

COUNTED = {"li", "ol", "ul", "pre", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_SCHEME = "a link whose scheme the sanitiser removes on purpose"
# Files whose page differs from plain markdown-it GFM in the counts above, and why.
KNOWN_DIFFERENCES = {
    "gitlab-com-runbooks/docs/uncategorized/upgrade-and-rollback.md": _SCHEME + " (ttps:)",
    **{
        f"openshift-runbooks/alerts/openshift-virtualization-operator/{name}.md": _SCHEME
        + " (link:https:)"
        for name in (
            "KubeVirtVMGuestMemoryAvailableLow",
            "KubeVirtVMGuestMemoryPressure",
            "VirtLauncherPodsStuckFailed",
            "VirtualMachineInstanceHasEphemeralHotplugVolume",
        )
    },
}


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        if tag in COUNTED:
            self.counts[tag] += 1
        if tag == "a" and dict(attrs).get("href"):
            self.counts["a[href]"] += 1


def structure(html: str) -> Counter[str]:
    counter = _Counter()
    counter.feed(html)
    return counter.counts


def test_every_corpus_file_has_the_structure_github_gives_it():
    plain = MarkdownIt("commonmark").use(gfm_plugin)
    corpora = shared_path("corpora")
    differing, total = {}, 0
    for corpus in ("gitlab-com-runbooks", "longhorn-kb", "openshift-runbooks"):
        library = load_library(corpora / corpus)
        for page in library.documents():
            total += 1
            text = (corpora / corpus / page.source).read_text(encoding="utf-8")
            _, body, _ = split_front_matter(text, page.source)
            ours = structure(page.heading_html + library.whole_html(page))
            if ours != structure(plain.render(body)):
                differing[f"{corpus}/{page.source}"] = ours
    assert total > 900
    assert set(differing) == set(KNOWN_DIFFERENCES)
    assert len(differing) <= total // 100


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("1. a\n\n   more\n2. b\n", "<ol>\n<li>\n<p>a</p>\n<p>more</p>\n</li>\n<li>\n<p>b</p>"),
        ("1. step\n  - two spaces\n", "<li>step</li>\n</ol>\n<ul>\n<li>two spaces</li>"),
        ("1) one\n2) two\n", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("~~old~~", "<del>old</del>"),
        ("see https://example.com/x", '<a href="https://example.com/x">'),
        ("| a | b |\n|:-:|--:|\n| 1 | 2 |\n", '<th align="center">a</th>'),
        ("- [ ] todo\n- [x] done\n", 'disabled="" type="checkbox" checked=""'),
        ("x[^1]\n\n[^1]: the note\n", 'class="footnote-item"'),
        ("[`code`][ref]\n\n[ref]: https://example.com\n", '<a href="https://example.com">'),
        ("3. third\n4. fourth\n", '<ol start="3">'),
    ],
)
def test_github_markdown_renders_as_on_github(markdown, expected):
    assert expected in render_html(markdown)


def test_code_fenced_inside_a_list_item_keeps_its_lines():
    html = render_html("1. Run:\n\n   ```bash\n   one\n   two\n   ```\n2. Next\n")
    assert '<pre><code class="language-bash">' in html
    assert "one" in html and "two" in html and "<li>\n<p>Next</p>" in html


def test_a_one_line_fence_does_not_swallow_the_sections_after_it():
    doc = parse_text("# T\n\n## A\n\n```ERROR: boom```\n\n## B\n\ntext\n", "t.md")
    assert [a.title for a in doc.articles] == ["T", "A", "B"]


def test_markdown_inside_details_is_rendered_and_its_headings_are_not_sections():
    text = "# T\n\n<details>\n<summary>More</summary>\n\n## Hidden\n\n**bold**\n\n</details>\n"
    doc = parse_text(text, "t.md")
    assert [a.title for a in doc.articles] == ["T"]
    assert "<strong>bold</strong>" in doc.articles[0].html
    assert '<h2 id="hidden">' in doc.articles[0].html


def test_alerts_and_admonitions_are_callouts():
    alert = render_html("> [!WARNING]\n> Overwrites data.\n")
    assert 'class="markdown-alert markdown-alert-warning"' in alert
    admonition = render_html('!!! danger "Careful"\n    Drops the table.\n')
    assert 'class="admonition danger"' in admonition and "Careful" in admonition


def test_a_bang_line_mkdocs_would_not_read_as_an_admonition_keeps_every_word():
    html = render_html("!!! WARNING! this procedure is untested !!!\n")
    assert "<p>!!! WARNING! this procedure is untested !!!</p>" in html


@pytest.mark.parametrize(
    "markdown", ["<https://a.io/?q=%7Bx%7D%20y>\n", "see https://a.io/?q=%7Bx%7D%20y\n"]
)
def test_a_linked_url_reads_as_written_so_copying_its_text_copies_the_link(markdown):
    assert '<a href="https://a.io/?q=%7Bx%7D%20y">https://a.io/?q=%7Bx%7D%20y</a>' in (
        render_html(markdown)
    )


def test_a_tag_github_filters_shows_as_text_and_does_not_swallow_what_follows():
    html = render_html("Set the page <title> in base.html.\n\n- **step** one\n")
    assert "&lt;title&gt; in base.html." in html
    assert "<li><strong>step</strong> one</li>" in html


def test_a_bare_address_with_an_underscore_links_to_the_whole_address():
    html = render_html("mail john_doe@example.com\n")
    assert '<a href="mailto:john_doe@example.com">john_doe@example.com</a>' in html


def test_layout_attributes_github_keeps_are_kept():
    html = render_html('<div align="center">\n\n![logo](a.png)\n\n</div>\n')
    assert '<div align="center">' in html


def test_a_footnote_shows_in_the_section_that_refers_to_it_with_githubs_number():
    text = "# T\n\n## A\n\nOne[^x].\n\n## B\n\nTwo[^y], again[^y].\n\n## C\n\nnone\n\n[^x]: ex\n[^y]: why\n"
    a, b, c = parse_text(text, "t.md").articles[1:]
    assert 'href="#fn1"' in a.html and "ex" in a.html and "why" not in a.html
    assert '<li id="fn2" class="footnote-item" value="2">' in b.html and "ex" not in b.html
    assert ">2</a></sup>, again<sup" in b.html and "[2" not in b.html
    assert "footnote" not in c.html


def test_raw_html_is_sanitised():
    html = render_html('<script>alert(1)</script>\n\n<a href="javascript:x()">x</a>\n')
    assert "<script" not in html and "javascript:" not in html


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("### `SERVICE_KEY`", "service_key"),
        ("## 6. Backup & Restore", "6-backup--restore"),
        ("## Issue: Labels Won't Print", "issue-labels-wont-print"),
        ("## Ünïcode — dashes", "ünïcode--dashes"),
        ("## [Linked](https://x.y) *title*", "linked-title"),
    ],
)
def test_heading_anchors_are_githubs(heading, anchor):
    doc = parse_text(f"# T\n\n{heading}\n\ntext\n", "t.md")
    assert doc.articles[1].anchor == anchor
    assert f'id="{anchor}"' in doc.articles[1].heading_html


def test_titles_keep_their_code_text():
    doc = parse_text("# The `pg_dump` guide\n\n## `SERVICE_KEY` rotation\n", "t.md")
    assert doc.articles[0].title == "The pg_dump guide"
    assert doc.articles[1].title == "SERVICE_KEY rotation"


def test_setext_headings_are_sections_with_their_lines():
    doc = parse_text("Title\n=====\n\nintro\n\nPart\n----\n\ntext\n", "t.md")
    assert [(a.title, a.line) for a in doc.articles] == [("Title", 1), ("Part", 6)]


def test_links_and_steps_know_their_lines():
    text = "# T\n\n## Fix\n\n**Symptoms:** broken\n\n**Solution:**\n\n1. one\n\n   more\n2. see [x](#nowhere)\n"
    doc = parse_text(text, "t.md")
    assert [str(p) for p in doc.problems] == ["t.md:12: broken link: #nowhere"]
    assert [node.line for node in doc.trees[0].nodes] == [9, 12]


def test_hugo_toml_front_matter_and_ref_links(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "target.md").write_text("# Target\n\n## Part two\n\ntext\n")
    (tmp_path / "page.md").write_text(
        '+++\ntitle = "Hugo page"\n+++\n\n'
        '[a]({{< ref "docs/target.md" >}}) [b]({{< relref "docs/target.md#part-two" >}})\n\n'
        '{{< figure src="x.png" >}}\n\n{{< figure src="y.png" >}}\n'
    )
    library = load_library(tmp_path)
    page = library.article("page")
    assert page.title == "Hugo page"
    assert 'href="/a/docs/target"' in page.html
    assert 'href="/a/docs/target/part-two"' in page.html
    assert "{{&lt; figure" in page.html or '{{< figure src="x.png" >}}' in page.text
    warnings = [str(p) for p in library.problems]
    assert warnings == ["page.md:7: warning: Hugo shortcode 'figure' is shown as written"]


def test_a_site_generators_html_md_file_goes_by_its_page_name_and_site_links_reach_it(tmp_path):
    """Middleman and Jekyll sites keep `disk-full.html.md`, served at
    `/manual/alerts/disk-full.html`; the runbook folder is one part of that site."""
    (tmp_path / "disk-full.html.md").write_text("# Disk full\n\ntext\n")
    (tmp_path / "other.html.md").write_text(
        "# Other\n\nSee [disk](/manual/alerts/disk-full.html).\n"
    )
    library = load_library(tmp_path)
    assert library.named("disk-full").slug == "disk-full-html"  # its address never moved
    assert 'href="/a/disk-full-html"' in library.article("other-html").html
    assert library.problems == []


def test_a_site_absolute_link_to_another_sites_page_or_folder_stays_broken(tmp_path):
    (tmp_path / "README.md").write_text("# Home\n")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "README.md").write_text("# Rules\n")
    links = [
        "/gitlab-org/omnibus-gitlab/-/blob/master/README.md",
        "/etc/prometheus/rules",
        "/handbook/README.html",
    ]
    body = "\n\n".join(f"[x{i}]({link})" for i, link in enumerate(links))
    (tmp_path / "page.md").write_text(f"# Page\n\n{body}\n")
    broken = [str(p) for p in load_library(tmp_path).problems if "broken link" in str(p)]
    assert len(broken) == 3


def test_a_footnote_on_the_title_is_listed_on_the_files_own_page():
    doc = parse_text("# Trouble[^t]\n\nIntro.\n\n## A\n\nx\n\n[^t]: title note\n", "t.md")
    assert 'id="fn1"' in doc.articles[0].html and "title note" in doc.articles[0].html


def test_invalid_toml_front_matter_names_its_line():
    from kb.content.model import ContentError

    with pytest.raises(ContentError) as error:
        parse_text('+++\ntitle = "x"\nbroken =\n+++\n# T\n', "t.md")
    assert error.value.line == 3


def test_a_parent_page_shows_its_subsections_under_their_headings():
    library_text = "# Ops\n\n## 1. Deploy\n\nPush.\n\n### 1.1 Verify\n\nCurl it.\n\n## 2. Backup\n"
    doc = parse_text(library_text, "ops.md")
    from kb.content.library import Library

    library = Library(root=shared_path(".."))
    for article in doc.articles:
        library.articles[article.slug] = article
    deploy = library.article("ops/1-deploy")
    whole = library.whole_html(deploy)
    assert "Push." in whole and '<h3 id="11-verify">1.1 Verify</h3>' in whole
    assert "Curl it." in whole and "Backup" not in whole
    assert "Curl it." not in deploy.text  # each subsection stays its own search result


def test_shortcodes_inside_code_are_shown_as_written():
    text = '# T\n\n```markdown\n[x]({{< ref "b.md" >}})\n```\n\n[y]({{< ref "b.md" >}})\n'
    doc = parse_text(text, "t.md")
    assert '{{&lt; ref "b.md" &gt;}}' in doc.articles[0].html
    assert 'href="b.md"' in doc.articles[0].html
