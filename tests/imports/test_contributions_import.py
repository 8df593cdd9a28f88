"""Importing a contributions book: what is written, what is skipped, what is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kongtun.contributions.models import ContributionPayment, ImportBatch, PlanAssignment
from kongtun.contributions.services import member_arrears, plan_assign
from kongtun.imports.services import ImportMapping, ImportRejected, contributions_import
from kongtun.ledger.models import JournalEntry, JournalLine, SourceType
from kongtun.ledger.selectors import trial_balance
from kongtun.ledger.services import month_close
from kongtun.members.models import MemberStatus
from kongtun.members.services import member_set_status
from tests.conftest import TODAY
from tests.imports.conftest import book, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
D = Decimal


def run(fund, path, **kw):
    return contributions_import(fund=fund, path=path, actor=None, today=TODAY, **kw)


def counts() -> dict[str, int]:
    return {
        "payments": ContributionPayment.objects.count(),
        "entries": JournalEntry.objects.count(),
        "lines": JournalLine.objects.count(),
        "batches": ImportBatch.objects.count(),
        "plans": PlanAssignment.objects.count(),
    }


def treasurer_book(world) -> list[list]:
    """Three members over three months: BE dates spelled three ways, Thai digits, an ISO and
    a Gregorian date, '30.-', a subtotal per month and a grand total."""
    a, b, c = (m.number for m in world.members_a)
    return book(
        [
            ["1", a, "นางสมศรี0 ใจดี", "15/3/2567", "30.-", "1/001"],
            ["2", b, "นางสมศรี1 ใจดี", "15/03/67", "90.00", "1/002"],
            [
                "๓",
                c.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),
                "นางสมศรี2 ใจดี",
                "๑๕ มี.ค. ๒๕๖๗",
                "๓๐",
                "1/003",
            ],
            ["", "", "รวมเดือน มี.ค. 2567", "", "150.-", ""],
            [],
            ["เดือนเมษายน 2567"],
            ["4", a, "นางสมศรี0 ใจดี", "2024-04-10", "30", "1/004"],
            ["5", c, "นางสมศรี2 ใจดี", "10 เมษายน 2567", "60", "1/005"],
            ["", "", "รวม", "", "90", ""],
            ["6", a, "นางสมศรี0 ใจดี", "12/05/2024", "30.00", "1/006"],
            ["", "", "รวมทั้งสิ้น", "", "270.-", ""],
        ]
    )


def test_a_treasurers_book_is_imported_with_periods_plans_and_one_entry_per_month(world, tmp_path):
    fund = world.fund_a
    path = write_csv(tmp_path / "สมุดเงินสัจจะ 2567.csv", treasurer_book(world), encoding="cp874")
    report = run(fund, path)

    assert (report.header_row, report.data_rows, report.imported) == (4, 6, 6)
    assert report.skipped == {"title": 4, "blank": 1, "total": 3}
    assert report.total_amount == D("270.00") and report.plans_assigned == 3
    assert [(m.month, m.rows, m.amount) for m in report.months] == [
        (dt.date(2024, 3, 1), 3, D("150.00")),
        (dt.date(2024, 4, 1), 2, D("90.00")),
        (dt.date(2024, 5, 1), 1, D("30.00")),
    ]
    a, b, c = world.members_a
    rows = list(
        ContributionPayment.objects.order_by("member_id", "period_start").values_list(
            "member_id", "paid_on", "period_start", "months", "amount", "receipt_ref", "source"
        )
    )
    assert rows == [
        (a.pk, dt.date(2024, 3, 15), dt.date(2015, 3, 1), 1, D("30.00"), "1/001", "import"),
        (a.pk, dt.date(2024, 4, 10), dt.date(2015, 4, 1), 1, D("30.00"), "1/004", "import"),
        (a.pk, dt.date(2024, 5, 12), dt.date(2015, 5, 1), 1, D("30.00"), "1/006", "import"),
        (b.pk, dt.date(2024, 3, 15), dt.date(2015, 3, 1), 3, D("90.00"), "1/002", "import"),
        (c.pk, dt.date(2024, 3, 15), dt.date(2015, 3, 1), 1, D("30.00"), "1/003", "import"),
        (c.pk, dt.date(2024, 4, 10), dt.date(2015, 4, 1), 2, D("60.00"), "1/005", "import"),
    ]
    batch = ImportBatch.objects.get()
    assert batch.rows == 6 and batch.filename == "สมุดเงินสัจจะ 2567.csv"
    assert set(ContributionPayment.objects.values_list("import_batch", flat=True)) == {batch.pk}
    # Plans inferred from the first payment: 30 → monthly, 90 → every 3 months.
    assert [PlanAssignment.objects.get(member=m).plan.months for m in (a, b, c)] == [1, 3, 1]
    assert member_arrears(b, as_of=TODAY).next_month == dt.date(2015, 6, 1)

    entries = list(JournalEntry.objects.filter(fund=fund).order_by("seq"))
    assert [e.description for e in entries] == [
        "นำเข้าสมุดเงินสัจจะ สมุดเงินสัจจะ 2567.csv เดือน 03/2567 (3 รายการ)",
        "นำเข้าสมุดเงินสัจจะ สมุดเงินสัจจะ 2567.csv เดือน 04/2567 (2 รายการ)",
        "นำเข้าสมุดเงินสัจจะ สมุดเงินสัจจะ 2567.csv เดือน 05/2567 (1 รายการ)",
    ]
    assert [e.date for e in entries] == [
        dt.date(2024, 3, 15),
        dt.date(2024, 4, 10),
        dt.date(2024, 5, 12),
    ]
    for e in entries:
        assert e.source_type == SourceType.IMPORT and e.source_ref == f"import:{batch.pk}"
        assert sum(e.lines.values_list("amount_satang", flat=True)) == 0
        assert e.lines.count() == 2
    tb = trial_balance(fund=fund)
    assert tb["balanced"] and tb["total_debit"] == report.total_amount == D("270.00")
    assert {r.account.role: r.natural for r in tb["rows"]} == {
        "cash": D("270.00"),
        "contributions": D("270.00"),
    }


def test_an_xlsx_book_with_date_number_and_buddhist_era_date_cells(world, tmp_path):
    a, b, _c = world.members_a
    plan_assign(
        member=b, plan=world.fund_a.contribution_plans.get(months=12), effective_date=b.join_date
    )
    path = write_xlsx(
        tmp_path / "book.xlsx",
        book(
            [
                [1, a.number, "นางสมศรี0 ใจดี", dt.date(2024, 3, 15), 30, 101],
                [2, int(b.number), "นางสมศรี1 ใจดี", dt.datetime(2567, 3, 16), 360.0, 102],
                [None, None, "รวม", None, 390, None],
            ]
        ),
    )
    report = run(world.fund_a, path)
    assert report.imported == 2 and report.plans_assigned == 1
    got = dict(ContributionPayment.objects.values_list("member__number", "paid_on"))
    assert got == {a.number: dt.date(2024, 3, 15), b.number: dt.date(2024, 3, 16)}
    assert ContributionPayment.objects.get(member=b).months == 12
    assert sorted(ContributionPayment.objects.values_list("receipt_ref", flat=True)) == [
        "101",
        "102",
    ]


def test_rows_of_a_member_are_taken_oldest_first_and_follow_months_already_covered(world, tmp_path):
    a = world.members_a[0]
    plan_assign(
        member=a, plan=world.fund_a.contribution_plans.get(months=1), effective_date=a.join_date
    )
    first = write_csv(tmp_path / "old.csv", book([["1", a.number, "", "10/1/2567", "30", ""]]))
    run(world.fund_a, first)
    later = write_csv(
        tmp_path / "new.csv",
        book(
            [["1", a.number, "", "10/3/2567", "30", ""], ["2", a.number, "", "10/2/2567", "60", ""]]
        ),
    )
    run(world.fund_a, later)
    got = list(
        ContributionPayment.objects.filter(member=a)
        .order_by("period_start")
        .values_list("paid_on", "period_start", "months")
    )
    assert got == [
        (dt.date(2024, 1, 10), dt.date(2015, 3, 1), 1),
        (dt.date(2024, 2, 10), dt.date(2015, 4, 1), 2),
        (dt.date(2024, 3, 10), dt.date(2015, 6, 1), 1),
    ]


def test_importing_the_same_file_twice_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "book.csv", treasurer_book(world))
    run(world.fund_a, path)
    before = counts()
    again = run(world.fund_a, path)
    assert again.file_already_imported and again.nothing_to_do
    assert counts() == before


def test_a_longer_copy_of_an_imported_book_adds_only_the_new_rows(world, tmp_path):
    lines = treasurer_book(world)
    run(world.fund_a, write_csv(tmp_path / "book.csv", lines))
    before = counts()
    a = world.members_a[0]
    longer = [*lines, ["7", a.number, "", "12/06/2024", "30", "1/007"]]
    report = run(world.fund_a, write_csv(tmp_path / "book-june.csv", longer))
    assert (report.already_imported, report.imported) == (6, 1)
    after = counts()
    assert after["payments"] == before["payments"] + 1
    assert after["entries"] == before["entries"] + 1 and after["batches"] == before["batches"] + 1
    new = ContributionPayment.objects.get(receipt_ref="1/007")
    assert new.period_start == dt.date(2015, 6, 1)
    # and that file again: nothing at all
    report = run(world.fund_a, write_csv(tmp_path / "book-june-copy.csv", [*longer, []]))
    assert report.nothing_to_do and report.imported == 0 and counts() == after


def _resign(member, on):
    member_set_status(
        member=member,
        status=MemberStatus.RESIGNED,
        effective_date=on,
        reason="ย้ายออก",
        actor=None,
        today=TODAY,
    )


BAD_ROWS = [
    ("-30", "15/3/2567", None, "จำนวนเงิน", "more than zero"),
    ("0", "15/3/2567", None, "จำนวนเงิน", "more than zero"),
    ("สามสิบ", "15/3/2567", None, "จำนวนเงิน", "not a number"),
    ("30.555", "15/3/2567", None, "จำนวนเงิน", "at most 2 decimals"),
    ("30", "31/02/2567", None, "วันที่ชำระ", "does not exist"),
    ("30", "15/13/2567", None, "วันที่ชำระ", "does not exist"),
    ("30", "เมื่อวาน", None, "วันที่ชำระ", "day/month/year"),
    ("30", "1/12/2569", None, "วันที่ชำระ", "in the future"),
    ("30", "15/3/2567", "99999", "เลขที่สมาชิก", "No member 99999"),
    ("30", "15/3/2567", "resigned", "เลขที่สมาชิก", "resigned on this date"),
    ("45", "15/3/2567", None, "จำนวนเงิน", "no plan of this fund fits"),
]


@pytest.mark.parametrize(("amount", "date", "member", "column", "reason"), BAD_ROWS)
def test_bad_rows_are_refused_naming_row_and_column_and_nothing_is_written(
    world, tmp_path, settings, amount, date, member, column, reason
):
    settings.LANGUAGE_CODE = "en"
    good, other = world.members_a[0], world.members_a[1]
    if member == "resigned":
        _resign(other, dt.date(2020, 1, 1))
        member = other.number
    path = write_csv(
        tmp_path / "bad.csv",
        book(
            [
                ["1", good.number, "", "15/3/2567", "30.-", "1/001"],
                ["2", member or other.number, "", date, amount, "1/002"],
            ]
        ),
    )
    before = counts()
    from django.utils import translation

    with translation.override("en"), pytest.raises(ImportRejected) as exc:
        run(world.fund_a, path)
    problems = exc.value.problems
    assert [(p.row, p.column) for p in problems] == [(6, column)], problems
    assert reason in problems[0].reason
    assert counts() == before


def test_reused_receipt_numbers_are_refused_in_the_file_and_against_the_fund(world, tmp_path):
    a, b, c = world.members_a
    run(
        world.fund_a,
        write_csv(tmp_path / "first.csv", book([["1", a.number, "", "1/3/2567", "30", "R-9"]])),
    )
    before = counts()
    path = write_csv(
        tmp_path / "second.csv",
        book(
            [
                ["1", b.number, "", "2/3/2567", "30", "R-10"],
                ["2", c.number, "", "2/3/2567", "30", "R-10"],
                ["3", c.number, "", "3/3/2567", "30", "R-9"],
            ]
        ),
    )
    with pytest.raises(ImportRejected) as exc:
        run(world.fund_a, path)
    got = [(p.row, p.column, p.value) for p in exc.value.problems]
    assert got == [(6, "เลขที่ใบเสร็จ", "R-10"), (7, "เลขที่ใบเสร็จ", "R-9")]
    assert "5" in exc.value.problems[0].reason  # names the other row
    assert counts() == before


def test_every_bad_row_is_reported_at_once_in_thai(world, tmp_path):
    a = world.members_a[0]
    path = write_csv(
        tmp_path / "bad.csv",
        book(
            [
                ["1", a.number, "", "31/02/2567", "30", ""],
                ["2", "", "", "1/3/2567", "30", ""],
                ["3", a.number, "", "1/3/2567", "-5", ""],
                ["4", a.number, "", "1/3/2567", "30", ""],
            ]
        ),
    )
    with pytest.raises(ImportRejected) as exc:
        run(world.fund_a, path)
    got = [(p.row, p.column, p.value, p.reason) for p in exc.value.problems]
    assert got == [
        (5, "วันที่ชำระ", "31/02/2567", "ไม่มีวันที่นี้ในปฏิทิน"),
        (6, "เลขที่สมาชิก", "", "ไม่มีเลขที่สมาชิก"),
        (7, "จำนวนเงิน", "-5", "จำนวนเงินต้องมากกว่าศูนย์"),
    ]
    assert not ContributionPayment.objects.exists()


def test_a_payment_dated_in_a_closed_month_is_refused(world, tmp_path):
    fund = world.fund_a
    month = fund.founded_on.replace(day=1)
    while month < dt.date(2024, 4, 1):
        month_close(fund=fund, month=month, actor=None, today=TODAY)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    path = write_csv(
        tmp_path / "b.csv", book([["1", world.members_a[0].number, "", "15/3/2567", "30", ""]])
    )
    with pytest.raises(ImportRejected) as exc:
        run(fund, path)
    assert exc.value.problems[0].column == "วันที่ชำระ"


def test_dry_run_checks_everything_and_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "book.csv", treasurer_book(world))
    before = counts()
    report = run(world.fund_a, path, dry_run=True, preview=2)
    assert report.imported == 6 and report.dry_run and counts() == before
    assert [p["row"] for p in report.preview] == [5, 6]
    assert report.preview[0]["period_start"] == dt.date(2015, 3, 1)


def test_a_chosen_mapping_overrides_the_guess(world, tmp_path):
    a = world.members_a[0]
    rows = [["รหัส", "จ่ายเมื่อ", "เงิน", "หมายเหตุ"], [a.number, "1/3/2567", "30", "ไม่ใช่วันที่"]]
    path = write_csv(tmp_path / "odd.csv", rows)
    with pytest.raises(ImportRejected) as exc:
        run(world.fund_a, path)  # "จ่ายเมื่อ" is not a known name for the date
    assert (
        "Choose the column" in exc.value.problems[0].reason
        or "เลือกคอลัมน์" in exc.value.problems[0].reason
    )
    report = run(
        world.fund_a,
        path,
        mapping=ImportMapping(
            header_row=1, columns={"member_number": 0, "paid_on": 1, "amount": 2}
        ),
    )
    assert report.imported == 1


def test_the_command_imports_with_a_progress_bar_and_fails_listing_bad_rows(
    world, tmp_path, capsys
):
    path = write_csv(tmp_path / "book.csv", treasurer_book(world))
    call_command("import_contributions", world.fund_a.short_code, str(path), "--dry-run")
    out = capsys.readouterr()
    assert "Dry run" in out.out and not ContributionPayment.objects.exists()
    call_command("import_contributions", str(world.fund_a.pk), str(path))
    assert ContributionPayment.objects.count() == 6
    bad = write_csv(
        tmp_path / "bad.csv",
        book(
            [
                ["1", "77777", "", "1/3/2567", "30", ""],
                ["2", world.members_a[0].number, "", "1/3/2567", "abc", ""],
            ]
        ),
    )
    with pytest.raises(CommandError):
        call_command("import_contributions", world.fund_a.short_code, str(bad), "--language", "en")
    err = capsys.readouterr().err
    assert "row 5, เลขที่สมาชิก: '77777' No member 77777 in this fund." in err
    assert "row 6, จำนวนเงิน: 'abc'" in err
    assert ContributionPayment.objects.count() == 6


def test_the_command_takes_a_mapping(world, tmp_path, capsys):
    a = world.members_a[0]
    path = write_csv(tmp_path / "odd.csv", [["รหัส", "จ่ายเมื่อ", "เงิน"], [a.number, "1/3/2567", "30"]])
    call_command(
        "import_contributions",
        world.fund_a.short_code,
        str(path),
        "--map",
        "paid_on=B",
        "--map",
        "amount=เงิน",
    )
    assert ContributionPayment.objects.count() == 1


def test_an_old_monthly_payment_of_a_member_now_on_a_yearly_plan_is_one_month(world, tmp_path):
    a, b, _c = world.members_a
    plans = world.fund_a.contribution_plans
    plan_assign(member=a, plan=plans.get(months=12), effective_date=a.join_date)
    plan_assign(member=b, plan=plans.get(months=1), effective_date=b.join_date)
    ok = write_csv(
        tmp_path / "ok.csv",
        book(
            [["1", a.number, "", "1/3/2567", "30", ""], ["2", a.number, "", "1/4/2567", "360", ""]]
        ),
    )
    run(world.fund_a, ok)
    assert list(
        ContributionPayment.objects.order_by("period_start").values_list("months", flat=True)
    ) == [1, 12]
    bad = write_csv(tmp_path / "bad.csv", book([["1", b.number, "", "1/3/2567", "45", ""]]))
    with pytest.raises(ImportRejected) as exc:
        run(world.fund_a, bad)
    [problem] = exc.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "จำนวนเงิน", "45")


def test_a_row_of_an_unknown_member_also_reports_its_other_bad_cells(world, tmp_path):
    path = write_csv(tmp_path / "bad.csv", book([["1", "99-9999", "", "31/02/2567", "สามสิบ", ""]]))
    with pytest.raises(ImportRejected) as exc:
        run(world.fund_a, path)
    assert [(p.row, p.column) for p in exc.value.problems] == [
        (5, "เลขที่สมาชิก"),
        (5, "วันที่ชำระ"),
        (5, "จำนวนเงิน"),
    ]
