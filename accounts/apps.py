from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Staff sign-in"


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the staff sign-in site as its default site: every
    `admin.site.register` and `@admin.register` lands on it unchanged."""

    default = False
    default_site = "accounts.sites.StaffAdminSite"
