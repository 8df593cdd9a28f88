"""Benchmark: verifying tamper-evident books of 1,000,000 entries (``ledger.seal.verify``).

Books: a scratch SQLite fund with 1,000,000 two-line entries over 15 years (Thai
descriptions, receipt numbers), inserted by the raw driver, sealed by the ledger's own
``seal_entries`` (the same code that seals every posting), and every month closed with its
Merkle root and chain head (written directly from the seals, as ``month_close`` would: the
setup is not what is measured). No ANALYZE, as in a fund's own database.

The books are verified as ``manage.py ledger_verify`` does by default (decision 0013): a
previous verification left a checkpoint at the end of the month before last; the last month
was posted and closed since. Ours (``verify_chain``): ``verify(fund, since=checkpoint)`` —
the checkpoint's entry hash and the month closes it saw still there, every entry after it
read and hashed with its keyed seal, the seal and entry counts, the entry counter, the last
published head, the months closed since, every close in order — in entries of the books per
second. ``verify_chain_full``: ``verify(fund)``, every entry read again (``--full``).

Baseline, same run, same machine, same bytes: the canonical contents already fetched into
memory, hashed with hashlib only (the SHA-256 chain and the keyed BLAKE2b seal, compared with
the stored ones) — no database, no month roots: an upper bound for any Python verifier.

    python bench/bench_verify.py [--entries N] [--no-months] [--no-full] [--no-profile]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_line, django_setup, note, scratch_sqlite

ENTRIES = 1_000_000
SEED = 20090601
FIRST_DAY = dt.date(2010, 1, 1)
DAYS = 15 * 365
WORDS = ["เงินสัจจะ", "ค่าสมัคร", "สวัสดิการคลอดบุตร", "ค่านอนโรงพยาบาล", "ดอกเบี้ยเงินฝาก"]


def build_books(entries: int, *, close_months: bool) -> object:
    from django.db import connection, transaction

    from kongtun.funds.services import AreaInput, FundInput, fund_create
    from kongtun.ledger.models import Account, EntrySeal, MonthClose
    from kongtun.ledger.seal import Verification, checkpoint_record, merkle_root, seal_entries

    fund = fund_create(
        data=FundInput(
            name_th="กองทุนทดสอบการตรวจสอบ",
            short_code="VERIFY",
            province_code="51",
            district=AreaInput("5107", "บ้านธิ"),
            subdistrict=AreaInput("510701", "บ้านธิ"),
            founded_on=FIRST_DAY,
        ),
        actor=None,
        today=dt.date(2026, 1, 1),
    )
    accounts = dict(Account.objects.filter(fund=fund).values_list("role", "id"))
    debit = [accounts["cash"], accounts["bank"]]
    credit = [accounts[r] for r in ("contributions", "entrance_fees", "donations", "interest")]
    rng = random.Random(SEED)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        rows_e, rows_l = [], []
        for seq in range(1, entries + 1):
            day = (FIRST_DAY + dt.timedelta(days=(seq - 1) * DAYS // entries)).isoformat()
            text = f"{rng.choice(WORDS)} สมาชิก {rng.randrange(1, 999):02d}-{seq % 9999:04d}"
            rows_e.append(
                (fund.pk, seq, day, text, "receipt", f"{2553 + seq * 15 // entries}/{seq:05d}", day)
            )
            amount = rng.randrange(100, 500_000)
            rows_l.append((seq, fund.pk, day, rng.choice(debit), amount, ""))
            rows_l.append((seq, fund.pk, day, rng.choice(credit), -amount, ""))
        c.executemany(
            "INSERT INTO ledger_journalentry (fund_id, seq, date, description, source_type, "
            "source_ref, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows_e,
        )
        c.execute("SELECT MIN(id) FROM ledger_journalentry WHERE fund_id = %s", [fund.pk])
        first_id = c.fetchone()[0]
        c.executemany(
            "INSERT INTO ledger_journalline (entry_id, fund_id, date, account_id, amount_satang, "
            "memo) VALUES (%s, %s, %s, %s, %s, %s)",
            [(first_id + seq - 1, *rest) for seq, *rest in rows_l],
        )
        c.execute(
            "INSERT INTO core_counter (fund_id, key, value) VALUES (%s, 'journal', %s)",
            [fund.pk, entries],
        )
    note(f"inserted {entries:,} entries in {time.perf_counter() - started:.1f} s")
    dates = dict(
        connection.cursor()
        .execute("SELECT seq, date FROM ledger_journalentry WHERE fund_id = %s", [fund.pk])
        .fetchall()
    )
    last_month = str(dates[entries])[:7]
    held_back = sum(1 for d in dates.values() if str(d)[:7] == last_month)
    started = time.perf_counter()
    with transaction.atomic():
        seal_entries(fund=fund, first_seq=1, last_seq=entries - held_back)
    note(f"sealed them with seal_entries in {time.perf_counter() - started:.1f} s")

    def close(upto: int, months: set[str]) -> None:
        by_month: dict[str, list[str]] = defaultdict(list)
        heads = {}
        for seq, digest in (
            EntrySeal.objects.filter(fund=fund, seq__lte=upto)
            .order_by("seq")
            .values_list("seq", "hash")
        ):
            by_month[str(dates[seq])[:7]].append(digest)
            heads[seq] = digest
        closes, head_seq = [], 0
        for label in sorted(by_month):
            head_seq += len(by_month[label])
            if label in months:
                closes.append(
                    MonthClose(
                        fund=fund,
                        month=dt.date.fromisoformat(label + "-01"),
                        entry_count=len(by_month[label]),
                        merkle_root=merkle_root(by_month[label]),
                        head_seq=head_seq,
                        chain_head=heads[head_seq],
                    )
                )
        MonthClose.objects.bulk_create(closes)

    all_months = {str(d)[:7] for d in dates.values()}
    if close_months:
        started = time.perf_counter()
        close(entries - held_back, all_months - {last_month})
        note(f"closed {len(all_months) - 1} months in {time.perf_counter() - started:.1f} s")
    # The previous verification left its checkpoint at the end of the month before last (the
    # setup writes it as a clean run would — the last month's rows are already inserted,
    # unsealed, so verify itself cannot run here; the full check timed below covers every
    # entry). Then the last month is posted (sealed citing the last close) and closed.
    upto = entries - held_back
    checkpoint_record(
        fund,
        Verification(
            fund.pk,
            upto,
            (),
            head_seq=upto,
            head_hash=EntrySeal.objects.get(fund=fund, seq=upto).hash,
        ),
    )
    with transaction.atomic():
        seal_entries(fund=fund, first_seq=entries - held_back + 1, last_seq=entries)
    if close_months:
        close(entries, {last_month})
    note(f"then {held_back:,} entries of {last_month} posted and closed")
    # No ANALYZE: the application never runs it, so the query plans are those a fund's own
    # database gets.
    return fund, held_back


def baseline(fund: object) -> tuple[float, int]:
    """Hash the same canonical contents with hashlib only: no database in the timing."""
    from kongtun.ledger.seal import GENESIS, _seal_key, entry_contents

    rows = [
        (content, prev, stored, mac)
        for _s, _e, content, prev, stored, mac, *_ in entry_contents(fund.pk, 1)
    ]
    key = _seal_key()
    sha, blake, fromhex = hashlib.sha256, hashlib.blake2b, bytes.fromhex
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        previous, bad = GENESIS, 0
        for content, prev, stored, mac in rows:
            if prev != previous:
                bad += 1
            if sha(fromhex(prev) + content.encode()).hexdigest() != stored:
                bad += 1
            elif blake(fromhex(stored), key=key, digest_size=16).hexdigest() != mac:
                bad += 1
            previous = stored
        best = min(best, time.perf_counter() - started)
        assert bad == 0, "the baseline found differences in untouched books"
    return best, len(rows)


def profile_verify(fund: object) -> None:
    """Where the time of verify goes: the contents query, the hashing, the month roots."""
    from kongtun.ledger.models import MonthClose
    from kongtun.ledger.seal import entry_contents, month_leaves, verify  # noqa: F401

    started = time.perf_counter()
    n = sum(1 for _ in entry_contents(fund.pk, 1))
    fetch = time.perf_counter() - started
    closes = list(MonthClose.objects.filter(fund=fund).order_by("month"))
    started = time.perf_counter()
    sample = closes[:: max(1, len(closes) // 12)]
    for close in sample:
        nxt = (close.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        month_leaves(fund, close.month, nxt)
    per_month = (time.perf_counter() - started) / max(1, len(sample))
    note(
        f"profile: entry_contents query alone {fetch:.2f} s for {n:,} rows "
        f"({n / fetch:,.0f} rows/s); month_leaves {per_month * 1000:.0f} ms per closed month "
        f"× {len(closes)} months = {per_month * len(closes):.1f} s"
    )


def timed(run, times: int = 2) -> tuple[float, object]:
    """Best of ``times`` (the first reads the file cold)."""
    best, result = float("inf"), None
    for _ in range(times):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--no-months", action="store_true", help="leave every month open")
    parser.add_argument("--no-profile", action="store_true", help="skip the time breakdown")
    parser.add_argument("--no-full", action="store_true", help="skip timing the full check")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    with scratch_sqlite() as url:
        django_setup(url)
        from kongtun.ledger.seal import checkpoint_latest, verify

        fund, _held_back = build_books(args.entries, close_months=not args.no_months)
        since = checkpoint_latest(fund)
        ours, result = timed(lambda: verify(fund, since=since))
        if not result.ok or result.entries != args.entries or result.since is None:
            print(f"verification failed on untouched books: {result.findings[:3]}", file=sys.stderr)
            return 1
        base, n = baseline(fund)
        if not args.no_full:
            full, full_result = timed(lambda: verify(fund))
            if not full_result.ok or full_result.entries != args.entries:
                print(f"full check failed: {full_result.findings[:3]}", file=sys.stderr)
                return 1
        if not args.no_profile:
            profile_verify(fund)
        note(
            f"verify from the checkpoint: {result.entries:,} entries in {ours:.2f} s, "
            f"{result.reread:,} of them read and hashed now (entries up to {since.seq:,} were "
            "read by the previous verification; their checkpoint hash and the month closes it "
            "saw are checked)"
        )
        bench_line(
            "verify_chain",
            result.entries / ours,
            "entries/s",
            "the same canonical contents hashed with hashlib only (SHA-256 chain + keyed "
            "BLAKE2b), already in memory, no database, no month roots: an upper bound",
            n / base,
        )
        if not args.no_full:
            note(f"the full check (--full) took {full:.2f} s for {full_result.entries:,} entries")
            bench_line(
                "verify_chain_full",
                full_result.entries / full,
                "entries/s",
                "the same hashlib-only baseline",
                n / base,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
