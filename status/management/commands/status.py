"""`manage.py status ...`: drive the status page from a shell or a monitoring script.

    status summary [--json]
    status component list
    status component set SLUG STATUS
    status incident open NAME --body TEXT [--impact major] [--status investigating]
                         [--component api=partial_outage ...] [--guide SLUG] [--runbook SLUG]
    status incident open --template SLUG [NAME] [--body TEXT]
    status template list
    status incident update CODE|latest --status identified --body TEXT [--component api=operational]
    status incident resolve CODE [--body TEXT] [--keep-components]
    status incident list [--all]
    status maintenance schedule NAME --start ISO --end ISO --body TEXT [--component api ...]
    status maintenance list
    status import PATH
    status tick [--every SECONDS]

Every change tells subscribers, unless --no-notify is given, and says how many
("notified 3 subscribers", before an incident's code on the last line).

Exit codes: 0 done, 1 a value was wrong (unknown component, status, incident...), 2 usage.
"""

import argparse
import time
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.text import plural
from kb.models import Guide
from runbooks.models import Runbook
from status import api, services, state
from status.importer import StatusContentError, import_status
from status.models import (
    Component,
    ComponentStatus,
    Impact,
    Incident,
    IncidentStatus,
    IncidentTemplate,
    Notification,
    Subscriber,
)


def _choice(value, choices, what):
    if value not in choices:
        raise CommandError(f"unknown {what} {value!r}; one of: {', '.join(choices)}")
    return value


def _component(slug):
    component = Component.objects.filter(slug=slug).first() or (
        Component.objects.filter(code=slug).first()
    )
    if component is None:
        known = ", ".join(Component.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"unknown component {slug!r}; known: {known}")
    return component


def _component_statuses(values, default=None):
    """["api=partial_outage", "dashboard"] → {Component: status}."""
    result = {}
    for value in values or []:
        slug, _, status = value.partition("=")
        status = status or default
        if status is None:
            raise CommandError(f"--component {value!r}: say which status, e.g. {slug}=major_outage")
        result[_component(slug)] = _choice(status, ComponentStatus.values, "component status")
    return result


def _incident(code):
    incident = services.find_incident(code)
    if incident is None:
        raise CommandError(f"no incident or maintenance with code {code!r} (see `incident list`)")
    return incident


def _by_slug(model, slugs):
    found = list(model.objects.filter(slug__in=slugs or []))
    missing = sorted(set(slugs or []) - {o.slug for o in found})
    if missing:
        raise CommandError(f"unknown {model._meta.verbose_name} {', '.join(missing)}")
    return found


def _when(value):
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not an ISO 8601 date and time") from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def text(value):
    """An argument that must say something."""
    value = value.strip()
    if not value:
        raise argparse.ArgumentTypeError("must not be empty")
    return value


