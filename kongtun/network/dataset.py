"""A synthetic network of funds at a scale of the national one (issue 17, decision 0025).

Scale 1 is CODI's 2013 count: 5,660 funds, 3.96 million members (figures copied from the
study's data notes, ../shared/data/scale.md); ``scale=0.01`` gives 57 funds and about 40,000
members. Each fund is built through the paths a real fund's data takes: ``fund_create``, its
member register through ``imports.members_import`` and five years of monthly contributions
through ``imports.contributions_import`` (CSV files written to a scratch directory, the
driver's bulk insert inside), benefits and matching money through ``ledger.entries_post`` in
one batch, every month closed through ``month_close``, and the roll-ups written once per
fund by ``fund_rollup_rebuild`` (the rows a close would write). Only
resignations and deaths are written in bulk as dated status rows (no import exists for them).

Everything is synthetic: names from short lists, national IDs with valid check digits from a
counter, districts named "(synthetic)"; every fund is marked ``is_demo``."""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from kongtun.core.spreadsheet import safe_row
from kongtun.core.statistics import analyze_deferred, tables_analyze
from kongtun.funds.models import Area, Fund
from kongtun.funds.services import AreaInput, FundInput, fund_create
from kongtun.imports.services import contributions_import, members_import
from kongtun.ledger.book_services import months_close_through
from kongtun.ledger.models import Agency, SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entries_post
from kongtun.members.models import Member, MemberStatus, MemberStatusChange
from kongtun.network.services import fund_rollup_rebuild, rollups_deferred

NATIONAL_FUNDS = 5_660
NATIONAL_MEMBERS = 3_960_000
YEARS = 5
#: bytes on disk per row written, with a margin: scale 0.01 on SQLite took 302 MB for
#: 1,796,427 payments, 40,303 members and 4,630 fund-months (168 bytes per payment, all in)
BYTES_PER_PAYMENT = 160
BYTES_PER_MEMBER = 1_500
BYTES_PER_MONTH = 20_000  # a month's entries, seals, close, snapshot and roll-up per fund

FIRST = ["สมชาย", "สมศรี", "บุญมี", "คำปัน", "ศรีนวล", "อินทร", "จันทร์", "ทองดี", "แก้ว", "บัวเขียว"]
FIRST += ["ประเสริฐ", "มาลี", "สุนทร", "วันดี", "ชัยวัฒน์", "พิมพ์", "สายทอง", "เพ็ญ", "ดวงใจ", "อำนวย"]
LAST = ["ใจดี", "ปัญญาวงค์", "ทองคำ", "ศรีสุข", "บุญมา", "แสงทอง", "คำมูล", "อินต๊ะ", "ยะแก้ว", "จันทร์ดี"]
OCCUPATIONS = ["ทำนา", "ทำสวน", "รับจ้าง", "ค้าขาย", "ประมง", "แม่บ้าน", "ก่อสร้าง"]


class ScaleRefused(ValueError):
    """The scale cannot be built here (the message says why); nothing was written."""


@dataclass
class Plan:
    funds: int
    members: int
    payments: int
    bytes_needed: int
    bytes_free: int


def _check_digit(body12: str) -> str:
    return str((11 - sum(int(d) * (13 - i) for i, d in enumerate(body12)) % 11) % 10)


def dataset_plan(scale: float) -> Plan:
    if not 0 < scale <= 1:
        raise ScaleRefused("The scale is a number above 0 and at most 1 (1 = the whole country).")
    funds = max(1, round(NATIONAL_FUNDS * scale))
    members = max(funds * 20, round(NATIONAL_MEMBERS * scale))
    payments = round(members * YEARS * 12 * 0.8)  # members join over the years; some miss
    needed = (
        payments * BYTES_PER_PAYMENT
        + members * BYTES_PER_MEMBER
        + funds * YEARS * 12 * BYTES_PER_MONTH
    )
    where = Path(settings.DATABASES["default"].get("NAME") or settings.VAR_DIR)
    if connection.vendor != "sqlite" or not where.parent.exists():
        where = Path(settings.VAR_DIR)
    free = shutil.disk_usage(where if where.is_dir() else where.parent).free
    return Plan(funds, members, payments, needed, free)


def dataset_check(scale: float) -> Plan:
    """Refuse, before writing anything, a scale whose data would not fit the free disk
    (with a 20 % margin for indexes growing and the scratch files)."""
    plan = dataset_plan(scale)
    if plan.bytes_needed * 1.2 > plan.bytes_free:
        raise ScaleRefused(
            f"Scale {scale} needs about {plan.bytes_needed / 1e9:.1f} GB "
            f"({plan.funds:,} funds, {plan.members:,} members, {plan.payments:,} payments); "
            f"only {plan.bytes_free / 1e9:.1f} GB are free. Nothing was written."
        )
    return plan


