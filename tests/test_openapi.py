"""The JSON API is described by /api/openapi.json, and does what that document says.

Schemathesis generates requests from the document (bounded: 50 examples an operation)
and checks every response: never a 5xx, a documented status, content type and schema.
Live checks go to a closed port on 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from kb import create_app
from kb.auth.service import create_token, create_user
from tests.conftest import FIXTURES

_folder = Path(tempfile.mkdtemp(prefix="kb-openapi-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
APP = create_app(
    {
        "TESTING": True,
        "KB_CONTENT_DIR": str(FIXTURES),
        "KB_DATA_DIR": str(_folder / "data"),
        "KB_DATABASE_URL": f"sqlite:///{_folder / 'kb.sqlite3'}",
        "KB_PROBE_ENVIRON": {"KB_TARGET_API_URL": "http://127.0.0.1:9"},
        "KB_PROBE_RATE_PER_MINUTE": 100_000,
    }
)
with Session(APP.extensions["kb.db"]) as _session:
    create_user(
        session=_session, username="robot", password="a long enough password", role="editor"
    )
    TOKEN = create_token(session=_session, username="robot")

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_api_route_is_documented_and_every_documented_route_exists():
    document = APP.test_client().get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method != "parameters"
    }
    registered = {
        (re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in APP.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == registered


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_does_what_its_document_says(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
