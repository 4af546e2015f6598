"""What every /api/v1/ answer keeps: problem details for each error, RateLimit headers and
the limit itself, ETags on reads, the OpenAPI document and its reference page."""

import pytest

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _problem(answer, status):
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"] == PROBLEM
    body = answer.json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


def test_errors_are_problem_details(agent_api, make_ticket):
    ticket = make_ticket()
    _problem(agent_api.get("/api/v1/no-such-thing/"), 404)
    _problem(agent_api.get("/api/v1/tickets/999999"), 404)
    assert "Allow" in agent_api.delete("/api/v1/tickets/")
    _problem(agent_api.delete("/api/v1/tickets/"), 405)
    _problem(agent_api.post("/api/v1/tickets/", b'{"email": '), 400)
    errors = _problem(agent_api.post("/api/v1/tickets/", {"email": "no"}), 422)["errors"]
    assert {tuple(e["loc"][-1:]) for e in errors} >= {("email",), ("subject",)}
    _problem(agent_api.get("/api/v1/tickets/", {"limit": "1e309"}), 422)
    _problem(agent_api.get("/api/v1/tickets/", {"cursor": "t1.%%%"}), 422)
    _problem(agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "sleeping"}), 422)


def test_text_no_database_can_store_is_a_422(agent_api):
    for bad in (
        b'{"email": "a@example.com", "subject": "a\\u0000b", "description": "x"}',
        b'{"email": "a@example.com", "subject": "\\ud800", "description": "x"}',
    ):
        _problem(agent_api.post("/api/v1/tickets/", bad), 422)


def test_each_answer_says_the_tokens_rate_limit_and_the_limit_holds(agent_api, settings):
    settings.API_RATE_LIMIT = "3/m"
    answers = [agent_api.get("/api/v1/tickets/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Policy"] == '"token";q=3;w=60'
    assert answers[0]["RateLimit"].startswith('"token";r=2;t=')
    assert answers[2]["RateLimit"].startswith('"token";r=0;')
    limited = _problem(answers[3], 429)
    assert int(answers[3]["Retry-After"]) >= 1 and "3 requests" in limited["detail"]


def test_reads_carry_an_etag_and_a_matching_one_is_a_304(agent_api, make_ticket):
    ticket = make_ticket()
    first = agent_api.get(f"/api/v1/tickets/{ticket.pk}")
    assert first["ETag"].startswith('"')
    again = agent_api.get(f"/api/v1/tickets/{ticket.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"priority": "high"})
    changed = agent_api.get(f"/api/v1/tickets/{ticket.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_the_openapi_document_is_3_1_and_names_every_operation(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert {"ticket_list", "ticket_create", "ticket_detail", "ticket_update"} <= operations
    listing = document["paths"]["/api/v1/tickets/"]["get"]
    assert listing["x-scope"] == "tickets:read"
    assert PROBLEM in listing["responses"]["401"]["content"]
    assert document["components"]["securitySchemes"]["Bearer"]["scheme"] == "bearer"


def test_the_reference_page_is_readable_without_scripts(client):
    page = client.get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>" not in html and "cdn" not in html.lower() and " style=" not in html
    assert "GET /api/v1/tickets/" in html and 'id="problem-illegal-transition"' in html


def test_times_are_iso_8601_that_can_be_converted(agent_api, make_ticket):
    make_ticket()
    for bad in ("0.5", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "yesterday"):
        _problem(agent_api.get("/api/v1/tickets/", {"updated_since": bad}), 422)
    found = agent_api.get("/api/v1/tickets/", {"updated_since": "2000-01-01T00:00:00+01:00"})
    assert len(found.json()["data"]) == 1


def test_unknown_query_parameters_and_body_fields_are_refused(agent_api, make_ticket):
    ticket = make_ticket()
    assert (
        "priorty" in _problem(agent_api.get("/api/v1/tickets/", {"priorty": "high"}), 422)["detail"]
    )
    _problem(agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"priorty": "high"}), 422)
    _problem(
        agent_api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "x", "internal": 1}), 422
    )


def test_a_nul_anywhere_is_a_problem_not_the_html_page(agent_api):
    _problem(agent_api.get("/api/v1/tickets/", {"tag": "a\x00b"}), 400)
    _problem(agent_api.get("/api/v1/no-such\x00thing"), 400)


def test_a_line_break_in_the_path_is_a_problem_not_the_html_page(agent_api):
    # Found by schemathesis in CI: the catch-all's "." stopped at a newline, so Django's HTML
    # 404 page answered.
    for path in ("/api/v1/tickets/%0A", "/api/v1/guides/a%0Ab", "/api/v1/%0D%0A"):
        _problem(agent_api.get(path), 404)


def test_the_document_is_made_once_and_no_reader_can_change_it(client):
    """The OpenAPI document is kept per process (making it is a quarter of a second of
    pydantic's work); what one reader does to its copy never reaches the next one."""
    from api.main import api

    first = api.get_openapi_schema(path_prefix="/api/v1/")
    first["paths"].clear()
    first["info"]["title"] = "changed"
    again = api.get_openapi_schema(path_prefix="/api/v1/")
    assert again["paths"] and again["info"]["title"] == "Help center API"
    served = client.get("/api/v1/openapi.json").json()
    assert served["paths"] and served["info"]["title"] == "Help center API"
    assert api._documents  # kept
