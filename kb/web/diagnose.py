"""Guided troubleshooting pages: trees, diagnoses, triage (their JSON API is
kb.web.api.diagnoses, which shares the helpers here)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    get_template_attribute,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from markupsafe import Markup

from kb.alerts import store as alert_store
from kb.checks.service import get_probes, probe_limit
from kb.contacts.service import list_contacts
from kb.content import fields
from kb.content.model import END_ESCALATE, ENDS, Tree
from kb.content.parser import article_url
from kb.content_store import get_library
from kb.db import get_session
from kb.diagnosis import engine, store, triage, triage_store, values
from kb.diagnosis.diagram import render_svg
from kb.diagnosis.escalation import escalation, guide_text
from kb.diagnosis.export import timeline_markdown, timeline_text
from kb.search.setup import get_search
from kb.web.api.public import alert_public, contact_public
from kb.web.routing import is_api, wants_json

bp = Blueprint("diagnose", __name__)


@bp.app_template_filter("utc")
def utc(moment: datetime | None) -> str:
    """A stored moment as responders compare it with their dashboards: UTC, to the second."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _tree_or_404(tree_id: str):
    tree = get_library().trees.get(tree_id.strip("/"))
    if tree is None:
        abort(404)
    return tree


def json_object() -> dict:
    """The request's JSON body, an object. A body that is not JSON is a 400 and JSON that
    is not an object a 422, each saying so (not an error about a field the body lacks);
    no body at all reads as empty."""
    payload = request.get_json(silent=True)
    if payload is None and request.get_data(cache=True).strip():
        abort(400, description="The request body must be JSON (Content-Type: application/json).")
    if payload is not None and not isinstance(payload, dict):
        abort(make_response(jsonify({"errors": {"body": "must be a JSON object"}}), 422))
    return payload or {}


def rate_limited(tree_id: str | None = None, diagnosis_id: str | None = None):
    """Requests that can send probes are rate limited per client; walking a guide that
    runs no live check (named by its id, or by a diagnosis of it) never is, and nor is
    naming one that does not exist: that is answered as such (422, 404), not as a 429."""
    if diagnosis_id is not None:
        record = get_session().get(store.Diagnosis, diagnosis_id)
        tree_id = record.tree if record is not None else ""
    if tree_id is not None:
        tree = get_library().trees.get(tree_id.strip("/"))
        if tree is None or not any(node.kind == "check" for node in tree.nodes):
            return None
    limiter = probe_limit()
    if limiter.allow(request.remote_addr or "unknown"):
        return None
    wait = limiter.retry_after()
    message = f"Too many checks from this address; try again in {wait} seconds."
    if is_api():
        response = make_response(jsonify({"error": "rate limited", "message": message}), 429)
    else:
        page = render_template("error.html", status=429, title="Slow down", message=message)
        response = make_response(page, 429)
    response.headers["Retry-After"] = str(wait)
    return response


def walk_of(record: store.Diagnosis) -> engine.Walk:
    tree = get_library().trees.get(record.tree)
    if tree is None:
        abort(404)  # the tree was removed from the content since
    return store.walk_of(record, tree)


def record_or_404(diagnosis_id: str) -> store.Diagnosis:
    record = get_session().get(store.Diagnosis, diagnosis_id)
    if record is None:
        abort(404)
    return record


@bp.app_template_global()
def runs_check(tree: Tree | str, node_id: str | None = None) -> str:
    """What to say while going to a step (the guide's first, by default) runs its live
    check, so a slow target is a visible wait and not a page that seems stuck; "" when
    the step runs no check."""
    found = get_library().trees.get(tree) if isinstance(tree, str) else tree
    node = found.node(node_id or found.start) if found and found.nodes else None
    if node is None or node.kind != "check":
        return ""
    probe = get_probes().catalog.probes.get(node.check or "")
    if probe is None:
        return ""
    return f"Running the live check “{probe.title}”; it gives up after {probe.timeout:g} s…"


@bp.app_template_global("check_titles")
def _titles() -> dict[str, str]:
    return {name: probe.title for name, probe in get_probes().catalog.probes.items()}


