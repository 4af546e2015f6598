"""Content gaps (SearchQuery) belong to insights now: search keeps the index only. The table
stays where it is (insights' model names it); only Django's idea of which app owns it moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0009_kinds_declared_by_content")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchQuery")],
            database_operations=[],
        )
    ]
