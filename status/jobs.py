"""Status's periodic work, run by the clock (core.clock)."""

from core import clock
from status import services

# Maintenances start and end, reminders go out, unconfirmed subscriptions are forgotten,
# deliveries due a retry are sent.
clock.every("status.tick", seconds=30)(services.tick)
