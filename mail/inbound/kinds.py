"""Mail no person wrote, and what it is: an auto-reply, list or bulk mail (RFC 3834 and the
usual vendor headers), a delivery failure (a bounce), a delay warning (the server still
tries), a read or delivery receipt, an abuse report (ARF).

A delivery failure is known by a delivery report (RFC 3464, multipart/report) or, for the
many servers that send a plain text notice, by who sent it and what it says: from
MAILER-DAEMON it is always a report of the mail system; from postmaster, another system
sender or the null sender, when its subject or its first lines speak of a failed delivery;
from anyone else only when the subject starts with one of those phrases (a customer's
"Fwd: Undelivered Mail" is a person asking for help). Never because it quotes a Message-ID.
"""

import re
from typing import TypedDict

from mail.inbound.body import clean


class Bounce(TypedDict):
    """A delivery failure as read (Parsed.bounce), for mail.inbound to route (mail.bounces)."""

    message_ids: list[str]  # of the emails that bounced, as the report names them (up to 5)
    status: str  # the RFC 3463 status ("5.1.1"), "" when none is given
    diagnostic: str  # the receiving server's words
    report: bool  # a well-formed delivery report; a plain notice marks nothing


# Out-of-office subjects, at the start (after "Re:"/"AW:"...), in the languages of the
# mail clients that send them without an Auto-Submitted header.
AUTO_SUBJECT = re.compile(
    r"^\s*((re|aw|sv|vs|odp|ynt|r|antw)\s*:\s*)*"
    r"(out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response)|auto:|"
    r"abwesenheitsnotiz|automatische antwort|réponse automatique|absence|"
    r"respuesta automática|fuera de la oficina|resposta automática|ausente|"
    r"risposta automatica|fuori sede|afwezig|automatisch antwoord|niet aanwezig|"
    r"automatyczna odpowiedź|poza biurem|autosvar|automatiskt svar|automatisk svar|"
    r"frånvaro|fravær|automaattinen vastaus|poissa|автоответ|автоматический ответ|"
    r"вне офиса|[āa]rpus biroja|automātiska atbilde|automatiska atbilde|atvaļinājum)",
    re.IGNORECASE,
)
DAEMON = re.compile(r"^(mailer[-_.]?daemon|mail[-_. ]?delivery[-_. ]?(system|subsystem))\b", re.I)
SYSTEM = re.compile(
    r"^(postmaster|mdaemon|ndr|mail[-_.]?admin|mailer|smtp|e500_smtp|symantec|inetgw|imss|"
    r"system[-_. ]?administrator|bounce[sd]?|mail\.delivery)(?![a-z])",
    re.I,
)
FAILURE = (
    r"undeliver|delivery status notification|returned mail|delivery (failure|failed|problem)|"
    r"mail delivery failed|non[- ]?delivery|failure notice|failure delivery|"
    r"(could|can) ?not be delivered|not delivered|delivery has failed|failed mail|"
    r"mail failed|permanent (delivery )?(error|failure)|user unknown|no such user|"
    r"processing error|returning (message )?to sender|message delivery failure|"
    r"nicht zustellbar|non remis|no entregado|não entregue|не доставлено|失败"
)
FAILURE_ANYWHERE = re.compile(FAILURE, re.I)
FAILURE_FIRST = re.compile(rf"^\s*(\[[^\]]*\]\s*)?({FAILURE}|warning: |delivery delayed)", re.I)
FAILURE_BODY = re.compile(
    rf"({FAILURE}|permanent(ly)? fatal|unable to deliver|mailbox (unavailable|full)|"
    r"\b5\d\d[ -]5\.\d{1,3}\.\d{1,3}\b|\b5\.\d\.\d{1,3}\b|was not delivered|"
    r"delivery to the following recipients? failed)",
    re.I,
)
DELAY = re.compile(
    r"(delay|not yet been delivered|still being retried|will (continue to )?(retry|try)|"
    r"warning: message|verzögert|retardé)",
    re.I,
)
STATUS = re.compile(r"^Status:\s*(.+)$", re.M | re.I)
ACTION = re.compile(r"^Action:\s*([a-z]+)", re.M | re.I)
RECEIPT, ABUSE, DELAYED = "receipt", "abuse report", "delayed"


