"""No amount can break a fund (issue 12): a hard ceiling per line (1,000,000,000.00 baht) and a
per-fund maximum, refused by the form, by ``entries_post`` and by a CHECK in the database;
payments cover at most ten years; no stored value makes a page fail."""

from __future__ import annotations

import datetime as dt
import gc
import html
import inspect
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kongtun.contributions.models import ContributionPayment, ContributionPlan
from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.core.forms import BahtField
from kongtun.core.money import MAX_AMOUNT, MAX_SATANG, AmountError, parse_amount
from kongtun.ledger.checks import ledger_problems
from kongtun.ledger.models import JournalLine
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post, entry_reverse
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal
VOUCHER = "92,233,720,368,547,758.07"  # the review's voucher: 2^63 - 1 satang
DIGITS_31 = "1" * 31


def _draft(fund, amount, source_type="manual"):
    return EntryDraft(
        date=dt.date(2024, 4, 5),
        description="ทดสอบ",
        lines=[
            # money coming in: the cash rule (never below zero) stays out of the ceiling's way
            LineDraft(account=account_for(fund, "cash"), debit=D(str(amount).replace(",", ""))),
            LineDraft(account=account_for(fund, "admin"), credit=D(str(amount).replace(",", ""))),
        ],
        source_type=source_type,
    )


def _pages(fund) -> list[str]:
    return [
        f"/f/{fund.pk}/",
        f"/f/{fund.pk}/books/",
        f"/f/{fund.pk}/books/trial-balance/",
        f"/f/{fund.pk}/books/balance-sheet/",
        f"/f/{fund.pk}/books/income-expenditure/",
        f"/f/{fund.pk}/books/cash-book/",
        f"/f/{fund.pk}/books/journal/",
        f"/f/{fund.pk}/reports/monthly/",
        f"/p/{fund.short_code}/",
        f"/api/v1/funds/{fund.pk}/books/trial-balance",
    ]


def _all_render(client, fund) -> None:
    for url in _pages(fund):
        assert client.get(url).status_code == 200, url


# --- parsing -------------------------------------------------------------------------------


def test_parse_amount_refuses_what_is_beyond_the_ceiling_or_a_limit():
    for text in (VOUCHER, DIGITS_31, "1" * 5000, "1000000000.01", "-1000000000.01", 1e300):
        with pytest.raises(AmountError) as exc:
            parse_amount(text)
        assert exc.value.code == "too_large" and exc.value.limit == MAX_AMOUNT
    assert parse_amount("1,000,000,000.-") == MAX_AMOUNT
    with pytest.raises(AmountError) as exc:
        parse_amount("500", limit=D("100"))
    assert exc.value.code == "too_large" and exc.value.limit == D("100")
    for text in ("NaN", "Infinity", "-inf", "1e99999999999"):
        with pytest.raises(AmountError):
            parse_amount(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.from_regex(r"-?[0-9,๐-๙]{1,45}(\.[0-9]{0,3})?")))
def test_parse_amount_gives_an_amount_within_the_ceiling_or_an_amount_error(text):
    try:
        amount = parse_amount(text)
    except AmountError as exc:
        assert exc.code in ("empty", "not_a_number", "too_many_decimals", "too_large")
        return
    assert abs(amount) <= MAX_AMOUNT and amount == amount.quantize(D("0.01"))


def _baht_fields() -> list[tuple[str, str, BahtField]]:
    """Every BahtField of every form class in the project (imported through the URLconf)."""
    import django.urls

    django.urls.get_resolver().url_patterns  # noqa: B018 - imports every view and form
    found = []
    for obj in gc.get_objects():
        if (
            inspect.isclass(obj)
            and issubclass(obj, forms.BaseForm)
            and obj.__module__.startswith("kongtun.")
        ):
            for name, field in getattr(obj, "base_fields", {}).items():
                if isinstance(field, BahtField):
                    found.append((f"{obj.__module__}.{obj.__qualname__}", name, field))
    return sorted(found, key=lambda t: (t[0], t[1]))


def test_every_money_field_of_every_form_refuses_a_31_digit_amount_with_a_field_error():
    fields = _baht_fields()
    owners = {owner.split(".")[1] for owner, _name, _field in fields}
    assert {"contributions", "ledger", "claims", "mobilization", "regulations"} <= owners
    assert {"projection", "funds"} <= owners
    for owner, name, field in fields:
        for text in (DIGITS_31, VOUCHER, "-" + DIGITS_31):
            with pytest.raises(forms.ValidationError) as exc:
                field.clean(text)
            assert exc.value.code in ("too_large", "not_positive"), (owner, name)
        with pytest.raises(forms.ValidationError) as exc:
            field.clean(DIGITS_31)
        assert "1,000,000,000.00" in " ".join(exc.value.messages), (owner, name)
        with translation.override("th"), pytest.raises(forms.ValidationError) as exc:
            field.clean(DIGITS_31)
        assert "จำนวนเงินมากเกินไป: ไม่เกิน 1,000,000,000.00 บาท" in exc.value.messages


