"""The Gatus-style condition grammar: parsed, never eval'd; decimals; missing paths."""

from __future__ import annotations

import pytest

from kb.checks.conditions import MISSING, ConditionError, Response, evaluate, parse_condition

READY = {"status": "degraded", "checks": {"database": "error", "redis": "ok"}, "items": [1, 2, 3]}


def check(expression, body=READY, status=200, ms=120):
    return evaluate(parse_condition(expression), Response(status, ms, body, ""))


@pytest.mark.parametrize(
    "expression, success",
    [
        ("[STATUS] == 200", True),
        ("[STATUS] == any(200, 503)", True),
        ("[STATUS] != any(500, 503)", True),
        ("[BODY].checks.redis == ok", True),
        ("[BODY].checks.database == ok", False),
        ("[RESPONSE_TIME] < 1000", True),
        ("[RESPONSE_TIME] > 1000", False),
        ("len([BODY].items) == 3", True),
        ("len([BODY].items) < 3", False),
        ("has([BODY].checks) == true", True),
        ("has([BODY].nothing) == false", True),
        ("[BODY].items[1] == 2", True),
        ("[BODY].items[9] == 2", False),
    ],
)
def test_conditions_evaluate(expression, success):
    assert check(expression).success is success


def test_numbers_compare_as_decimals_not_text():
    body = {"memory": {"used_percent": 9.5}}
    assert check("[BODY].memory.used_percent < 85", body).success  # "9.5" > "85" as text
    assert check("[BODY].memory.used_percent == 9.50", body).success
    assert not check("[BODY].memory.used_percent > 85.0", body).success


def test_failures_show_the_actual_value_gatus_style():
    outcome = check("[BODY].checks.database == ok")
    assert outcome.shown == "[BODY].checks.database (error) == ok"
    assert not outcome.missing


def test_a_missing_path_fails_and_says_so():
    outcome = check("[BODY].checks.kafka == ok")
    assert not outcome.success and outcome.missing
    assert outcome.shown == "[BODY].checks.kafka (missing) == ok"
    assert not check("[BODY].checks.database == ok", MISSING).success


@pytest.mark.parametrize(
    "expression, message",
    [
        ("[STATUS] 200", "no comparison operator"),
        ("[STATUS] == ", "empty side"),
        ("[BODYY].x == 1", "unknown placeholder"),
        ("[STATUS].code == 1", "has no fields"),
        ("[BODY].a..b == 1", "bad path"),
        ("any(1, 2) == [STATUS]", "right-hand side"),
        ("[STATUS] < any(1, 2)", "only works with == or !="),
        ("1 == 1", "compares two constants"),
        ("__import__('os').system('x') == 1", "compares two constants"),
    ],
)
def test_malformed_conditions_are_rejected_with_a_reason(expression, message):
    with pytest.raises(ConditionError, match=message):
        parse_condition(expression)
