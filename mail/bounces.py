"""Where a bounce goes: each app registers the prefix of the Message-IDs it makes
(mail.headers.new_message_id) with a handler, and a delivery report naming one of them is
routed to it. Mail knows no app: tickets mark their emails bounced, status stops the
subscription, mail marks its own."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from mail import headers


class BounceHandler(Protocol):
    """An app's handler: its Message-IDs that bounced (whole ones, none empty), whether the
    failure is permanent (a 5.x.x status) and why, in the report's words; returns how many of
    its rows it changed."""

    def __call__(self, message_ids: list[str], *, permanent: bool, why: str) -> int: ...


@dataclass(frozen=True)
class Route:
    prefix: str
    handler: BounceHandler
    # describe(count) -> the words for the stored email's detail, "" to say nothing
    describe: Callable[[int], str]


_routes: dict[str, Route] = {}


def register(prefix: str, handler: BounceHandler, *, describe: Callable[[int], str]) -> None:
    _routes[prefix] = Route(prefix=prefix, handler=handler, describe=describe)


def route(message_ids: list[str], *, permanent: bool, why: str) -> str:
    """Give each registered app the Message-IDs of its own emails that bounced; returns the
    words of what was done (e.g. "marked 1 ticket email as bounced")."""
    ids_by_prefix: dict[str, list[str]] = {}
    for message_id in message_ids:
        ids_by_prefix.setdefault(headers.prefix_of(message_id), []).append(message_id)
    done = []
    for prefix, found in sorted(_routes.items()):
        ids = ids_by_prefix.get(prefix, [])
        count = found.handler(ids, permanent=permanent, why=why) if ids else 0
        words = found.describe(count)
        if words:
            done.append(words)
    return ", ".join(done)