# --- the voucher of the review: refused by the page, the service and the database ----------


def test_the_huge_voucher_is_refused_on_the_page_and_every_balance_still_renders(world, client):
    fund = world.fund_a
    entry_post(fund=fund, draft=_draft(fund, "100"), actor=None, today=TODAY)
    client.cookies["django_language"] = "en"
    client.force_login(world.treasurer_a)
    admin, cash = account_for(fund, "admin"), account_for(fund, "cash")
    before = JournalLine.objects.count()
    data = {
        "date": "05/04/2567",
        "description": "ใหญ่",
        "document": "JV-9",
        "line-TOTAL_FORMS": "2",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "40",
        "line-0-account": admin.pk,
        "line-0-debit": VOUCHER,
        "line-0-credit": "",
        "line-1-account": cash.pk,
        "line-1-debit": "",
        "line-1-credit": VOUCHER,
    }
    response = client.post(f"/f/{fund.pk}/books/journal/new/", data)
    assert response.status_code == 400
    assert "too large" in html.unescape(response.content.decode())
    assert JournalLine.objects.count() == before
    # Above the fund's own maximum (10,000,000.00 by default) but below the ceiling.
    data["line-0-debit"] = data["line-1-credit"] = "20,000,000"
    response = client.post(f"/f/{fund.pk}/books/journal/new/", data)
    assert response.status_code == 400
    assert "10,000,000.00" in html.unescape(response.content.decode())
    assert JournalLine.objects.count() == before
    client.force_login(world.chair_a)
    _all_render(client, fund)


def test_the_service_refuses_amounts_beyond_the_funds_maximum_and_the_ceiling(world):
    fund = world.fund_a
    for amount in (VOUCHER, "1000000000.01", "10000000.01", DIGITS_31):
        with pytest.raises(ValidationError) as exc:
            entry_post(fund=fund, draft=_draft(fund, amount), actor=None, today=TODAY)
        assert "บรรทัดที่ 1" in " ".join(exc.value.messages)  # Thai, the default language
    assert not JournalLine.objects.filter(fund=fund).exists()
    entry_post(fund=fund, draft=_draft(fund, "10000000.00"), actor=None, today=TODAY)
    # The chair raises the fund's maximum: larger lines pass, never above the ceiling.
    fund.max_amount_per_line = D("50000000.00")
    fund.save()
    big = entry_post(fund=fund, draft=_draft(fund, "40000000"), actor=None, today=TODAY)
    # Lowered again: an earlier line can still be reversed.
    fund.max_amount_per_line = D("1000.00")
    fund.save()
    entry_reverse(entry=big, date=dt.date(2024, 4, 6), reason="ผิด", actor=None, today=TODAY)
    with pytest.raises(ValidationError):
        entry_post(fund=fund, draft=_draft(fund, "1000.01"), actor=None, today=TODAY)


