"""Free tags on tickets: typed by agents (or set by macros and triggers), one spelling each."""

import re

from django.db import models
from django.db.models import Count
from django.utils import timezone

TAG_MAX_LENGTH = 50
TAGS_PER_INPUT = 20
_NOT_IN_TAG = re.compile(r"[^\w.+-]+")


def normalize_tag(text):
    """One spelling per tag: lower case, letters, digits and . _ + - only (spaces become
    hyphens); '' when nothing is left."""
    name = "-".join(str(text).casefold().split())
    return _NOT_IN_TAG.sub("", name).strip("-._+")[:TAG_MAX_LENGTH]


def parse_tags(text):
    """The tags typed in one box, separated by commas or spaces, each once (at most 20)."""
    if isinstance(text, list | tuple | set):
        text = " ".join(str(t) for t in text)
    names = []
    for part in re.split(r"[,\s]+", str(text or "")):
        name = normalize_tag(part)
        if name and name not in names:
            names.append(name)
    return names[:TAGS_PER_INPUT]


class TagQuerySet(models.QuerySet):
    def most_used(self, limit=50):
        """The tags on most tickets first: what the suggestions and the queue filter offer."""
        return self.annotate(uses=Count("tickets")).order_by("-uses", "name")[:limit]

    def starting_with(self, prefix, limit=20):
        prefix = normalize_tag(prefix)
        if not prefix:
            return self.most_used(limit)
        return self.filter(name__startswith=prefix).order_by("name")[:limit]


class Tag(models.Model):
    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_tag(self.name)
        super().save(*args, **kwargs)


class Tagged:
    """Ticket's tag methods (the many-to-many field `tags` lives on Ticket)."""

    def tag_names(self):
        return sorted(tag.name for tag in self.tags.all())

    def change_tags(self, *, add=(), remove=(), by=None, reason=""):
        """Add and remove tags (typed text or lists; spellings normalised), logging one
        event. Returns (added, removed) names."""
        add, remove = parse_tags(add), parse_tags(remove)
        if not add and not remove:
            return [], []
        current = set(self.tag_names())
        wanted = [name for name in add if name not in current]
        gone = [name for name in remove if name in current and name not in wanted]
        if not wanted and not gone:
            return [], []
        if wanted:
            Tag.objects.bulk_create([Tag(name=name) for name in wanted], ignore_conflicts=True)
            self.tags.add(*Tag.objects.filter(name__in=wanted))
        if gone:
            self.tags.remove(*Tag.objects.filter(name__in=gone))
        after = (current | set(wanted)) - set(gone)
        self.events.create(
            actor=by,
            field="tags",
            old_value=" ".join(sorted(current))[:200],
            new_value=" ".join(sorted(after))[:200],
            reason=reason[:200],
        )
        self.updated_at = timezone.now()
        self.save(update_fields=["updated_at"])
        self.refresh_search_text()
        return wanted, gone
