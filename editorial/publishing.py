"""The publishing clock: scheduled articles go live at `publish_at` and come down at
`unpublish_at`. Run by `manage.py publish_scheduled` (cron, every minute) or beside the server
(`make run`). Each move is an ordinary save through `transition()`, so the search index and the
page cache follow it as they follow an editor's save, and it is kept in the revision history."""

import reversion
from django.db import transaction
from django.utils import timezone

from core.content import models_with
from kb.models import Publishable, PublishState

MOVES = (
    ("due_to_publish", PublishState.PUBLISHED, "published"),
    ("due_to_unpublish", PublishState.UNPUBLISHED, "unpublished"),
)


def publish_scheduled(*, now=None):
    """Make every due move; returns what was done, as lines for the log."""
    now = now or timezone.now()
    done = []
    for model in models_with(Publishable):  # guides, runbooks: whatever declares itself
        for due, to, verb in MOVES:
            for pk in getattr(model.objects, due)(now).values_list("pk", flat=True):
                with transaction.atomic(), reversion.create_revision():
                    # Locked and asked again: two clocks running at once move it once.
                    article = getattr(model.objects.select_for_update(), due)(now).filter(pk=pk)
                    article = article.first()
                    if article is None:
                        continue
                    article.transition(to, now=now)
                    reversion.set_comment(f"{verb.capitalize()} by the publishing clock.")
                done.append(f"{verb} {model._meta.verbose_name} {article.slug}")
    return done
