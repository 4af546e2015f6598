"""Slack's periodic work, run by the clock (core.clock)."""

from core import clock
from slack import delivery, notify

clock.every("slack.retries", minutes=1)(delivery.send_due)
clock.every("slack.sla_warnings", minutes=5)(notify.warn_sla)
