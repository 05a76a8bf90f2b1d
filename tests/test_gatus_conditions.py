"""Conditions mean what they mean in Gatus: a table from ../shared/reference/gatus-conditions.md.

Each case is a condition, the response it runs on, and the outcome Gatus gives it (where
the fact sheet is specific, the fact sheet's). Then `kb check`: it rejects what Gatus
rejects, and says with file:line where kb deliberately reads a condition differently.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kb.checks.conditions import ConditionError, Response, evaluate, parse_condition
from kb.cli import cli
from tests.conftest import write

HOUR = 3_600_000
DAY = 24 * HOUR
HTML_JOHN = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8" /></head>'
    '<body><div id="user">john.doe</div></body></html>'
)
HTML_JANE = HTML_JOHN.replace("john.doe", "jane.doe")


def response(status=200, ms=100, body="", connected=True, certificate_ms=0) -> Response:
    """A response as the runner builds it: the body as received, as text."""
    if not connected:
        return Response(None, None, text="", connected=False)
    return Response(status, ms, text=body, certificate_expiration_ms=certificate_ms)


# (condition, response, expected): "pass" or "fail"
CASES = [
    # [STATUS] and the six operators
    ("[STATUS] == 200", response(200), "pass"),
    ("[STATUS] == 200", response(500), "fail"),
    ("[STATUS] != 200", response(503), "pass"),
    ("[STATUS] < 300", response(201), "pass"),
    ("[STATUS] < 300", response(404), "fail"),
    ("[STATUS] <= 299", response(299), "pass"),
    ("[STATUS] >= 500", response(503), "pass"),
    ("[STATUS] > 399", response(302), "fail"),
    ("[STATUS] == 0xC8", response(200), "pass"),
    ("[STATUS]  ==  200", response(200), "pass"),
    # placeholders on both sides compare their resolved values
    ("[STATUS] == [BODY].status", response(429, body='{"status": 429}'), "pass"),
    ("[BODY].age == [BODY].id", response(body='{"age": 1, "id": 1}'), "pass"),
    ("[BODY].age == [BODY].id", response(body='{"age": 18, "id": 1}'), "fail"),
    # [RESPONSE_TIME]: milliseconds, against numbers or durations
    ("[RESPONSE_TIME] < 500", response(ms=50), "pass"),
    ("[RESPONSE_TIME] < 1s", response(ms=50), "pass"),
    ("[RESPONSE_TIME] > 1s", response(ms=2000), "pass"),
    ("[RESPONSE_TIME] < 500ms", response(ms=750), "fail"),
    ("[RESPONSE_TIME] <= 500", response(ms=500), "pass"),
    ("[RESPONSE_TIME] >= 500", response(ms=499), "fail"),
    ("[RESPONSE_TIME] < 2m", response(ms=90_000), "pass"),
    ("[RESPONSE_TIME] < 1m", response(ms=60_000), "fail"),
    ("[RESPONSE_TIME] < 1.5s", response(ms=1499), "pass"),
    ("[RESPONSE_TIME] < 1h30m", response(ms=5_000_000), "pass"),
    ("[RESPONSE_TIME] < potato", response(ms=50), "fail"),
    ("[RESPONSE_TIME] > potato", response(ms=50), "fail"),
    # [BODY]: the raw text, compared as a number when it is one
    ("[BODY] == test", response(body="test"), "pass"),
    ("[BODY] == ok", response(body="ok\n"), "pass"),
    ("[BODY] != down", response(body="up"), "pass"),
    ("[BODY] == 123", response(body="123"), "pass"),
    ("[BODY] < 124", response(body="123"), "pass"),
    ("[BODY] > 123", response(body="100"), "fail"),
    ('[BODY] == {"a":1}', response(body='{"a":1}'), "pass"),
    ('[BODY] == {"a": 1}', response(body='{"a":1}'), "fail"),
    ("[BODY] == [1,2,3]", response(body="[1,2,3]"), "pass"),
    # [BODY] paths
    ("[BODY].status == UP", response(body='{"status":"UP"}'), "pass"),
    ("[BODY].data.name == john", response(body='{"data": {"id": 1, "name": "john"}}'), "pass"),
    ("[BODY].data.name == john", response(body='{"data": {"id": 1}}'), "fail"),
    ("[BODY][0].id == 1", response(body='[{"id": 1}, {"id": 2}]'), "pass"),
    (
        "[BODY].items[1].name == b",
        response(body='{"items": [{"name": "a"}, {"name": "b"}]}'),
        "pass",
    ),
    ("[BODY].items[5].name == b", response(body='{"items": [{"name": "a"}]}'), "fail"),
    ("[BODY].matrix[1][0] == 3", response(body='{"matrix": [[1, 2], [3, 4]]}'), "pass"),
    ("[BODY].data == OK", response(body='{"data": null}'), "fail"),
    ("[BODY].data != OK", response(body='{"data": null}'), "fail"),
    ("[BODY].data == OK", response(body="null"), "fail"),
    ("[BODY][0].name == test", response(body='{"statusCode": 500}'), "fail"),
    ("[BODY].status == ok", response(body="<html>Bad gateway</html>"), "fail"),
    ("[BODY].data.id > 0", response(body='{"data": {"id": 1}}'), "pass"),
    ('[BODY].user == {"name":"jo"}', response(body='{"user": {"name": "jo"}}'), "pass"),
    ("[BODY].enabled == true", response(body='{"enabled": true}'), "pass"),
    ("[BODY].version == 3.4.1", response(body='{"version": "3.4.1"}'), "pass"),
    # the number forms Gatus reads, in a body and in a literal
    ("[BODY].data == 1", response(body='{"data": "0x1"}'), "pass"),
    ("[BODY].data == 0x1", response(body='{"data": "0x1"}'), "pass"),
    ("[BODY].data == 12648243", response(body='{"data": "0xC0ff33"}'), "pass"),
    ("[BODY].data >= 1", response(body='{"data": "0x01"}'), "pass"),
    ("[BODY].data == 2", response(body='{"data": "0o2"}'), "pass"),
    ("[BODY].data == 2", response(body='{"data": "0b0010"}'), "pass"),
    ("[BODY].data == 0b10", response(body='{"data": "0b0010"}'), "pass"),
    ("[BODY].balance > 100", response(body='{"balance": "123.40000000000005"}'), "pass"),
    ("[BODY].memory.used_percent < 85", response(body='{"memory": {"used_percent": 9.5}}'), "pass"),
    ("[BODY].v == 1.0", response(body='{"v": 1}'), "pass"),
    ("[BODY].count == 1000000", response(body='{"count": 1e6}'), "pass"),
    # len(): elements of an array, else characters of the value's JSON text
    ("len([BODY].data) == 3", response(body='{"data": [{"id": 1}, {"id": 2}, {"id": 3}]}'), "pass"),
    ("len([BODY].name) == 8", response(body='{"name": "john.doe"}'), "pass"),
    ("len([BODY].age) == 2", response(body='{"age":18}'), "pass"),
    ("len([BODY].adult) == 4", response(body='{"adult":true}'), "pass"),
    ("len([BODY][0]) == 23", response(body='[{"age":18,"adult":true}]'), "pass"),
    ("len([BODY][0]) == 23", response(body='[{"age": 18, "adult": true}]'), "pass"),
    ("len([BODY][0].age) == 2", response(body='[{"age":18,"adult":true}]'), "pass"),
    ("len([BODY].data) == 4", response(body='{"data": "0x01"}'), "pass"),
    ("len([BODY]) == 8", response(body="john.doe"), "pass"),
    ("len([BODY]) == 20", response(body='{"name": "john.doe"}'), "pass"),
    ("len([BODY]) == 3", response(body='[{"id": 1}, {"id": 2}, {"id": 3}]'), "pass"),
    ("len([BODY].data) == 8", response(body='{"name": "john.doe"}'), "fail"),
    ("len([BODY].items) > 0", response(body='{"items": []}'), "fail"),
    # has(): whether the path exists
    ("has([BODY].errors) == false", response(body="{}"), "pass"),
    ("has([BODY].errors) == false", response(body='{"errors": ["1"]}'), "fail"),
    ("has([BODY].items) == true", response(body='{"items": []}'), "pass"),
    ("has([BODY].users[0].name) == true", response(body='{"users": [{"name": "a"}]}'), "pass"),
    ("has([BODY].x) == false", response(body="<html></html>"), "pass"),
    # pat(): * wildcards, == and != only, on the value's text
    ("[STATUS] == pat(4*)", response(404), "pass"),
    ("[STATUS] == pat(4*)", response(200), "fail"),
    ("[STATUS] != pat(5*)", response(200), "pass"),
    ("[STATUS] != pat(5*)", response(503), "fail"),
    ("[BODY].name == pat(john*)", response(body='{"name": "john.doe"}'), "pass"),
    ("[BODY].name == pat(bob*)", response(body='{"name": "john.doe"}'), "fail"),
    ("[BODY].id == pat(*-*-*)", response(body='{"id": "a-b-c"}'), "pass"),
    ("[BODY] == pat(*john*)", response(body='{"name": "john.doe"}'), "pass"),
    ('[BODY] == pat(*<div id="user">john.doe</div>*)', response(body=HTML_JOHN), "pass"),
    ('[BODY] == pat(*<div id="user">john.doe</div>*)', response(body=HTML_JANE), "fail"),
    ("[BODY].data == pat(*Whatever*)", response(body='{"data": ["hello", "Whatever"]}'), "pass"),
    ("[BODY].data == pat(*nothing*)", response(body='{"data": ["hello", "Whatever"]}'), "fail"),
    ("[BODY] == pat(*ok*)", response(body=""), "fail"),
    # ... and on the left the condition fails, whatever the operator
    ("pat(4*) == [STATUS]", response(404), "fail"),
    ("pat(5*) != [STATUS]", response(200), "fail"),
    ('pat(*<div id="user">john.doe</div>*) == [BODY]', response(body=HTML_JOHN), "fail"),
    # any(): the other side equals one of the values, on either side
    ("[STATUS] == any(200, 429)", response(429), "pass"),
    ("[STATUS] == any(200, 429)", response(404), "fail"),
    ("any(200, 429) == [STATUS]", response(429), "pass"),
    ("[STATUS] != any(500, 503)", response(200), "pass"),
    ("[STATUS] != any(500, 503)", response(503), "fail"),
    ("[BODY].name == any(john.doe, jane.doe)", response(body='{"name": "jane.doe"}'), "pass"),
    ("[BODY].name == any(john.doe, jane.doe)", response(body='{"name": "bob"}'), "fail"),
    ("[BODY].name == any(a, b)", response(body="{}"), "fail"),
    # [CONNECTED]
    ("[CONNECTED] == true", response(), "pass"),
    ("[CONNECTED] == true", response(connected=False), "fail"),
    ("[CONNECTED] == false", response(connected=False), "pass"),
    ("[STATUS] == 200", response(connected=False), "fail"),
    # [CERTIFICATE_EXPIRATION]: compared with a duration; 0 for plain HTTP
    ("[CERTIFICATE_EXPIRATION] > 48h", response(certificate_ms=DAY), "fail"),
    ("[CERTIFICATE_EXPIRATION] > 12h", response(certificate_ms=DAY), "pass"),
    ("[CERTIFICATE_EXPIRATION] == 0", response(), "pass"),
    ("[CERTIFICATE_EXPIRATION] > 2419200000", response(certificate_ms=60 * DAY), "pass"),
    ("[CERTIFICATE_EXPIRATION] < 720h", response(certificate_ms=14 * DAY), "pass"),
    # constants compare too (kb check warns that they ignore the response)
    ("1 == 2", response(), "fail"),
    ("raw == raw", response(), "pass"),
]


def test_the_table_is_broad():
    assert len(CASES) >= 60
    kinds = " ".join(condition for condition, _, _ in CASES)
    for name in (
        "[STATUS]",
        "[RESPONSE_TIME]",
        "[BODY]",
        "[CONNECTED]",
        "[CERTIFICATE_EXPIRATION]",
    ):
        assert name in kinds
    for function in ("len(", "has(", "pat(", "any("):
        assert function in kinds


@pytest.mark.parametrize(
    "condition, seen, expected", CASES, ids=[f"{c} [{e}]" for c, _, e in CASES]
)
def test_gatus_semantics(condition, seen, expected):
    outcome = evaluate(parse_condition(condition), seen)
    assert not outcome.error
    assert ("pass" if outcome.success else "fail") == expected, outcome.shown


@pytest.mark.parametrize(
    "condition, seen, shown",
    [
        ("[STATUS] == 200", response(500), "[STATUS] (500) == 200"),
        ("[RESPONSE_TIME] < 1s", response(ms=1503), "[RESPONSE_TIME] (1503) < 1s"),
        (
            "[BODY].user.firstName == [BODY].user.lastName",
            response(body='{"user": {"firstName": "john", "lastName": "doe"}}'),
            "[BODY].user.firstName (john) == [BODY].user.lastName (doe)",
        ),
        ("[BODY].data == OK", response(body='{"data": null}'), "[BODY].data (null) == OK"),
        ("[BODY].status == ok", response(body="<html>"), "[BODY].status (not JSON) == ok"),
        (
            "[CERTIFICATE_EXPIRATION] > 48h",
            response(certificate_ms=DAY),
            "[CERTIFICATE_EXPIRATION] (24h) > 48h",
        ),
        ("[CONNECTED] == true", response(connected=False), "[CONNECTED] (false) == true"),
        ("[STATUS] == any(200, 429)", response(404), "[STATUS] (404) == any(200, 429)"),
        (
            "has([BODY].errors) == false",
            response(body='{"errors": [1]}'),
            "has([BODY].errors) (true) == false",
        ),
    ],
)
def test_a_failure_shows_the_actual_value(condition, seen, shown):
    outcome = evaluate(parse_condition(condition), seen)
    assert not outcome.success and outcome.shown == shown


# Gatus's own list of conditions it accepts when loading a configuration.
GATUS_VALID = [
    "[STATUS] == 200",
    "[STATUS] != 200",
    "[STATUS] <= 200",
    "[STATUS] >= 200",
    "[STATUS] < 200",
    "[STATUS] > 200",
    "[STATUS] == any(200, 201, 202, 203)",
    "[STATUS] == [BODY].status",
    "[CONNECTED] == true",
    "[RESPONSE_TIME] < 500",
    "[BODY] == 1",
    "[BODY].test == wat",
    "[BODY].test.wat == wat",
    "[BODY].age == [BODY].id",
    "[BODY].users[0].id == 1",
    "len([BODY].users) == 100",
    "len([BODY].data) < 5",
    "has([BODY].errors) == false",
    "has([BODY].users[0].name) == true",
    "[BODY].name == pat(john*)",
    "[CERTIFICATE_EXPIRATION] > 48h",
    "raw == raw",
]
GATUS_INVALID = ["[STATUS] ? 201", "[STATUS]==201", "[STATUS] = = 201", "[STATUS] ==", "[STATUS]"]


@pytest.mark.parametrize("condition", GATUS_VALID)
def test_what_gatus_accepts_kb_accepts(condition):
    parse_condition(condition)


@pytest.mark.parametrize("condition", GATUS_INVALID)
def test_what_gatus_rejects_kb_rejects(condition):
    with pytest.raises(ConditionError):
        parse_condition(condition)


@pytest.mark.parametrize("condition", ["[IP] == 127.0.0.1", "[DOMAIN_EXPIRATION] > 720h"])
def test_placeholders_outside_http_are_rejected_with_a_clear_message(condition):
    with pytest.raises(ConditionError, match="kb"):
        parse_condition(condition)


PROBES = """\
targets:
  api: {url: "https://api.example.com"}
  plain: {url: "http://intranet.example.com"}
