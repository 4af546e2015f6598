"""Any write to a status model makes every cached status answer stale (see status.state)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from status import state
from status.models import (
    Component,
    ComponentGroup,
    Incident,
    IncidentUpdate,
    IncidentUpdateComponent,
)

WATCHED = (Component, ComponentGroup, Incident, IncidentUpdate, IncidentUpdateComponent)


def _invalidate():
    # Now, for this process and transaction; again after commit, so that nobody caches what
    # they read from the database while the write was still uncommitted.
    state.invalidate()
    transaction.on_commit(state.invalidate)


@receiver(post_save)
@receiver(post_delete)
def status_written(sender, **kwargs):
    if isinstance(sender, type) and issubclass(sender, WATCHED):  # Maintenance is a proxy
        _invalidate()


@receiver(m2m_changed, sender=Incident.components.through)
@receiver(m2m_changed, sender=Incident.guides.through)
@receiver(m2m_changed, sender=Incident.runbooks.through)
def incident_links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        _invalidate()