def test_the_database_refuses_a_line_beyond_the_ceiling(world):
    fund = world.fund_a
    entry = entry_post(fund=fund, draft=_draft(fund, "5"), actor=None, today=TODAY)
    cash = account_for(fund, "cash")
    for satang in (2**63 - 1, MAX_SATANG + 1, -(MAX_SATANG + 1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            JournalLine.objects.create(
                entry=entry, fund=fund, date=entry.date, account=cash, amount_satang=satang
            )
    with connection.cursor() as cursor, pytest.raises(IntegrityError), transaction.atomic():
        cursor.execute(
            "INSERT INTO ledger_journalline (entry_id, fund_id, date, account_id, amount_satang,"
            " memo) VALUES (%s, %s, %s, %s, %s, '')",
            [entry.pk, fund.pk, entry.date, cash.pk, 9223372036854775807],
        )


def test_ledger_check_reports_a_line_beyond_the_ceiling(world):
    fund = world.fund_a
    assert not [p for p in ledger_problems(fund) if p.code == "beyond_ceiling"]
    entry = entry_post(fund=fund, draft=_draft(fund, "5"), actor=None, today=TODAY)
    # A line written before the CHECK existed, kept as the migration keeps it: SQLite copies
    # the old rows with CHECKs off, PostgreSQL adds the constraint NOT VALID.
    line = dict(entry=entry, fund=fund, date=entry.date, account=account_for(fund, "cash"))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            JournalLine.objects.create(**line, amount_satang=MAX_SATANG + 1)
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the entry's balance check, now
            cursor.execute("ALTER TABLE ledger_journalline DROP CONSTRAINT line_within_ceiling")
            JournalLine.objects.create(**line, amount_satang=MAX_SATANG + 1)
            cursor.execute(
                "ALTER TABLE ledger_journalline ADD CONSTRAINT line_within_ceiling "
                f"CHECK (amount_satang >= -{MAX_SATANG} AND amount_satang <= {MAX_SATANG})"
                " NOT VALID"
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.create(**line, amount_satang=MAX_SATANG + 1)
    problems = [p for p in ledger_problems(fund) if p.code == "beyond_ceiling"]
    assert [p.entry_seq for p in problems] == [entry.seq]


def test_the_chair_sets_the_funds_maximum_on_the_settings_page(world, client):
    fund = world.fund_a
    client.cookies["django_language"] = "en"
    client.force_login(world.chair_a)
    page = client.get(f"/f/{fund.pk}/settings/")
    form = page.context["form"]
    assert form["max_amount_per_line"].value() == D("10000000.00")
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value if isinstance(value, list) else str(value)
    data["founded_on"] = "01/06/2552"
    data["max_amount_per_line"] = "2,000,000,000"
    response = client.post(f"/f/{fund.pk}/settings/", data)
    assert response.status_code == 200
    assert "1,000,000,000.00" in " ".join(response.context["form"].errors["max_amount_per_line"])
    data["max_amount_per_line"] = "25,000,000.-"
    assert client.post(f"/f/{fund.pk}/settings/", data).status_code == 302
    fund.refresh_from_db()
    assert fund.max_amount_per_line == D("25000000.00")


# --- payments: at most ten years, and no stored value breaks the statement ------------------


@pytest.fixture
def paying(world):
    monthly = world.fund_a.contribution_plans.get(months=1)  # 30 baht a month
    for m in world.members_a:
        plan_assign(member=m, plan=monthly, effective_date=m.join_date)
    return world.fund_a


def test_three_million_baht_with_no_periods_is_refused_naming_the_limit(world, paying, client):
    fund = paying
    client.cookies["django_language"] = "en"
    client.force_login(world.treasurer_a)
    member = world.members_a[0]
    base = {"member_number": member.number, "paid_on": "05/03/2558", "into": "cash"}
    response = client.post(f"/f/{fund.pk}/contributions/pay/", {**base, "amount": "3,000,000"})
    assert response.status_code in (200, 400)
    errors = " ".join(response.context["form"].errors.get("amount", []))
    assert "at most 120 period(s)" in errors
    response = client.post(f"/f/{fund.pk}/contributions/pay/", {**base, "amount": DIGITS_31})
    assert response.status_code in (200, 400)
    assert "too large" in " ".join(response.context["form"].errors["amount"])
    response = client.post(
        f"/f/{fund.pk}/contributions/batch/",
        {**base, "number": [member.number], "amount": [DIGITS_31]},
    )
    assert response.status_code == 400
    assert not ContributionPayment.objects.exists()
    # Ten years at once is still taken.
    response = client.post(f"/f/{fund.pk}/contributions/pay/", {**base, "amount": "3,600"})
    assert response.status_code == 302
    assert ContributionPayment.objects.get().months == 120


def test_a_yearly_plan_covers_at_most_ten_periods(world, paying):
    yearly = ContributionPlan.objects.create(
        fund=paying, name_th="รายปี", amount=D("365"), months=12, active=True
    )
    member = world.members_a[1]
    plan_assign(member=member, plan=yearly, effective_date=member.join_date)
    with pytest.raises(ValidationError) as exc:
        contributions_record(
            fund=paying,
            paid_on=dt.date(2015, 3, 5),
            items=[PaymentInput(member.number, D("4015"), periods=11)],
            actor=None,
            today=TODAY,
        )
    assert "10" in " ".join(exc.value.messages)


def test_a_payment_stored_beyond_the_calendar_does_not_break_the_member_pages(
    world, paying, client
):
    member = world.members_a[0]
    contributions_record(
        fund=paying,
        paid_on=dt.date(2015, 3, 5),
        items=[PaymentInput(member.number, D("30"))],
        actor=None,
        today=TODAY,
    )
    payment = ContributionPayment.objects.get()
    # What the old code let through: a period that ends after the year 9999.
    ContributionPayment.objects.filter(pk=payment.pk).update(
        period_start=dt.date(9999, 1, 1), months=30000
    )
    client.force_login(world.chair_a)
    for url in (
        f"/f/{paying.pk}/members/{member.pk}/",
        f"/f/{paying.pk}/reports/members/{member.pk}/",
        f"/f/{paying.pk}/reports/members/{member.pk}/?format=xlsx",
        f"/f/{paying.pk}/contributions/arrears/",
        f"/f/{paying.pk}/",
    ):
        assert client.get(url).status_code == 200, url


# --- property: any amount and any periods into the money forms ------------------------------

AMOUNTS = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[-+]?[0-9,]{1,40}(\.[0-9]{0,4})?(\.-| บาท)?", fullmatch=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.sampled_from([VOUCHER, DIGITS_31, "3,000,000", "1e400", "NaN", "๑๒๓", "30.-"]),
)
PERIODS = st.one_of(
    st.just(""), st.integers(-(10**20), 10**20).map(str), st.text(max_size=8), st.just("120")
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(amount=AMOUNTS, periods=PERIODS)
def test_any_amount_and_periods_give_a_field_error_or_a_payment_never_a_500(
    world, paying, client, amount, periods
):
    client.force_login(world.treasurer_a)
    member = world.members_a[0]
    response = client.post(
        f"/f/{paying.pk}/contributions/pay/",
        {
            "member_number": member.number,
            "paid_on": "05/03/2558",
            "into": "cash",
            "amount": amount,
            "periods": periods,
        },
    )
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert response.context["form"].errors
    for payment in ContributionPayment.objects.filter(member=member):
        assert 1 <= payment.months <= 120
    client.force_login(world.chair_a)
    for url in (
        f"/f/{paying.pk}/reports/members/{member.pk}/",
        f"/f/{paying.pk}/members/{member.pk}/",
        *_pages(paying),
    ):
        assert client.get(url).status_code == 200, url


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(debit=AMOUNTS)
def test_any_voucher_amount_gives_an_error_or_an_entry_never_a_500(world, client, debit):
    fund = world.fund_a
    client.force_login(world.treasurer_a)
    admin, cash = account_for(fund, "admin"), account_for(fund, "cash")
    response = client.post(
        f"/f/{fund.pk}/books/journal/new/",
        {
            "date": "05/04/2567",
            "description": "x",
            "document": "",
            "line-TOTAL_FORMS": "2",
            "line-INITIAL_FORMS": "0",
            "line-MIN_NUM_FORMS": "0",
            "line-MAX_NUM_FORMS": "40",
            "line-0-account": admin.pk,
            "line-0-debit": debit,
            "line-1-account": cash.pk,
            "line-1-credit": debit,
        },
    )
    assert response.status_code in (302, 400)
    assert all(abs(s) <= fund.max_amount_per_line * 100 for s in _amounts(fund))
    client.force_login(world.chair_a)
    _all_render(client, fund)


def _amounts(fund) -> list[int]:
    return list(JournalLine.objects.filter(fund=fund).values_list("amount_satang", flat=True))


# --- regulation YAML -------------------------------------------------------------------------


@pytest.mark.parametrize("big", [DIGITS_31, "92233720368547758.07", "1e400", "-1" + "0" * 40])
def test_a_regulation_amount_beyond_the_ceiling_is_a_format_error_naming_its_place(big):
    import re

    from kongtun.regulations.engine.errors import RegulationFormatError
    from kongtun.regulations.engine.loader import load_regulation
    from kongtun.regulations.engine.prototypes import load_prototype  # noqa: F401

    path = Path(__file__).resolve().parent.parent / "kongtun/regulations/prototypes/banthi.yaml"
    text = path.read_text(encoding="utf-8")
    load_regulation(re.sub(r"amount: [0-9.]+", "amount: 1000000000.00", text))
    with pytest.raises(RegulationFormatError) as exc:
        load_regulation(re.sub(r"amount: [0-9.]+", f"amount: {big}", text))
    errors = exc.value.errors
    assert errors and all(e.code == "out_of_range" for e in errors)
    assert {e.params["max"] for e in errors} == {"1,000,000,000.00"}


def test_balances_of_many_lines_at_the_ceiling_still_render(world, client):
    """1,200 entries of 1,000,000,000.00 baht into cash: a balance of 1.2 × 10^12 baht (far
    beyond any fund) still sums, renders and is written in words; 92,233,721 such lines on
    one side would be needed to overflow a 64-bit sum."""
    fund = world.fund_a
    fund.max_amount_per_line = MAX_AMOUNT
    fund.save()
    drafts = []
    for i in range(1200):
        drafts.append(
            EntryDraft(
                date=dt.date(2024, 4, 1 + i % 28),
                description="ทุน",
                lines=[
                    LineDraft(account=account_for(fund, "cash"), debit=MAX_AMOUNT),
                    LineDraft(account=account_for(fund, "capital"), credit=MAX_AMOUNT),
                ],
            )
        )
    from kongtun.ledger.services import entries_post

    entries_post(fund=fund, drafts=drafts, actor=None, today=TODAY)
    client.force_login(world.chair_a)
    _all_render(client, fund)
    page = client.get(f"/f/{fund.pk}/reports/monthly/", {"month": "2024-04"})
    assert page.status_code == 200
    assert "1,200,000,000,000.00" in page.content.decode()
    assert "หนึ่งล้านสองแสนล้านบาทถ้วน" in page.content.decode()
    assert not ledger_problems(fund)