probes:
  gatus-rejects:
    target: api
    conditions:
      - "[STATUS] == 200"
      - "[STATUS]==201"
      - "[STATUS] = = 201"
      - "[STATUS] =="
      - "[STATUS]"
      - "[STATUS] ? 201"
  kb-differs:
    target: plain
    conditions:
      - "[RESPONSE_TIME] < potato"
      - "pat(4*) == [STATUS]"
      - "[BODY].code == 012"
      - "[BODY].ratio < 99.5"
      - "[BODY].name == pat(jo?n)"
      - "[CERTIFICATE_EXPIRATION] > 48h"
      - "1 == 1"
      - "[RESPONSE_TIME] == 1s"
"""


def test_kb_check_rejects_what_gatus_rejects_with_file_and_line(content_dir, monkeypatch):
    write(content_dir, "probes.yaml", PROBES)
    monkeypatch.chdir(content_dir)  # kb check names files as typed: here, `probes.yaml`
    result = CliRunner().invoke(cli, ["check", "."])
    assert result.exit_code == 1
    errors = [
        line
        for line in result.output.splitlines()
        if line.startswith("probes.yaml:") and "warning" not in line
    ]
    lines = sorted(int(line.split(":")[1]) for line in errors)
    assert lines == [9, 10, 11, 12, 13]
    assert (
        "probes.yaml:9: probe 'gatus-rejects': condition 2: put one space on each side of '=='"
        in result.output
    )


def test_kb_check_says_where_kb_reads_a_condition_differently(content_dir, monkeypatch):
    write(content_dir, "probes.yaml", PROBES)
    monkeypatch.chdir(content_dir)
    output = CliRunner().invoke(cli, ["check", "."]).output
    warnings = {
        int(line.split(":")[1]): line for line in output.splitlines() if ": warning: " in line
    }
    assert "neither a number nor a duration" in warnings[17]
    assert "pat(...) on the left never matches" in warnings[18]
    assert "Gatus reads a leading 0 as octal" in warnings[19]
    assert "Gatus drops the decimals" in warnings[20]
    assert "kb matches ? and [ as themselves" in warnings[21]
    assert "is 0 for a plain http:// target" in warnings[22]
    assert "compares two constants" in warnings[23]
    assert "use < or > with a duration" in warnings[24]