def _reach(walk: engine.Walk) -> list[dict]:
    """Whom to call at an escalation end, each with why they are on the list."""
    if walk.current.node != END_ESCALATE:
        return []
    directory = list_contacts(session=get_session())
    article = get_library().article(walk.tree.article)
    found = escalation(directory, walk.current.note, guide_text(walk.tree, article))
    return [{**contact_public(r.contact).model_dump(mode="json"), "why": r.why} for r in found]


def _options(walk: engine.Walk) -> list[dict]:
    node = walk.node
    by_check = node is not None and node.kind == "check"
    return [
        {"index": index, "label": engine.label_for(b) if by_check else b.label, "target": b.target}
        for index, b in enumerate(engine.options(walk))
    ]


def step_state(walk: engine.Walk) -> dict:
    """The current step as data, for the API and the page alike."""
    visit = walk.current
    if visit.node in ENDS:
        return {
            "id": visit.node,
            "kind": "end",
            "note": visit.note,
            "contacts": _reach(walk),
            "options": _options(walk),  # at an unconfirmed "resolved": fixed, or go on
        }
    node = walk.node
    return {
        "id": node.id,
        "kind": node.kind,
        "text": node.text,
        "html": node.html,
        "check": node.check,
        "result": visit.check,
        "waiting": walk.waiting_check(),
        "options": _options(walk),
    }


def diagnosis_state(record: store.Diagnosis, walk: engine.Walk) -> dict:
    alert = alert_store.alert_of(get_session(), record.id)
    return {
        "id": record.id,
        "url": url_for("diagnose.diagnosis_page", diagnosis_id=record.id),
        "tree": record.tree,
        "title": walk.tree.title,
        "status": walk.status,
        "version": record.version,
        "confirmed": record.confirmed,
        "step": step_state(walk),
        "path": [v.to_dict() for v in walk.visits],
        "alert": alert_public(alert).model_dump() if alert else None,
        "fields": values.values_of(get_session(), record.id),
    }


def field_values(record: store.Diagnosis) -> dict[str, str]:
    """What the diagnosis's fields show: its alert's labels, then what people typed (an
    emptied field shows the runbook's example again)."""
    alert = alert_store.alert_of(get_session(), record.id)
    shown = fields.from_labels(alert.labels) if alert else {}
    for key, value in values.values_of(get_session(), record.id).items():
        if value:
            shown[key] = value
        else:
            shown.pop(key, None)
    return shown


def tree_fields(tree) -> list[fields.Field]:
    """Every field of a guide's steps, one per name."""
    found = {f.key: f for node in reversed(tree.nodes) for f in fields.fields_in(node.html)}
    return list(found.values())


@bp.get("/trees")
def trees_page():
    return render_template("trees.html", trees=list(get_library().trees.values()))


@bp.get("/trees/<path:tree_id>")
def tree_page(tree_id: str):
    tree = _tree_or_404(tree_id)
    return render_template(
        "tree.html",
        tree=tree,
        diagram=Markup(render_svg(tree)),
        outcomes=store.outcomes(get_session(), tree.id),
        article=get_library().article(tree.article),
    )


def start(tree_id: str) -> tuple[store.Diagnosis, engine.Walk]:
    tree = _tree_or_404(tree_id)
    walk = engine.start(tree, get_probes().run)
    return store.create(get_session(), walk), walk


@bp.post("/diagnoses")
def start_page():
    if limited := rate_limited(tree_id=request.form.get("tree", "")):
        return limited
    record, _ = start(request.form.get("tree", ""))
    return redirect(url_for("diagnose.diagnosis_page", diagnosis_id=record.id), code=303)


@bp.get("/d/<diagnosis_id>")
def diagnosis_page(diagnosis_id: str):
    return _diagnosis_page(record_or_404(diagnosis_id))


