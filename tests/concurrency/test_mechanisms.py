"""The concurrency mechanisms on their own: what is retried, what is replayed, what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.test import RequestFactory
from django.urls import reverse

from kongtun.contributions.models import Receipt
from kongtun.contributions.services import plan_assign
from kongtun.core.concurrency import (
    BusyMiddleware,
    KeyReused,
    fingerprint,
    retry_transient,
    run_once,
)


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_is_retried_a_bounded_number_of_times(books_flushable):
    calls = []

    @retry_transient
    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "saved"

    assert flaky() == "saved" and len(calls) == 3

    calls.clear()

    @retry_transient
    def always_locked() -> None:
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        always_locked()
    assert len(calls) == 4


@pytest.mark.django_db(transaction=True)
def test_other_errors_and_inner_transactions_are_not_retried(books_flushable):
    calls = []

    @retry_transient
    def broken() -> None:
        calls.append(1)
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError):
        broken()
    assert len(calls) == 1
    calls.clear()

    @retry_transient
    def locked() -> None:
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError), transaction.atomic():
        locked()  # the outer transaction's owner decides; a retry inside it would be wrong
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_key_runs_its_action_once_and_refuses_other_content(world):
    fund = world.fund_a
    runs = []

    def action() -> dict:
        runs.append(1)
        return {"n": len(runs)}

    common = dict(fund_id=fund.pk, scope="t", key="k1", actor=world.treasurer_a)
    first = run_once(content=fingerprint("a"), action=action, dump=dict, load=dict, **common)
    again = run_once(content=fingerprint("a"), action=action, dump=dict, load=dict, **common)
    assert first == ({"n": 1}, False) and again == ({"n": 1}, True) and len(runs) == 1
    with pytest.raises(KeyReused):
        run_once(content=fingerprint("b"), action=action, dump=dict, load=dict, **common)
    # another fund, or a failed first try, does not share the key
    other = {**common, "fund_id": world.fund_b.pk}
    assert (
        run_once(content=fingerprint("a"), action=action, dump=dict, load=dict, **other)[1] is False
    )

    def refused() -> dict:
        raise ValidationError({"amount": "no"})

    failing = {**common, "key": "k2"}
    with pytest.raises(ValidationError):
        run_once(content=fingerprint("c"), action=refused, dump=dict, load=dict, **failing)
    assert (
        run_once(content=fingerprint("c"), action=action, dump=dict, load=dict, **failing)[1]
        is False
    )


@pytest.mark.django_db
def test_the_payment_page_records_a_resubmitted_form_once(world, login):
    fund = world.fund_a
    member = world.members_a[0]
    plan_assign(
        member=member, plan=fund.contribution_plans.get(months=1), effective_date=member.join_date
    )
    client = login(world.treasurer_a)
    url = reverse("contributions_pay", kwargs={"fund_id": fund.pk})
    page = client.get(url).content.decode()
    assert 'name="idempotency_key"' in page
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {
        "member_number": member.number,
        "paid_on": "20/11/2569",
        "amount": "30",
        "into": "cash",
        "idempotency_key": key,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Receipt.objects.filter(fund=fund).count() == 1
    assert "ไม่มีการบันทึกซ้ำ" in client.get(second["Location"]).content.decode()
    # the page kept open and changed after its save must be reloaded, not silently saved
    changed = client.post(url, {**data, "amount": "60"})
    assert changed.status_code == 200 and "โหลดหน้านี้ใหม่" in changed.content.decode()
    assert Receipt.objects.filter(fund=fund).count() == 1
    assert sum(r.total for r in Receipt.objects.filter(fund=fund)) == Decimal("30.00")


@pytest.mark.django_db
def test_a_conflict_that_outlives_the_retries_is_a_busy_page_not_an_error(world):
    request = RequestFactory().post("/f/1/contributions/pay/")
    request.user = world.treasurer_a
    request.session = {}
    request.LANGUAGE_CODE = "th"
    from django.utils import translation

    with translation.override("th"):
        response = BusyMiddleware(lambda r: None).process_exception(
            request, OperationalError("database is locked")
        )
    assert response.status_code == 503 and response["Retry-After"]
    assert "ยังไม่มีสิ่งใดถูกบันทึก" in response.content.decode()
    assert BusyMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None
