"/api/search: ranked results as data, for chat bots and the search box's suggestions."

from __future__ import annotations

from flask import request

from kb.search.query import MAX_QUERY_CHARS
from kb.search.setup import get_search
from kb.web.api import bp
from kb.web.api.public import ResultPublic, SearchPublic, SectionLink, send
from kb.web.search import limit_arg, log_search, page_arg


@bp.get("/search")
def search():
    query = request.args.get("q", "")[: MAX_QUERY_CHARS * 2]
    limit, page = limit_arg(), page_arg()
    answer = get_search().search(query, limit, (page - 1) * limit)
    # Suggestions as someone types pass log=0: only searches people finish are counted.
    if answer.query and page == 1 and request.args.get("log", "1") != "0":
        log_search(answer.query, answer.total)
    results = [
        ResultPublic(
            title=r.title,
            url=r.url,
            kind=r.kind,
            snippet=r.snippet,
            score=r.score,
            breadcrumb=r.breadcrumb,
            section=SectionLink(title=r.section_title, url=r.section_url)
            if r.section_url
            else None,
        )
        for r in answer.results
    ]
    return send(
        SearchPublic(
            query=answer.query,
            total=answer.total,
            page=page,
            limit=limit,
            results=results,
            did_you_mean=answer.did_you_mean,
        )
    )
