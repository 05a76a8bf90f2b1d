"""/api/trees, /api/diagnoses and /api/triage: guided troubleshooting for tools and bots.

The walking itself (start, answer, conflicts, triage runs) is shared with the pages in
kb.web.diagnose; this module only reads JSON in and sends the Public models out.
"""

from __future__ import annotations

from flask import jsonify, url_for

from kb.checks.service import get_probes
from kb.content_store import get_library
from kb.diagnosis import engine
from kb.web import diagnose
from kb.web.api import bp
from kb.web.api.public import DiagnosisPublic, TreePublic, TriagePublic, send


@bp.get("/trees")
def trees():
    return send(
        [
            TreePublic(
                id=t.id,
                title=t.title,
                url=url_for("diagnose.tree_page", tree_id=t.id),
                symptoms=t.symptoms,
            )
            for t in get_library().trees.values()
        ]
    )


@bp.post("/triage")
def triage():
    if limited := diagnose.rate_limited():
        return limited
    record = diagnose.run_triage()
    if record is None:
        response = jsonify({"error": "busy", "message": diagnose.TRIAGE_BUSY})
        response.status_code = 503
        response.headers["Retry-After"] = "3"
        return response
    data = record.report
    return send(
        TriagePublic(
            id=record.id,
            url=url_for("diagnose.triage_run_page", run_id=record.id),
            at=record.created_at.isoformat(timespec="seconds"),
            summary=data["summary"],
            probes=data["probes"],
            suggestions=[
                {**s, "url": url_for("diagnose.tree_page", tree_id=s["tree"])}
                for s in data["suggestions"]
            ],
            uncovered=data["uncovered"],
        )
    )


def _diagnosis(record, walk) -> DiagnosisPublic:
    return DiagnosisPublic.model_validate(diagnose.diagnosis_state(record, walk))


@bp.post("/diagnoses")
def start_diagnosis():
    tree_id = diagnose.json_object().get("tree")
    if limited := diagnose.rate_limited(tree_id=tree_id if isinstance(tree_id, str) else ""):
        return limited
    if not isinstance(tree_id, str) or tree_id.strip("/") not in get_library().trees:
        return jsonify({"errors": {"tree": "no such troubleshooting tree"}}), 422
    record, walk = diagnose.start(tree_id)
    return send(_diagnosis(record, walk), 201)


@bp.get("/diagnoses/<diagnosis_id>")
def get_diagnosis(diagnosis_id: str):
    record = diagnose.record_or_404(diagnosis_id)
    return send(_diagnosis(record, diagnose.walk_of(record)))


@bp.post("/diagnoses/<diagnosis_id>/answer")
def answer(diagnosis_id: str):
    if limited := diagnose.rate_limited(diagnosis_id=diagnosis_id):
        return limited
    choice = diagnose.json_object().get("choice")
    if not isinstance(choice, int | str) or isinstance(choice, bool):
        return jsonify({"errors": {"choice": "give the answer's index or label"}}), 422

    def change(walk, record):
        engine.answer(walk, choice, get_probes().run)
        return record.confirmed

    done = diagnose.apply_change(diagnosis_id, change)
    if done is diagnose.INVALID:
        return jsonify({"errors": {"choice": "not one of this step's answers"}}), 422
    if done is None:
        record = diagnose.record_or_404(diagnosis_id)
        current = _diagnosis(record, diagnose.walk_of(record)).model_dump(mode="json")
        return jsonify({"error": "conflict", "current": current}), 409
    record, walk = done
    return send(_diagnosis(record, walk))


@bp.get("/diagnoses/<diagnosis_id>/export.md")
def export(diagnosis_id: str):
    """The diagnosis as a Markdown timeline, to paste into an incident channel."""
    return diagnose.export(diagnosis_id)