def _diagnosis_page(record: store.Diagnosis, typed: dict[str, str] | None = None) -> str:
    """The page; `typed` are values sent with this one request (secret ones, which are
    never stored, so only this response shows them)."""
    walk = walk_of(record)
    visited = [v.node for v in walk.visits]
    taken = {(v.node, v.choice) for v in walk.visits if v.choice}
    state = diagnosis_state(record, walk)
    shown = {**field_values(record), **(typed or {})}
    html = state["step"].get("html") or ""
    link = _share_link(record)
    return render_template(
        "diagnosis.html",
        record=record,
        walk=walk,
        state=state,
        alert=alert_store.alert_of(get_session(), record.id),
        step_fields=fields.fields_in(html),
        field_values=shown,
        step_html=Markup(fields.fill(html, shown)),
        diagram=Markup(render_svg(walk.tree, visited, taken)),
        titles=_titles(),
        conflict=request.args.get("conflict") == "1",
        article_url=article_url(walk.tree.article),
        summary=timeline_text(record, walk, link),
        fixed=engine.FIXED,
        share_link=link,
    )


@bp.post("/d/<diagnosis_id>/fields")
def fields_page(diagnosis_id: str):
    """Fill-in values for everyone on the diagnosis; secret-looking ones are never stored,
    so without JavaScript they come back in this one response only."""
    record = record_or_404(diagnosis_id)
    page_fields = tree_fields(walk_of(record).tree)
    refused = fields.refusals(request.form.to_dict(), page_fields)
    if refused:  # nothing is saved: what was typed stays in the form
        if wants_json():
            return jsonify({"errors": refused}), 422
        names = {f.key: f.name for f in page_fields}
        message = "; ".join(f"{names[key]} {why}" for key, why in refused.items())
        return render_template(
            "error.html", status=422, title="Value not saved", message=message
        ), 422
    typed = fields.clean_values(request.form.to_dict(), page_fields)
    saved = values.save_values(session=get_session(), diagnosis_id=record.id, values=typed)
    if wants_json():
        return jsonify({"saved": sorted(saved)})
    secret = {key: value for key, value in typed.items() if value and key not in saved}
    if not secret:
        return _back_to(diagnosis_id, conflict=False)
    response = make_response(_diagnosis_page(record, secret))
    response.headers["Cache-Control"] = "no-store"
    return response


def _share_link(record: store.Diagnosis) -> str:
    """Absolute only from KB_BASE_URL: the Host header is whatever the client sent (the
    page's script completes a bare path with the browser's own address)."""
    path = url_for("diagnose.diagnosis_page", diagnosis_id=record.id)
    return (current_app.config.get("KB_BASE_URL") or "") + path


INVALID = object()


def apply_change(diagnosis_id: str, change):
    """Apply a change made from the version the client saw.

    Returns (record, walk), None on a conflict (someone else changed it first), or
    INVALID when the change itself was refused (an answer this step does not have).
    """
    record = record_or_404(diagnosis_id)
    seen = request.values.get("version") or (request.get_json(silent=True) or {}).get("version")
    if seen is not None and not re.fullmatch(r"\d{1,18}", str(seen)):
        if is_api():
            abort(make_response(jsonify({"errors": {"version": "must be a whole number"}}), 422))
        abort(400, "The form's version is not a number; reload the page.")
    if seen is not None and int(str(seen)) != record.version:
        return None
    walk = walk_of(record)
    try:
        change(walk, record)
    except ValueError:
        return INVALID
    try:
        return store.save(get_session(), record, walk), walk
    except store.Conflict:
        return None


@bp.post("/d/<diagnosis_id>/answer")
def answer_page(diagnosis_id: str):
    if limited := rate_limited(diagnosis_id=diagnosis_id):
        return limited

    def change(walk, record):
        choice, remark = request.form.get("choice", ""), request.form.get("remark", "")
        engine.answer(walk, choice, get_probes().run, remark=remark)

    done = apply_change(diagnosis_id, change)
    if done is INVALID:
        abort(400, "That answer is not one of this step's.")
    return _back_to(diagnosis_id, conflict=done is None)


