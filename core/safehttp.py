"""POST to a URL a stranger gave us (webhooks) without becoming their way into our network.

A URL is accepted only with http or https, no user:password@, and a host whose every
address is public: loopback, private, link-local (cloud metadata at 169.254.169.254),
shared, reserved, unspecified and multicast addresses are refused, for IPv4 and IPv6
(IPv4 inside IPv6 too: ::ffff:127.0.0.1, 6to4, Teredo, NAT64). The check runs when the URL
is registered *and* before every request, and the request goes to the very address that
was checked, so a DNS answer that changes between check and connect (DNS rebinding) cannot
redirect it. Redirects are never followed.

`allow_private=True` (a setting, for tests and local development) skips the address check.
"""

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
NAT64 = ipaddress.ip_network("64:ff9b::/96")
RESPONSE_BYTES = 64 * 1024  # read (and drop) at most this much of an answer


class UnsafeURL(ValueError):
    """The URL may not be requested; the message says why, in words for the person."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    ip: str


def shown_host(url):
    """The host of `url`, as shown to someone who did not choose the URL (a confirmation
    email): the part the stranger chose freely (path, query, user name) is left out, and a
    name in another script is shown in its ASCII form (xn--...), so it cannot pose as
    another. At most 253 characters, the longest DNS name."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = host.encode("ascii", "backslashreplace").decode("ascii")
    return host[:253] or "(no host)"


def is_public(address):
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if ip in NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(inner is not None and not is_public(inner) for inner in embedded):
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve(url, *, allow_private=False):
    """The checked Target for `url`, or UnsafeURL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL("This is not a valid address.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeURL("Use an http:// or https:// address.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("Leave the user name and password out of the address.")
    host = parts.hostname
    if not host:
        raise UnsafeURL("The address has no host name.")
    port = port or DEFAULT_PORTS[scheme]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise UnsafeURL(f"The host {host[:100]} could not be found.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeURL(f"The host {host[:100]} could not be found.")
    if not allow_private and not all(is_public(a.split("%")[0]) for a in addresses):
        raise UnsafeURL(
            "The address must be reachable on the public internet: local, private, "
            "link-local and reserved addresses are refused."
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, host, port, *, ip, **kwargs):
        super().__init__(host, port, **kwargs)
        self.pinned_ip = ip

    def connect(self):
        self.sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified for the host name (SNI and certificate)."""

    def __init__(self, host, port, *, ip, **kwargs):
        super().__init__(host, port, **kwargs)
        self.pinned_ip = ip

    def connect(self):
        sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most RESPONSE_BYTES of it


def exchange(url, body, headers, *, timeout, allow_private=False):
    """POST `body` (bytes); the Answer (status and the start of the body). Raises UnsafeURL
    for a refused URL and OSError (or http.client.HTTPException) when the request fails."""
    target = resolve(url, allow_private=allow_private)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target.host, target.port, ip=target.ip, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read(RESPONSE_BYTES))
    finally:
        connection.close()


def post(url, body, headers, *, timeout, allow_private=False):
    """POST `body` (bytes); the response's status code (exchange's errors)."""
    return exchange(url, body, headers, timeout=timeout, allow_private=allow_private).status
