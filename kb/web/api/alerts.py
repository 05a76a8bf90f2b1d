"""/api/alerts: Alertmanager's and Grafana's webhooks open a diagnosis on the right guide.

Point a webhook receiver (Alertmanager `webhook_configs`, Grafana's webhook contact point)
here with `Authorization: Bearer <token>` of a user with the `alerts` role (or an editor).
The whole payload is read and checked before anything is written: a bad one gets 422 with
an error per field. Then, for each alert: find its guide (kb.alerts.matching); a firing
one joins its open diagnosis or opens one (kb.alerts.store), a resolved one marks its
diagnosis. An alert found only by search gets the best page as its runbook_url but no
diagnosis (a guess should not run checks and sit in the guide's statistics); one found
nowhere gets a search link. The answer says where each went.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import current_app, jsonify, request, url_for

from kb.alerts import store as alert_store
from kb.alerts.matching import Match, find_guide
from kb.alerts.payload import MAX_BYTES, AlertIn, ValidationError, WebhookIn, field_errors
from kb.checks.service import get_probes
from kb.content import fields
from kb.content.parser import article_url
from kb.content_store import get_library
from kb.db import get_session
from kb.diagnosis import engine
from kb.search.setup import get_search
from kb.web.api import bp
from kb.web.api.public import AlertResultPublic, AlertsPublic, send
from kb.web.auth import alert_sender_required

log = logging.getLogger(__name__)


@bp.post("/alerts")
@alert_sender_required
def receive_alerts():
    request.max_content_length = MAX_BYTES  # 413 past it, before the body is read
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _invalid({"body": "send the webhook's JSON object (Alertmanager or Grafana)"})
    try:
        webhook = WebhookIn.model_validate(payload)
    except ValidationError as error:
        return _invalid(field_errors(error))
    results = [_receive(alert, webhook.source) for alert in webhook.alerts]
    return send(AlertsPublic(alerts=results))


def _invalid(errors: dict[str, str]):
    return jsonify({"errors": errors}), 422


def _receive(alert: AlertIn, source: str) -> AlertResultPublic:
    match = find_guide(alert, get_library(), _search)
    session = get_session()
    diagnosis_id, created = None, False
    if alert.status == "resolved":
        diagnosis_id = alert_store.mark_resolved(session=session, alert=alert)
    elif match.tree is not None and match.matched_by != "search":
        # A search hit is a guess: linked, never a diagnosis with its checks run.
        tree = match.tree
        diagnosis_id, created = alert_store.join_or_open(
            session=session,
            alert=alert,
            source=source,
            matched_by=match.matched_by,
            start=lambda: engine.start(tree, get_probes().run),
        )
    log.info(
        "alert %s %s: %s (matched by %s)",
        alert.identity,
        alert.status,
        f"diagnosis {diagnosis_id}" + (" opened" if created else "") if diagnosis_id else "-",
        match.matched_by,
    )
    path = url_for("diagnose.diagnosis_page", diagnosis_id=diagnosis_id) if diagnosis_id else None
    return AlertResultPublic(
        fingerprint=alert.identity,
        status=alert.status,
        diagnosis_url=_absolute(path) if path else None,
        runbook_url=_absolute(_runbook_path(match, alert)),
        matched_by=match.matched_by,
        created=created,
    )


def _search(text: str) -> list[str]:
    """Runbook pages search finds for an alert no link or name matched, best first."""
    try:
        answer = get_search().search(text, limit=3)
    except Exception:  # search helps here; it is never a reason to drop an alert
        log.warning("alerts: search failed", exc_info=True)
        return []
    return [result.url for result in answer.results if result.kind != "contact"]


def _runbook_path(match: Match, alert: AlertIn) -> str:
    """The guide's page, its fields filled from the alert's labels; or a search."""
    if match.article is None:
        return url_for("search.search_page") + "?" + urlencode({"q": match.query})
    library = get_library()
    page = library.whole_html(match.article)
    wanted = {f.key for f in fields.fields_in(page)}
    prefill = {k: v for k, v in fields.from_labels(alert.labels).items() if k in wanted}
    return article_url(match.article.slug) + ("?" + urlencode(prefill) if prefill else "")


def _absolute(path: str) -> str:
    """Absolute from KB_BASE_URL only (the Host header is whatever the client sent)."""
    return (current_app.config.get("KB_BASE_URL") or "") + path
