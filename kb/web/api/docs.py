"""/api/openapi.json: the API described (OpenAPI 3.1).

The paths are written by hand in openapi.yaml; the schemas of bodies the API reads and
sends for contacts and alerts come from the models, so a new field shows up here by itself.
Tests check the document against the registered routes and run schemathesis against it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import jsonify

from kb.alerts.payload import WebhookIn
from kb.contacts.model import ContactChangePublic, ContactPublic, ContactUpdate
from kb.web.api import bp
from kb.web.api.public import AlertPublic, AlertsPublic

OPENAPI = Path(__file__).resolve().parents[1] / "openapi.yaml"
MODEL_SCHEMAS = {
    "Contact": (ContactPublic, "serialization"),
    "ContactIn": (ContactUpdate, "validation"),
    "Change": (ContactChangePublic, "serialization"),
    "Webhook": (WebhookIn, "validation"),
    "AlertResults": (AlertsPublic, "serialization"),
    "Alert": (AlertPublic, "serialization"),
}
REF = "#/components/schemas/{model}"


@cache
def openapi_document() -> dict:
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    for name, (model, mode) in MODEL_SCHEMAS.items():
        schema = model.model_json_schema(mode=mode, ref_template=REF)
        # Nested models become components of their own, so their references resolve.
        for inner, definition in schema.pop("$defs", {}).items():
            schemas.setdefault(inner, definition)
        schemas[name] = schema
    return document


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
