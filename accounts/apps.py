from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Staff sign-in"

    def ready(self):
        from accounts import checks  # noqa: F401 (registers the deploy check)


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site asks staff for their second step: every
    `admin.site.register` and `@admin.register` lands on it unchanged."""

    default = False
    default_site = "accounts.sites.StaffAdminSite"
