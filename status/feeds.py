"""Incident and maintenance history as Atom and RSS, newest change first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

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
        # Plain text, newest update first; the feed generator escapes it.
        return "\n\n".join(
            f"{u.display_at:%-d %b %Y %H:%M} UTC — {u.status_label}: {u.body}"
            for u in item.updates.all()
        )

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{item.code}:{item.updated_at.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.started_at

    def item_updateddate(self, item):
        return item.updated_at


class HistoryAtomFeed(HistoryRssFeed):
    feed_type = Atom1Feed
    subtitle = HistoryRssFeed.description
