"""Staff onboarding: a new colleague gets an email with a link to choose their password (no
password passed around by hand), and lands where their role works after signing in.

The link is Django's password-reset token (it stops working once the password is set, and
after PASSWORD_RESET_TIMEOUT). Accounts says what the email says; the mail gateway, a layer
up, sends it when told (`staff_invited`, received by mail.invitations), as every email goes.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.roles import landing_for

# Sent with `user`, `subject` and `body`, whose "{link}" the receiver makes absolute.
staff_invited = Signal()
LINK = "{link}"


def invitation_path(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("admin:invitation", kwargs={"uidb64": uid, "token": token})


def invite(user, *, by=None):
    """Email `user` a link to set their password (a first one, or again: each link works
    until a password is set). Returns the number of receivers that queued it."""
    context = {
        "user": user,
        "by": by.get_full_name() or by.get_username() if by else "",
        "link": LINK,
        "landing": landing_for(user),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context, using="text")
    body = render_to_string("accounts/email/invitation.txt", context, using="text")
    answers = staff_invited.send(
        sender=type(user), user=user, subject=subject, body=body, path=invitation_path(user)
    )
    return len(answers)


class InvitationAccept(PasswordResetConfirmView):
    """The invitation's link: choose a password, then sign in (with two-factor set-up next,
    where it is required). Django's reset view: the token leaves the address at once (a
    redirect to .../set-password/), so no page's Referer carries it."""

    template_name = "admin/accounts/invitation_accept.html"
    success_url = reverse_lazy("admin:login")
    admin_site = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **self.admin_site.step_context(self.request)}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set. Sign in with it now.")
        return response
