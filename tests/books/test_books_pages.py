"""The books pages show the figures of a small hand-made ledger, reverse entries, refuse an
unbalanced voucher naming its lines, edit the chart, close months; readers cannot post."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.ledger.models import Account, JournalEntry, JournalLine, MonthClose, SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


def post(fund, day, debit_role, credit_role, amount, description, ref="", source=SourceType.MANUAL):
    return entry_post(
        fund=fund,
        draft=EntryDraft(
            date=day,
            description=description,
            lines=[
                LineDraft(account=account_for(fund, debit_role), debit=D(amount)),
                LineDraft(account=account_for(fund, credit_role), credit=D(amount)),
            ],
            source_type=source,
            source_ref=ref,
        ),
        actor=None,
        today=TODAY,
    )


@pytest.fixture
def books(world):
    """Five entries in 2024 (baht):
    1 Jan 05  cash 1,000 / capital        (opening)
    2 Feb 10  cash 300 / contributions    (RC-1)
    3 Feb 15  bank 500 / cash             (deposit, JV-1)
    4 Mar 01  death benefit 200 / cash    (PV-1)
    5 Mar 20  bank 150 / local matching   (LG-1)
    """
    fund = world.fund_a
    e = [
        post(
            fund,
            dt.date(2024, 1, 5),
            "cash",
            "capital",
            "1000",
            "ยอดยกมา",
            "OB",
            SourceType.OPENING,
        ),
        post(fund, dt.date(2024, 2, 10), "cash", "contributions", "300", "เงินสัจจะ", "RC-1"),
        post(fund, dt.date(2024, 2, 15), "bank", "cash", "500", "นำเงินฝากธนาคาร", "JV-1"),
        post(fund, dt.date(2024, 3, 1), "benefit:death", "cash", "200", "ค่าทำศพ", "PV-1"),
        post(fund, dt.date(2024, 3, 20), "bank", "matching_local", "150", "เงินสมทบ อบต.", "LG-1"),
    ]
    return fund, e


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(fund, path=""):
    return f"/f/{fund.pk}/books/{path}"


def test_trial_balance_as_of_a_date(books, world, client):
    fund, _ = books
    client.force_login(world.chair_a)
    page = client.get(url(fund, "trial-balance/"), {"as_of": "31/12/2567"})
    assert page.status_code == 200
    tb = page.context["tb"]
    assert (tb["total_debit"], tb["total_credit"], tb["balanced"]) == (
        D("1450.00"),
        D("1450.00"),
        True,
    )
    rows = {r.account.role: (r.debit, r.credit) for r in tb["rows"]}
    assert rows["cash"] == (D("600.00"), D("0.00"))
    assert rows["bank"] == (D("650.00"), D("0.00"))
    assert rows["capital"] == (D("0.00"), D("1000.00"))
    html = page.content.decode()
    assert "1,450.00" in html and "31 ธันวาคม 2567" in html
    early = client.get(url(fund, "trial-balance/"), {"as_of": "12/02/2567"}).context["tb"]
    assert early["total_debit"] == D("1300.00")


def test_cash_book_opening_running_and_closing(books, world, client):
    fund, _ = books
    client.force_login(world.treasurer_a)
    page = client.get(url(fund, "cash-book/"), {"start": "01/02/2567", "end": "29/02/2567"})
    cb = page.context["cb"]
    assert cb["opening"] == D("1000.00")
    assert [(r["document"], r["money_in"], r["money_out"], r["balance"]) for r in cb["rows"]] == [
        ("RC-1", D("300.00"), None, D("1300.00")),
        ("JV-1", D("500.00"), None, D("1800.00")),  # into the bank…
        ("JV-1", None, D("500.00"), D("1300.00")),  # …out of cash: the same entry
    ]
    assert cb["closing"] == D("1300.00")
    html = page.content.decode()
    assert "RC-1" in html and "1,300.00" in html
    cash_only = client.get(
        url(fund, "cash-book/"), {"start": "01/02/2567", "end": "31/03/2567", "book": "cash"}
    ).context["cb"]
    assert [r["balance"] for r in cash_only["rows"]] == [D("1300.00"), D("800.00"), D("600.00")]
    assert (cash_only["opening"], cash_only["closing"]) == (D("1000.00"), D("600.00"))
    assert (cash_only["total_in"], cash_only["total_out"]) == (D("300.00"), D("700.00"))


def test_income_and_expenditure_for_a_period_and_by_default_the_fiscal_year(books, world, client):
    fund, _ = books
    client.force_login(world.chair_a)
    ie = client.get(
        url(fund, "income-expenditure/"), {"start": "01/02/2567", "end": "31/03/2567"}
    ).context["ie"]
    assert (ie["total_income"], ie["total_expense"], ie["surplus"]) == (
        D("450.00"),
        D("200.00"),
        D("250.00"),
    )
    assert [r.account.role for r in ie["income"]] == ["contributions", "matching_local"]
    # Default period: the fund's current fiscal year (January start) — nothing in 2026.
    page = client.get(url(fund, "income-expenditure/"))
    assert (page.context["start"], page.context["end"]) == (
        dt.date(TODAY.year, 1, 1),
        dt.date(TODAY.year, 12, 31),
    )
    fund.fiscal_year_start_month = 10
    fund.save()
    page = client.get(url(fund, "income-expenditure/"))
    assert page.context["start"] == dt.date(2026, 10, 1) and page.context["end"] == dt.date(
        2027, 9, 30
    )


def test_balance_sheet_balances(books, world, client):
    fund, _ = books
    client.force_login(world.chair_a)
    bs = client.get(url(fund, "balance-sheet/"), {"as_of": "31/12/2567"}).context["bs"]
    assert bs["total_assets"] == D("1250.00")
    assert bs["accumulated_surplus"] == D("250.00")
    assert bs["total_liabilities_and_equity"] == D("1250.00")


def test_journal_filters_and_entry_page(books, world, client):
    fund, e = books
    client.force_login(world.chair_a)
    page = client.get(url(fund, "journal/"), {"start": "01/02/2567", "end": "31/03/2567"})
    assert [x.seq for x in page.context["page"].object_list] == [5, 4, 3, 2]
    assert [x.seq for x in client.get(url(fund, "journal/"), {"q": "PV-1"}).context["page"]] == [4]
    assert [x.seq for x in client.get(url(fund, "journal/"), {"q": "#2"}).context["page"]] == [2]
    opening = client.get(url(fund, "journal/"), {"source": "opening"}).context["page"]
    assert [x.seq for x in opening] == [1]
    bank = Account.objects.get(fund=fund, role="bank")
    by_account = client.get(url(fund, "journal/"), {"account": bank.pk}).context["page"]
    assert [(x.seq, x.total_satang) for x in by_account] == [(5, 15000), (3, 50000)]
    detail = client.get(url(fund, f"journal/{e[2].pk}/"))
    html = detail.content.decode()
    assert detail.status_code == 200 and "JV-1" in html and "500.00" in html
    assert "ห้าร้อยบาทถ้วน" in html  # the amount in Thai words
    assert detail.context["reverse_form"] is None  # the chair does not record money


def test_reversal_through_the_page(books, world, client):
    fund, e = books
    client.force_login(world.treasurer_a)
    detail = client.get(url(fund, f"journal/{e[3].pk}/"))
    assert detail.context["reverse_form"] is not None
    response = client.post(
        url(fund, f"journal/{e[3].pk}/reverse/"), {"date": "01/04/2567", "reason": "จ่ายซ้ำ"}
    )
    assert response.status_code == 302
    reversal = JournalEntry.objects.get(reverses=e[3])
    assert response["Location"].endswith(f"/books/journal/{reversal.pk}/")
    assert reversal.date == dt.date(2024, 4, 1) and reversal.source_type == SourceType.REVERSAL
    tb = client.get(url(fund, "trial-balance/"), {"as_of": "30/04/2567"}).context["tb"]
    assert tb["total_debit"] == D("1450.00")  # the death benefit is gone, cash is back
    assert "benefit:death" not in {r.account.role for r in tb["rows"]}
    original = client.get(url(fund, f"journal/{e[3].pk}/"))
    assert original.context["reversed_by"] == reversal and original.context["reverse_form"] is None
    back = client.get(url(fund, f"journal/{reversal.pk}/")).content.decode()
    assert f"/books/journal/{e[3].pk}/" in back  # the reversal links to its original
    # Reversing again is refused and writes nothing.
    count = JournalEntry.objects.count()
    again = client.post(
        url(fund, f"journal/{e[3].pk}/reverse/"), {"date": "01/04/2567", "reason": "x"}
    )
    assert again.status_code == 400 and JournalEntry.objects.count() == count


def test_reversal_dated_before_the_entry_is_refused_on_the_date(books, world, english):
    fund, e = books
    english.force_login(world.treasurer_a)
    response = english.post(
        url(fund, f"journal/{e[3].pk}/reverse/"), {"date": "01/01/2567", "reason": "x"}
    )
    assert response.status_code == 400
    assert response.context["reverse_form"].errors["date"]
    assert not JournalEntry.objects.filter(reverses=e[3]).exists()


def _voucher(lines, **kw):
    data = {
        "date": "05/04/2567",
        "description": "ค่าเครื่องเขียน",
        "document": "PV-2",
        "line-TOTAL_FORMS": "4",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "40",
    }
    for i, (account, debit, credit) in enumerate(lines):
        data[f"line-{i}-account"] = account.pk if account else ""
        data[f"line-{i}-debit"] = debit
        data[f"line-{i}-credit"] = credit
    data.update(kw)
    return data


def test_a_balanced_voucher_posts_one_entry(books, world, client):
    fund, _ = books
    client.force_login(world.treasurer_a)
    admin, cash = account_for(fund, "admin"), account_for(fund, "cash")
    response = client.post(
        url(fund, "journal/new/"),
        _voucher([(admin, "45.50", ""), (None, "", ""), (cash, "", "45.50")]),
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(fund=fund, source_ref="PV-2")
    assert entry.source_type == SourceType.MANUAL and entry.created_by == world.treasurer_a
    assert sorted(entry.lines.values_list("amount_satang", flat=True)) == [-4550, 4550]


def test_an_unbalanced_voucher_is_refused_naming_its_lines_and_nothing_is_written(
    books, world, english
):
    fund, _ = books
    english.force_login(world.treasurer_a)
    admin, cash, bank = (account_for(fund, r) for r in ("admin", "cash", "bank"))
    before = (JournalEntry.objects.count(), JournalLine.objects.count())
    response = english.post(
        url(fund, "journal/new/"),
        _voucher([(admin, "100", ""), (bank, "20", ""), (cash, "", "90")]),
    )
    assert response.status_code == 400
    errors = " ".join(response.context["lines"].non_form_errors())
    assert "line(s) 1, 2 total 120.00" in errors and "line(s) 3 total 90.00" in errors
    assert "difference of 30.00" in errors
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == before
    # A line with both sides, and one without an account, are named by their row number.
    response = english.post(
        url(fund, "journal/new/"),
        _voucher([(admin, "10", "10"), (cash, "", "10"), (None, "5", "")]),
    )
    errors = " ".join(response.context["lines"].non_form_errors())
    assert "Line 1: a line is either a debit or a credit" in errors
    assert "Line 3: choose the account" in errors
    assert "Line 2" not in errors
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == before
    # A bad amount, too.
    response = english.post(
        url(fund, "journal/new/"), _voucher([(admin, "1.234", ""), (cash, "", "1.23")])
    )
    assert "Line 1: An amount has at most 2 decimals" in " ".join(
        response.context["lines"].non_form_errors()
    )
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == before


def test_a_voucher_into_a_closed_month_is_refused(books, world, client):
    fund, _ = books
    MonthClose.objects.bulk_create(
        MonthClose(fund=fund, month=dt.date(2009 + (5 + i) // 12, (5 + i) % 12 + 1, 1))
        for i in range((2024 - 2009) * 12 + 4 - 5)
    )
    assert MonthClose.objects.filter(fund=fund).order_by("-month").first().month == dt.date(
        2024, 4, 1
    )
    client.force_login(world.treasurer_a)
    admin, cash = account_for(fund, "admin"), account_for(fund, "cash")
    count = JournalEntry.objects.count()
    response = client.post(
        url(fund, "journal/new/"), _voucher([(admin, "10", ""), (cash, "", "10")])
    )
    assert response.status_code == 400 and JournalEntry.objects.count() == count
    assert "เดือน เม.ย. 2567 ปิดงวดแล้ว" in " ".join(response.context["form"].non_field_errors())


def test_receipt_entries_are_corrected_by_voiding_the_receipt(world, client):
    fund = world.fund_a
    member = world.members_a[0]
    plan_assign(
        member=member, plan=fund.contribution_plans.get(months=1), effective_date=member.join_date
    )
    [receipt] = contributions_record(
        fund=fund,
        items=[PaymentInput(member.number, D("30"))],
        paid_on=dt.date(2024, 5, 2),
        actor=None,
        today=TODAY,
    )
    client.force_login(world.treasurer_a)
    page = client.get(url(fund, f"journal/{receipt.entry_id}/"))
    assert page.context["doc_kind"] == "receipt" and page.context["reverse_form"] is None
    assert receipt.display_number in page.content.decode()
    count = JournalEntry.objects.count()
    response = client.post(
        url(fund, f"journal/{receipt.entry_id}/reverse/"), {"date": "03/05/2567", "reason": "x"}
    )
    assert response.status_code == 302 and JournalEntry.objects.count() == count


def test_chart_of_accounts_add_rename_and_type_locked_once_used(books, world, english):
    fund, _ = books
    english.force_login(world.chair_a)
    page = english.get(url(fund, "accounts/"), {"as_of": "31/12/2024"})
    balances = {r["account"].role: r["balance"] for r in page.context["rows"]}
    assert balances["cash"] == D("600.00") and balances["contributions"] == D("300.00")
    html = page.content.decode()  # what each account is used for, in words, not role keys
    assert "money received or paid in cash" in html and "receivable_agency" not in html
    response = english.post(
        url(fund, "accounts/"),
        {"code": "5202", "name_th": "ค่าเดินทาง", "name_en": "", "type": "expense"},
    )
    assert response.status_code == 302
    travel = Account.objects.get(fund=fund, code="5202")
    dup = english.post(url(fund, "accounts/"), {"code": "5202", "name_th": "x", "type": "expense"})
    assert dup.status_code == 400 and "5202" in " ".join(dup.context["form"].errors["code"])
    # Unused: code and type may change.
    response = english.post(
        url(fund, f"accounts/{travel.pk}/"),
        {
            "code": "5203",
            "name_th": "ค่าพาหนะ",
            "name_en": "Travel",
            "type": "expense",
            "active": "on",
        },
    )
    assert response.status_code == 302
    travel.refresh_from_db()
    assert (travel.code, travel.name_th, travel.name_en) == ("5203", "ค่าพาหนะ", "Travel")
    # Used: renaming works, the type cannot change (the disabled field keeps it; the service refuses).
    cash = account_for(fund, "cash")
    response = english.post(
        url(fund, f"accounts/{cash.pk}/"),
        {"code": "1101", "name_th": "เงินสดในมือ", "type": "liability", "active": "on"},
    )
    assert response.status_code == 302
    cash.refresh_from_db()
    assert (cash.name_th, cash.type) == ("เงินสดในมือ", "asset")
    from kongtun.ledger.book_services import account_update

    with pytest.raises(Exception, match="type cannot change"):
        account_update(account=cash, code="1101", name_th="x", type="liability")
    # The software's accounts stay in use.
    response = english.post(
        url(fund, f"accounts/{cash.pk}/"), {"code": "1101", "name_th": "เงินสด", "type": "asset"}
    )
    assert response.status_code == 400 and response.context["edit_form"].errors["active"]
    # Its ledger: opening, running balance, closing.
    ledger = english.get(
        url(fund, f"accounts/{cash.pk}/"), {"start": "01/02/2024", "end": "31/03/2024"}
    ).context["ledger"]
    assert ledger["opening"] == D("1000.00") and ledger["closing"] == D("600.00")
    assert [r.balance for r in ledger["rows"]] == [D("1300.00"), D("800.00"), D("600.00")]


def test_treasurer_cannot_edit_the_chart(books, world, client):
    fund, _ = books
    client.force_login(world.treasurer_a)
    response = client.post(
        url(fund, "accounts/"), {"code": "5999", "name_th": "x", "type": "expense"}
    )
    assert response.status_code == 403
    assert not Account.objects.filter(fund=fund, code="5999").exists()


def test_month_close_page_closes_in_order_with_confirmation(world, client, make_user):
    fund = world.fund_a
    fund.founded_on = dt.date(2026, 6, 10)
    fund.save()
    client.force_login(world.treasurer_a)
    page = client.get(url(fund, "months/"))
    assert page.context["closable"] == [dt.date(2026, m, 1) for m in (6, 7, 8, 9, 10)]
    # Without the confirmation nothing is closed.
    response = client.post(url(fund, "months/"), {"through": "2026-06-01"})
    assert response.status_code == 400 and not MonthClose.objects.filter(fund=fund).exists()
    response = client.post(url(fund, "months/"), {"through": "2026-08-01", "confirm": "on"})
    assert response.status_code == 302
    assert list(MonthClose.objects.filter(fund=fund).values_list("month", flat=True)) == [
        dt.date(2026, 6, 1),
        dt.date(2026, 7, 1),
        dt.date(2026, 8, 1),
    ]
    page = client.get(url(fund, "months/"))
    assert page.context["next_open"] == dt.date(2026, 9, 1)
    # The current month has not ended: it is not offered, and refused if forged.
    response = client.post(url(fund, "months/"), {"through": "2026-11-01", "confirm": "on"})
    assert response.status_code == 400 and MonthClose.objects.filter(fund=fund).count() == 3


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.COORDINATOR, Role.CHAIR])
def test_readers_can_read_the_books_but_not_post(books, world, client, make_user, role):
    fund, e = books
    user = make_user(f"reader_{role}")
    role_grant(fund=fund, user=user, role=role, actor=None)
    client.force_login(user)
    for path in (
        "",
        "journal/",
        f"journal/{e[0].pk}/",
        "trial-balance/",
        "balance-sheet/",
        "income-expenditure/",
        "cash-book/",
        "accounts/",
        f"accounts/{e[0].lines.first().account_id}/",
        "months/",
    ):
        assert client.get(url(fund, path)).status_code == 200, path
    before = (JournalEntry.objects.count(), MonthClose.objects.count())
    assert client.get(url(fund, "journal/new/")).status_code == 403
    admin, cash = account_for(fund, "admin"), account_for(fund, "cash")
    assert (
        client.post(
            url(fund, "journal/new/"), _voucher([(admin, "1", ""), (cash, "", "1")])
        ).status_code
        == 403
    )
    assert (
        client.post(
            url(fund, f"journal/{e[1].pk}/reverse/"), {"date": "01/04/2567", "reason": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(url(fund, "months/"), {"through": "2009-06-01", "confirm": "on"}).status_code
        == 403
    )
    assert (JournalEntry.objects.count(), MonthClose.objects.count()) == before


def test_member_login_cannot_see_the_books(books, world, client):
    fund, _ = books
    client.force_login(world.member_login_a)
    assert client.get(url(fund)).status_code == 403
    assert client.get(url(fund, "cash-book/")).status_code == 403


def test_books_pages_are_thai_and_print_ready(books, world, client):
    fund, _ = books
    client.force_login(world.treasurer_a)
    html = client.get(
        url(fund, "cash-book/"), {"start": "01/02/2567", "end": "29/02/2567"}
    ).content.decode()
    assert "สมุดเงินสด" in html and "ยอดยกมา" in html and "ยอดยกไป" in html
    assert "ledger/books.css" in html and 'class="tablewrap"' in html
