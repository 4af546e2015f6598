"""Incident and maintenance history as Atom and RSS, newest change first."""

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from status.models import Incident

FEED_ITEMS = 50


class HistoryRssFeed(Feed):
    title = "Platform status history"
    description = "Incidents and scheduled maintenance, with every update."

    def link(self):
        return reverse("status:status-page")

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
        return item.get_absolute_url()

    def item_guid(self, item):
        # Stable for the life of the incident (Atom ids must never change), a valid URI.
        return f"tag:{self.tag_authority},{item.created_at:%Y-%m-%d}:status/{item.code}"

    item_guid_is_permalink = False
    tag_authority = "helpcenter"

    def get_object(self, request, *args, **kwargs):
        self.tag_authority = request.get_host().split(":")[0] or "helpcenter"
        return super().get_object(request, *args, **kwargs)

    def item_pubdate(self, item):
        # When it was posted: a maintenance announced today for next week is news today.
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class HistoryAtomFeed(HistoryRssFeed):
    feed_type = Atom1Feed
    subtitle = HistoryRssFeed.description
