"""`manage.py api_token ...`: tokens for the REST API from a shell.

    api_token create --user NAME --scopes tickets:read,tickets:write --name LABEL [--expires DAYS]
    api_token list [--user NAME]
    api_token revoke PREFIX

`create` prints the token once: only its hash is kept.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api import scopes as scope_names
from api.models import ApiToken


class Command(BaseCommand):
    help = "Create, list and revoke REST API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token (printed once).")
        create.add_argument("--user", required=True, help="The staff user it acts as.")
        create.add_argument(
            "--scopes", required=True, help=f"Comma-separated, of: {', '.join(scope_names.SCOPES)}"
        )
        create.add_argument("--name", required=True, help="What it is for.")
        create.add_argument("--expires", type=int, metavar="DAYS", help="Expire after DAYS days.")
        listing = actions.add_parser("list", help="Tokens, without their secrets.")
        listing.add_argument("--user")
        revoke = actions.add_parser("revoke", help="Stop a token at once.")
        revoke.add_argument("prefix", help="The first characters shown by `list` (hc_...).")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def create(self, *, user, scopes, name, expires=None, **_):
        person = get_user_model().objects.filter(username=user).first()
        if person is None or not person.is_staff or not person.is_active:
            raise CommandError(f"No active staff user is called {user!r}.")
        try:
            chosen = scope_names.parse(scopes)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not chosen:
            raise CommandError("Give at least one scope.")
        missing = scope_names.missing_permissions(person, chosen)
        if missing:
            raise CommandError(
                f"{user}'s role does not allow {', '.join(missing)}: a token acts with its "
                "user's permissions, never more."
            )
        expires_at = timezone.now() + timedelta(days=expires) if expires else None
        token, raw = ApiToken.objects.issue(
            user=person, name=name, scopes=chosen, expires_at=expires_at
        )
        self.stderr.write(
            f"Token {token.prefix}… for {user} ({', '.join(chosen)}). "
            "Copy it now: it is not shown again."
        )
        self.stdout.write(raw)

    def list(self, *, user=None, **_):
        tokens = ApiToken.objects.select_related("user")
        if user:
            tokens = tokens.filter(user__username=user)
        for token in tokens:
            used = (
                token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
            )
            self.stdout.write(
                f"{token.prefix}…  {token.user.get_username()}  {token.name}  "
                f"{','.join(token.scopes)}  {token.state}  last used {used}"
            )

    def revoke(self, *, prefix, **_):
        tokens = list(ApiToken.objects.filter(prefix=prefix.rstrip("…"), revoked_at__isnull=True))
        if len(tokens) != 1:
            raise CommandError(f"{len(tokens)} active tokens start with {prefix!r}; give one.")
        tokens[0].revoke()
        self.stdout.write(f"Revoked {tokens[0]}.")
