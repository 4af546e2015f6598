from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from core import clock


class Command(BaseCommand):
    help = (
        "Run the periodic jobs every app registers (status tick, scheduled publishing, ticket "
        "automations, retries of email and inbound mail, pruning, the review digest). Runs "
        "until stopped; with --once, runs what is due and exits (for one cron line)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument(
            "--every", type=int, default=5, metavar="SECONDS",
            help="how often to look for due jobs (default 5)",
        )  # fmt: skip
        parser.add_argument("--job", help="run only this job when due (with --once)")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")

    def handle(self, *args, once=False, every=5, job=None, list=False, **options):
        if list:
            for entry in clock.jobs():
                self.stdout.write(f"{entry.name}  every {entry.every}")
            return
        if job and job not in {entry.name for entry in clock.jobs()}:
            raise CommandError(f"No job named {job!r} (see --list).")
        if once:
            ran = clock.run_due(only=job)
            for name, summary, ok in ran:
                self.stdout.write(f"{name}: {summary}" if ok else f"{name} FAILED: {summary}")
            self.stdout.write(
                ngettext("%(n)d job run.", "%(n)d jobs run.", len(ran)) % {"n": len(ran)}
            )
            return
        if every < 1:
            raise CommandError("--every must be 1 or more.")
        clock.run_forever(check_every=every, write=self.stdout.write)
