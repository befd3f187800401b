"""manage.py make_reports: keeps the reports of the periods just closed (yesterday, last
week, last month, last quarter) for every district and each of its stations, and counts the
events that arrived late since the last run. Run every hour by systemd/center-reports.timer;
a report already kept is left as it is (``--again`` makes it anew)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from center.reports.late import scan_late_events
from center.reports.making import districts, make_district
from center.reports.models import PeriodKind
from center.reports.periods import FIRST_REPORT_DAY, just_closed, period_of


class Command(BaseCommand):
    help = "Keeps the reports of the periods just closed, and counts late events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--again", action="store_true",
                            help="make reports already kept anew (their figures change)")
        parser.add_argument("--kind", action="append", choices=list(PeriodKind),
                            help="only these periods (day, week, month, quarter); repeatable")
        parser.add_argument("--for", dest="day", type=date.fromisoformat,
                            help="the periods holding this date (YYYY-MM-DD) instead of "
                                 "those just closed")
        parser.add_argument("--district", action="append",
                            help="only this district; repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        late = scan_late_events(now)
        kinds = options["kind"] or list(PeriodKind)
        try:
            periods = [period_of(kind, options["day"]) for kind in kinds] if options["day"] \
                else [p for p in just_closed(now) if p.kind in kinds]
        except (ValueError, OverflowError) as error:
            raise CommandError(f"no such period: {error}") from error
        open_ = [p.token for p in periods if not p.closed(now)]
        if open_:
            raise CommandError(f"not over yet: {', '.join(open_)}")
        early = [p.token for p in periods if p.last_day < FIRST_REPORT_DAY]
        if early:
            raise CommandError(f"before the first report day {FIRST_REPORT_DAY}: "
                               f"{', '.join(early)}")
        chosen = options["district"] or districts()
        for district in chosen:
            for period in periods:
                made = make_district(district, period, now, again=options["again"])
                self.stdout.write(f"make_reports: {district} {period.token}: {made.made} "
                                  f"made, {made.made_again} made again, "
                                  f"{made.kept_already} kept already")
        self.stdout.write(f"make_reports: {late} late events counted")
