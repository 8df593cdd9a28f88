import json

from django.core.management.base import BaseCommand, CommandError

from kongtun.funds.models import Fund
from kongtun.ledger.seal import verify


class Command(BaseCommand):
    help = (
        "Recompute the hash chain and every closed month's Merkle root; name the first entry "
        "that differs. Exit non-zero on any finding."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fund", help="short code of one fund (default: every fund)")
        parser.add_argument(
            "--heads",
            help="JSON file of published month roots {'YYYY-MM': root} kept outside the database",
        )

    def handle(self, *args, fund: str | None = None, heads: str | None = None, **options):
        funds = Fund.objects.all() if not fund else Fund.objects.filter(short_code=fund.upper())
        published = json.load(open(heads, encoding="utf-8")) if heads else None
        bad = 0
        for f in funds:
            result = verify(f, published_heads=published)
            if result.ok:
                self.stdout.write(
                    f"{f.short_code}: {result.entries} entries verified, chain intact"
                )
            else:
                bad += 1
                self.stderr.write(
                    f"{f.short_code}: first entry that differs: {result.first_bad_seq}"
                )
                for finding in result.findings:
                    self.stderr.write(f"  [{finding.code}] entry {finding.seq}: {finding.detail}")
        if bad:
            raise CommandError(f"{bad} fund(s) failed verification")
