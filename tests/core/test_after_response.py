"""Work left for after the response runs when the server closes it, each piece on its own."""

from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory

from core.web.afterresponse import after_response, run_after_response


def test_work_runs_at_close_and_one_failure_spares_the_rest(db, caplog):
    done, finished = [], []

    def view(request):
        after_response(request, lambda: 1 / 0)
        after_response(request, done.append, "sent")
        return HttpResponse("answer")

    def on_finished(**kwargs):
        finished.append(list(done))

    response = run_after_response(view)(RequestFactory().get("/"))
    assert response.content == b"answer" and done == []  # nothing before the answer is sent
    request_finished.connect(on_finished)
    request_finished.disconnect(close_old_connections)  # the test's transaction stays
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
        request_finished.disconnect(on_finished)
    assert done == ["sent"] and finished == [["sent"]]  # before the connection is tidied
    assert "Work left for after the response failed" in caplog.text


def test_outside_a_request_the_work_runs_after_the_commit(db, django_capture_on_commit_callbacks):
    done = []
    with django_capture_on_commit_callbacks(execute=True):
        after_response(RequestFactory().get("/"), done.append, "sent")
        assert done == []
    assert done == ["sent"]
