"""/api/openapi.json: the API described (OpenAPI 3.1).

The paths are written by hand in openapi.yaml; the schemas of bodies the API reads and
sends for contacts come from the models, so a new contact field shows up here by itself.
Tests check the document against the registered routes and run schemathesis against it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import jsonify

from kb.contacts.model import ContactChangePublic, ContactPublic, ContactUpdate
from kb.web.api import bp

OPENAPI = Path(__file__).resolve().parents[1] / "openapi.yaml"
MODEL_SCHEMAS = {
    "Contact": (ContactPublic, "serialization"),
    "ContactIn": (ContactUpdate, "validation"),
    "Change": (ContactChangePublic, "serialization"),
}


@cache
def openapi_document() -> dict:
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    for name, (model, mode) in MODEL_SCHEMAS.items():
        schemas[name] = model.model_json_schema(mode=mode)
    return document


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
