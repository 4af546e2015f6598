"""The queue read from indexes: its default order (TicketQuerySet.triage_order; the first
page is the index's first 50 entries instead of every unfinished ticket sorted: 70 ms at
100,000 tickets on PostgreSQL, 0.3 ms with it) and the views' counts (the unfinished
tickets' own index alone). tests/tickets/test_queue_index.py checks that the planners use
them (SQLite's prefers the unfinished tickets' index for the first page, and sorts)."""

import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('runbooks', '0003_scheduling_and_freshness'),
        ('tickets', '0035_slack_user_and_trigger_action'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(models.Case(models.When(status__in=['new', 'open'], then=models.Value(0)), models.When(status='pending', then=models.Value(1)), default=models.Value(2)), models.OrderBy(django.db.models.lookups.IsNull(models.F('sla_due_at'), True)), models.OrderBy(models.F('sla_due_at')), models.OrderBy(models.F('priority'), descending=True), models.OrderBy(models.F('id')), name='tickets_triage_order'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('status__in', ['new', 'open', 'pending'])), fields=['status', 'assignee', 'group', 'priority'], name='tickets_unfinished'),
        ),
    ]
