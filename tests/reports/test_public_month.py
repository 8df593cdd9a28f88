"""Closing a month publishes its monthly report on the fund's public page: the money figures
as the committee saw them, members counted but not named, claims counted per benefit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kongtun.claims.models import ClaimApproval
from kongtun.claims.services import claim_review
from kongtun.ledger.book_services import months_close_through
from tests.claims.helpers import approved, committee, file_claim, hospital, with_paper
from tests.conftest import TODAY
from tests.reports.conftest import Books
from tests.reports.test_documents import pdf_text
from tests.test_public import personal_strings

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(books, world, make_user):
    """The hand-built books of March 2024 (members join and leave), a hospital claim rejected
    in March, and every month closed through March."""
    fund = world.fund_a
    approved(fund)
    claim = file_claim(fund, hospital(world.members_a[0], on=dt.date(2024, 3, 2)))
    with_paper(claim)
    reviewer = committee(world, make_user)[0]
    claim = claim_review(claim=claim, actor=reviewer, action="reject", reason="ยังไม่ครบสิทธิ")
    decided = timezone.make_aware(dt.datetime(2024, 3, 20, 10, 0))
    ClaimApproval.objects.filter(claim=claim).update(at=decided)
    fund.founded_on = dt.date(2024, 2, 1)
    fund.save()
    months_close_through(fund=fund, through=Books.month, actor=None, today=TODAY)
    return fund


def test_a_closed_month_publishes_its_report_without_names(published, world, client, tmp_path):
    url = f"/p/{published.short_code}/month/2024-03/"
    page = client.get(url)  # no login
    assert page.status_code == 200
    html = page.content.decode()
    assert "12,561.84" in html and "15,000.00" in html  # closing and opening balances
    assert published.month_closes.get(month=Books.month).merkle_root in html
    # The rejected hospital claim, counted under its benefit: approved 0, rejected 1.
    assert '<td>นอนโรงพยาบาล</td><td class="num">0</td><td class="num">1</td>' in html
    for value in personal_strings(published):
        assert value not in html, f"personal data on the published report: {value!r}"

    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert "12,561.84" in text
    for value in personal_strings(published):
        assert value not in text, f"personal data in the published PDF: {value!r}"


def test_the_public_page_links_each_closed_month_to_its_report(published, client):
    html = client.get(f"/p/{published.short_code}/", {"year": "2567"}).content.decode()
    assert f"/p/{published.short_code}/month/2024-03/" in html


def test_an_open_month_or_another_fund_has_no_published_report(published, world, client):
    assert client.get(f"/p/{published.short_code}/month/2024-04/").status_code == 404
    assert client.get(f"/p/{world.fund_b.short_code}/month/2024-03/").status_code == 404
    assert client.get(f"/p/{published.short_code}/month/march/").status_code == 404
    # A Buddhist-Era month names the same report.
    assert client.get(f"/p/{published.short_code}/month/2567-03/").status_code == 200


def test_the_committee_report_still_names_who_joined(published, world, client):
    client.force_login(world.chair_a)
    html = client.get(f"/f/{published.pk}/reports/monthly/", {"month": "2024-03"}).content.decode()
    assert "สมหมาย" in html
