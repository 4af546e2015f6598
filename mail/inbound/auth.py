"""Who sent an email, and how sure we are of it (docs/running/email-security.md).

- The sender is the one mailbox of the From header. A From that does not name exactly one
  mailbox is refused: `victim@example.com <attacker@evil.example>` names two, and a display
  name that looks like an address is never read as the address.
- SPF, DKIM and DMARC count only as our own receiving side judged them: the
  Authentication-Results headers whose authserv-id is INBOUND_AUTHSERV_ID, at the top of the
  message (above every header the sender could have written: only delivery headers and our
  hop's own Received header may stand above them), or what a webhook provider reports in
  its own fields. Anything the message says about itself further down
  (Authentication-Results, ARC-Authentication-Results, Received-SPF) is the sender's word.
- The sender is *verified* by a DMARC pass for the From domain, or a DKIM or SPF pass for a
  domain aligned with it; *failed* by a DMARC fail for it; otherwise *unverified*.
"""

import re
from dataclasses import dataclass
from email.utils import getaddresses

from django.conf import settings

VERIFIED, FAILED, UNVERIFIED = "verified", "failed", "unverified"
RESULTS = {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy"}
# Written by the delivery agent as it files the message: above the receiving side's own.
DELIVERY_HEADERS = {"return-path", "delivered-to", "x-original-to", "envelope-to"}
COMMENT = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Result:
    method: str  # spf, dkim, dmarc
    result: str
    domain: str = ""  # what it vouches for: header.from, header.d, smtp.mailfrom's domain


class BadFrom(ValueError):
    pass


def sender(raw_from_values, raw_reply_to_values=()):
    """(display name, address, where it came from: "From" or "Reply-To") of the one mailbox
    the From header(s) name; BadFrom if there is none or more than one. Recovered as mature
    mail readers do: From headers naming no mailbox (garbage, `<>`, `"name" <>`) are passed
    over, an address's trailing dot goes (`<name@yahoo.com.>`), and without any mailbox in
    From the one mailbox of Reply-To is the sender. Never a choice between two mailboxes:
    `victim@example.com <attacker@evil.example>` names two and is refused."""
    found = _mailboxes(raw_from_values)
    if not found:
        replies = _mailboxes(raw_reply_to_values)
        if len(replies) == 1:
            return (*replies[0], "Reply-To")
    if len(found) != 1:
        if len(raw_from_values) != 1:
            raise BadFrom(f"{len(raw_from_values)} From headers")
        raise BadFrom("the From header does not name exactly one mailbox")
    return (*found[0], "From")


def _mailboxes(raw_values):
    """[(name, address)] of the distinct mailboxes some headers name; [] and [many] mean no
    single one (and any header naming two makes it many)."""
    found = {}
    for value in raw_values:
        pairs = [(name, _tidy(address)) for name, address in getaddresses([str(value)])]
        pairs = [(name, address) for name, address in pairs if _is_mailbox(address)]
        if len({address.lower() for _, address in pairs}) > 1:
            return [*pairs, *found.values()]
        for name, address in pairs:
            found.setdefault(address.lower(), ("" if "@" in name else name, address))
    return list(found.values())


def _tidy(address):
    local, at, domain = address.strip().rpartition("@")
    return f"{local}{at}{domain.rstrip('.')}"


def _is_mailbox(address):
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and not any(c.isspace() for c in domain)


def _domain(value):
    value = value.strip().strip("<>").lower()
    return value.rpartition("@")[2].strip(".")


def parse_results(value):
    """(authserv-id, [Result]) of one Authentication-Results header (RFC 8601)."""
    text = " ".join(str(value).split())
    while COMMENT.search(text):
        text = COMMENT.sub(" ", text)
    head, *parts = text.split(";")
    ident = (head.split() or [""])[0].lower()
    found = []
    for part in parts:
        words = part.split()
        if not words or "=" not in words[0]:
            continue
        method, _, result = words[0].lower().partition("=")
        method = method.partition("/")[0]
        if method not in {"spf", "dkim", "dmarc"} or result not in RESULTS:
            continue
        props = dict(w.lower().partition("=")[::2] for w in words[1:] if "=" in w)
        if method == "dmarc":
            domain = props.get("header.from", "")
        elif method == "dkim":
            domain = props.get("header.d") or _domain(props.get("header.i", ""))
        else:
            domain = _domain(props.get("smtp.mailfrom", ""))
        found.append(Result(method, result, _domain(domain)))
    return ident, found


def trusted_results(raw_items, authserv_id=None):
    """The results our receiving side added: the Authentication-Results headers with our
    authserv-id at the top of the message. Above them only the delivery headers and our own
    hop's one Received header may stand (milters such as OpenDKIM and OpenDMARC insert
    theirs just below it); the first header of any other kind, a second Received or another
    server's results end them: below, anything may be the sender's."""
    authserv_id = (settings.INBOUND_AUTHSERV_ID if authserv_id is None else authserv_id).lower()
    if not authserv_id:
        return []
    found, received = [], 0
    for name, value in raw_items:
        name = name.lower()
        if name in DELIVERY_HEADERS and not found and not received:
            continue
        if name == "received" and not received:
            received = 1  # our own hop's
            continue
        if name != "authentication-results":
            break
        ident, results = parse_results(value)
        if ident != authserv_id:
            break
        found += results
    return found


def provider_results(verdicts):
    """Results a webhook provider reported in its own fields (mail.providers)."""
    found = []
    spf = str(verdicts.get("spf", "")).strip().lower()
    if spf in RESULTS:
        found.append(Result("spf", spf, _domain(verdicts.get("envelope_from", ""))))
    # SendGrid: "{@example.com : pass}" per signing domain.
    for domain, result in re.findall(r"@([\w.-]+)\s*:\s*(\w+)", str(verdicts.get("dkim", ""))):
        if result.lower() in RESULTS:
            found.append(Result("dkim", result.lower(), domain.lower()))
    return found


def aligned(domain, from_domain):
    """Relaxed alignment without a public-suffix list: the same domain, or one inside the
    other (a parent domain signs for its subdomains; a public suffix has no key to sign
    with). Two sibling subdomains do not align here: stricter than DMARC, never looser."""
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or from_domain.endswith("." + domain)
        or domain.endswith("." + from_domain)
    )


def judge(results, address):
    """VERIFIED, FAILED or UNVERIFIED for the sender `address`, from trusted results (the
    topmost result of each method and domain wins)."""
    from_domain = _domain(address)
    try:
        from_domain = from_domain.encode("idna").decode("ascii")
    except UnicodeError:
        return UNVERIFIED
    seen, verified = set(), False
    for result in results:
        key = (result.method, result.domain)
        if key in seen:
            continue
        seen.add(key)
        if result.method == "dmarc" and result.domain in ("", from_domain):
            if result.result == "fail":
                return FAILED
            verified |= result.result == "pass"
        elif result.result == "pass" and aligned(result.domain, from_domain):
            verified = True
    return VERIFIED if verified else UNVERIFIED


def shown(results):
    """What staff see: each method's topmost result."""
    shown = {}
    for result in results:
        shown.setdefault(result.method, result.result)
    return shown
