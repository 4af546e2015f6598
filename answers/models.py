"""The passages direct answers quote (with their vectors, stored as bytes beside the text),
and what readers said of the answers they got."""

import numpy as np
from django.db import models
from django.utils import timezone

from core.web.pagecache import ShownOnPublicPages
from search.models import SearchDocument

VECTOR_DTYPE = np.float16  # half the bytes of float32; cosine ranks the same to 3 decimals


class PassageQuerySet(models.QuerySet):
    def of_documents(self, ids):
        return self.filter(document_id__in=ids)

    def embedded_by(self, name):
        return self.filter(embedder=name)


class Passage(ShownOnPublicPages, models.Model):
    """One part of an indexed document that an answer may quote and cite: a guide's section,
    a runbook's check or fix step, an FAQ entry (core.content.Indexed.answer_passages).
    Made again, with its vector, whenever its document is indexed (answers.signals)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=200, blank=True)
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    vector = models.BinaryField()
    embedder = models.CharField(max_length=100)

    objects = PassageQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="answers_passage_unique")
        ]

    def __str__(self):
        return f"{self.document.title} › {self.heading}" if self.heading else self.document.title

    @property
    def url(self):
        """The document's address, at the passage's anchor."""
        base = self.document.url.split("#", 1)[0]
        return f"{base}#{self.anchor}" if self.anchor else base

    def as_array(self):
        return np.frombuffer(self.vector, dtype=VECTOR_DTYPE).astype(np.float32)


class AnswerFeedback(models.Model):
    """ "Was this answer helpful?": the question's words and the answer's first citation,
    nothing about who answered."""

    question = models.CharField(max_length=200)
    cited = models.CharField(max_length=300, blank=True, help_text="The first citation's URL.")
    helpful = models.BooleanField()
    from_ticket_form = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "answer feedback"
        verbose_name_plural = "answer feedback"

    def __str__(self):
        return f"{'Yes' if self.helpful else 'No'}: {self.question}"
