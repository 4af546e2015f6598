from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_two_factor_required(app_configs, **kwargs):
    if settings.STAFF_2FA_REQUIRED:
        return []
    return [
        Warning(
            "Staff sign in to the admin with a password alone.",
            hint="Set STAFF_2FA_REQUIRED=1: every staff member then sets up two-factor sign-in "
            "(an authenticator app) at their next sign-in.",
            id="accounts.W001",
        )
    ]
