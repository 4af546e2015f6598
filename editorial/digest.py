"""The weekly review digest: each owner gets one plain-text email listing their guides,
runbooks and FAQ entries that need review, and why (`manage.py review_digest`, weekly cron)."""

from collections import defaultdict

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.content import models_with
from kb.models import Reviewed
from mail import emails
from mail.links import absolute


def due_by_owner(today=None):
    """{owner: [(kind, article, reasons, admin URL)]} for owners with an email address."""
    today = today or timezone.localdate()
    found = defaultdict(list)
    for model in models_with(Reviewed):
        opts = model._meta
        articles = (
            model.objects.needs_review(today)
            .filter(owner__isnull=False, owner__is_active=True)
            .exclude(owner__email="")
            .select_related("owner")
        )
        for article in articles:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[article.pk])
            found[article.owner].append(
                (str(opts.verbose_name), article, article.review_reasons(today), absolute(url))
            )
    return found


def send_review_digests(*, today=None):
    """One email per owner with something to review (through the mail outbox, with its
    retries); returns how many were queued."""
    sent = 0
    for owner, items in due_by_owner(today).items():
        context = {
            "owner": owner,
            "items": items,
            "list_urls": [
                absolute(
                    reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
                    + "?review=needed"
                )
                for m in models_with(Reviewed)
            ],
        }
        subject = render_to_string(
            "editorial/email/review_digest_subject.txt", context, using="text"
        )
        body = render_to_string("editorial/email/review_digest.txt", context, using="text")
        emails.queue(kind="editorial.review_digest", to=owner.email, subject=subject, body=body)
        sent += 1
    return sent
