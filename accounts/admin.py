from axes import admin as axes_admin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count

from accounts import invitations, roles, throttling, twofactor
from accounts.models import RecoveryCodeDevice
from core.text import plural

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(AccessAttempt)


class InviteForm(forms.ModelForm):
    """Adding a colleague: who they are and their role; they choose their own password from
    the invitation emailed to them (accounts.invitations)."""

    role = forms.ModelChoiceField(queryset=roles.role_groups(), empty_label=None)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        help_texts = {"email": "The invitation, with a link to choose a password, goes here."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["role"].queryset = roles.role_groups()
        agents = self.fields["role"].queryset.filter(name="Support agents").first()
        self.fields["role"].initial = agents.pk if agents else None

    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_staff = True
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Users, plus who has two-factor sign-in, and the superuser's two fixes for a locked-out
    colleague: unlock a paused sign-in, reset a lost authenticator. A colleague is added
    with an invitation, never a password typed by someone else."""

    list_display = (*UserAdmin.list_display, "two_factor")
    actions = ["unlock_signin", "reset_two_factor", "send_invitation"]
    add_form = InviteForm
    add_fieldsets = [(None, {"fields": ["username", "first_name", "last_name", "email", "role"]})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            obj.groups.add(form.cleaned_data["role"])
            invitations.invite(obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"Invitation sent to {obj.email}: {obj.get_username()} chooses a password "
            "from its link.",
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.action(
        description="Send a new invitation (set-password link) to the selected users",
        permissions=["superuser"],
    )
    def send_invitation(self, request, queryset):
        sent = [user for user in queryset if user.email]
        for user in sent:
            invitations.invite(user, by=request.user)
        self.message_user(request, f"Invitation sent to {plural(len(sent), 'user')}.")

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
