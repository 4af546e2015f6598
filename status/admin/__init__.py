"""Status in the admin: components, incidents and maintenance (one step to post an update),
incident templates, and subscribers with every notification and delivery.

Plain model permissions throughout, so a "Content editors" group can be given them.
"""

from status.admin import components, incidents, subscriptions  # noqa: F401
