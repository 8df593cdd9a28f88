import sys

from django.core.management.base import BaseCommand, CommandError

from kongtun.funds.models import Fund
from kongtun.ledger.export import hledger_journal


class Command(BaseCommand):
    help = "Write a fund's books as an hledger journal (to a file or standard output)."

    def add_arguments(self, parser):
        parser.add_argument("fund", help="the fund's short code")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, fund: str, output: str | None = None, **options):
        try:
            f = Fund.objects.get(short_code=fund.upper())
        except Fund.DoesNotExist:
            raise CommandError(f"no fund {fund!r}") from None
        out = open(output, "w", encoding="utf-8") if output else sys.stdout
        try:
            out.writelines(hledger_journal(f))
        finally:
            if output:
                out.close()
