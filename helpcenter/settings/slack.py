"""Slack (slack/, docs/running/slack.md): ticket notifications posted to channels through
their incoming webhooks (added in the admin), and the buttons and /incident command Slack
posts back, checked with the app's signing secret."""

import os

# Basic Information › App Credentials › Signing Secret of the Slack app. Empty: the two
# endpoints Slack posts to answer 404, as if they did not exist.
SLACK_SIGNING_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "")
# A request signed longer ago than this (or that far in the future) is refused: a replayed
# request is worthless after it. Slack's own advice is five minutes.
SLACK_MAX_AGE_SECONDS = int(os.environ.get("SLACK_MAX_AGE_SECONDS", "300"))
# How long Slack may take to take a message; the outbox retries what fails.
SLACK_TIMEOUT = float(os.environ.get("SLACK_TIMEOUT", "10"))
# Slack's request bodies are small; anything larger is refused before it is read.
SLACK_MAX_BODY_BYTES = int(os.environ.get("SLACK_MAX_BODY_BYTES", str(64 * 1024)))
# Answers to a click go to the response_url Slack sends with it; only Slack's own are used.
SLACK_RESPONSE_URL_PREFIX = os.environ.get("SLACK_RESPONSE_URL_PREFIX", "https://hooks.slack.com/")
