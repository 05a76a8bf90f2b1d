"""The Gatus condition grammar: parsed, never eval'd; decimals; missing paths; no crashes.

Gatus's own semantics, case by case, are in tests/test_gatus_conditions.py."""

from __future__ import annotations

import pytest

from kb.checks.conditions import (
    MISSING,
    ConditionError,
    Response,
    evaluate,
    parse_condition,
    review,
)

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
        ("[STATUS] < any(1, 2)", "only works with == or !="),
        ("[BODY] > pat(1*)", "only works with == or !="),
        ("any(1, 2) == pat(1*)", "not two functions"),
        ("[STATUS]==200", "one space on each side of '=='"),
        ("[BODY] == a == b", "more than one '=='"),
        ("len(5) == 1", "takes a placeholder"),
        ("[IP] == 127.0.0.1", "DNS and ICMP"),
        ("[BODY].items[*].id == 1", r"\[\*\] \(every element\) is not supported"),
    ],
)
def test_malformed_conditions_are_rejected_with_a_reason(expression, message):
    with pytest.raises(ConditionError, match=message):
        parse_condition(expression)


def test_constants_are_compared_never_evaluated_as_code():
    """Gatus accepts `1 == 2`; kb does too, and `kb check` says it ignores the response."""
    hostile = parse_condition("__import__('os').system('x') == 1")
    assert hostile.left.kind == "literal"
    assert not check("__import__('os').system('x') == 1").success
    assert check("1 == 1").success and not check("1 == 2").success
    assert review(parse_condition("1 == 2")) == [
        "compares two constants, so it never depends on the response"
    ]


def test_one_absurdly_long_number_leaves_the_rest_of_the_body_readable():
    text = '{"status": "ok", "n": ' + "9" * 3000 + "}"
    outcome = evaluate(parse_condition("[BODY].status == ok"), Response(200, 5, text=text))
    assert outcome.success and outcome.shown == "[BODY].status (ok) == ok"
    long = evaluate(parse_condition("[BODY].n > 1"), Response(200, 5, text=text))
    assert long.success in (True, False)


@pytest.mark.parametrize(
    "text, expression",
    [
        ('{"v": "NaN"}', "[BODY].v < 5"),
        ('{"v": "sNaN"}', "[BODY].v == 1"),
        ('{"v": 1}', "[BODY].v < NaN"),
        ('{"v": 1}', "[BODY].v == sNaN"),
        ('{"v": "Infinity"}', "[BODY].v >= -Infinity"),
        ('{"v": 1e999999999}', "[BODY].v > 1"),
        ("NaN", "[BODY] > 0"),
        ('{"v": NaN}', "[BODY].v == NaN"),
        ("[" * 5000 + "]" * 5000, "len([BODY]) == 1"),
        ('{"v": "' + "9" * 5000 + '"}', "[BODY].v > 1"),
        ('{"v": ' + "9" * 5000 + "}", "[BODY].v > 1"),
    ],
)
def test_no_value_from_a_response_can_crash_a_condition(text, expression):
    outcome = evaluate(parse_condition(expression), Response(200, 5, text=text))
    assert outcome.success in (True, False)
    assert outcome.shown.startswith(expression.split(" ")[0])
