"""Status views: the public pages, API and embeds (public), and subscriptions."""
