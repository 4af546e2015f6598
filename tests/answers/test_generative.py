"""The generative mode against a real HTTP server speaking the OpenAI chat protocol, started
here, answering with canned completions: good, unsupported, malformed, slow."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from answers.services import answer
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
ASKED = "how long is the password reset link valid"


class Chat(BaseHTTPRequestHandler):
    reply = ""  # the completion's content, or a callable returning the raw body
    delay = 0.0
    requests = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Chat.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        time.sleep(Chat.delay)
        if callable(Chat.reply):
            raw = Chat.reply()
        else:
            raw = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": Chat.reply}}]}
            )
        data = raw.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def chat(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Chat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Chat.reply, Chat.delay, Chat.requests = "", 0.0, []
    settings.ANSWERS_CHAT_URL = f"http://127.0.0.1:{server.server_port}/v1/chat/completions"
    settings.ANSWERS_CHAT_MODEL = "test-model"
    settings.ANSWERS_CHAT_KEY = "secret-key"
    settings.ANSWERS_CHAT_TIMEOUT = 1
    yield Chat
    server.shutdown()
    server.server_close()


def test_a_supported_cited_answer_is_shown(content, chat):
    chat.reply = "A password reset link is valid for 1 hour [1]."
    reply = answer(ASKED)
    assert reply.answer.mode == "generative"
    assert reply.answer.text == "A password reset link is valid for 1 hour."
    assert reply.answer.citations[0].url == "/kb/authentication-and-security/#reset-your-password"
    sent = chat.requests[0]
    assert sent["auth"] == "Bearer secret-key"
    assert sent["body"]["model"] == "test-model"


def test_the_model_sees_only_public_passages(content, chat):
    ticket_services.create_ticket(
        Ticket(
            email="someone@example.com",
            subject="how long is the password reset link valid",
            description="My private card number is 4242 and my password is hunter2",
        )
    )
    chat.reply = "A password reset link is valid for 1 hour [1]."
    answer(ASKED)
    prompt = json.dumps(chat.requests[0]["body"])
    assert "hunter2" not in prompt and "4242" not in prompt
    assert "The link is valid for 1 hour." in prompt
    assert Ticket.objects.exists()


def test_unsupported_sentences_are_dropped(content, chat):
    chat.reply = (
        "A password reset link is valid for 1 hour [1]. "
        "Refunds are issued within 14 days to the original card [1]. "
        "Resetting signs out all other sessions [7]."
    )
    reply = answer(ASKED)
    assert reply.answer.mode == "generative"
    assert reply.answer.text == "A password reset link is valid for 1 hour."


@pytest.mark.parametrize(
    "content_or_body",
    [
        "Refunds are issued within 14 days [1].",  # nothing supported
        "The link lasts a while.",  # no citation
        "NO_ANSWER",
        lambda: "not json at all",
        lambda: json.dumps({"choices": []}),
    ],
)
def test_the_extractive_answer_stands_when_the_model_fails_the_check(
    content, chat, content_or_body
):
    chat.reply = content_or_body
    reply = answer(ASKED)
    assert reply.answer.mode == "extractive"
    assert reply.answer.text == answer(ASKED, generate=False).answer.text
    assert "The link is valid for 1 hour." in reply.answer.text


def test_a_slow_model_times_out_to_the_extractive_answer(content, chat):
    chat.reply, chat.delay = "A password reset link is valid for 1 hour [1].", 3
    start = time.perf_counter()
    reply = answer(ASKED)
    assert time.perf_counter() - start < 2.5
    assert reply.answer.mode == "extractive"


def test_no_endpoint_no_request(content, settings):
    settings.ANSWERS_CHAT_URL = ""
    assert answer(ASKED).answer.mode == "extractive"