def automatic(message, parsed, header):
    """Why nobody wrote this by hand, or "" (RFC 3834, the usual vendor headers)."""
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if header(message, name):
            return f"{name} header"
    precedence = header(message, "Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        parsed.bulk = precedence != "auto_reply"
        return f"Precedence: {precedence}"
    if header(message, "List-Id") or header(message, "List-Unsubscribe"):
        parsed.bulk = True
        return "mailing list (List-Id or List-Unsubscribe)"
    if AUTO_SUBJECT.search(parsed.subject):
        return "out-of-office subject"
    return ""


def _report_type(message):
    try:
        if message.get_content_type() != "multipart/report":
            return ""
        return str(message.get_param("report-type") or "").lower()
    except Exception:
        return ""


def _parts(message):
    payload = message.get_payload()
    return payload if isinstance(payload, list) else []


def _status_text(part):
    """A message/delivery-status part as text (its header blocks)."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the fields as written (flattening a block can raise)
        return "\n\n".join(
            "\n".join(f"{name}: {value}" for name, value in block.raw_items()) for block in payload
        )
    return str(payload or "")


def _report(message, decoded, header):
    """(kind, status, diagnostic, Message-IDs of the returned email) of a delivery report."""
    ids, status, diagnostic, actions = [], "", "", []
    for part in _parts(message):
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            text = _status_text(part)
            status = (STATUS.search(text) or [None, ""])[1]
            found = re.search(r"^Diagnostic-Code:\s*(.+)$", text, re.M | re.I)
            diagnostic = found[1].strip() if found else diagnostic
            actions = [action.lower() for action in ACTION.findall(text)]
        elif kind in {"message/rfc822", "text/rfc822-headers"}:
            # The returned message (or its headers): its own Message-ID, nothing else.
            inner = _parts(part) if kind == "message/rfc822" else []
            # Its header as read (flattening a message with broken headers can raise).
            text = f"Message-ID: {header(inner[0], 'Message-ID')}" if inner else decoded(part)
            head = text.replace("\r\n", "\n").split("\n\n", 1)[0]
            ids += re.findall(r"^Message-ID:\s*(<[^>\s]+>)", head, re.M | re.I)[:1]
    # RFC 3464: failed, delayed, delivered, relayed, expanded; anything else reads as failed.
    if actions and set(actions) <= {"delivered", "relayed", "expanded"}:
        kind = RECEIPT
    elif (actions and set(actions) <= {"delayed", "delivered", "relayed", "expanded"}) or (
        not actions and status.startswith("4")
    ):
        kind = DELAYED
    else:
        kind = ""
    return kind, status, diagnostic, ids


def classify(message, parsed, decoded, header) -> None:
    """Sets parsed.bounce (a delivery failure) or parsed.report (RECEIPT, ABUSE, DELAYED)."""
    report_type = _report_type(message)
    if report_type == "disposition-notification":
        parsed.report = RECEIPT
        return
    if report_type == "feedback-report":
        parsed.report = ABUSE
        return
    if report_type == "delivery-status" and any(
        part.get_content_type() == "message/delivery-status" for part in _parts(message)
    ):
        kind, status, diagnostic, ids = _report(message, decoded, header)
        if kind:
            parsed.report = kind
            return
        parsed.bounce = {
            "message_ids": [clean(message_id) for message_id in ids[:5]],
            "status": clean(status).strip()[:50],
            "diagnostic": clean(diagnostic)[:500],
            "report": True,
        }
        return
    if report_type or _plain_failure(message, parsed, header):
        notice = f"{parsed.subject}\n{parsed.text[:1500]}"
        if DELAY.search(parsed.subject) or (
            not FAILURE_ANYWHERE.search(parsed.subject) and DELAY.search(notice)
        ):
            parsed.report = DELAYED
            return
        parsed.bounce = {"message_ids": [], "status": "", "diagnostic": "", "report": False}


def _plain_failure(message, parsed, header):
    """A delivery failure notice in plain text (no delivery report)."""
    who = parsed.sender.partition("@")[0].strip('"') if parsed.sender else ""
    name = parsed.sender_name
    if not parsed.sender:  # a From with no mailbox: the null sender's, or a Reply-To's
        who = header(message, "From").strip('<> "')
    if DAEMON.search(who) or DAEMON.search(name):
        return True
    subject, body = parsed.subject, parsed.text[:3000]
    if SYSTEM.search(who) or SYSTEM.search(name) or not who:
        return bool(FAILURE_ANYWHERE.search(subject) or FAILURE_BODY.search(body))
    return bool(FAILURE_FIRST.search(subject) and FAILURE_BODY.search(body))
