from axes import admin as axes_admin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count

from accounts import throttling, twofactor
from accounts.models import RecoveryCodeDevice
from core.text import plural

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(AccessAttempt)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Users, plus who has two-factor sign-in, and the superuser's two fixes for a locked-out
    colleague: unlock a paused sign-in, reset a lost authenticator."""

    list_display = (*UserAdmin.list_display, "two_factor")
    actions = ["unlock_signin", "reset_two_factor"]

    def get_queryset(self, request):
        return twofactor.with_two_factor(super().get_queryset(request))

    @admin.display(description="Two-factor", boolean=True, ordering="has_two_factor")
    def two_factor(self, user):
        return user.has_two_factor

    @admin.action(description="Unlock sign-in of the selected users", permissions=["superuser"])
    def unlock_signin(self, request, queryset):
        usernames = [user.get_username() for user in queryset]
        throttling.unlock_signin(usernames=usernames)
        self.message_user(
            request, f"Sign-in unlocked for {', '.join(usernames)}.", messages.SUCCESS
        )

    @admin.action(
        description="Reset two-factor sign-in of the selected users", permissions=["superuser"]
    )
    def reset_two_factor(self, request, queryset):
        count = twofactor.remove_two_factor(users=queryset)
        self.message_user(
            request,
            f"Two-factor sign-in reset for {plural(count, 'user')}: they set it up again at their "
            "next sign-in if it is required, and their recovery codes no longer work.",
            messages.SUCCESS,
        )

    def has_superuser_permission(self, request):
        return request.user.is_superuser


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    """Whose recovery codes there are and how many are left; never the codes (only their
    hashes are stored). Made by their owner only; deleting voids them all. For superusers:
    no role grants it (accounts.roles)."""

    list_display = ("user", "codes_left", "created_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    fields = ("user", "name", "codes_left", "created_at", "last_used_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(codes_left=Count("codes"))

    @admin.display(description="Codes left", ordering="codes_left")
    def codes_left(self, device):
        return device.codes_left

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """axes' list of failed sign-ins, whose clean-up action works from an admin page."""

    @admin.action(
        description=axes_admin.AccessAttemptAdmin.cleanup_expired_attempts.short_description
    )
    def cleanup_expired_attempts(self, request, queryset):
        """axes reads the time of the sign-in attempt it is handling, which an admin page is
        not (a 500 every time): its clean-up runs as of now."""
        AxesProxyHandler.update_request(request)
        super().cleanup_expired_attempts(request, queryset)
