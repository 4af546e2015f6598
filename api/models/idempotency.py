"""Idempotency keys (as Stripe's API has them): a POST sent again with the same
`Idempotency-Key` gets the first answer instead of acting twice."""

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    token = models.ForeignKey("api.ApiToken", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    # Empty while the first request is being answered.
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_per_token")
        ]

    def __str__(self):
        return self.key