class Command(BaseCommand):
    help = "Show and change platform status: components, incidents, maintenance."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="area", required=True, metavar="AREA")

        summary = sub.add_parser("summary", help="overall status, components, open incidents")
        summary.add_argument("--json", action="store_true", help="print summary.json")

        component = sub.add_parser("component", help="list components or set a status")
        component_sub = component.add_subparsers(dest="action", required=True)
        component_sub.add_parser("list")
        set_ = component_sub.add_parser("set", help="set STATUS on component SLUG")
        set_.add_argument("slug")
        set_.add_argument("status", help=", ".join(ComponentStatus.values))

        incident = sub.add_parser("incident", help="open, update, resolve or list incidents")
        incident_sub = incident.add_subparsers(dest="action", required=True)
        open_ = incident_sub.add_parser("open")
        open_.add_argument("name", type=text, nargs="?", help="(default: the template's)")
        open_.add_argument("--template", metavar="SLUG", help="start from an incident template")
        open_.add_argument("--body", type=text, help="required without --template")
        open_.add_argument("--impact", default=Impact.MINOR, help=", ".join(Impact.values))
        open_.add_argument("--status", default=IncidentStatus.INVESTIGATING)
        open_.add_argument("--component", action="append", metavar="SLUG=STATUS")
        open_.add_argument("--guide", action="append", metavar="SLUG")
        open_.add_argument("--runbook", action="append", metavar="SLUG")
        update = incident_sub.add_parser("update")
        update.add_argument("code")
        update.add_argument("--status", required=True)
        update.add_argument("--body", required=True, type=text)
        update.add_argument("--component", action="append", metavar="SLUG=STATUS")
        resolve = incident_sub.add_parser("resolve")
        resolve.add_argument("code")
        resolve.add_argument("--body", default="This incident has been resolved.", type=text)
        resolve.add_argument(
            "--keep-components",
            action="store_true",
            help="leave component statuses as they are (default: back to operational)",
        )
        list_ = incident_sub.add_parser("list")
        list_.add_argument("--all", action="store_true", help="resolved ones too")
        for parser in (set_, open_, update, resolve):
            parser.add_argument("--no-notify", action="store_true", help="do not tell subscribers")

        template = sub.add_parser("template", help="incident templates")
        template_sub = template.add_subparsers(dest="action", required=True)
        template_sub.add_parser("list")

        maintenance = sub.add_parser("maintenance", help="schedule or list maintenance")
        maintenance_sub = maintenance.add_subparsers(dest="action", required=True)
        schedule = maintenance_sub.add_parser("schedule")
        schedule.add_argument("name", type=text)
        schedule.add_argument("--start", required=True, help="ISO 8601, e.g. 2026-12-01T02:00Z")
        schedule.add_argument("--end", required=True)
        schedule.add_argument("--body", required=True, type=text)
        schedule.add_argument("--component", action="append", metavar="SLUG")
        schedule.add_argument(
            "--reminder",
            type=int,
            metavar="MINUTES",
            help="remind subscribers this long before the start (0: no reminder)",
        )
        schedule.add_argument("--no-notify", action="store_true", help="do not tell subscribers")
        maintenance_sub.add_parser("list")

        importer = sub.add_parser("import", help="load status content (content/status/)")
        importer.add_argument("path")

        tick = sub.add_parser("tick", help="what the clock does: run it every minute (cron)")
        tick.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep running, ticking every SECONDS (make run does this)",
        )

    def handle(self, *args, area, **options):
        action = options.get("action")
        handler = getattr(self, f"do_{area}_{action}" if action else f"do_{area}")
        self._since = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        self._reported = False
        try:
            handler(**options)
        except ValidationError as error:  # e.g. a name too long: a message, not a traceback
            raise CommandError("; ".join(error.messages)) from None
        self.report_notified()

    def report_notified(self):
        """Say how many subscribers this change notifies (their emails and webhooks go out
        from the worker), once, before a command's last line (an incident's code)."""
        if self._reported:
            return
        self._reported = True
        made = Notification.objects.filter(pk__gt=self._since or 0)
        if made.exists():
            told = sum(Subscriber.objects.for_notification(n).count() for n in made)
            self.stdout.write(f"notified {plural(told, 'subscriber')}")

    # ------------------------------------------------------------------ summary

    def do_summary(self, *, json=False, **options):
        if json:
            body, _ = api.api_document("summary")  # links point at SITE_URL, as on the web
            self.stdout.write(body.decode())
            return
        current = state.status_state()
        self.stdout.write(f"{current['indicator']}: {current['description']}")
        for group, children in Component.objects.tree():
            for component in children:
                prefix = f"{group.name} / " if group else ""
                self.stdout.write(
                    f"  {prefix}{component.name} [{component.slug}]: {component.status}"
                )
        for item in current["incidents"] + current["maintenances"]:
            self.stdout.write(f"  open: {item['code']} {item['name']} ({item['status']})")

    # ------------------------------------------------------------------ components

    def do_component_list(self, **options):
        for component in Component.objects.select_related("group"):
            self.stdout.write(f"{component.slug}\t{component.status}\t{component.name}")

    def do_component_set(self, *, slug, status, no_notify=False, **options):
        component = _component(slug)
        _choice(status, ComponentStatus.values, "component status")
        if component.status == status:
            self.stdout.write(f"{component.slug} is already {status}")
            return
        old = component.status
        services.set_component_status(
            component=component, status=status, notify_subscribers=not no_notify
        )
        self.stdout.write(self.style.SUCCESS(f"{component.slug}: {old} → {status}"))

    # ------------------------------------------------------------------ incidents

    def do_incident_open(self, *, name, body, impact, status, template=None, **options):
        notify_subscribers = not options["no_notify"]
        if template:
            found = IncidentTemplate.objects.filter(slug=template).first()
            if found is None:
                known = ", ".join(IncidentTemplate.objects.values_list("slug", flat=True))
                raise CommandError(f"unknown template {template!r}; known: {known or 'none yet'}")
            incident = services.open_from_template(
                template=found, name=name, body=body, notify_subscribers=notify_subscribers
            )
            self.stdout.write(self.style.SUCCESS(f"opened {incident.code}: {incident.name}"))
            self.report_notified()
            self.stdout.write(incident.code)
            return
        if not name or not body:
            raise CommandError("give a NAME and --body (or --template SLUG)")
        _choice(impact, Impact.values, "impact")
        _choice(status, IncidentStatus.values, "incident status")
        incident = services.open_incident(
            name=name,
            body=body,
            impact=impact,
            status=status,
            components=_component_statuses(options["component"]),
            guides=_by_slug(Guide, options["guide"]),
            runbooks=_by_slug(Runbook, options["runbook"]),
            notify_subscribers=notify_subscribers,
        )
        self.stdout.write(self.style.SUCCESS(f"opened {incident.code}: {incident.name}"))
        self.report_notified()
        self.stdout.write(incident.code)

    def do_incident_update(self, *, code, status, body, **options):
        incident = _incident(code)
        _choice(status, services.statuses_for(incident), "status")
        services.post_update(
            incident=incident,
            status=status,
            body=body,
            components=_component_statuses(options["component"]),
            notify_subscribers=not options["no_notify"],
        )
        self.stdout.write(self.style.SUCCESS(f"{incident.code}: {status}"))

    def do_incident_resolve(self, *, code, body, keep_components, **options):
        incident = _incident(code)
        if not incident.is_open:
            raise CommandError(f"{code} is already {incident.status}")
        services.resolve_incident(
            incident=incident,
            body=body,
            restore_components=not keep_components,
            notify_subscribers=not options["no_notify"],
        )
        self.stdout.write(self.style.SUCCESS(f"{incident.code}: resolved"))

    def do_incident_list(self, *, all=False, **options):
        incidents = Incident.objects.incidents()
        for incident in incidents if all else incidents.unresolved():
            self.stdout.write(
                f"{incident.code}\t{incident.status}\t{incident.impact}\t{incident.name}"
            )

    # ------------------------------------------------------------------ maintenance

    def do_maintenance_schedule(self, *, name, start, end, body, **options):
        scheduled_for, scheduled_until = _when(start), _when(end)
        if scheduled_until <= scheduled_for:
            raise CommandError("--end must be after --start")
        maintenance = services.schedule_maintenance(
            name=name,
            scheduled_for=scheduled_for,
            scheduled_until=scheduled_until,
            body=body,
            components=[_component(slug) for slug in options["component"] or []],
            reminder_minutes=options["reminder"],
            notify_subscribers=not options["no_notify"],
        )
        self.stdout.write(self.style.SUCCESS(f"scheduled {maintenance.code}: {name}"))
        self.report_notified()
        self.stdout.write(maintenance.code)

    def do_maintenance_list(self, **options):
        for item in Incident.objects.maintenances().unresolved().order_by("scheduled_for"):
            self.stdout.write(
                f"{item.code}\t{item.status}\t{item.scheduled_for:%Y-%m-%dT%H:%MZ}"
                f"\t{item.scheduled_until:%Y-%m-%dT%H:%MZ}\t{item.name}"
            )

    def do_template_list(self, **options):
        for template in IncidentTemplate.objects.all():
            self.stdout.write(f"{template.slug}\t{template.impact}\t{template.title}")

    # ------------------------------------------------------------------ other

    def do_import(self, *, path, **options):
        try:
            report = import_status(path)
        except StatusContentError as error:
            raise CommandError(str(error)) from None
        for outcome in ("created", "updated"):
            for label in getattr(report, outcome):
                self.stdout.write(f"{outcome}: {label}")
        self.stdout.write(
            f"status content: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {plural(len(report.errors), 'error')}"
        )
        for file, reason in report.errors:
            self.stderr.write(f"{file}: {reason}")
        if report.errors:
            raise CommandError("some status content was not loaded")

    def do_tick(self, *, every=None, **options):
        while True:
            done = services.tick()
            if not every or any(done.values()):
                self.stdout.write(
                    f"{plural(done['reminded'], 'reminder')}, "
                    f"{plural(done['moved'], 'maintenance')} moved on, "
                    f"{plural(done['sent'], 'notification')} sent, {done['failed']} failed, "
                    f"{plural(done['forgotten'], 'unconfirmed subscription')} forgotten"
                )
            if not every:
                return
            time.sleep(max(1, every))
