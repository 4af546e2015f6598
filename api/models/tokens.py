"""API tokens: a staff user's key to the REST API, with scopes.

Only a hash of a token is stored (SHA-256: a token is 32 random bytes, so no salt or slow
hash is needed, as with GitHub's and Stripe's keys) and its first characters, to tell tokens
apart in lists. The token itself is shown once, when it is made.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from api import scopes as scope_names

TOKEN_PREFIX = "hc_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
# Write "last used" at most this often per token: a busy token costs no write per request.
LAST_USED_EVERY = timedelta(minutes=1)


def token_hash(raw):
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def issue(self, *, user, name, scopes, expires_at=None):
        """A new token: (the row, the token itself, to show once)."""
        token = self.model(user=user, name=name, scopes=scope_names.parse(scopes))
        token.expires_at = expires_at
        raw = token.new_secret()
        token.save()
        return token, raw

    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
            user__is_staff=True,
        )

    def authenticate(self, raw, now=None):
        """The usable token whose hash is raw's, or None."""
        if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
            return None
        now = now or timezone.now()
        token = self.usable(now).select_related("user").filter(token_hash=token_hash(raw)).first()
        if token is not None and (
            token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY
        ):
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text="The token acts as this person, with their role's permissions and no more.",
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “CRM sync”.")
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty for a token that does not expire."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def new_secret(self):
        """Give the (unsaved) token its secret; returns it, to show once."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix, self.token_hash = raw[:PREFIX_LENGTH], token_hash(raw)
        return raw

    def allows(self, scope):
        """The scope is on the token and the user's role allows what it needs."""
        return scope in self.scopes and self.user.has_perms(scope_names.PERMISSIONS[scope])

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def state(self):
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"
