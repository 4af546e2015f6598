"""The dashboard's daily totals are kept in step as events arrive; this command is for the
rest: recompute them from the events, and delete old events (cron, daily). `support-rollups`
counts the support reports' daily totals again from the tickets (the clock keeps them)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from insights import recording
from insights.support import rollups


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's daily totals from the search events, or prune old events; "
        "support-rollups: recompute the support reports' daily totals from the tickets."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        rebuild = commands.add_parser("rebuild", help="Recompute daily totals from the events.")
        rebuild.add_argument("--since", type=_date, help="First day (default: oldest event).")
        rebuild.add_argument("--until", type=_date, help="Last day (default: newest event).")
        commands.add_parser(
            "support-rollups",
            help="Recompute the support reports' daily totals from the tickets.",
        )
        prune = commands.add_parser("prune", help="Delete events older than --keep-days.")
        prune.add_argument(
            "--keep-days",
            type=int,
            default=400,
            help="Days of events kept (default 400); the daily totals are kept for good.",
        )

    def handle(self, *args, action, **options):
        if action == "support-rollups":
            days = rollups.rebuild()
            self.stdout.write(
                ngettext(
                    "Counted the support totals of %(n)d day.",
                    "Counted the support totals of %(n)d days.",
                    days,
                )
                % {"n": days}
            )
        elif action == "rebuild":
            days = recording.rebuild(options["since"], options["until"])
            self.stdout.write(
                ngettext(
                    "Rebuilt the totals of %(n)d day.", "Rebuilt the totals of %(n)d days.", days
                )
                % {"n": days}
            )
        else:
            if options["keep_days"] < 1:
                raise CommandError("--keep-days must be 1 or more.")
            deleted = recording.prune(keep_days=options["keep_days"])
            self.stdout.write(
                ngettext("Deleted %(n)d search event.", "Deleted %(n)d search events.", deleted)
                % {"n": deleted}
            )
