from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kongtun.funds.models import Fund
from kongtun.ledger.checks import readable_database
from kongtun.ledger.heads import HeadsFileError, normalize, parse_receipts, read_heads_files
from kongtun.ledger.seal import checkpoint_latest, checkpoint_record, verify


class Command(BaseCommand):
    help = (
        "Recompute the hash chain and every closed month's Merkle root; name the first entry "
        "that differs. Compared with heads and receipts kept outside the database, a "
        "truncation, a removed month close or a rollback is caught too. Reads only the "
        "entries after the last clean verification unless --full. Exit non-zero on any "
        "finding."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fund", help="short code of one fund (default: every fund)")
        parser.add_argument(
            "--heads",
            action="append",
            default=[],
            metavar="FILE",
            help="a heads.json saved from /p/<code>/heads.json (or a JSON list of them, or "
            "the older {'YYYY-MM': root}); may be given several times",
        )
        parser.add_argument(
            "--receipts",
            action="append",
            default=[],
            metavar="FILE",
            help="receipt codes collected from members, one a line: 'NUMBER CODE' as printed "
            "(entry number, verification code), the code alone, or the QR code's address",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="read and hash every entry again, not only those after the last checkpoint",
        )

    def handle(self, *args, fund: str | None = None, **options):
        with readable_database(traceback=options.get("traceback", False)):
            heads, receipts = options["heads"], options["receipts"]
            self._verify(
                fund,
                [heads] if isinstance(heads, str) else heads,
                [receipts] if isinstance(receipts, str) else receipts,
                options["full"],
            )

    def _verify(self, fund: str | None, heads: list, receipts: list, full: bool) -> None:
        funds = list(
            Fund.objects.all() if not fund else Fund.objects.filter(short_code=fund.upper())
        )
        if fund and not funds:
            raise CommandError(f"no fund {fund!r}")
        try:
            published = read_heads_files(heads) if heads else None
        except HeadsFileError as exc:
            raise CommandError(str(exc)) from None
        items = []
        for path in receipts:
            try:
                found, bad = parse_receipts(Path(path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path}: cannot read the receipts ({exc})") from None
            if bad:
                raise CommandError(
                    f"{path}: lines not understood: {', '.join(map(str, bad[:10]))} "
                    "(write 'NUMBER CODE', e.g. '128 ABCDEFGHIJ')"
                )
            items.extend(found)
        if items and len(funds) != 1:
            raise CommandError("--receipts: name the fund with --fund")
        bad = 0
        codes = {f.short_code for f in funds}
        for doc in normalize(published or []):
            if doc.get("fund") and str(doc["fund"]).upper() not in codes and not fund:
                bad += 1
                self.stderr.write(
                    f"{doc['fund']}: published heads name a fund that is not in the database"
                )
        for f in funds:
            mine = [
                d
                for d in normalize(published or [])
                if str(d.get("fund") or f.short_code).upper() == f.short_code
            ]
            if published and fund and not mine:
                bad += 1
                self.stderr.write(f"{f.short_code}: the heads given are another fund's")
            since = None if full else checkpoint_latest(f)
            result = verify(f, published_heads=published, receipts=items or None, since=since)
            if result.ok:
                checkpoint_record(f, result)
                if result.since is not None:
                    self.stdout.write(
                        f"{f.short_code}: {result.entries} entries verified, chain intact "
                        f"({result.reread} read now; entries up to {result.since.seq} were "
                        f"read on {result.since.verified_at:%Y-%m-%d}; --full reads them again)"
                    )
                else:
                    self.stdout.write(
                        f"{f.short_code}: {result.entries} entries verified, chain intact"
                    )
            else:
                bad += 1
                first = result.first
                where = f"entry {first.seq}" if first.seq is not None else "month close"
                self.stderr.write(
                    f"{f.short_code}: first bad item: {where} [{first.code}] {first.detail}"
                )
                for finding in result.findings:
                    self.stderr.write(f"  [{finding.code}] entry {finding.seq}: {finding.detail}")
        if bad:
            raise CommandError(f"{bad} fund(s) failed verification")
