"""`manage.py addstatictoken alice`: one more recovery code for a user, printed once (a
superuser locked out of their own account). It replaces django-otp's command of the same name
(accounts comes before otp_static in INSTALLED_APPS), which stored the code in clear where
nothing checks it any more."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import twofactor


class Command(BaseCommand):
    help = (
        "Prints a new single-use recovery code for the user (stored hashed, beside their other "
        "recovery codes): it signs them in instead of their authenticator app's code."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the code is for.")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f'User "{username}" does not exist.') from None
        self.stdout.write(twofactor.add_recovery_code(user=user))
