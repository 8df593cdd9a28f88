from django.core.management.base import BaseCommand, CommandError

from kongtun.funds.models import Fund
from kongtun.ledger.checks import ledger_problems, readable_database


class Command(BaseCommand):
    help = "Check the whole ledger (balance, sequence, links); exit non-zero on any fault."

    def add_arguments(self, parser):
        parser.add_argument("--fund", help="short code of one fund (default: every fund)")

    def handle(self, *args, fund: str | None = None, **options):
        with readable_database(traceback=options.get("traceback", False)):
            self._check(fund)

    def _check(self, fund: str | None) -> None:
        funds = Fund.objects.all() if not fund else Fund.objects.filter(short_code=fund.upper())
        if fund and not funds.exists():
            raise CommandError(f"no fund {fund!r}")
        faults = 0
        for f in funds:
            problems = ledger_problems(f)
            entries = f.journal_entries.count()
            if problems:
                faults += len(problems)
                for p in problems:
                    self.stderr.write(f"{f.short_code}: [{p.code}] {p.message}")
            else:
                self.stdout.write(f"{f.short_code}: {entries} entries, ledger OK")
        if faults:
            raise CommandError(f"{faults} problem(s) found")
