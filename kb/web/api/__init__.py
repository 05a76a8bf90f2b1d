"""The JSON API: one blueprint under /api, for tools, scripts and chat bots.

What holds for every route here, decided once:
- reads are open unless KB_PUBLIC_READ=false (kb.web.auth checks that app-wide);
- writes need `Authorization: Bearer <token>`, or a logged-in browser session *plus* its
  CSRF token in `X-CSRFToken` (kb.web.routing.needs_csrf: a cookie alone is what a
  cross-site page could send); `editor_required` answers 401/403 in JSON;
- errors are JSON (kb.web.errors asks kb.web.routing.is_api);
- bodies go out through the *Public models of kb.web.api.public, which are also what
  /api/openapi.json describes.
The routes live in one module per resource; each adds itself to `bp`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

# Imported for their routes, which register on `bp` above.
from kb.web.api import alerts, articles, contacts, diagnoses, docs, search  # noqa: E402, F401
