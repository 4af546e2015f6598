"""The ticket page's own admin views: assign to me, applying a macro to the reply box, who
else is on the ticket, and the queue's saved views and "N new tickets" notice. Each view
checks permissions, calls a service (tickets.macros, tickets.presence, tickets.queueviews)
and renders; TicketAdmin (tickets.admin.queue) mixes these in."""

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from core.parsing import moment, row_id
from status.state import incidents_open_at
from tickets import macros, presence, queueviews, services
from tickets.models import InvalidAssignment, Macro, SavedView, Tag, Ticket, parse_tags

DRAFT_KEY = "tickets:macro-draft"


class TicketPageViews:
    def get_urls(self):
        def view(fn):
            return self.admin_site.admin_view(fn)

        return [
            path(
                "<int:pk>/assign-to-me/", view(self.assign_me_view), name="tickets_ticket_assign_me"
            ),
            path("<int:pk>/macro/", view(self.macro_view), name="tickets_ticket_macro"),
            path("<int:pk>/presence/", view(self.presence_view), name="tickets_ticket_presence"),
            path(
                "<int:pk>/messages/<int:message_pk>/accept/",
                view(self.accept_email_view),
                name="tickets_ticket_accept_email",
            ),
            path("new/", view(self.new_count_view), name="tickets_ticket_new"),
            path("tags/", view(self.tag_suggestions_view), name="tickets_ticket_tags"),
            path("views/save/", view(self.save_view_view), name="tickets_ticket_save_view"),
            path(
                "views/<int:pk>/delete/",
                view(self.delete_view_view),
                name="tickets_ticket_delete_view",
            ),
            *super().get_urls(),
        ]

    # Helpers.
    def _ticket(self, request, pk, *, change=False):
        ticket = get_object_or_404(Ticket.objects.select_related("assignee"), pk=pk)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, ticket):
            raise PermissionDenied
        return ticket

    def _back_to(self, request, ticket):
        url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
        filters = request.GET.get("_changelist_filters", "")
        if filters:
            url += "?" + urlencode({"_changelist_filters": filters})
        return url

    def _queue_url(self, request):
        url = reverse("admin:tickets_ticket_changelist")
        filters = request.GET.get("_changelist_filters", "")
        return f"{url}?{filters}" if filters else url

    def _next_url(self, request, pk):
        context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return add_preserved_filters(context, reverse("admin:tickets_ticket_change", args=[pk]))

    # The ticket page.
    @method_decorator(require_POST)
    def assign_me_view(self, request, pk):
        ticket = self._ticket(request, pk, change=True)
        try:
            services.staff_update(ticket, actor=request.user, assignee=request.user)
        except InvalidAssignment as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"{ticket.reference} is assigned to you.")
        return HttpResponseRedirect(self._back_to(request, ticket))

    @method_decorator(require_POST)
    def accept_email_view(self, request, pk, message_pk):
        """An email kept as an internal note becomes the customer's message."""
        ticket = self._ticket(request, pk, change=True)
        message = get_object_or_404(ticket.messages, pk=message_pk)
        try:
            services.accept_email_note(message, by=request.user)
        except services.NotAnEmailNote as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The email is now the customer's message on the ticket.")
        return HttpResponseRedirect(self._back_to(request, ticket))

    @method_decorator(require_POST)
    def macro_view(self, request, pk):
        """Fill the reply box from a macro, for review; nothing is saved. With htmx, the box
        and the triage fields it sets come back; without, the page reloads with them."""
        ticket = self._ticket(request, pk, change=True)
        chosen = row_id(request.POST.get("macro"))
        macro = None
        if chosen is not None:
            macro = Macro.objects.usable_by(request.user).filter(pk=chosen)
            macro = macro.select_related("set_assignee").first()
        draft = request.POST.get("reply", "").replace("\x00", "")[:10000]
        if macro is None:
            error = "Choose a macro to apply."
            if request.htmx:
                return self._fill_response(request, ticket, text=draft, error=error)
            messages.error(request, error)
            return HttpResponseRedirect(self._back_to(request, ticket))
        shown = macros.preview(macro, ticket=ticket, agent=request.user, draft=draft)
        if not request.htmx:
            request.session[DRAFT_KEY] = {
                "ticket": ticket.pk,
                "reply": shown.text,
                "macro": macro.pk,
                "changes": shown.changes,
            }
            return HttpResponseRedirect(self._back_to(request, ticket) + "#reply-box")
        return self._fill_response(request, ticket, text=shown.text, preview=shown)

    def _fill_response(self, request, ticket, *, text, preview=None, error=""):
        initial = {"reply": text}
        if preview is not None:
            initial.update(preview.changes, applied_macro=preview.macro.pk)
        form = self.get_form(request, ticket)(instance=ticket, initial=initial)
        changes = preview.changes if preview else {}
        tag_fields = {"add_tags", "current_tags"}
        context = {
            "form": form,
            "preview": preview,
            "error": error,
            "preview_words": macros.describe(preview.macro) if preview else [],
            # The triage fields the macro sets, swapped in place (htmx out-of-band); the
            # tags as one block.
            "oob": [
                form[name].as_widget(attrs={"hx-swap-oob": "true"})
                for name in changes
                if name not in tag_fields
            ],
            "oob_tags": bool(tag_fields & set(changes)),
        }
        return TemplateResponse(request, "admin/tickets/ticket/_reply_fill.html", context)

    def apply_draft(self, request, ticket, form):
        """A macro applied without JavaScript: its text and changes, kept in the session by
        macro_view, fill the form once."""
        draft = request.session.get(DRAFT_KEY)
        if not draft or draft.get("ticket") != ticket.pk:
            return None
        del request.session[DRAFT_KEY]
        form.initial.update(draft["changes"], reply=draft["reply"], applied_macro=draft["macro"])
        return Macro.objects.filter(pk=draft["macro"]).first()

    @method_decorator(require_GET)
    def presence_view(self, request, pk):
        ticket = self._ticket(request, pk)
        state = presence.REPLYING if request.GET.get("state") == "replying" else presence.VIEWING
        presence.mark(ticket.pk, request.user, state)
        context = {
            "others": presence.others(ticket.pk, request.user),
            "ticket_url": self._back_to(request, ticket),
        }
        return TemplateResponse(request, "admin/tickets/ticket/_presence.html", context)

    def side_panel(self, request, ticket):
        presence.mark(ticket.pk, request.user)  # opening the page counts as viewing it
        organization = Ticket.objects.organization_others_of(ticket)
        return {
            "other_tickets": list(Ticket.objects.others_of(ticket)[:10]),
            "other_count": Ticket.objects.others_of(ticket).count(),
            "organization_tickets": list(organization[:10]),
            "organization_count": organization.count() if ticket.organization_id else 0,
            "incidents_then": incidents_open_at(ticket.created_at),
            "presence_others": presence.others(ticket.pk, request.user),
            "presence_ticket_url": self._back_to(request, ticket),
        }

    # Tags: suggestions while typing (the datalist shared by the ticket page and the queue).
    @method_decorator(require_GET)
    def tag_suggestions_view(self, request):
        """Options completing the last tag typed, each with the tags typed before it (a
        datalist completes a whole input). Without JavaScript the page's datalist offers
        the most used tags."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        typed = (request.GET.get("add_tags") or request.GET.get("tags") or "")[:300]
        typed = typed.replace("\x00", "")
        cut = max(typed.rfind(","), typed.rfind(" ")) + 1
        before, last = typed[:cut], typed[cut:]
        already = set(parse_tags(before))
        names = [t.name for t in Tag.objects.starting_with(last) if t.name not in already]
        context = {"options": [f"{before}{name}" for name in names]}
        return TemplateResponse(request, "admin/tickets/ticket/_tag_options.html", context)

    def tag_context(self):
        return {"tag_suggestions": [tag.name for tag in Tag.objects.most_used(50)]}

    # The queue.
    @method_decorator(require_GET)
    def new_count_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        since = moment(request.GET.get("since")) or timezone.now()
        params = request.GET.copy()
        params.pop("since", None)
        query = params.urlencode()
        context = {
            "count": queueviews.new_since(request.user, query, since),
            "queue_url": self._queue_url_for(query),
        }
        return TemplateResponse(request, "admin/tickets/ticket/_new_tickets.html", context)

    @staticmethod
    def _queue_url_for(query):
        url = reverse("admin:tickets_ticket_changelist")
        return f"{url}?{query}" if query else url

    @method_decorator(require_POST)
    def save_view_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        name = request.POST.get("name", "").replace("\x00", "").strip()
        query = request.POST.get("query", "")
        if not name:
            messages.error(request, "Give the view a name to save it.")
        else:
            view = queueviews.save_view(request.user, name=name, query=query)
            messages.success(request, f"Saved the view “{view.name}”.")
        return HttpResponseRedirect(self._queue_url_for(queueviews.normal_query(query)))

    @method_decorator(require_POST)
    def delete_view_view(self, request, pk):
        view = get_object_or_404(SavedView, pk=pk, owner=request.user)
        view.delete()
        messages.success(request, f"Deleted the view “{view.name}”.")
        return HttpResponseRedirect(reverse("admin:tickets_ticket_changelist"))
