from django.core.management.base import BaseCommand

from core.text import plural
from search.documents import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the published guides, runbooks and FAQ."

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(f"Indexed {plural(count, 'document')}.")
