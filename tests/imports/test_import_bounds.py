"""An imported book with any amount gives a named row or an import, never a 500 nor a value
that breaks a page later; its problems as CSV keep formulas as text (issue 12)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings

from kongtun.contributions.services import plan_assign
from kongtun.ledger.models import JournalEntry
from tests.imports.conftest import book, write_csv
from tests.test_money_bounds import AMOUNTS, DIGITS_31, _all_render, _amounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def paying(world):
    monthly = world.fund_a.contribution_plans.get(months=1)
    for m in world.members_a:
        plan_assign(member=m, plan=monthly, effective_date=m.join_date)
    return world.fund_a


def _upload(client, fund, tmp, lines):
    file = SimpleUploadedFile("b.csv", write_csv(tmp / "b.csv", book(lines)).read_bytes())
    return client.post(f"/f/{fund.pk}/imports/", {"kind": "contributions", "file": file})


def test_a_31_digit_amount_is_a_named_row_and_formulas_stay_text_in_the_problems_csv(
    world, paying, client, tmp_path
):
    a = world.members_a[0]
    client.cookies["django_language"] = "en"
    client.force_login(world.treasurer_a)
    lines = [
        ["1", a.number, "นางสมศรี0 ใจดี", "15/3/2567", DIGITS_31, "1/001"],
        ["2", '=HYPERLINK("http://evil","x")', "-2+3", "15/3/2567", "30", "1/002"],
    ]
    review_url = _upload(client, paying, tmp_path, lines)["Location"]
    page = client.get(review_url)
    assert page.status_code == 200 and page.context["problem_count"] == 2
    assert "too large" in page.content.decode()
    text = client.get(f"{review_url}problems.csv?{page.context['problems_query']}").content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in text
    assert ",=" not in text and "\n=" not in text


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(amount=AMOUNTS)
def test_any_amount_in_an_imported_book_gives_a_named_row_or_an_import(
    world, paying, client, tmp_path_factory, amount
):
    tmp = tmp_path_factory.mktemp("book")
    a = world.members_a[0]
    rows = book([["1", a.number, "นางสมศรี0 ใจดี", "15/3/2567", amount, "1/001"]])
    file = SimpleUploadedFile("b.csv", write_csv(tmp / "b.csv", rows).read_bytes())
    client.force_login(world.treasurer_a)
    response = client.post(f"/f/{paying.pk}/imports/", {"kind": "contributions", "file": file})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        review = client.get(response["Location"])
        assert review.status_code == 200
        form = review.context.get("form")
        if form is not None and not review.context.get("problem_count"):
            data = {"header_row": "4", "prev_header_row": "4", "prev_sheet": ""}
            data |= {k: v for k, v in form.initial.items() if k.startswith("col_")}
            confirmed = client.post(f"{response['Location']}confirm/", data)
            assert confirmed.status_code in (200, 302)
    assert not JournalEntry.objects.filter(fund=paying).exclude(lines__isnull=False).exists()
    assert all(abs(s) <= paying.max_amount_per_line * 100 for s in _amounts(paying))
    client.force_login(world.chair_a)
    _all_render(client, paying)


def test_rows_above_the_funds_maximum_are_named_and_a_big_month_is_split_into_lines(
    world, paying, client, tmp_path
):
    from kongtun.funds.models import Fund
    from kongtun.ledger.models import JournalLine

    Fund.objects.filter(pk=paying.pk).update(max_amount_per_line=1000)
    a, b, c = world.members_a
    client.cookies["django_language"] = "en"
    client.force_login(world.treasurer_a)
    lines = [["1", a.number, a.full_name, "15/3/2567", "1,000.01", "1/001"]]
    page = client.get(_upload(client, paying, tmp_path, lines)["Location"])
    assert page.context["problem_count"] == 1
    assert "at most 1,000.00 baht" in page.content.decode()
    lines = [
        ["1", a.number, a.full_name, "15/3/2567", "600", "1/001"],
        ["2", b.number, b.full_name, "16/3/2567", "600", "1/002"],
        ["3", c.number, c.full_name, "17/3/2567", "990", "1/003"],
    ]
    review_url = _upload(client, paying, tmp_path, lines)["Location"]
    page = client.get(review_url)
    assert not page.context.get("problem_count")
    data = {"header_row": "4", "prev_header_row": "4", "prev_sheet": ""}
    data |= {k: v for k, v in page.context["form"].initial.items() if k.startswith("col_")}
    assert client.post(f"{review_url}confirm/", data).status_code == 302
    entry = JournalEntry.objects.get(fund=paying)
    amounts = sorted(
        JournalLine.objects.filter(entry=entry).values_list("amount_satang", flat=True)
    )
    assert amounts == [-100000, -100000, -19000, 19000, 100000, 100000]


def test_three_million_baht_without_months_is_a_named_row_not_100000_months(
    world, paying, client, tmp_path
):
    a = world.members_a[0]
    client.cookies["django_language"] = "en"
    client.force_login(world.treasurer_a)
    lines = [["1", a.number, a.full_name, "15/3/2567", "3,000,000", "1/001"]]
    page = client.get(_upload(client, paying, tmp_path, lines)["Location"])
    assert page.context["problem_count"] == 1
    assert "at most 120 period(s)" in page.content.decode()
