from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts import throttling

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Users, plus the superuser's fix for a locked-out colleague: unlock a paused sign-in."""

    actions = ["unlock_signin"]

    @admin.action(description="Unlock sign-in of the selected users", permissions=["superuser"])
    def unlock_signin(self, request, queryset):
        usernames = [user.get_username() for user in queryset]
        throttling.unlock_signin(usernames=usernames)
        self.message_user(
            request, f"Sign-in unlocked for {', '.join(usernames)}.", messages.SUCCESS
        )

    def has_superuser_permission(self, request):
        return request.user.is_superuser
