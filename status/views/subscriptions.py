"""Subscribing to status updates, confirming, choosing what to hear about, leaving.

Links in emails carry signed tokens (status.subscriptions): no account, no login. Pages that
show a token are never cached, and the site's Referrer-Policy keeps it from other sites.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.addresses import address_key_or_raw
from core.web.ratelimits import minutes, rate_limited
from status import links, subscriptions
from status.delivery.webhooks import secret_for_libraries
from status.forms import EmailSubscribeForm, PreferencesForm, WebhookSubscribeForm
from status.models import Channel


def _address_key(prefix):
    def key(group, request):
        return address_key_or_raw(request.POST.get(f"{prefix}-email", ""))

    return key


@require_http_methods(["GET", "HEAD", "POST"])
def subscription_create(request):
    # The status page's short form sends the address here by GET (a shared, cached page
    # holds no CSRF token): the choices and the real Subscribe button are on this page.
    email_form = EmailSubscribeForm(
        prefix="email", initial={"email": request.GET.get("email", "").strip()[:254]}
    )
    webhook_form = WebhookSubscribeForm(prefix="webhook", initial={"channel": Channel.WEBHOOK})
    context = {"reminder_minutes": settings.STATUS_REMINDER_MINUTES, "notice": ""}
    status = 200
    if request.method == "POST":
        is_webhook = request.POST.get("form") == "webhook"
        prefix = "webhook" if is_webhook else "email"
        if is_webhook:
            form = webhook_form = WebhookSubscribeForm(request.POST, prefix=prefix)
        else:
            form = email_form = EmailSubscribeForm(request.POST, prefix=prefix)
        limits = settings.STATUS_SUBSCRIBE_RATE_LIMITS
        wait = rate_limited(request, ("status:subscribe:ip", "ip", limits["ip"]))
        if not wait and form.is_valid():
            # Confirmations to one address are limited too, whoever asks for them.
            wait = rate_limited(
                request, ("status:subscribe:email", _address_key(prefix), limits["email"])
            )
        if wait:
            status = 429
            context["notice"] = (
                f"Several subscriptions were asked for in a short time. Please wait "
                f"{minutes(wait)} and try again."
            )
        elif form.is_valid():
            data = form.cleaned_data
            if not is_webhook:
                subscriptions.subscribe_email(
                    email=data["email"],
                    components=data["components"],
                    component_updates=data["component_updates"],
                )
                return redirect("status:subscription-sent")
            subscriber, secret = subscriptions.register_webhook(
                url=data["url"],
                email=data["email"],
                channel=data["channel"],
                components=data["components"],
                component_updates=data["component_updates"],
            )
            response = TemplateResponse(
                request,
                "status/subscription_webhook.html",
                {
                    "subscriber": subscriber,
                    "secret": secret,
                    "standard_secret": secret_for_libraries(secret) if secret else "",
                },
            )
            response["Cache-Control"] = "no-store"  # the secret is shown once
            return response
    context.update(email_form=email_form, webhook_form=webhook_form)
    return TemplateResponse(request, "status/subscription_create.html", context, status=status)


@require_GET
def subscription_sent(request):
    return TemplateResponse(
        request, "status/subscription_sent.html", {"confirm_days": links.CONFIRM_DAYS}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_confirm(request, token):
    subscriber = links.subscriber_for(token, "confirm")
    context = {"subscriber": subscriber, "confirm_days": links.CONFIRM_DAYS}
    if subscriber is None:
        return TemplateResponse(request, "status/subscription_confirm.html", context, status=404)
    # A GET only asks: mail scanners open links, and a scanner is not a person confirming.
    if request.method == "POST":
        subscriptions.confirm(subscriber)
    context.update(
        # The choice repeated, so a person sees what they are confirming.
        components=list(subscriber.components.order_by("position", "name")),
        confirmed=subscriber.confirmed_at is not None,
        manage_url=reverse("status:subscription-manage", args=[links.token(subscriber, "manage")]),
    )
    return TemplateResponse(request, "status/subscription_confirm.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_manage(request, token):
    subscriber = links.subscriber_for(token, "manage")
    if subscriber is None:
        return TemplateResponse(
            request, "status/subscription_delete.html", {"subscriber": None}, status=404
        )
    form = PreferencesForm(
        initial={
            "components": subscriber.components.all(),
            "component_updates": subscriber.component_updates,
        }
    )
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            subscriptions.change_preferences(
                subscriber,
                components=form.cleaned_data["components"],
                component_updates=form.cleaned_data["component_updates"],
            )
            return redirect(request.path + "?saved=1")
    context = {
        "subscriber": subscriber,
        "form": form,
        "saved": request.GET.get("saved") == "1",
        "unsubscribe_path": reverse(
            "status:subscription-delete", args=[links.token(subscriber, "unsubscribe")]
        ),
    }
    return TemplateResponse(request, "status/subscription_manage.html", context)


@csrf_exempt  # RFC 8058: mail clients POST here without cookies; the signed token decides
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_delete(request, token):
    """GET asks (link scanners open links); POST, from our page or from the mail client's
    one-click unsubscribe (List-Unsubscribe-Post), unsubscribes."""
    subscriber = links.subscriber_for(token, "unsubscribe")
    context = {"subscriber": subscriber, "done": False}
    if request.method == "POST" and subscriber is not None:
        context["address"] = subscriber.email if subscriber.channel == Channel.EMAIL else ""
        subscriptions.unsubscribe(subscriber)
        context["done"] = True
    status = 404 if subscriber is None and request.method != "POST" else 200
    return TemplateResponse(request, "status/subscription_delete.html", context, status=status)
