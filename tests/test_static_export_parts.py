"""The export's small parts, string in and string out."""

from __future__ import annotations

import pytest

from kb.checks.catalog import Catalog, Probe, Target
from kb.checks.conditions import parse_condition
from kb.content.model import Branch, Node, Tree
from kb.static_export.checks import condition_words, curl_command
from kb.static_export.guides import end_pages
from kb.static_export.paths import article_path, guide_path, relative
from kb.static_export.search_index import Entry, build_index, index_script, tokens


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ("[STATUS] == 200", "the HTTP status is 200"),
        ("200 == [STATUS]", "the HTTP status is 200"),
        ("[STATUS] != 429", "the HTTP status is not 429"),
        ("[BODY].checks.database == ok", "checks.database in the JSON body is ok"),
        ("[BODY].items[1].name == x", "items[1].name in the JSON body is x"),
        ("[RESPONSE_TIME] < 1s", "the response time in ms is under 1s"),
        ("1000 > [RESPONSE_TIME]", "the response time in ms is under 1000"),
        ("[BODY].memory.used_percent <= 85", "memory.used_percent in the JSON body is at most 85"),
        ("len([BODY].data) > 0", "the length of data in the JSON body is over 0"),
        ("has([BODY].errors) == false", "there is no errors in the JSON body"),
        ("has([BODY].data) == true", "there is data in the JSON body"),
        ("[CONNECTED] == true", "the connection is made"),
        ("[CONNECTED] != true", "the connection is not made"),
        ("[STATUS] == any(200, 204)", "the HTTP status is one of 200, 204"),
        ("[BODY] == pat(*ok*)", "the response body looks like the pattern *ok* (* is any text)"),
        (
            "[BODY].v != pat(1.*)",
            "v in the JSON body does not look like the pattern 1.* (* is any text)",
        ),
        (
            "[CERTIFICATE_EXPIRATION] > 48h",
            "the time until the TLS certificate expires is over 48h",
        ),
    ],
)
def test_conditions_in_words(condition, words):
    assert condition_words(parse_condition(condition)) == words


def probe(**changes) -> Probe:
    fields = {
        "name": "p",
        "title": "P",
        "target": "api",
        "method": "GET",
        "path": "/health",
        "headers": (),
        "timeout": 5.0,
        "conditions": (("status", parse_condition("[STATUS] == 200")),),
        "line": 1,
    }
    return Probe(**{**fields, **changes})


CATALOG = Catalog(targets={"api": Target("api", "https://api.example.com")})


@pytest.mark.parametrize(
    ("changes", "command"),
    [
        ({}, "curl --silent --show-error --include --max-time 5 https://api.example.com/health"),
        (
            {"method": "HEAD", "timeout": 2.5},
            "curl --silent --show-error --include --max-time 2.5 --head https://api.example.com/health",
        ),
        (
            {"headers": (("Authorization", "Bearer ${TOKEN}"),)},
            'curl --silent --show-error --include --max-time 5 --header "Authorization: Bearer ${TOKEN}" https://api.example.com/health',
        ),
        (  # a literal the shell would read inside double quotes: quoted apart
            {"headers": (("X-Key", "a$b ${K}"),)},
            "curl --silent --show-error --include --max-time 5 --header 'X-Key: a$b '\"${K}\" https://api.example.com/health",
        ),
        (
            {"headers": (("Accept", "application/json"),), "path": "/q?a=1&b=2"},
            "curl --silent --show-error --include --max-time 5 --header 'Accept: application/json' 'https://api.example.com/q?a=1&b=2'",
        ),
        (
            {"conditions": (("fast", parse_condition("[RESPONSE_TIME] < 1s")),)},
            "curl --silent --show-error --include --max-time 5 --write-out '\\ntime: %{time_total}s\\n' https://api.example.com/health",
        ),
    ],
)
def test_curl_commands(changes, command):
    assert curl_command(probe(**changes), CATALOG, {}) == command


