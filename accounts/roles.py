"""Staff roles. Each group gets model permissions by app and model; a migration creates
them (and later migrations call `sync_roles` again when apps add models). Content editors get
every permission on each model that declares itself editorial content
(core.content.EditorialContent): a new content type needs no line here.

No role gets the two-factor devices (otp_totp, accounts' recovery codes) or the sign-in
records (axes): only superusers manage other people's sign-in
(tests/accounts/test_two_factor.py). Nor the status subscribers and their deliveries:
addresses of people who are not staff."""

from core.content import editorial_models

ALL = ("add", "change", "delete", "view")
# Every role makes and revokes its own API tokens (the admin shows each person only theirs;
# a token can do only what its user's role allows: api/scopes.py).
API_TOKENS = {"api.apitoken": ALL}

SUPPORT_AGENTS = {
    **API_TOKENS,
    # Add: agents open tickets for customers (a phone call, a chat).
    "tickets.ticket": ("view", "add", "change"),
    "tickets.ticketmessage": ("view", "add"),
    "tickets.ticketevent": ("view",),
    "tickets.outboundemail": ("view", "change"),
    "mail.inboundemail": ("view",),
    "tickets.attachment": ("view", "add"),
    "tickets.suggestionopen": ("view",),
    "tickets.satisfactionrating": ("view",),
    "tickets.macro": ("view", "add", "change", "delete"),
    "tickets.savedview": ("view", "add", "change", "delete"),
    # Their own reply signature (the admin shows each agent only their own row).
    "tickets.agentpreference": ("view", "add", "change"),
    # Tags are typed on tickets (adding one makes it); custom fields are set on tickets.
    "tickets.tag": ("view", "add"),
    "tickets.customfield": ("view",),
    "tickets.customfieldvalue": ("view",),
    # Organizations: their staff notes, and which people belong (named one by one).
    "tickets.organization": ("view", "change"),
    "tickets.organizationdomain": ("view",),
    "tickets.organizationmember": ("view", "add", "change", "delete"),
    "tickets.supportplan": ("view",),
    "tickets.slatarget": ("view",),
    "tickets.agentgroup": ("view",),
    # Rules: agents read them (and their dry runs) to know why a ticket changed.
    "tickets.trigger": ("view",),
    "tickets.triggercondition": ("view",),
    "tickets.triggeraction": ("view",),
    "tickets.triggerfiring": ("view",),
}
# What support leads set up for the whole desk: tags (rename, delete), custom fields,
# organizations and their domains, support plans, agent groups, triggers.
SUPPORT_SETUP = {
    "tickets.tag": ALL,
    "tickets.customfield": ALL,
    "tickets.organization": ALL,
    "tickets.organizationdomain": ALL,
    "tickets.supportplan": ALL,
    "tickets.slatarget": ALL,
    "tickets.agentgroup": ALL,
    "tickets.trigger": ALL,
    "tickets.triggercondition": ALL,
    "tickets.triggeraction": ALL,
}
# The support reports (insights.support) and CSV exports of ticket lists: leads only (agents
# see their queue; numbers over the whole desk, and bulk copies of customers' details, are
# the leads' and admins').
SUPPORT_REPORTS = {"insights.supportreport": ("view",)}
# Outgoing webhooks (the API's): what leads connect the desk to.
WEBHOOKS = {
    "api.webhookendpoint": ALL,
    "api.webhookevent": ("view",),
    "api.webhookdelivery": ("view", "change"),
}
# Slack: the channels the desk posts to (their webhook URLs are secrets) and what was posted.
SLACK = {"slack.slackchannel": ALL, "slack.slackmessage": ("view", "change")}
# What customers searched, found, opened and asked after (insights/): for leads and editors.
INSIGHTS = {"insights.dashboard": ("view",), "insights.searchevent": ("view",)}


def roles():
    """{group name: {"app.model": actions}}, read from the models as installed now."""
    return {
        # Triage tickets; never delete one (no ticket is ever lost), never touch content.
        "Support agents": SUPPORT_AGENTS,
        # Agents who also set up the desk (tags, custom fields) and read the dashboard and
        # what it links to (feedback, content gaps).
        "Support leads": {
            **SUPPORT_AGENTS,
            **SUPPORT_SETUP,
            **WEBHOOKS,
            **SLACK,
            **INSIGHTS,
            **SUPPORT_REPORTS,
            "tickets.ticket": ("view", "add", "change", "export"),
            "kb.feedback": ("view",),
            "insights.searchquery": ("view",),
        },
        # Guides, runbooks, FAQ, page text, platform status; search synonyms and the
        # content-gaps report.
        "Content editors": {
            **API_TOKENS,
            **{model._meta.label_lower: ALL for model in editorial_models()},
            "kb.feedback": ("view",),
            "kb.outdatedreport": ("view", "delete"),
            # Their own time zone, for Publish at / Unpublish at (the admin shows their row).
            "tickets.agentpreference": ("view", "add", "change"),
            "insights.searchquery": ("view",),
            **INSIGHTS,
            "search.synonym": ALL,
            **{
                f"status.{model}": ALL
                for model in (
                    "componentgroup",
                    "component",
                    "componentstatuschange",
                    "incident",
                    "incidentupdate",
                    "incidentupdatecomponent",
                    "incidenttemplate",
                    "incidenttemplatecomponent",
                )
            },
            # What was sent and to whom: counts show on each incident; the subscribers'
            # addresses and delivery logs are personal data, for superusers only.
        },
    }


def sync_roles(apps, schema_editor=None):
    """Create the groups and give each exactly its permissions (those that exist yet)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Migration states carry no models module, which create_permissions requires.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Read once (about 18 migrations call this; a query per grant cost 80 each).
    existing = [
        (p, p.content_type.app_label, p.content_type.model)
        for p in Permission.objects.select_related("content_type")
    ]
    for name, grants in roles().items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            wanted += [
                p
                for p, p_app, p_model in existing
                if p_app == app_label
                and model in ("*", p_model)
                and p.codename.split("_", 1)[0] in actions
            ]
        group.permissions.set(wanted)


# Where each role works: staff land there after signing in (the admin index for the others).
# URL names, so accounts imports no app above it.
LANDINGS = {
    "Support agents": "admin:tickets_ticket_changelist",
    "Support leads": "admin:tickets_ticket_changelist",
}
# Apps only superusers see in the admin index, whatever permissions someone was given: the
# machinery of sign-in and of background work. And the names the index shows for apps that
# have none of their own (their labels in capitals otherwise).
INTERNAL_APPS = {"axes", "otp_static", "otp_totp", "django_tasks_database", "reversion"}
APP_NAMES = {
    "auth": "Staff and roles",
    "axes": "Sign-in attempts",
    "otp_static": "Two-factor: old recovery codes",
    "otp_totp": "Two-factor: authenticator apps",
    "django_tasks_database": "Background tasks",
}


def landing_for(user):
    """The URL name of the page `user` starts on: the queue for agents and leads."""
    if user.is_superuser:
        return "admin:index"
    names = set(user.groups.values_list("name", flat=True))
    return next((url for role, url in LANDINGS.items() if role in names), "admin:index")


def role_groups():
    """The groups of the roles (what inviting a colleague offers)."""
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=roles()).order_by("name")
