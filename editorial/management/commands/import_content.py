from django.core.management.base import BaseCommand, CommandError

from core.text import plural
from editorial.importer import ContentError, import_content


class Command(BaseCommand):
    help = (
        "Create or update guides, runbooks, FAQ entries and page blocks from the Markdown "
        "files under PATH (see content/README.md). Bad files are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Folder holding guides/, runbooks/, faq/, pages/")

    def handle(self, *args, path, **options):
        try:
            report = import_content(path)
        except ContentError as error:
            raise CommandError(str(error)) from None
        for label in report.created:
            self.stdout.write(f"created   {label}")
        for label in report.updated:
            self.stdout.write(f"updated   {label}")
        if options["verbosity"] > 1:
            for label in report.unchanged:
                self.stdout.write(f"unchanged {label}")
        for path_, reason in report.errors:
            self.stderr.write(self.style.ERROR(f"rejected  {path_}: {reason}"))
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.errors)} rejected."
        )
        if report.errors:
            rejected = plural(len(report.errors), "file")
            raise CommandError(f"{rejected} rejected; the rest were loaded.")
