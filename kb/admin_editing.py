"""What the admin of every Markdown page (guide, runbook, FAQ entry, page block) shares: the
editor with its live preview, the revision history with diffs and restore, and for articles
the needs-review list. The rules live in core.markup, kb.revisions and the models;
these classes only show them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from core.markup import dropped_markup, render_markdown
from kb.revisions import RestoreError, diff_versions, restore_version, versions_of

EDITOR_ROWS = 30  # about 20,000 characters of Markdown in view with a scroll or two


def preview_context(body):
    return {"html": render_markdown(body).html, "dropped": dropped_markup(body)}


class EditorAdmin(VersionAdmin):
    """Markdown editor with a live preview, and the revision history (django-reversion keeps
    every admin save, with who and when)."""

    change_form_template = "admin/kb/editor_change_form.html"
    # Tags and links as checkboxes: the two-box "filter" widget fails axe (aria-label on a
    # span), and the lists are short.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    def _url_name(self, view):
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"

    def get_urls(self):
        name = self._url_name
        view = self.admin_site.admin_view
        return [
            path("preview/", view(self.preview_view), name=name("preview")),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name=name("restore"),
            ),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = forms.Textarea(
                attrs={
                    "rows": EDITOR_ROWS,
                    "class": "markdown-editor",
                    "spellcheck": "true",
                    "aria-describedby": "markdown-preview-note",
                    # htmx sends the whole form (with its CSRF token) when typing pauses.
                    "data-hx-post": reverse("admin:" + self._url_name("preview")),
                    "data-hx-trigger": "input changed delay:400ms",
                    "data-hx-target": "#markdown-preview",
                    "data-hx-swap": "innerHTML",
                    "data-hx-sync": "this:replace",
                }
            )
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in ("publish_at", "unpublish_at"):
            # Typed and shown in the editor's own zone (their staff preference; the
            # middleware activates it on staff pages).
            zone = timezone.get_current_timezone_name()
            field.help_text = f"{field.help_text} In your time zone, {zone}.".strip()
        return field

    @admin.display(description="Preview")
    def preview(self, obj):
        context = preview_context(obj.body if obj else "")
        fragment = render_to_string("admin/kb/_markdown_preview.html", context)
        return format_html(
            '<p class="help" id="markdown-preview-note">As readers will see it, sanitised, '
            "updated as you type (without JavaScript: as last saved). Nothing is saved until "
            'you press Save.</p><div id="markdown-preview" class="markdown-preview" '
            'tabindex="0" role="region" aria-label="Preview">{}</div>',
            fragment,
        )

    @staticmethod
    def _may_edit(request, admin_obj):
        return admin_obj.has_change_permission(request) or admin_obj.has_add_permission(request)

    def preview_view(self, request):
        """The unsaved Markdown, rendered by the same sanitiser; nothing is stored."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self._may_edit(request, self):
            raise PermissionDenied
        body = request.POST.get("body", "")
        return TemplateResponse(request, "admin/kb/_markdown_preview.html", preview_context(body))

    def history_view(self, request, object_id, extra_context=None):
        """Every revision with who and when; the differences between any two; restore."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(versions_of(obj))
        by_id = {str(v.pk): v for v in versions}
        newer = by_id.get(request.GET.get("to")) or (versions[0] if versions else None)
        older = by_id.get(request.GET.get("from")) or (versions[1] if len(versions) > 1 else None)
        if older and newer and older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revisions of “{obj}”",
            "subtitle": None,
            "opts": opts,
            "object": obj,
            "versions": versions,
            "older": older,
            "newer": newer,
            "diffs": diff_versions(older, newer) if older and newer else [],
            "can_restore": self.has_change_permission(request, obj),
            "change_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
            ),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/kb/revision_history.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return _restore(self, request, object_id, version_id)


def _restore(model_admin, request, object_id, version_id):
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    version = get_object_or_404(versions_of(obj), pk=version_id)
    opts = model_admin.model._meta
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(obj.pk)])
    if getattr(obj, "is_published", False) and request.POST.get("confirm") != "yes":
        # Readers see the restored text at once: asked first, on a page of its own (no
        # script needed).
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"Restore a revision of “{obj}”?",
            "subtitle": None,
            "opts": opts,
            "object": obj,
            "version": version,
            "history_url": history,
        }
        return TemplateResponse(request, "admin/kb/restore_confirm.html", context)
    try:
        restore_version(version, user=request.user)
    except RestoreError as error:
        model_admin.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(history)
    when = timezone.localtime(version.revision.date_created)
    model_admin.message_user(
        request,
        f"Restored the revision of {when:%-d %b %Y, %H:%M}. The publish state and schedule "
        "were left as they were.",
        messages.SUCCESS,
    )
    return HttpResponseRedirect(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    )


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", "Needs review")]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needs_review()
        return queryset


class FreshnessAdminMixin:
    """Owner and review date, why an article needs review, and marking it reviewed."""

    actions = ["mark_reviewed"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_review_signals().select_related("owner")

    @admin.display(description="Needs review because")
    def review_reasons_text(self, obj):
        return "; ".join(obj.review_reasons()) or "—"

    @admin.action(description="Mark as reviewed (next review in six months)")
    def mark_reviewed(self, request, queryset):
        for article in queryset:
            article.mark_reviewed()
        self.message_user(request, f"{len(queryset)} marked as reviewed.", messages.SUCCESS)
