"""Revision history of guides, runbooks, FAQ entries and page blocks (django-reversion keeps
every save): a readable diff between two revisions, and restoring one.

Restoring is an ordinary save (not reversion's raw revert), so the Markdown is sanitised
again, the search index and the page cache follow, and the restore is itself a revision.
The publish state, schedule and review fields are not restored: they change through their
own rules (`transition()`, `mark_reviewed()`), and an old revision must not republish a page.
"""

import difflib
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from reversion.models import Version

NOT_RESTORED = frozenset(
    {"status", "publish_at", "unpublish_at", "owner", "review_by", "reviewed_at"}
)


@dataclass
class FieldDiff:
    label: str
    lines: list = field(default_factory=list)  # (kind, text): kind is "del", "ins", "same", "gap"


def versions_of(obj):
    """Newest first, with who made each."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _as_text(model_field, value):
    if value is None:
        return ""
    if isinstance(model_field, models.ManyToManyField):
        names = model_field.related_model._base_manager.filter(pk__in=value)
        return "\n".join(sorted(str(obj) for obj in names))
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else f"#{value} (deleted)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return str(value)


def register(model=None, *, follow=()):
    """Keep every save of `model` (django-reversion), with the lists it `follow`s (a
    runbook's checks) and without what a save derives; the lists are remembered for diffs
    and restores, so nothing here reads reversion's private registry."""

    def wrap(model):
        model.revision_follow = tuple(follow)
        return reversion.register(exclude=NOT_KEPT, follow=list(follow))(model)

    return wrap(model) if model is not None else wrap


# What a save derives (rendered HTML, the review stamp): never kept in a revision.
NOT_KEPT = ["body_html", "toc", "reviewed_at"]


def followed(model):
    return getattr(model, "revision_follow", ())


def _followed(version):
    """Lists kept with the object (a runbook's checks and fix steps), as text by label."""
    model = version._model
    texts = {}
    for name in followed(model):
        relation = model._meta.get_field(name)
        rows = _followed_rows(version, relation, int(version.object_id))
        label = str(relation.related_model._meta.verbose_name_plural).capitalize()
        texts[label] = "\n".join(str(row.get("text", "")) for row in rows)
    return texts


def _readable(version):
    model = version._model
    data = version.field_dict
    texts = {}
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    # The content first; the publish state, schedule and review after it.
    for model_field in sorted(fields, key=lambda f: f.name in NOT_RESTORED):
        if model_field.attname not in data:
            continue
        if model_field.primary_key or model_field.name in ("created_at", "updated_at"):
            continue
        label = str(model_field.verbose_name).capitalize()
        texts[label] = _as_text(model_field, data[model_field.attname])
    return {**texts, **_followed(version)}


def diff_versions(older, newer):
    """What changed from `older` to `newer`, field by field, as lines (two lines of context
    around each change; a one-line field is shown as its old and new value)."""
    before, after = _readable(older), _readable(newer)
    diffs = []
    for label in dict.fromkeys([*before, *after]):
        a, b = before.get(label, ""), after.get(label, "")
        if a == b:
            continue
        lines = []
        for line in list(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=2))[
            2:
        ]:
            if line.startswith("@@"):
                lines.append(("gap", "…"))
            else:
                kind = {"-": "del", "+": "ins"}.get(line[:1], "same")
                lines.append((kind, line[1:]))
        if lines and lines[0][0] == "gap":
            lines = lines[1:]
        diffs.append(FieldDiff(label=label, lines=lines))
    return diffs


class RestoreError(Exception):
    pass


def restore_version(version, *, user):
    """Bring the object back to this revision's content (see the module's docstring)."""
    model = version._model
    obj = model._base_manager.filter(pk=version.object_id).first()
    if obj is None:
        raise RestoreError("This page was deleted; add it again to restore it.")
    data = version.field_dict
    with transaction.atomic(), reversion.create_revision():
        for model_field in model._meta.concrete_fields:
            name = model_field.attname
            if model_field.primary_key or not model_field.editable or name not in data:
                continue
            if model_field.name not in NOT_RESTORED:
                setattr(obj, name, data[name])
        try:
            obj.full_clean(exclude=["body_html", "toc"])
        except ValidationError as error:
            reasons = "; ".join(" ".join(messages) for messages in error.message_dict.values())
            raise RestoreError(f"This revision cannot be restored as it is: {reasons}") from None
        obj.save()
        for model_field in model._meta.many_to_many:
            if model_field.attname in data:
                existing = model_field.related_model._base_manager.filter(
                    pk__in=data[model_field.attname]
                )
                getattr(obj, model_field.name).set(existing)
        _restore_followed(version, obj)
        when = timezone.localtime(version.revision.date_created)
        reversion.set_user(user)
        reversion.set_comment(f"Restored the revision of {when:%-d %b %Y, %H:%M}.")
    return obj


def _followed_rows(version, relation, object_id):
    """The saved rows of one followed list (a runbook's checks) in this revision, in order."""
    related_type = ContentType.objects.get_for_model(relation.related_model)
    rows = [
        v.field_dict
        for v in version.revision.version_set.filter(content_type=related_type)
        if v.field_dict.get(relation.field.attname) == object_id
    ]
    return sorted(rows, key=lambda row: (row.get("order", 0), row.get("id", 0)))


def _restore_followed(version, obj):
    model = version._model
    for name in followed(model):
        relation = model._meta.get_field(name)
        manager = getattr(obj, name)
        manager.all().delete()
        for row in _followed_rows(version, relation, obj.pk):
            values = {
                f.attname: row[f.attname]
                for f in relation.related_model._meta.concrete_fields
                if f.attname in row and not f.primary_key and f.attname != relation.field.attname
            }
            manager.create(**values)
