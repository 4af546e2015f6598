"""API tokens in the admin: each staff user makes and revokes their own (a superuser,
anyone's); the token is shown once, when it is made."""

from django import forms
from django.contrib import admin, messages

from api import scopes as scope_names
from api.models import ApiToken


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=list(scope_names.SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "scopes", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") if "user" in self.fields else self.instance.user
        missing = scope_names.missing_permissions(user, cleaned.get("scopes", [])) if user else []
        if missing:
            raise forms.ValidationError(
                f"{user.get_username()}'s role does not allow {', '.join(missing)}: a token "
                "acts with its user's permissions, never more."
            )
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "prefix", "user", "scopes", "state", "last_used_at", "expires_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        raw = obj.new_secret()
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"The token: {raw} — copy it now, it is not shown again (only its hash is kept).",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            token.revoke()
        self.message_user(request, f"Revoked {queryset.count()} tokens.")


from api import admin_webhooks  # noqa: E402, F401
