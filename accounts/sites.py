"""The admin site of the help center."""

from django.contrib import admin


class StaffAdminSite(admin.AdminSite):
    site_header = "Help center administration"
    site_title = "Help center admin"
    index_title = "Content and support"
    login_template = "admin/accounts/login.html"
