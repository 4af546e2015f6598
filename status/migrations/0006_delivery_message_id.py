from django.db import migrations, models

import status.models.subscriptions


class Migration(migrations.Migration):
    """Deliveries queued before this keep an empty Message-ID ("" matches no bounce) and get
    one when they are sent; new ones get their own at creation. Added with "" first: a
    callable default on AddField would give every existing row the same value."""

    dependencies = [
        ('status', '0005_roles_without_subscribers'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='message_id',
            field=models.CharField(blank=True, db_index=True, default='', editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='delivery',
            name='message_id',
            field=models.CharField(blank=True, db_index=True, default=status.models.subscriptions.new_message_id, editable=False, max_length=200),
        ),
    ]