def _month(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _fund_build(
    n: int, members: int, *, rng: random.Random, today: dt.date, scratch: Path
) -> tuple[Fund, int]:
    provinces = list(Area.objects.filter(level=Area.Level.PROVINCE).order_by("code"))
    province = provinces[(n * 7) % len(provinces)]
    district_no = n % 9 + 1
    last_month = today.year * 12 + today.month - 2  # the last full month
    first_month = last_month - YEARS * 12 + 1
    founded = _month(first_month - rng.randint(0, 48))
    fund = fund_create(
        data=FundInput(
            name_th=f"กองทุนสวัสดิการชุมชนจำลอง {n + 1:04d}",
            name_en=f"Synthetic fund {n + 1:04d}",
            short_code=f"SYN{n + 1:04d}",
            province_code=province.code,
            district=AreaInput(
                f"{province.code}{district_no:02d}", f"อำเภอจำลอง {district_no} (สังเคราะห์)"
            ),
            subdistrict=AreaInput(
                f"{province.code}{district_no:02d}{n % 90 + 10:02d}",
                f"ตำบลจำลอง {n + 1} (สังเคราะห์)",
            ),
            founded_on=founded,
            conceptual_bases=["economics"],
            village_count=10,
        ),
        actor=None,
        today=today,
    )
    Fund.objects.filter(pk=fund.pk).update(is_demo=True)
    # the member register: most joined before the five years, the rest during them
    register, people = [], []
    for i in range(members):
        if rng.random() < 0.6:
            join = _month(rng.randint(founded.year * 12 + founded.month - 1, first_month))
        else:
            join = _month(rng.randint(first_month, last_month))
        join = join.replace(day=rng.randint(1, 28))
        birth = dt.date(join.year - rng.randint(18, 75), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        body = f"3{n:04d}{i:07d}"
        nid = body + _check_digit(body)
        title = "นาย" if sex == "M" else "นาง"
        number = f"{i + 1:05d}"
        register.append(
            [
                i + 1,
                number,
                f"{title}{rng.choice(FIRST)} {rng.choice(LAST)}",
                nid,
                f"{birth.day}/{birth.month}/{birth.year + 543}",
                f"หมู่ {rng.randint(1, 10)}",
                rng.choice(OCCUPATIONS),
                f"{join.day}/{join.month}/{join.year + 543}",
            ]
        )
        lo = max(first_month, join.year * 12 + join.month)  # from the month after joining
        left = (
            _month(rng.randint(lo, last_month))
            if lo <= last_month and rng.random() < 0.08
            else None
        )
        people.append((number, join, left, rng.random() < 0.3))
    path = scratch / f"members-{n}.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["ลำดับ", "เลขที่สมาชิก", "ชื่อ-สกุล", "เลขบัตรประชาชน", "วันเกิด", "หมู่ที่", "อาชีพ", "วันที่สมัคร"]
        )
        w.writerows(safe_row(r) for r in register)
    members_import(fund=fund, path=path, actor=None, today=today)
    # five years of monthly payments (30 baht; a few months missed), one book per year as a
    # treasurer keeps them (a book stays under the pages' 200,000-row import limit)
    payments = 0
    paid_in: dict[int, int] = {}
    books: dict[int, list[list]] = {}
    for number, join, left, _died in people:
        start = max(first_month, join.year * 12 + join.month - 1)
        end = (left.year * 12 + left.month - 2) if left else last_month
        for index in range(start, end + 1):
            if rng.random() < 0.04:
                continue
            month = _month(index)
            first_day = join.day if (month.year, month.month) == (join.year, join.month) else 1
            day = rng.randint(first_day, 28)
            books.setdefault(month.year, []).append(
                [number, f"{day}/{month.month}/{month.year + 543}", "30"]
            )
            payments += 1
            paid_in[index] = paid_in.get(index, 0) + 30
    for year, rows in sorted(books.items()):
        path = scratch / f"payments-{n}-{year}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["เลขที่สมาชิก", "วันที่ชำระ", "จำนวนเงิน"])
            w.writerows(safe_row(r) for r in rows)
        contributions_import(fund=fund, path=path, actor=None, today=today)
    _books(fund, people, first_month, last_month, paid_in, rng=rng, today=today)
    _leavers(fund, people, today=today)
    with rollups_deferred():
        months_close_through(fund=fund, through=_month(last_month), actor=None, today=today)
    fund_rollup_rebuild(fund=fund)  # the same rows as at each close, in a few queries
    return fund, payments


def _books(fund, people, first_month, last_month, paid_in, *, rng, today) -> None:
    """Benefits paid each month (a death, hospital nights, a birth) and the yearly matching
    from the local government and CODI, as one batch through ``entries_post``."""
    cash, bank = account_for(fund, "cash"), account_for(fund, "bank")
    roles = {k: account_for(fund, f"benefit:{k}") for k in ("death", "hospital", "birth")}
    local = Agency.objects.create(fund=fund, name="อบต. (สังเคราะห์)", kind=Agency.Kind.LOCAL_GOV)
    codi = Agency.objects.create(fund=fund, name="พอช.", kind=Agency.Kind.CENTRAL_GOV)
    drafts = []
    deaths = {}
    for _number, _join, left, died in people:
        if left and died:
            index = left.year * 12 + left.month - 1
            deaths[index] = deaths.get(index, 0) + 1
    active = len(people)
    cash_on_hand = Decimal(0)  # benefits are paid only from the cash the month brought in
    for index in range(first_month, last_month + 1):
        day = _month(index).replace(day=28)
        cash_on_hand += paid_in.get(index, 0)
        wanted = [("ค่าจัดการศพ", roles["death"], Decimal("3000"))] * deaths.get(index, 0)
        wanted += [
            ("ค่านอนโรงพยาบาล", roles["hospital"], Decimal(200 * rng.randint(1, 5)))
            for _ in range(rng.randint(0, max(1, active // 150)))
        ]
        if rng.random() < 0.3:
            wanted.append(("สวัสดิการคลอดบุตร", roles["birth"], Decimal("1000")))
        for text, account, amount in wanted:
            if amount <= cash_on_hand:
                drafts.append(_draft(day, text, account, cash, amount))
                cash_on_hand -= amount
        if index % 12 == 8:  # September: the year's matching
            yearly = Decimal(active * 30 * 12 // 3)
            drafts.append(
                _draft(
                    day,
                    "เงินสมทบ อบต.",
                    bank,
                    account_for(fund, "matching_local"),
                    yearly,
                    agency=local.pk,
                    kind=SourceType.GRANT,
                )
            )
            drafts.append(
                _draft(
                    day,
                    "เงินสมทบ พอช.",
                    bank,
                    account_for(fund, "matching_central"),
                    yearly,
                    agency=codi.pk,
                    kind=SourceType.GRANT,
                )
            )
    entries_post(fund=fund, drafts=drafts, actor=None, today=today)


def _draft(day, text, debit, credit, amount, *, agency=None, kind=SourceType.MANUAL) -> EntryDraft:
    return EntryDraft(
        date=day,
        description=text,
        lines=[LineDraft(account=debit, debit=amount), LineDraft(account=credit, credit=amount)],
        source_type=kind,
        agency_id=agency,
    )


def _leavers(fund: Fund, people, *, today: dt.date) -> None:
    """Resignations and deaths as dated status rows (after the payments were imported)."""
    by_number = dict(Member.objects.filter(fund=fund).values_list("number", "pk"))
    changes, resigned, deceased = [], [], []
    for number, _join, left, died in people:
        if not left:
            continue
        status = MemberStatus.DECEASED if died else MemberStatus.RESIGNED
        pk = by_number[number]
        changes.append(
            MemberStatusChange(
                member_id=pk,
                status=status,
                effective_date=left.replace(day=28),
                reason="ข้อมูลสังเคราะห์",
            )
        )
        (deceased if died else resigned).append(pk)
    MemberStatusChange.objects.bulk_create(changes, batch_size=2000)
    Member.objects.filter(pk__in=resigned).update(status=MemberStatus.RESIGNED)
    Member.objects.filter(pk__in=deceased).update(status=MemberStatus.DECEASED)


def network_dataset_build(
    *,
    scale: float,
    seed: int = 17,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    members_per_fund: int | None = None,
    part: tuple[int, int] = (0, 1),
) -> dict:
    """Build the network; returns the counts and seconds. Refused before anything is written
    when the disk is too small. ``part=(k, j)`` builds only the funds numbered k modulo j, so
    j processes can build one network side by side (``network_dataset --jobs j``); funds
    already built are skipped, so an interrupted build resumes."""
    plan = dataset_check(scale)
    today = today or dt.date.today()
    per_fund = members_per_fund or plan.members // plan.funds
    start = time.perf_counter()
    payments = 0
    k, j = part
    built = set(
        Fund.objects.filter(short_code__startswith="SYN").values_list("short_code", flat=True)
    )
    analysed_at = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="kongtun-network-") as tmp,
        analyze_deferred() as tables,
    ):
        for n in range(k, plan.funds, j):
            if f"SYN{n + 1:04d}" in built:
                continue
            t0 = time.perf_counter()
            for attempt in (1, 2):
                rng = random.Random(seed * 100_000 + n)  # per fund: a resumed build is the same
                try:
                    with transaction.atomic():
                        _fund, paid = _fund_build(
                            n,
                            per_fund + rng.randint(-per_fund // 5, per_fund // 5),
                            rng=rng,
                            today=today,
                            scratch=Path(tmp),
                        )
                    break
                except IntegrityError:
                    # another process created the same district at the same moment: the
                    # fund's transaction rolled back whole; build it again (once)
                    if attempt == 2:
                        raise
            payments += paid
            if time.monotonic() - analysed_at > 300:  # planner statistics every 5 minutes
                tables_analyze(tables=tables)
                analysed_at = time.monotonic()
            if progress:
                progress(
                    f"fund {n + 1}/{plan.funds}: {paid:,} payments, "
                    f"{time.perf_counter() - t0:.1f} s"
                )
        if tables:
            tables_analyze(tables=tables)
    return {
        "funds": plan.funds,
        "members": Member.objects.filter(fund__short_code__startswith="SYN").count(),
        "payments": payments,
        "seconds": round(time.perf_counter() - start, 1),
    }
