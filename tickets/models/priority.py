from django.db import models


class Priority(models.IntegerChoices):
    """How soon a ticket needs an answer (service levels count on it: tickets.sla)."""

    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"
