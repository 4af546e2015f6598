"""The API's JSON, in the shape issue #23 gives it."""

from status.state import IncidentSummary


def answer_json(found):
    if found is None:
        return None
    return {
        "text": found.text,
        "mode": found.mode,
        "sentences": [{"text": s.text, "citation": s.citation} for s in found.sentences],
        "citations": [
            {"url": c.url, "title": c.title, "section": c.section} for c in found.citations
        ],
    }


def incident_json(incident: IncidentSummary | None):
    if not incident:
        return None
    return {
        "name": incident["name"],
        "status": incident["status"],
        "status_label": incident["status_label"],
        "impact": incident["impact"],
        "url": incident["url"],
        "updated_at": incident["updated_at"].isoformat() if incident.get("updated_at") else None,
        "last_update": incident.get("last_update", ""),
    }


def reply_json(reply, results):
    return {
        "query": reply.query,
        "answer": answer_json(reply.answer),
        "incident": incident_json(reply.incident),
        "results": [
            {
                "title": hit.title,
                "section": hit.section,
                "url": hit.url,
                "kind": hit.kind,
            }
            for hit in results.hits
        ],
    }
