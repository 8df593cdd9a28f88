"""Benchmark: importing a contributions book of 1,000,000 rows, on SQLite and PostgreSQL.

Ours: ``imports.services.contributions_import`` on a CSV file as a treasurer keeps it (title
rows, monthly headings, subtotal rows, dates spelled several ways, Thai digits, '30.-'), for
20,000 members of a scratch fund: reading, validation, plan inference, the payments, the
monthly ledger entries, the commit.

Baseline, same run, same machine, same table: the very rows our import wrote, already typed,
loaded by the raw driver (sqlite3 ``executemany`` in one transaction; psycopg ``COPY`` with
``write_row``) into the emptied table.

    python bench/bench_import.py [--rows N]      # both databases; PostgreSQL if reachable
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    bench_line,
    django_setup,
    note,
    postgres_reachable,
    run_isolated,
    scratch_postgres,
    scratch_sqlite,
)

SEED = 20240315
ROWS = 1_000_000
MEMBERS = 20_000
TODAY = dt.date(2026, 11, 25)
FIRST_MONTH = dt.date(2021, 1, 1)
THAI_MONTHS = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]  # fmt: skip
THAI_MONTHS_FULL = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]  # fmt: skip
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
FIRST_NAMES = ["สมศรี", "สมชาย", "บุญมี", "คำปัน", "ศรีนวล", "จันทร์แก้ว", "บัวเขียว", "ประเสริฐ"]
LAST_NAMES = ["ใจดี", "ปัญญาวงค์", "อินต๊ะ", "ศรีวิชัย", "คำมา", "สุภา", "ธรรมวงศ์", "ยานะ"]


def member_number(i: int) -> str:
    return f"{i + 1:05d}"


def spell_date(day: dt.date, rng: random.Random) -> str:
    be = day.year + 543
    pick = rng.random()
    if pick < 0.70:
        return f"{day.day}/{day.month}/{be}"
    if pick < 0.85:
        return f"{day.day:02d}/{day.month:02d}/{be % 100:02d}"
    if pick < 0.95:
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {be}"
    return f"{day.day}/{day.month}/{be}".translate(THAI_DIGITS)


def spell_amount(baht: int, rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.5:
        return f"{baht}.-"
    if pick < 0.8:
        return str(baht)
    if pick < 0.95:
        return f"{baht:,}.00"
    return str(baht).translate(THAI_DIGITS)


def write_book(path: Path, rows: int, members: int) -> int:
    """A treasurer's contributions book: one section per month with a heading and a subtotal.
    Every member pays 30 baht for one month each month (3% pay two months at once)."""
    rng = random.Random(SEED)
    written = 0
    receipt = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["บัญชีเงินสัจจะ กองทุนสวัสดิการชุมชนตำบลทดสอบ อำเภอบ้านธิ จังหวัดลำพูน"])
        out.writerow(["ปีบัญชี 2564 - 2568"])
        out.writerow([])
        out.writerow(
            ["ลำดับ", "เลขที่สมาชิก", "ชื่อ-สกุล", "วันที่ชำระ", "จำนวนเงิน", "จำนวนเดือน", "เลขที่ใบเสร็จ"]
        )
        month = 0
        while written < rows:
            first = dt.date(
                FIRST_MONTH.year + (FIRST_MONTH.month - 1 + month) // 12,
                (FIRST_MONTH.month - 1 + month) % 12 + 1,
                1,
            )
            out.writerow([f"เดือน {THAI_MONTHS_FULL[first.month - 1]} {first.year + 543}"])
            total = 0
            for i in range(members):
                if written >= rows:
                    break
                two = rng.random() < 0.03
                baht = 60 if two else 30
                day = first.replace(day=rng.randint(1, 28))
                receipt += 1
                out.writerow(
                    [
                        i + 1,
                        member_number(i),
                        f"{FIRST_NAMES[i % 8]} {LAST_NAMES[(i // 8) % 8]}",
                        spell_date(day, rng),
                        spell_amount(baht, rng),
                        "2" if two else "1",
                        f"{receipt // 100 + 1}/{receipt % 100:02d}",
                    ]
                )
                total += baht
                written += 1
            out.writerow(["", "", "รวม", "", f"{total:,}.-", "", ""])
            out.writerow([])
            month += 1
    return written


def make_nid(i: int) -> str:
    body = f"3510{i:08d}"
    check = (11 - sum(int(d) * (13 - k) for k, d in enumerate(body)) % 11) % 10
    return body + str(check)


def setup_fund(members: int):
    from kongtun.funds.services import AreaInput, FundInput, fund_create
    from kongtun.members.models import Member
    from kongtun.members.services import name_search_key

    fund = fund_create(
        data=FundInput(
            name_th="กองทุนสวัสดิการชุมชนตำบลทดสอบ",
            short_code="BENCH",
            province_code="51",
            district=AreaInput("5107", "บ้านธิ"),
            subdistrict=AreaInput("510799", "ทดสอบ"),
            founded_on=dt.date(2009, 6, 1),
            conceptual_bases=["economics"],
            village_count=10,
        ),
        actor=None,
        today=TODAY,
    )
    villages = list(fund.villages.order_by("number").values_list("pk", flat=True))
    farmer = fund.occupation_groups.get(code="farmer").pk
    Member.objects.bulk_create(
        (
            Member(
                fund=fund,
                number=member_number(i),
                title="นาง",
                first_name=FIRST_NAMES[i % 8],
                last_name=LAST_NAMES[(i // 8) % 8],
                name_search=name_search_key(FIRST_NAMES[i % 8], LAST_NAMES[(i // 8) % 8]),
                national_id=make_nid(i),
                birth_date=dt.date(1960 + i % 30, 1 + i % 12, 1 + i % 28),
                sex="F",
                village_id=villages[i % len(villages)],
                occupation_id=farmer,
                join_date=dt.date(2020, 1 + i % 12, 1),
            )
            for i in range(members)
        ),
        batch_size=2000,
    )
    return fund


def worker(db: str, csv_path: Path, rows: int, members: int) -> None:
    """Runs in its own process: one database, ours then the raw driver."""
    if db == "sqlite":
        context = scratch_sqlite()
    else:
        context = scratch_postgres()
    with context as url:
        django_setup(url)
        from django.db import connection

        from kongtun.contributions.models import ContributionPayment
        from kongtun.imports.readers import ReadLimits
        from kongtun.imports.services import POSTGRES_COPY, SQLITE_INSERT, contributions_import

        fund = setup_fund(members)
        connection.close()
        started = time.perf_counter()
        limits = ReadLimits.from_settings(rows=rows + 1000)  # past the web's default
        report = contributions_import(
            fund=fund, path=csv_path, actor=None, today=TODAY, limits=limits
        )
        ours_seconds = time.perf_counter() - started
        assert report.imported == rows, (report.imported, rows)
        ours = rows / ours_seconds
        note(
            f"{db}: ours {rows:,} rows in {ours_seconds:.2f} s "
            f"({len(report.months)} monthly entries, {report.plans_assigned:,} plans inferred, "
            f"{report.skipped_total:,} title/blank/total rows skipped)"
        )

        table = ContributionPayment._meta.db_table
        columns = (
            "fund_id, member_id, paid_on, period_start, months, amount, source, "
            "import_batch_id, receipt_ref"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")
            typed = [tuple(r) for r in cursor.fetchall()]
            cursor.execute(f"DELETE FROM {table}")
        connection.close()
        assert len(typed) == rows

        if db == "sqlite":
            import sqlite3

            raw = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            raw.execute("PRAGMA synchronous=NORMAL")
            raw.execute("PRAGMA foreign_keys=ON")
            started = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(SQLITE_INSERT, typed)
            raw.execute("COMMIT")
            raw_seconds = time.perf_counter() - started
            raw.close()
            baseline = "sqlite3 executemany"
        else:
            import psycopg

            with psycopg.connect(url) as raw:
                started = time.perf_counter()
                with raw.cursor() as cursor, cursor.copy(POSTGRES_COPY) as copy:
                    for r in typed:
                        copy.write_row(r)
                raw.commit()
                raw_seconds = time.perf_counter() - started
            baseline = "psycopg COPY"
        note(f"{db}: raw driver {rows:,} rows in {raw_seconds:.2f} s")
        bench_line(
            f"import_{'sqlite' if db == 'sqlite' else 'postgres'}",
            ours,
            "rows/s",
            baseline,
            rows / raw_seconds,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args([] if argv is None else argv)
    if args.worker:
        worker(args.worker, args.csv, args.rows, args.members)
        return 0
    script = Path(__file__).resolve()
    status = 0
    with tempfile.TemporaryDirectory(prefix="kongtun-bench-import-") as tmp:
        book = Path(tmp) / "contributions-book.csv"
        started = time.perf_counter()
        rows = write_book(book, args.rows, args.members)
        note(
            f"generated {rows:,} rows for {args.members:,} members "
            f"({book.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        common = ["--csv", str(book), "--rows", str(rows), "--members", str(args.members)]
        if args.db in ("sqlite", "both"):
            status |= run_isolated(script, "--worker", "sqlite", *common)
        if args.db in ("postgres", "both"):
            if postgres_reachable():
                status |= run_isolated(script, "--worker", "postgres", *common)
            else:
                note(
                    "import_postgres skipped: PostgreSQL is not reachable at 127.0.0.1:5432 "
                    "(user postgres)"
                )
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
