"""Assignment within a group: a ticket that arrives in a group, or moves into one, without
an assignee goes to a member by the group's rule (round robin, or the least loaded member).
Members who can no longer work tickets (inactive, no longer staff) are skipped."""

from django.db.models import Count, Q

from tickets.models import UNFINISHED, AgentGroup, Assignment


def _members(group):
    return group.members.filter(is_active=True, is_staff=True).order_by("pk")


def pick(group):
    """The member who gets the next ticket of `group` (None: nobody, or the group does not
    assign). Round robin moves the group's pointer, under a lock on the group."""
    if group.assignment == Assignment.ROUND_ROBIN:
        group = AgentGroup.objects.select_for_update().get(pk=group.pk)
        members = list(_members(group))
        if not members:
            return None
        after = [m for m in members if group.last_assigned_id and m.pk > group.last_assigned_id]
        person = (after or members)[0]
        AgentGroup.objects.filter(pk=group.pk).update(last_assigned=person)
        return person
    if group.assignment == Assignment.LEAST_LOADED:
        load = Count("assigned_tickets", filter=Q(assigned_tickets__status__in=UNFINISHED))
        return _members(group).annotate(load=load).order_by("load", "pk").first()
    return None


def route(ticket, *, by=None, reason=""):
    """Assign the ticket within its group when the group assigns and nobody has it.
    Returns the person, or None."""
    group = ticket.group
    if group is None or ticket.assignee_id or group.assignment == Assignment.NONE:
        return None
    person = pick(group)
    if person is not None:
        why = reason or f"{group.get_assignment_display().split(':')[0].lower()} in {group.name}"
        ticket.change_triage(by=by, reason=why, assignee=person)
    return person


def move_to_group(ticket, group, *, by=None, reason=""):
    """Put the ticket in `group`: an assignee who is not one of its members is taken off
    (the group's rule may then assign a member). Returns the fields changed."""
    changes = {"group": group}
    if group is not None and ticket.assignee_id and not group.has_member(ticket.assignee):
        changes["assignee"] = None
    changed = ticket.change_triage(by=by, reason=reason, **changes)
    if "group" in changed and route(ticket, by=by) is not None:
        changed.append("assignee")
    return list(dict.fromkeys(changed))
