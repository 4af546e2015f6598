"""Incident and maintenance history as Atom and RSS, newest change first.

Links are absolute on SITE_URL (Django's feeds would take the host and scheme from the
request), so a feed reads the same whoever fetches it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from mail.links import absolute
from status.models import Component, Incident

FEED_ITEMS = 50


class HistoryRssFeed(Feed):
    title = "Platform status history"
    description = "Incidents and scheduled maintenance, with every update."
    url_name = "status:history-rss"

    def link(self):
        return absolute(reverse("status:status-page"))

    def feed_url(self):
        return absolute(reverse(self.url_name))

    def items(self):
        return Incident.objects.with_details().order_by("-updated_at", "-pk")[:FEED_ITEMS]

    def item_title(self, item):
        kind = "Maintenance" if item.is_maintenance else "Incident"
        return f"{kind}: {item.name} ({item.status_label.lower()})"

    def item_description(self, item):
        # HTML in both feeds (Atom's summary is type="html"): escaped text, line breaks kept.
        return "".join(
            f"<p>{escape(f'{u.display_at:%-d %b %Y %H:%M} UTC — {u.status_label}')}: "
            f"{linebreaksbr(u.body, autoescape=True)}</p>"
            for u in item.updates.all()
        )

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        # Stable for the life of the incident (Atom ids must never change), a valid URI.
        authority = urlsplit(settings.SITE_URL).hostname or "helpcenter"
        return f"tag:{authority},{item.created_at:%Y-%m-%d}:status/{item.code}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        # When it was posted: a maintenance announced today for next week is news today.
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class HistoryAtomFeed(HistoryRssFeed):
    feed_type = Atom1Feed
    subtitle = HistoryRssFeed.description
    url_name = "status:history-atom"


class ComponentAtomFeed(HistoryAtomFeed):
    """Incidents and maintenance that affected one component."""

    url_name = "status:component-atom"

    def get_object(self, request, code):
        return get_object_or_404(Component, code=code)

    def title(self, component):
        return f"{component.name}: platform status history"

    def subtitle(self, component):
        return f"Incidents and scheduled maintenance affecting {component.name}."

    def feed_url(self, component):
        return absolute(reverse(self.url_name, args=[component.code]))

    def items(self, component):
        return (
            Incident.objects.affecting(component)
            .with_details()
            .order_by("-updated_at", "-pk")[:FEED_ITEMS]
        )
