"""The books: balanced entries only, append-only in the database itself, corrections by reversal."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from kongtun.ledger.models import Account, JournalEntry, JournalLine
from kongtun.ledger.selectors import account_sums, cash_book, income_expenditure, trial_balance
from kongtun.ledger.services import (
    EntryDraft,
    LineDraft,
    account_for,
    entry_post,
    entry_reverse,
    month_close,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

D = Decimal


def simple(
    fund, amount="30.00", day=dt.date(2024, 3, 15), debit="cash", credit="contributions", **kw
):
    return EntryDraft(
        date=day,
        description="เงินสัจจะ",
        lines=[
            LineDraft(account=account_for(fund, debit), debit=D(amount)),
            LineDraft(account=account_for(fund, credit), credit=D(amount)),
        ],
        **kw,
    )


def test_a_new_fund_has_the_default_chart_in_thai_and_english(world):
    cash = account_for(world.fund_a, "cash")
    assert (cash.code, cash.name_th, cash.name_en) == ("1101", "เงินสด", "Cash")
    assert Account.objects.filter(fund=world.fund_a, role__startswith="benefit:").count() >= 7


def test_posting_numbers_entries_per_fund_and_balances_follow(world):
    a = entry_post(fund=world.fund_a, draft=simple(world.fund_a), actor=None, today=TODAY)
    b = entry_post(fund=world.fund_a, draft=simple(world.fund_a, "60.50"), actor=None, today=TODAY)
    other = entry_post(fund=world.fund_b, draft=simple(world.fund_b), actor=None, today=TODAY)
    assert (a.seq, b.seq, other.seq) == (1, 2, 1)
    tb = trial_balance(fund=world.fund_a)
    assert tb["balanced"] and tb["total_debit"] == D("90.50")
    ie = income_expenditure(fund=world.fund_a, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    assert ie["total_income"] == D("90.50") and ie["surplus"] == D("90.50")


@pytest.mark.parametrize(
    "lines",
    [
        [("cash", "30.00", None), ("contributions", None, "29.99")],  # unbalanced
        [("cash", "30.00", None)],  # one line
        [("cash", "-30.00", None), ("contributions", None, "-30.00")],  # negative
        [("cash", "0", None), ("contributions", None, "0")],  # zero
        [("cash", "30.001", None), ("contributions", None, "30.001")],  # 3 decimals
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(world, lines):
    fund = world.fund_a
    draft = EntryDraft(
        date=dt.date(2024, 3, 15),
        description="x",
        lines=[
            LineDraft(account=account_for(fund, r), debit=D(d or 0), credit=D(c or 0))
            for r, d, c in lines
        ],
    )
    with pytest.raises(ValidationError) as exc:
        entry_post(fund=fund, draft=draft, actor=None, today=TODAY)
    assert "lines" in exc.value.message_dict
    assert not JournalEntry.objects.exists() and not JournalLine.objects.exists()


def test_another_funds_account_or_a_future_date_is_refused(world):
    fund = world.fund_a
    foreign = EntryDraft(
        date=dt.date(2024, 3, 15),
        description="x",
        lines=[
            LineDraft(account=account_for(fund, "cash"), debit=D(1)),
            LineDraft(account=account_for(world.fund_b, "contributions"), credit=D(1)),
        ],
    )
    with pytest.raises(ValidationError):
        entry_post(fund=fund, draft=foreign, actor=None, today=TODAY)
    with pytest.raises(ValidationError):
        entry_post(
            fund=fund, draft=simple(fund, day=TODAY + dt.timedelta(days=1)), actor=None, today=TODAY
        )


def test_a_correction_is_a_reversing_entry_and_happens_once(world):
    fund = world.fund_a
    wrong = entry_post(fund=fund, draft=simple(fund, "300.00"), actor=None, today=TODAY)
    rev = entry_reverse(
        entry=wrong, date=dt.date(2024, 3, 20), reason="พิมพ์ผิด", actor=None, today=TODAY
    )
    assert rev.reverses == wrong and "พิมพ์ผิด" in rev.description
    assert all(v == 0 for v in account_sums(fund=fund).values())
    with pytest.raises(ValidationError):
        entry_reverse(
            entry=wrong, date=dt.date(2024, 3, 21), reason="again", actor=None, today=TODAY
        )
    with pytest.raises(ValidationError):
        entry_reverse(entry=rev, date=dt.date(2024, 3, 21), reason="undo", actor=None, today=TODAY)


def _refused(sql: str, params=()) -> None:
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(sql, params)


def test_entries_and_lines_cannot_be_changed_or_deleted_even_by_raw_sql(world):
    entry = entry_post(fund=world.fund_a, draft=simple(world.fund_a), actor=None, today=TODAY)
    line = entry.lines.first()
    entry.description = "แก้ไข"
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        entry.save()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        JournalLine.objects.filter(pk=line.pk).update(amount_satang=1)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    _refused("UPDATE ledger_journalline SET amount_satang = amount_satang * 2")
    _refused("DELETE FROM ledger_journalline")
    _refused("UPDATE ledger_journalentry SET description = 'x'")
    _refused("DELETE FROM ledger_journalentry")
    entry.refresh_from_db()
    assert entry.description == "เงินสัจจะ" and entry.lines.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="deferred constraint trigger is PostgreSQL's"
)
def test_postgres_refuses_an_unbalanced_entry_at_commit(world):
    good = entry_post(fund=world.fund_a, draft=simple(world.fund_a), actor=None, today=TODAY)
    cash = account_for(world.fund_a, "cash")
    with (
        pytest.raises(DatabaseError, match="does not balance"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(
            "INSERT INTO ledger_journalentry (fund_id, seq, date, description, source_type, source_ref, created_at)"
            " VALUES (%s, 99, '2024-01-01', 'raw', 'manual', '', now()) RETURNING id",
            [world.fund_a.pk],
        )
        entry_id = c.fetchone()[0]
        c.execute(
            "INSERT INTO ledger_journalline (entry_id, fund_id, date, account_id, amount_satang, memo)"
            " VALUES (%s, %s, '2024-01-01', %s, 100, '')",
            [entry_id, world.fund_a.pk, cash.pk],
        )
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert JournalEntry.objects.filter(fund=world.fund_a).count() == 1 and good.pk


def test_nothing_may_be_posted_into_a_closed_month(world):
    fund = world.fund_a
    fund.founded_on = dt.date(2024, 1, 1)
    fund.save()
    for month in (1, 2, 3):
        month_close(fund=fund, month=dt.date(2024, month, 1), actor=None, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        entry_post(fund=fund, draft=simple(fund, day=dt.date(2024, 3, 31)), actor=None, today=TODAY)
    assert "เดือน มี.ค. 2567 ปิดงวดแล้ว" in str(exc.value)  # the Buddhist Era, in Thai
    entry_post(fund=fund, draft=simple(fund, day=dt.date(2024, 4, 1)), actor=None, today=TODAY)
    with pytest.raises(ValidationError):
        month_close(fund=fund, month=dt.date(2024, 6, 1), actor=None, today=TODAY)  # May still open


def test_cash_book_runs_a_balance_from_the_opening(world):
    fund = world.fund_a
    entry_post(
        fund=fund, draft=simple(fund, "100.00", dt.date(2024, 2, 28)), actor=None, today=TODAY
    )
    entry_post(fund=fund, draft=simple(fund, "30.00", dt.date(2024, 3, 1)), actor=None, today=TODAY)
    entry_post(
        fund=fund,
        draft=simple(fund, "120.00", dt.date(2024, 3, 2), debit="benefit:death", credit="cash"),
        actor=None,
        today=TODAY,
    )
    book = cash_book(fund=fund, start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))
    assert book["opening"] == D("100.00")
    assert [r["balance"] for r in book["rows"]] == [D("130.00"), D("10.00")]
    assert (book["total_in"], book["total_out"], book["closing"]) == (
        D("30.00"),
        D("120.00"),
        D("10.00"),
    )


def test_ledger_check_passes_and_then_finds_a_raw_insert(world, capsys):
    fund = world.fund_a
    entry_post(fund=fund, draft=simple(fund), actor=None, today=TODAY)
    call_command("ledger_check", fund=fund.short_code)
    assert "ledger OK" in capsys.readouterr().out
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the unbalanced insert itself (test above)")
    cash = account_for(fund, "cash")
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO ledger_journalentry (fund_id, seq, date, description, source_type, source_ref, created_at)"
            " VALUES (%s, 5, '2024-01-01', 'raw', 'manual', '', '2024-01-01')",
            [fund.pk],
        )
        c.execute("SELECT max(id) FROM ledger_journalentry")
        entry_id = c.fetchone()[0]
        c.execute(
            "INSERT INTO ledger_journalline (entry_id, fund_id, date, account_id, amount_satang, memo)"
            " VALUES (%s, %s, '2024-01-01', %s, 100, '')",
            [entry_id, fund.pk, cash.pk],
        )
    with pytest.raises(Exception, match="problem"):
        call_command("ledger_check", fund=fund.short_code)
    err = capsys.readouterr().err
    assert "unbalanced" in err and "sequence_gap" in err


@pytest.mark.skipif(shutil.which("hledger") is None, reason="hledger is not installed")
def test_hledger_reproduces_our_trial_balance(world, tmp_path):
    fund = world.fund_a
    entry_post(fund=fund, draft=simple(fund, "1234.56"), actor=None, today=TODAY)
    entry_post(
        fund=fund,
        draft=simple(fund, "0.01", debit="bank", credit="donations"),
        actor=None,
        today=TODAY,
    )
    out = tmp_path / "books.journal"
    call_command("ledger_export_hledger", fund.short_code, output=str(out))
    result = subprocess.run(
        ["hledger", "-f", str(out), "bal", "--flat", "--no-total", "-O", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = {}
    for row in result.stdout.strip().splitlines()[1:]:
        name, amount = [c.strip('"') for c in row.split('","')]
        theirs[name.split(":")[1].split()[0]] = Decimal(amount.replace(" THB", "").replace(",", ""))
    ours = {r.account.code: r.debit - r.credit for r in trial_balance(fund=fund)["rows"]}
    assert theirs == ours


@pytest.mark.django_db(transaction=True)
def test_two_treasurers_posting_at_once_get_distinct_numbers_and_lose_nothing(
    books_flushable, world
):
    fund = world.fund_a
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                entry_post(fund=fund, draft=simple(fund), actor=None, today=TODAY)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(JournalEntry.objects.filter(fund=fund).values_list("seq", flat=True))
    assert seqs == list(range(1, 21))
    assert trial_balance(fund=fund)["total_debit"] == D("600.00")