def test_a_password_in_the_targets_address_never_reaches_the_page():
    environ = {"KB_TARGET_API_URL": "http://oncall:s3cretPW@127.0.0.1:8080"}
    command = curl_command(probe(), CATALOG, environ)
    assert "s3cretPW" not in command and "oncall" not in command
    assert command.endswith(' --user "${KB_TARGET_API_CREDENTIALS}" http://127.0.0.1:8080/health')


def test_curl_goes_where_the_environment_points_the_target():
    environ = {"KB_TARGET_API_URL": "http://127.0.0.1:8080/"}
    assert curl_command(probe(), CATALOG, environ).endswith(" http://127.0.0.1:8080/health")


@pytest.mark.parametrize(
    ("here", "target", "fragment", "href"),
    [
        ("index.html", "a/x.html", "", "a/x.html"),
        ("a/x.html", "a/x/y.html", "", "x/y.html"),
        ("a/x/y.html", "a/x.html", "part", "../x.html#part"),
        ("a/x/y.html", "assets/kb.css", "", "../../assets/kb.css"),
        ("g/t/step-1.html", "g/t/step-2.html", "", "step-2.html"),
        ("a/é x.html", "a/é x/ü.html", "ä b", "%C3%A9%20x/%C3%BC.html#%C3%A4%20b"),
        ("search.html", "a/50%.html", "", "a/50%25.html"),
    ],
)
def test_relative_links(here, target, fragment, href):
    assert relative(here, target, fragment) == href


def test_paths_never_climb_out_of_their_folder():
    assert article_path("runbook/part") == "a/runbook/part.html"
    for sneaky in ("../../etc/x", "a//b", "/abs", "a/./b", "back\\slash"):
        assert article_path(sneaky).startswith("a/_/")
        assert guide_path(sneaky, "step-1").startswith("g/_/")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Shift won't close", ["shift", "clos"]),
        ("cannot close shift", ["clos", "shift"]),
        ("closing closed closes", ["clos", "clos", "clos"]),
        ("services databases queries", ["servic", "databas", "query"]),
        ("pg_dump /health/ready", ["pg_dump", "pg", "dump", "health/ready", "health", "ready"]),
        ("KubePodCrashLooping", ["kubepodcrashlooping", "kube", "pod", "crash", "loop"]),
        ("Café’s users’ 429 5xx", ["cafe", "user", "429", "5xx"]),
        ("how do I restore the backup", ["restor", "backup"]),
    ],
)
def test_words_for_search(text, words):
    assert tokens(text) == words


def test_the_index_ranks_by_field_and_ships_as_a_script():
    entries = [
        Entry("a/1.html", "Disk full", "article", "", "", {"body": "memory " * 3}),
        Entry("a/2.html", "Memory high", "article", "", "", {"title": "Memory high"}),
    ]
    index = build_index(entries)
    postings = index["postings"][index["words"].index("memory")]
    gaps, weights = postings[0::2], postings[1::2]
    assert gaps == [0, 1] and weights[1] > weights[0]  # a title word outweighs body repeats
    script = index_script({**index, "docs": [["a", "line\u2028break", "", "", "", ""]]})
    assert script.startswith("window.KB_SEARCH_INDEX = {") and "\u2028" not in script


def test_each_distinct_end_has_its_own_page():
    def node(number, *branches):
        return Node(
            id=f"step-{number}", kind="question", html="", text="", line=1, branches=list(branches)
        )

    tree = Tree(
        id="t",
        title="T",
        article="t",
        source="t.md",
        line=1,
        nodes=[
            node(1, Branch("a", "resolved"), Branch("b", "escalate", note="Railway")),
            node(2, Branch("c", "escalate"), Branch("d", "escalate", note="Railway")),
            node(3, Branch("e", "resolved", note="restarted"), Branch("f", "step-1")),
        ],
    )
    assert end_pages(tree) == {
        ("resolved", ""): "resolved",
        ("escalate", "Railway"): "escalate",
        ("escalate", ""): "escalate-2",
        ("resolved", "restarted"): "resolved-2",
    }
