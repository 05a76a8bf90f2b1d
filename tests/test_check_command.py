"""`kb check`: zero on good content, file:line for every problem otherwise."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from kb.cli import cli
from tests.conftest import FIXTURES, write


def run_check(path):
    return CliRunner().invoke(cli, ["check", str(path)])


def test_the_test_runbooks_are_clean():
    result = run_check(FIXTURES)
    assert result.exit_code == 0, result.output
    assert "3 file(s), 26 article(s), 6 tree(s): 0 error(s), 0 warning(s)" in result.output


def test_a_broken_internal_link_fails_naming_file_and_line(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "content")
    write(tmp_path / "content", "notes/extra.md", "# Extra\n\nSee [nothing](#no-such-anchor).\n")
    result = run_check(tmp_path / "content")
    assert result.exit_code == 1
    assert "notes/extra.md:3: broken link: #no-such-anchor" in result.output


def test_links_to_missing_files_and_anchors_in_other_files(content_dir):
    write(content_dir, "a.md", "# A\n\n## Part\n\n[b](b.md#there) [gone](missing.md)\n")
    write(content_dir, "b.md", "# B\n\n## Here\n")
    result = run_check(content_dir)
    assert result.exit_code == 1
    assert "a.md:5: broken link: b.md#there" in result.output
    assert "a.md:5: broken link: missing.md" in result.output


def test_links_across_files_resolve(content_dir):
    write(content_dir, "a.md", "# A\n\n[b](sub/b.md#here)\n")
    write(content_dir, "sub/b.md", "# B\n\n## Here\n")
    assert run_check(content_dir).exit_code == 0


def test_duplicate_slugs_are_errors(content_dir):
    write(content_dir, "a.md", "---\nslug: same\n---\n# A\n")
    write(content_dir, "b.md", "---\nslug: same\n---\n# B\n")
    result = run_check(content_dir)
    assert result.exit_code == 1
    assert "b.md:4: duplicate slug 'same', already used by a.md:4" in result.output


def test_tree_problems_and_unknown_checks(content_dir):
    write(content_dir, "probes.yaml", "probes:\n  api-health: {target: api, path: /health}\n")
    write(
        content_dir,
        "t.md",
        "## Issue: X\n\n**Symptoms:** y\n\n**Solution:**\n\n1. **Check:** `nope` now\n"
        "   - pass → resolved\n   - fail → step 5\n",
    )
    result = run_check(content_dir)
    assert result.exit_code == 1
    assert "t.md:7: tree 'X': step 1: unknown check 'nope'" in result.output
    assert "points to step 5, which does not exist" in result.output


def test_malformed_front_matter_is_reported_not_raised(content_dir):
    write(content_dir, "bad.md", "---\ntitle: [oops\nx: y\n---\n# Bad\n")
    result = run_check(content_dir)
    assert result.exit_code == 1
    assert "bad.md:3: front matter is not valid YAML" in result.output


@pytest.mark.parametrize(
    "front, expected",
    [
        ("- a\n- b", "x.md:1: front matter must be keys and values, not a list"),
        ("just words", "x.md:1: front matter must be keys and values, not a piece of text"),
        ("title: [1, 2]", "x.md:2: front matter 'title' must be text, not a list"),
        ("x: 1\naliases: 7", "x.md:3: front matter 'aliases' must be a name, a list of"),
        ("slug: ../../etc", "x.md:2: front matter 'slug' may hold only letters, digits"),
        ("slug: 'a b/c?d#e'", "x.md:2: front matter 'slug' may hold only letters, digits"),
    ],
)
def test_front_matter_kb_cannot_use_is_an_error_at_its_line(content_dir, front, expected):
    write(content_dir, "x.md", f"---\n{front}\n---\n\n# Escape\n\nText.\n")
    result = run_check(content_dir)
    assert result.exit_code == 1 and expected in result.output, result.output


def test_a_slug_may_hold_dots_as_versions_do(content_dir):
    write(content_dir, "x.md", "---\nslug: v1.2/upgrade\n---\n\n# Upgrade\n\nText.\n")
    result = run_check(content_dir)
    assert result.exit_code == 0, result.output


def test_a_bad_slug_is_not_used_as_an_address(make_app, content_dir):
    write(content_dir, "x.md", "---\nslug: ../../etc\n---\n\n# Escape\n\nText.\n")
    client = make_app(content_dir=content_dir).test_client()
    assert client.get("/go/Escape").headers["Location"] == "/a/x"


def test_a_folder_without_markdown_or_a_file_that_is_not_markdown_fails_clearly(tmp_path):
    write(tmp_path, "nomd/a.txt", "just text\n")
    empty = CliRunner().invoke(cli, ["check", str(tmp_path / "nomd")])
    assert empty.exit_code == 1 and "holds no Markdown (*.md) files" in empty.output
    text = CliRunner().invoke(cli, ["check", str(tmp_path / "nomd" / "a.txt")])
    assert text.exit_code == 1 and "not a Markdown (.md) file" in text.output
    folder = CliRunner().invoke(cli, ["check", "--explain", str(tmp_path / "nomd")])
    assert folder.exit_code == 1 and "is a folder: --explain takes one Markdown file" in (
        folder.output
    )
    assert "Traceback" not in empty.output + text.output + folder.output


def test_a_byte_order_mark_before_front_matter_is_not_text(tmp_path):
    """Editors on Windows save one; GitHub ignores it, and so does kb."""
    (tmp_path / "bom.md").write_bytes(
        "\ufeff---\ntitle: Disk full\n---\n\n# DiskFull\n\nNo space left.\n".encode()
    )
    result = CliRunner().invoke(cli, ["check", "--explain", str(tmp_path / "bom.md")])
    assert result.exit_code == 0, result.output
    assert "file: Disk full (line 5)" in result.output
    assert "\ufeff" not in result.output and "1 article(s)" in result.output


def test_problems_name_files_as_typed_so_an_editor_can_open_them(tmp_path, monkeypatch):
    write(tmp_path, "runbooks/node/a.md", "# A\n\nSee [gone](missing.md).\n")
    monkeypatch.chdir(tmp_path)
    folder = CliRunner().invoke(cli, ["check", "runbooks"])
    assert "runbooks/node/a.md:3: broken link: missing.md" in folder.output
    one = CliRunner().invoke(cli, ["check", "runbooks/node/a.md"])
    assert "runbooks/node/a.md:3: broken link: missing.md" in one.output


def test_explain_says_why_a_file_gave_nothing(tmp_path):
    write(tmp_path, "bad.md", "---\ntitle: [oops\n---\n# X\n")
    write(tmp_path, "empty.md", "")
    bad = CliRunner().invoke(cli, ["check", "--explain", str(tmp_path / "bad.md")])
    assert "bad.md: not read, for the problem reported with its line" in bad.output
    assert "bad.md:2: front matter is not valid YAML" in bad.output
    empty = CliRunner().invoke(cli, ["check", "--explain", str(tmp_path / "empty.md")])
    assert "empty.md: no text, so no article and no guide" in empty.output
    assert "not a Markdown file" not in bad.output + empty.output
