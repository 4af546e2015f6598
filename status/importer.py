"""Load status demo content (content/status/*.yaml): groups and components by slug,
past incidents by code. Loading twice changes nothing, and a component's live status is never
reset (only its name, description, group and position follow the file).
"""

import datetime
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from core.importing import Report
from kb.models import Guide
from runbooks.models import Runbook
from status import services
from status.models import (
    CODE_ALPHABET,
    Component,
    ComponentGroup,
    ComponentStatus,
    Impact,
    Incident,
    IncidentStatus,
    IncidentTemplate,
)


class StatusContentError(Exception):
    pass


def import_status(root) -> Report:
    root = Path(root)
    if not root.is_dir():
        raise StatusContentError(f"{root} is not a folder")
    report = Report()
    for path in sorted(root.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            report.errors.append((path, f"not valid YAML: {error}"))
            continue
        if not isinstance(data, dict):
            report.errors.append((path, "the file must hold a mapping (groups, components...)"))
            continue
        for kind, loader in [
            ("groups", _load_group),
            ("components", _load_component),
            ("incidents", _load_incident),
            ("templates", _load_template),
        ]:
            for item in data.get(kind) or []:
                try:
                    with transaction.atomic():
                        outcome, label = loader(item)
                except StatusContentError as error:
                    report.errors.append((path, f"{kind}: {error}"))
                else:
                    getattr(report, outcome).append(label)
    return report


def _require(item, *names):
    if not isinstance(item, dict):
        raise StatusContentError(f"each entry must be a mapping, not {item!r}")
    missing = [n for n in names if not item.get(n)]
    if missing:
        raise StatusContentError(f"{item.get('slug') or item} misses {', '.join(missing)}")


def _sync(model, slug, values):
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        obj = model(slug=slug, **values)
        if isinstance(obj, Component) and obj.start_date:
            # The history starts on the start date: the uptime bars have data from there.
            obj._status_at = timezone.make_aware(
                datetime.datetime.combine(obj.start_date, datetime.time())
            )
        obj.save()
        return "created"
    if all(getattr(obj, name) == value for name, value in values.items()):
        return "unchanged"
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return "updated"


def _load_group(item):
    _require(item, "slug", "name")
    values = {
        "name": item["name"],
        "description": item.get("description", ""),
        "position": item.get("position", 100),
    }
    return _sync(ComponentGroup, item["slug"], values), f"group {item['slug']}"


def _load_component(item):
    _require(item, "slug", "name")
    group = None
    if item.get("group"):
        group = ComponentGroup.objects.filter(slug=item["group"]).first()
        if group is None:
            raise StatusContentError(f"component {item['slug']}: no group {item['group']!r}")
    values = {
        "name": item["name"],
        "description": item.get("description", ""),
        "position": item.get("position", 100),
        "group": group,
        "start_date": item.get("start_date"),
    }
    return _sync(Component, item["slug"], values), f"component {item['slug']}"


def _timestamp(value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise StatusContentError(f"{value!r} must be a date and time with an offset")
    return value


def _load_incident(item):
    _require(item, "code", "name", "updates")
    code = str(item["code"])
    if len(code) != 12 or any(ch not in CODE_ALPHABET for ch in code):
        raise StatusContentError(f"code {code!r} must be 12 lowercase letters or digits")
    label = f"incident {code}"
    if Incident.objects.filter(code=code).exists():
        return "unchanged", label  # past incidents are history: editors own them from here
    if item.get("impact", "minor") not in Impact.values:
        raise StatusContentError(f"{code}: impact must be one of {', '.join(Impact.values)}")
    guides = _by_slug(Guide, item.get("guides", []), code)
    runbooks = _by_slug(Runbook, item.get("runbooks", []), code)
    updates = sorted(
        ((_timestamp(u.get("at")), u) for u in item["updates"]), key=lambda pair: pair[0]
    )
    incident = None
    for at, update in updates:
        if update.get("status") not in IncidentStatus.values:
            raise StatusContentError(f"{code}: update status {update.get('status')!r} unknown")
        components = {}
        for slug, status in (update.get("components") or {}).items():
            if status not in ComponentStatus.values:
                raise StatusContentError(f"{code}: component status {status!r} unknown")
            component = Component.objects.filter(slug=slug).first()
            if component is None:
                raise StatusContentError(f"{code}: no component {slug!r}")
            components[component] = status
        if incident is None:
            incident = services.open_incident(
                code=code,
                name=item["name"],
                impact=item.get("impact", "minor"),
                status=update["status"],
                body=update["body"],
                components=components,
                guides=guides,
                runbooks=runbooks,
                at=at,
                notify_subscribers=False,  # history, not news
            )
        else:
            services.post_update(
                incident=incident,
                status=update["status"],
                body=update["body"],
                components=components,
                at=at,
                notify_subscribers=False,
            )
    return "created", label


def _load_template(item):
    """An incident template, matched by slug; its components follow the file."""
    _require(item, "slug", "name", "title", "body")
    slug = item["slug"]
    if item.get("impact", "minor") not in Impact.values:
        raise StatusContentError(
            f"template {slug}: impact must be one of {', '.join(Impact.values)}"
        )
    components = {}
    for component_slug, status in (item.get("components") or {}).items():
        component = Component.objects.filter(slug=component_slug).first()
        if component is None:
            raise StatusContentError(f"template {slug}: no component {component_slug!r}")
        if status not in ComponentStatus.values:
            raise StatusContentError(f"template {slug}: component status {status!r} unknown")
        components[component.pk] = status
    values = {
        "name": item["name"],
        "title": item["title"],
        "body": item["body"].strip(),
        "impact": item.get("impact", "minor"),
    }
    template = IncidentTemplate.objects.filter(slug=slug).first()
    current = {}
    if template is not None:
        current = dict(template.components.values_list("component_id", "status"))
    outcome = _sync(IncidentTemplate, slug, values)
    if current != components:
        template = IncidentTemplate.objects.get(slug=slug)
        template.components.all().delete()
        for pk, status in components.items():
            template.components.create(component_id=pk, status=status)
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome, f"template {slug}"


def _by_slug(model, slugs, code):
    found = list(model.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {obj.slug for obj in found})
    if missing:
        raise StatusContentError(f"{code}: no {model._meta.verbose_name} {', '.join(missing)}")
    return found
