"""Editorial's periodic work, run by the clock (core.clock)."""

from core import clock
from editorial.digest import send_review_digests
from editorial.publishing import publish_scheduled

clock.every("editorial.publish_scheduled", seconds=30)(publish_scheduled)
clock.every("editorial.review_digest", days=7, at_start=False)(send_review_digests)
