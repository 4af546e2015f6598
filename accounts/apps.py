from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Staff sign-in"

    def ready(self):
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice

        from accounts import checks  # noqa: F401 (registers the deploy check)

        # Recovery codes are accounts' own now (hashed); the old clear ones' device pages go.
        # The admin found every admin module before this runs (it is the first app).
        if admin.site.is_registered(StaticDevice):
            admin.site.unregister(StaticDevice)


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site asks staff for their second step: every
    `admin.site.register` and `@admin.register` lands on it unchanged."""

    default = False
    default_site = "accounts.sites.StaffAdminSite"
