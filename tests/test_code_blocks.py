"""Code blocks: split into the commands a responder copies one at a time, dangerous ones marked
in the HTML itself (no JavaScript needed to see the warning)."""

from __future__ import annotations

import re

import pytest

from kb.content import render_html
from kb.content.commands import split_commands
from kb.content.text import html_to_text


def texts(code: str, lang: str = "bash") -> list[str]:
    return [command.text for command in split_commands(code, lang)]


def test_comments_and_blank_lines_separate_commands_and_belong_to_none():
    code = "# Find the commit\ngit log --oneline -20\n\n# Revert it\ngit revert abc\ngit push\n"
    assert texts(code) == ["git log --oneline -20", "git revert abc", "git push"]
    notes = [c.note for c in split_commands(code, "bash")]
    assert notes == ["Find the commit", "Revert it", ""]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "curl -X POST \\\n  -H 'x: y' \\\n  https://a.b\nls\n",
            ["curl -X POST \\\n  -H 'x: y' \\\n  https://a.b", "ls"],
        ),
        (
            "curl -d '{\n  \"a\": 1\n}' https://a.b\nls\n",
            ["curl -d '{\n  \"a\": 1\n}' https://a.b", "ls"],
        ),
        (
            "cat <<EOF > x.conf\nkey = 1\n\nEOF\necho done\n",
            ["cat <<EOF > x.conf\nkey = 1\n\nEOF", "echo done"],
        ),
        ("psql <<'SQL'\nSELECT 1;\nSQL\n", ["psql <<'SQL'\nSELECT 1;\nSQL"]),
    ],
)
def test_a_command_keeps_the_lines_it_continues_onto(code, expected):
    assert texts(code) == expected


def test_sql_statements_run_to_their_semicolon():
    code = "SELECT id\nFROM users\nWHERE id = 1;\n-- and then\nVACUUM ANALYZE users;\n"
    assert texts(code, "sql") == ["SELECT id\nFROM users\nWHERE id = 1;", "VACUUM ANALYZE users;"]


def test_a_statement_without_its_semicolon_ends_at_a_blank_line():
    assert texts("SELECT 1\n\nSELECT 2\n", "sql") == ["SELECT 1", "SELECT 2"]


def test_in_a_console_transcript_only_prompted_lines_are_commands():
    code = "$ kubectl get pods \\\n    -n web\nNAME    READY\nweb-0   1/1\n$ kubectl logs web-0\n"
    assert texts(code, "console") == ["kubectl get pods \\\n    -n web", "kubectl logs web-0"]
    assert texts(code, "") == texts(code, "console")  # the prompts say what it is


def test_a_hash_inside_quotes_or_words_is_not_a_comment():
    assert texts("echo '# not a comment'  # a comment\nurl=a#b\n") == [
        "echo '# not a comment'  # a comment",
        "url=a#b",
    ]


def _commands(html: str) -> list[str]:
    return [
        html_to_text(m)
        for m in re.findall(r'<span class="command[^"]*">(.*?)\n</span>', html, re.S)
    ]


def test_each_command_of_a_shell_block_has_its_own_span():
    html = render_html("```bash\n# one\nls -l\n\n# two\ndf -h\n```\n")
    assert _commands(html) == ["ls -l", "df -h"]
    assert '<pre><code class="language-bash">' in html


def test_blocks_that_are_not_commands_are_left_whole():
    html = render_html("```yaml\nkey: value\nother: 2\n```\n")
    assert "command" not in html and "key" in html


def test_a_prompt_is_apart_so_that_it_is_neither_selected_nor_copied():
    html = render_html("```console\n$ df -h\nFilesystem  Size\n```\n")
    assert '<span class="command"><span class="prompt">$ </span>' in html
    assert "Filesystem  Size" in html


def test_a_destructive_command_gets_a_callout_above_its_block_and_its_line_marked():
    html = render_html(
        "```bash\n# Restore full backup (CAREFUL: overwrites existing data!)\n"
        'pg_restore --clean --if-exists -d "$DATABASE_URL" backup.dump\n\n'
        "pg_restore -l backup.dump\n```\n"
    )
    callout, code = html.split("<pre>", 1)
    assert 'class="danger-callout"' in callout
    assert "Destructive command below" in callout
    assert "pg_restore --clean drops each object before restoring it" in callout
    assert "the runbook warns: Restore full backup (CAREFUL: overwrites existing data!)" in callout
    assert code.count('class="command danger"') == 1
    assert code.count('class="command"') == 1  # pg_restore -l lists; it writes nothing


def test_dangerous_lines_are_marked_in_any_block_even_without_a_language():
    html = render_html("```\nsudo rm -rf /srv/data\n```\n\n    DROP TABLE users;\n")
    assert html.count('class="danger-callout"') == 2
    assert html.count('<span class="danger">') == 2


def test_a_safe_block_has_no_callout():
    assert "danger" not in render_html("```bash\nkubectl get pods\n```\n")


def test_the_callout_survives_the_sanitiser_and_carries_no_inline_style_or_script():
    html = render_html("```sql\nDROP TABLE users;\n```\n")
    assert '<div class="danger-callout">' in html
    assert "style=" not in html and "<script" not in html


def test_the_callout_is_not_searchable_text_of_the_runbook():
    html = render_html("```sql\nTRUNCATE sessions;\n```\n")
    assert "Destructive" in html and "Destructive" not in html_to_text(html)
    assert "TRUNCATE sessions;" in html_to_text(html)


def test_code_keeps_every_character_of_the_block():
    code = 'echo "<b>&amp;</b>"\n\tindented\n\n# last\n'
    html = render_html(f"```bash\n{code}```\n")
    inner = html.split('<code class="language-bash">')[1].split("</code>")[0]
    assert html_to_text(inner) == " ".join(code.split())
    assert "<b>" not in inner
