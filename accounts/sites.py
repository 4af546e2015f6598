"""The admin site, with a second sign-in step for staff (see accounts.twofactor)."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from accounts import invitations, roles, twofactor, views
from accounts.staff import acting_staff
from core.web.admin_lookups import DeclaredLookupsMixin


class StaffAdminSite(admin.AdminSite):
    site_header = "Help center administration"
    site_title = "Help center admin"
    index_title = "Content and support"
    login_template = "admin/accounts/login.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin, ours and third-party, filters its list only on the parameters
        it declares (core.web.admin_lookups)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, DeclaredLookupsMixin):
            admin_class = type(
                admin_class.__name__,
                (DeclaredLookupsMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        return super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        """Staff who still owe their code (or their set-up) have no admin page yet."""
        return acting_staff(request) is not None

    def admin_view(self, view, cacheable=False):
        """Every admin page and action: signed in as staff, second step done (logging out
        needs only the first)."""
        return self._guard(view, cacheable=cacheable, second_step_done=True)

    def second_step_view(self, view):
        """The second step's own pages: signed in with the password is enough."""
        return self._guard(view, cacheable=False, second_step_done=False)

    def _guard(self, view, *, cacheable, second_step_done):
        def inner(request, *args, **kwargs):
            logout = reverse("admin:logout", current_app=self.name)
            if not super(StaffAdminSite, self).has_permission(request):
                if request.path == logout:
                    return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login", current_app=self.name)
                )
            step = twofactor.second_step(request) if second_step_done else None
            if step and request.path != logout:
                return self.redirect_to_step(request, step)
            return view(request, *args, **kwargs)

        if not cacheable:
            inner = never_cache(inner)
        if not getattr(view, "csrf_exempt", False):
            inner = csrf_protect(inner)
        return update_wrapper(inner, view)

    def redirect_to_step(self, request, step):
        return redirect_to_login(
            request.get_full_path(), reverse(f"admin:{step}", current_app=self.name)
        )

    def login(self, request, extra_context=None):
        # Already past the password: on to the code, or to setting it up.
        if (
            request.method == "GET"
            and super().has_permission(request)
            and (step := twofactor.second_step(request))
        ):
            return HttpResponseRedirect(
                reverse(f"admin:{step}", current_app=self.name)
                + (f"?{request.GET.urlencode()}" if request.GET else "")
            )
        response = super().login(request, extra_context)
        if request.method == "POST" and super().has_permission(request):
            # Just signed in with the password. A browser remembered for the user skips the
            # code: done here, where its cookie is sent, so that wherever the login sends
            # them (a draft's public page too) the session is already verified.
            twofactor.second_step(request)
            index = reverse("admin:index", current_app=self.name)
            if response.status_code == 302 and response["Location"] == index:
                # Nowhere asked for: where their role works (agents: the queue).
                response["Location"] = reverse(roles.landing_for(request.user))
        return response

    def get_app_list(self, request, app_label=None):
        """Plain names for apps that have none; the sign-in and background machinery for
        superusers only, whatever someone else was given."""
        apps = super().get_app_list(request, app_label)
        if not request.user.is_superuser:
            apps = [app for app in apps if app["app_label"] not in roles.INTERNAL_APPS]
        for app in apps:
            app["name"] = roles.APP_NAMES.get(app["app_label"], app["name"])
        return apps

    def step_context(self, request):
        """What the admin's base template needs on the second step's pages, without the
        navigation (nothing of the admin shows before the step is done)."""
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": self.site_url,
            "has_permission": False,
            "available_apps": [],
            "is_popup": False,
            "is_nav_sidebar_enabled": False,
        }

    def get_urls(self):
        site = {"admin_site": self}
        step, page = self.second_step_view, self.admin_view
        accept = invitations.InvitationAccept.as_view(admin_site=self)
        return [
            # The invitation's link: for someone not signed in yet (accounts.invitations).
            path("invitation/<token>/<uidb64>/", accept, name="invitation"),
            path("two-factor/", page(views.twofactor_status), site, name="two-factor"),
            path("two-factor/code/", step(views.twofactor_verify), site, name=twofactor.VERIFY),
            path("two-factor/set-up/", step(views.twofactor_setup), site, name=twofactor.SET_UP),
            path("two-factor/set-up/qr.svg", step(views.twofactor_qrcode), name="two-factor-qr"),
            path(
                "two-factor/recovery-codes/",
                page(views.recovery_codes),
                site,
                name="two-factor-recovery-codes",
            ),
            path(
                "two-factor/recovery-codes/saved/",
                page(views.recovery_codes_saved),
                site,
                name="two-factor-recovery-codes-saved",
            ),
            path(
                "two-factor/recovery-codes/download/",
                page(views.recovery_codes_download),
                site,
                name="two-factor-recovery-codes-download",
            ),
            path(
                "two-factor/forget-browser/",
                page(views.browser_forget),
                site,
                name="two-factor-forget-browser",
            ),
            path(
                "two-factor/turn-off/", page(views.twofactor_disable), site, name="two-factor-off"
            ),
        ] + super().get_urls()
