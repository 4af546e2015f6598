from django.core.management.base import BaseCommand

from core.text import plural
from editorial.digest import send_review_digests


class Command(BaseCommand):
    help = (
        "Email each page owner the guides, runbooks and FAQ entries of theirs that need review "
        "(review date reached, poor feedback, reported out of date). Run it weekly (cron)."
    )

    def handle(self, *args, **options):
        sent = send_review_digests()
        self.stdout.write(f"{plural(sent, 'review digest')} sent.")
