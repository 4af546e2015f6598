"""Two-factor sign-in pages of the admin (wired and guarded in accounts.sites)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import slugify
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import newcodes, remember, twofactor
from accounts.forms import CodeForm, SavedCodesForm, SetupForm


@require_http_methods(["GET", "POST"])
def twofactor_verify(request, admin_site):
    """The second step of signing in: a code from the app or a recovery code."""
    next_url = _next_url(request)
    step = twofactor.second_step(request)
    if step != twofactor.VERIFY:
        return _go_on(request, step, next_url)
    form = CodeForm(request.POST or None, remember_days=remember.days())
    retry_after = 0
    if form.is_valid():
        check = twofactor.check_code(request=request, code=form.cleaned_data["code"])
        if check.device:
            response = HttpResponseRedirect(next_url)
            if form.cleaned_data.get("remember"):
                remember.remember(response, request=request, user=request.user)
            return response
        form.add_error("code", _wrong_code(check))
        retry_after = check.retry_after
    context = {
        **admin_site.step_context(request),
        "title": "Enter your sign-in code",
        "form": form,
        "next": next_url,
        "required": settings.STAFF_2FA_REQUIRED,
    }
    return _form_page(request, "admin/accounts/twofactor_verify.html", context, retry_after)


@require_http_methods(["GET", "POST"])
def twofactor_setup(request, admin_site):
    """Add an authenticator app (scan the QR code or type the key, confirm with a code), or
    replace the one in use. A first set-up ends with the recovery codes."""
    user, next_url = request.user, _next_url(request)
    replacing = twofactor.has_two_factor(user)
    if replacing and twofactor.second_step(request) == twofactor.VERIFY:
        return _go_on(request, twofactor.VERIFY, next_url)  # prove the current one first
    device = twofactor.pending_authenticator(user)
    form = SetupForm(request.POST or None)
    retry_after = 0
    if form.is_valid():
        code = form.cleaned_data["code"]
        check = twofactor.confirm_authenticator(request=request, device=device, code=code)
        if check.device and replacing:
            messages.success(request, "Your new authenticator app is set up: use it from now on.")
            return HttpResponseRedirect(reverse("admin:two-factor"))
        if check.device:
            codes_page = reverse("admin:two-factor-recovery-codes")
            response = HttpResponseRedirect(_with_next(codes_page, next_url))
            codes = twofactor.make_recovery_codes(user=user)
            return newcodes.hold(response, request=request, codes=codes)
        form.add_error("code", _wrong_code(check))
        retry_after = check.retry_after
    context = {
        **_page_context(request, admin_site),
        "title": "Replace your authenticator app" if replacing else "Set up two-factor sign-in",
        "form": form,
        "next": next_url,
        "replacing": replacing,
        "required": settings.STAFF_2FA_REQUIRED,
        "key": twofactor.manual_key(device),
        "qr_size": twofactor.qr_code(device).symbol_size(scale=twofactor.QR_SCALE)[0],
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return _form_page(request, "admin/accounts/twofactor_setup.html", context, retry_after)


@require_GET
def twofactor_qrcode(request):
    """The QR code of the authenticator being set up, as an SVG image (never cached)."""
    if twofactor.second_step(request) == twofactor.VERIFY:
        raise Http404
    device = twofactor.pending_authenticator(request.user, create=False)
    if device is None:
        raise Http404
    response = HttpResponse(content_type="image/svg+xml")
    twofactor.qr_code(device).save(
        response, kind="svg", scale=twofactor.QR_SCALE, dark="#000", light="#fff", xmldecl=False
    )
    return response


@require_http_methods(["GET", "POST"])
def recovery_codes(request, admin_site):
    """GET: the new codes, until their owner confirms they saved them (accounts.newcodes).
    POST: make new codes."""
    if request.method == "POST":
        if twofactor.has_two_factor(request.user):
            response = HttpResponseRedirect(reverse("admin:two-factor-recovery-codes"))
            codes = twofactor.make_recovery_codes(user=request.user)
            return newcodes.hold(response, request=request, codes=codes)
        return HttpResponseRedirect(reverse("admin:two-factor"))
    codes = newcodes.held(request)
    if not codes:
        return HttpResponseRedirect(reverse("admin:two-factor"))
    return _codes_page(request, admin_site, codes, SavedCodesForm())


@require_POST
def recovery_codes_saved(request, admin_site):
    """ "I have saved these codes": from now on they are not shown or served again."""
    next_url = _next_url(request)
    codes = newcodes.held(request)
    if not codes:  # confirmed already (another tab), or replaced
        return HttpResponseRedirect(next_url)
    form = SavedCodesForm(request.POST)
    if not form.is_valid():
        return _codes_page(request, admin_site, codes, form)
    messages.success(
        request,
        "Recovery codes saved: each works once, instead of a code from your authenticator app.",
    )
    return newcodes.release(HttpResponseRedirect(next_url), request=request)


@require_GET
def recovery_codes_download(request, admin_site):
    """The new codes as a text file, while the codes page shows them."""
    codes = newcodes.held(request)
    if not codes:
        return HttpResponseRedirect(reverse("admin:two-factor"))
    user, site = request.user.get_username(), settings.OTP_TOTP_ISSUER
    lines = [
        f"{site} ({settings.SITE_URL}): recovery codes for {user}",
        "",
        "Each code works once, typed instead of the code of your authenticator app.",
        "Keep this file somewhere safe, away from your phone. Codes made earlier no longer work.",
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
    filename = f"{slugify(site)}-recovery-codes-{slugify(user)}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _codes_page(request, admin_site, codes, form):
    context = {
        **admin_site.each_context(request),
        "title": "Your recovery codes",
        "codes": codes,
        "form": form,
        "next": _next_url(request),
    }
    return TemplateResponse(request, "admin/accounts/recovery_codes.html", context)


@require_GET
def twofactor_status(request, admin_site):
    """The "Two-factor sign-in" page of the user tools: state and what can be done."""
    user = request.user
    context = {
        **admin_site.each_context(request),
        "title": "Two-factor sign-in",
        "authenticator": twofactor.authenticator(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "required": settings.STAFF_2FA_REQUIRED,
        "can_turn_off": twofactor.can_turn_off(user),
        "remember_days": remember.days(),
        "remembered_until": remember.remembered_until(request),
    }
    return TemplateResponse(request, "admin/accounts/twofactor_status.html", context)


@require_POST
def browser_forget(request, admin_site):
    """ "Forget this browser": the next sign-in here asks for a code again."""
    messages.success(request, "This browser will ask for your code at your next sign-in.")
    response = HttpResponseRedirect(reverse("admin:two-factor"))
    remember.forget(response)
    return response


@require_http_methods(["GET", "POST"])
def twofactor_disable(request, admin_site):
    """Turn two-factor sign-in off for oneself, when the site does not require it."""
    user = request.user
    if not twofactor.has_two_factor(user):
        return HttpResponseRedirect(reverse("admin:two-factor"))
    if not twofactor.can_turn_off(user):
        messages.error(request, "This site requires two-factor sign-in for staff.")
        return HttpResponseRedirect(reverse("admin:two-factor"))
    if request.method == "POST":
        twofactor.remove_two_factor(users=[user])
        messages.success(request, "Two-factor sign-in is off: your password alone signs you in.")
        return HttpResponseRedirect(reverse("admin:two-factor"))
    context = {**admin_site.each_context(request), "title": "Turn off two-factor sign-in?"}
    return TemplateResponse(request, "admin/accounts/twofactor_disable.html", context)


def _form_page(request, template, context, retry_after):
    """A code form's page; 429 while checking codes is paused after wrong ones."""
    response = TemplateResponse(request, template, context, status=429 if retry_after else 200)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _page_context(request, admin_site):
    """The full admin frame once signed in; the bare one during the second step."""
    if admin_site.has_permission(request):
        return admin_site.each_context(request)
    return admin_site.step_context(request)


def _wrong_code(check):
    if check.retry_after:
        seconds = check.retry_after
        return ngettext(
            "Too many wrong codes: wait %(n)d second, then try again.",
            "Too many wrong codes: wait %(n)d seconds, then try again.",
            seconds,
        ) % {"n": seconds}
    return "That code is not right. Enter the code the app shows now (it changes every 30 seconds)."


def _next_url(request):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _with_next(url, next_url):
    if next_url == reverse("admin:index"):
        return url
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def _go_on(request, step, next_url):
    """Where to go from a step page that is not (or no longer) the one due."""
    if step is None:
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(_with_next(reverse(f"admin:{step}"), next_url))
