"""The client's address when the site runs behind one reverse proxy (BEHIND_TLS_PROXY=1)."""


def client_ip(request):
    """The right-most X-Forwarded-For entry: the one our own proxy added. Entries left of it
    come from the client and can be anything."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else request.META["REMOTE_ADDR"]
