"""Fill-in fields: which parts of a runbook's commands are placeholders, for any team's
runbook, and how they are marked, listed and filled."""

from __future__ import annotations

import re
from html import unescape

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.cli import cli
from kb.content import fields
from kb.content.library import load_library
from kb.content.markdown import FIELDS_ENV, parse, render_tokens
from kb.content.sanitize import clean_html
from tests.conftest import write


def names(code: str, lang: str = "bash", declared: dict | None = None) -> list[str]:
    return [p.name for p in fields.find_placeholders(code, lang, declared)]


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ('psql "<DATABASE_URL>" -c "SELECT 1"', "bash", ["DATABASE_URL"]),
        ('curl -X GET "https://<R2_ENDPOINT>/<bucket>"', "bash", ["R2_ENDPOINT", "bucket"]),
        ("git revert <commit-hash>", "", ["commit-hash"]),
        ("kubectl -n <namespace> logs <pod-name>", "console", ["namespace", "pod-name"]),
        ("helm upgrade --set image=<REGISTRY_URL>/app:<TAG>", "yaml", ["REGISTRY_URL", "TAG"]),
        ("kubectl patch -p <name of patch file>", "", ["name of patch file"]),
        ("SELECT * FROM <table> WHERE id = <id>;", "sql", ["table", "id"]),
        ("--set <key>=<value>", "bash", ["key", "value"]),
        ('pg_dump "$DATABASE_URL" --file=x.dump', "bash", ["DATABASE_URL"]),
        ("oc get pod -n ${NAMESPACE} ${POD}", "sh", ["NAMESPACE", "POD"]),
        ("$ oc -n $NS get pods", "console", ["NS"]),
        ("echo $token", "zsh", ["token"]),
        ('<input value="<API_TOKEN>">', "html", ["API_TOKEN"]),
    ],
)
def test_placeholders_are_found(code, lang, expected):
    assert names(code, lang) == expected


@pytest.mark.parametrize(
    ("code", "lang", "why"),
    [
        ("<div>x</div> <br> <p>text", "", "HTML tags"),
        ("<details><summary>More</summary></details>", "markdown", "HTML tags"),
        ("<config>on</config>", "", "a tag closed in the same block"),
        ("List<String> names = new ArrayList<String>();", "java", "generics"),
        ("Vec<u8>", "rust", "generics"),
        ("cat <<EOF\nhello\nEOF", "bash", "a heredoc"),
        ("sort < input.txt > output.txt", "bash", "redirections"),
        ("if (a < b && c > d) {}", "c", "comparisons"),
        ("x<y>z", "", "comparisons without spaces"),
        ("NOMINATED NODE   <none>   <unknown>", "", "tool output"),
        ("<user@example.com> <https://example.com>", "", "autolinks"),
        ("<head><title>x</title></head>", "html", "markup"),
        ("<namespace>", "html", "lowercase in markup is a tag"),
        ("\\<escaped>", "", "escaped"),
        ("echo $1 $@ $? $$ $# $!", "bash", "special parameters"),
        ("for f in $(ls); do echo $((1 + 2)); done", "bash", "substitutions"),
        ("awk '{print $NF}' file", "bash", "single quotes"),
        ("echo \\$HOST", "bash", "an escaped dollar"),
        ("echo ${NAMESPACE:-default} ${#NAME}", "bash", "defaults and lengths"),
        ("NS=prod\nkubectl -n $NS get pods", "bash", "assigned in the block"),
        ("export POD=$(kubectl get pods -o name)\necho $POD", "bash", "exported in the block"),
        ("for pod in a b; do echo $pod; done", "bash", "loop variables"),
        ("while read -r line; do echo $line; done", "bash", "read variables"),
        ("cd $HOME && echo $PATH $USER", "bash", "the shell's own variables"),
        ("x = $total", "python", "dollars outside shell code"),
        ("$DATABASE_URL", "", "dollars in code of no language"),
    ],
)
def test_near_misses_are_not_fields(code, lang, why):
    assert names(code, lang) == [], why


def test_declared_example_values_are_fields_wherever_they_appear():
    declared = {"api_url": "https://api.alcom.cm", "user_email": "user@example.com"}
    code = "curl https://api.alcom.cm/health -d 'email=user@example.com'"
    assert names(code, "bash", declared) == ["api_url", "user_email"]


def test_declared_values_only_match_whole_values():
    declared = {"user_email": "user@example.com", "api_url": "https://api.alcom.cm"}
    code = "superuser@example.com https://api.alcom.cmx user@example.comx"
    assert names(code, "", declared) == []


def test_a_declared_value_wins_over_a_placeholder_it_overlaps():
    declared = {"prod_url": "<production-url>"}
    assert names('DATABASE_URL="<production-url>" npx prisma', "bash", declared) == ["prod_url"]