@bp.post("/d/<diagnosis_id>/back")
def back_page(diagnosis_id: str):
    def change(walk, record):
        if not engine.back(walk):
            raise ValueError("nothing to undo")

    done = apply_change(diagnosis_id, change)
    return _back_to(diagnosis_id, conflict=done is None)


def _back_to(diagnosis_id: str, conflict: bool):
    target = url_for("diagnose.diagnosis_page", diagnosis_id=diagnosis_id)
    return redirect(target + ("?conflict=1" if conflict else ""), code=303)


@bp.get("/d/<diagnosis_id>/export.md")
def export(diagnosis_id: str):
    record = record_or_404(diagnosis_id)
    walk = walk_of(record)
    # Absolute only from KB_BASE_URL: the Host header is whatever the client sent.
    path = url_for("diagnose.diagnosis_page", diagnosis_id=record.id)
    link = (current_app.config.get("KB_BASE_URL") or "") + path
    text = timeline_markdown(
        record,
        walk,
        _titles(),
        link,
        alert=alert_store.alert_of(get_session(), record.id),
        values=fields.shareable(values.values_of(get_session(), record.id)),
    )
    response = Response(text, mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'inline; filename="diagnosis-{record.id}.md"'
    return response


def _search_hits(query: str) -> list[dict]:
    """Where to read about a failing check no guide covers: the runbooks' best matches."""
    try:
        answer = get_search().search(query, limit=3)
    except Exception:  # search is a help here, never a reason for triage to fail
        current_app.logger.warning("triage: search for %r failed", query, exc_info=True)
        return []
    return [{"title": r.title, "url": r.url} for r in answer.results]


def run_triage() -> triage_store.TriageRun | None:
    """Run every check, reason from the results, store the run; None when kb is busy
    (too many requests are already waiting on checks; see kb/checks/admission.py)."""
    results = get_probes().try_run_all()
    if results is None:
        return None
    return _store_triage(results)


def _store_triage(results: dict) -> triage_store.TriageRun:
    data = triage.report(results, list(get_library().trees.values()), _titles())
    for entry in data["uncovered"]:
        entry["search"] = _search_hits(entry["query"])
    return triage_store.save(get_session(), data)


TRIAGE_BUSY = (
    "Checks are already running for other requests. Their results are shared, "
    "so try again in a few seconds."
)


@bp.route("/triage", methods=["GET", "POST"])
def triage_page():
    if request.method == "GET":
        return render_template("triage.html", run=None)
    if limited := rate_limited():
        return limited
    record = run_triage()
    if record is None:
        response = make_response(render_template("triage.html", run=None, busy=TRIAGE_BUSY), 503)
        response.headers["Retry-After"] = "3"
        return response
    return redirect(url_for("diagnose.triage_run_page", run_id=record.id), code=303)


@bp.get("/triage/<run_id>")
def triage_run_page(run_id: str):
    record = triage_store.load(get_session(), run_id)
    if record is None:
        abort(404)
    return render_template("triage.html", run=record, report=record.report)


@bp.post("/triage/stream")
def triage_stream():
    """The same run as `POST /triage`, told as it happens for the page's script: one JSON
    line per check as it returns (its row, rendered as the run page renders it), then
    the stored run's address. Refusals (rate limit, busy) are the page's own."""
    if limited := rate_limited():
        return limited
    names = list(get_probes().catalog.probes)
    feed = get_probes().stream(names)
    if feed is None:
        return render_template("triage.html", run=None, busy=TRIAGE_BUSY), 503
    row = get_template_attribute("triage_checks.html", "check_row")
    titles = _titles()

    def lines():
        results = {}
        for name, result in feed:
            results[name] = result
            html = str(row(triage.probe_entry(result, titles)))
            yield json.dumps({"check": name, "html": html}) + "\n"
        record = _store_triage({name: results[name] for name in names})
        yield json.dumps({"done": url_for("diagnose.triage_run_page", run_id=record.id)}) + "\n"

    response = Response(stream_with_context(lines()), mimetype="application/x-ndjson")
    response.headers["X-Accel-Buffering"] = "no"  # a proxy in front must not hold it back
    response.headers["Cache-Control"] = "no-store"
    return response
