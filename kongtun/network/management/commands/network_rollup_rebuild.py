"""``manage.py network_rollup_rebuild [--fund CODE]``: recompute the network roll-ups of every
fund's closed months from the books (after an import of old months, or to check them)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from kongtun.funds.models import Fund
from kongtun.network.services import fund_rollup_rebuild


class Command(BaseCommand):
    help = "Recompute the network roll-up tables from the books."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fund", help="short code of one fund (default: every fund)")

    def handle(self, *args, **options) -> None:
        funds = Fund.objects.order_by("pk")
        if options["fund"]:
            funds = funds.filter(short_code=options["fund"].upper())
            if not funds.exists():
                raise CommandError(f"No fund with the short code {options['fund']}.")
        start = time.perf_counter()
        total = 0
        for fund in funds:
            total += fund_rollup_rebuild(fund=fund)
        self.stdout.write(
            f"{total} fund-months rebuilt for {funds.count()} funds "
            f"in {time.perf_counter() - start:.1f} s."
        )