@pytest.mark.parametrize(
    "name",
    ["RESEND_API_KEY", "API_TOKEN", "db-password", "apiKey", "AUTHTOKEN", "client_secret", "KEY"],
)
def test_secret_looking_names(name):
    assert fields.is_secret(name)


@pytest.mark.parametrize(
    "name", ["DATABASE_URL", "namespace", "monkey", "KEYID", "TOKENIZER", "keyboard", "pod"]
)
def test_names_that_are_not_secret(name):
    assert not fields.is_secret(name)


def test_one_field_however_its_name_is_written():
    html = render("```bash\npsql <DATABASE_URL>\npg_dump $DATABASE_URL\n```\n")
    assert [f.key for f in fields.fields_in(html)] == ["database_url"]
    assert fields.fields_in(html)[0].name == "DATABASE_URL"


def render(text: str, declared: dict | None = None) -> str:
    env = {FIELDS_ENV: declared} if declared else {}
    return clean_html(render_tokens(parse(text, env), env))


def test_fields_are_marked_in_highlighted_code_inline_code_and_indented_code():
    html = render(
        "```bash\ncurl https://<HOST>/health\n```\n\nRun `kubectl logs <pod>`.\n\n    ssh <node>\n"
    )
    assert '<span class="kb-field" data-field="HOST">&lt;HOST&gt;</span>' in html
    assert '<span class="kb-field" data-field="pod">&lt;pod&gt;</span>' in html
    assert '<span class="kb-field" data-field="node">&lt;node&gt;</span>' in html


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<HOST>", "$NS", "${POD}", "'$X'", " ", "\n", "<", ">", "$", "a", '"', "\\", "{", "}"]
        ),
        max_size=30,
    ).map("".join),
    st.sampled_from(["bash", "python", "", "html"]),
)
def test_marking_never_changes_the_code_a_reader_copies(code, lang):
    html = render(f"````{lang}\n{code}\n````\n")
    inside = re.search(r"<code[^>]*>(.*)</code>", html, re.DOTALL).group(1)
    assert text_of(inside) == code + "\n"


def test_filling_replaces_the_text_and_keeps_the_example():
    html = render("```bash\ncurl https://<HOST>/x <HOST>\n```\n")
    filled = fields.fill(html, {"host": "api.staging.example"})
    assert text_of(filled).strip() == "curl https://api.staging.example/x api.staging.example"
    assert 'data-example="&lt;HOST&gt;"' in filled
    assert fields.fields_in(filled)[0].example == "<HOST>"


def test_a_filled_value_is_text_never_markup():
    html = render("`<HOST>`")
    filled = fields.fill(html, {"host": "<script>alert(1)</script>"})
    assert "<script>" not in filled and "&lt;script&gt;" in filled


def test_a_value_holding_markup_or_shell_syntax_is_never_a_value_to_fill_with():
    page_fields = fields.fields_in(fields.fill(render("`<HOST>`"), {}))
    given = {"host": "<script>alert(1)</script>"}
    assert fields.clean_values(given, page_fields) == {}
    assert "host" in fields.refusals(given, page_fields)
    assert fields.from_labels(given) == {}


def test_alert_labels_fill_fields_of_the_same_name_but_never_secret_ones():
    values = fields.from_labels({"namespace": "prod", "pod": "api-1", "API_TOKEN": "t0ps3cret"})
    assert values["namespace"] == "prod" and values["ns"] == "prod"
    assert values["pod"] == "api-1" and values["pod_name"] == "api-1"
    assert "api_token" not in values


def test_kb_check_lists_each_files_fields_and_warns_about_unused_ones(content_dir):
    write(
        content_dir,
        "db.md",
        "---\nfields:\n  api_url: https://api.example.com\n  gone: https://old.example\n---\n"
        "# DB\n\n```bash\ncurl https://api.example.com\npsql $DATABASE_URL\n"
        'curl -H "Authorization: $RESEND_API_KEY"\n```\n',
    )
    write(content_dir, "plain.md", "# Plain\n\nNothing to fill.\n")
    result = CliRunner().invoke(cli, ["check", str(content_dir)])
    assert result.exit_code == 0
    assert "db.md: fields: api_url, DATABASE_URL, RESEND_API_KEY (secret)" in result.output
    assert "plain.md: fields" not in result.output
    assert "db.md:4: warning: field 'gone': its example value" in result.output


def test_malformed_fields_in_front_matter_are_errors_with_their_line(content_dir):
    write(content_dir, "a.md", "---\ntitle: A\nfields: [api_url]\n---\n# A\n")
    write(content_dir, "b.md", "---\nfields:\n  'bad name!': x\n  ok: {nested: 1}\n---\n# B\n")
    library = load_library(content_dir)
    messages = {str(p) for p in library.problems}
    assert "a.md:3: front matter 'fields' must map names to example values" in messages
    assert any(m.startswith("b.md:2: field 'bad name!'") for m in messages)
    assert any(m.startswith("b.md:2: field 'ok': give the example value") for m in messages)
