"""Closing a month publishes its monthly report on the fund's public page: the money figures
as the committee saw them, members counted but not named, claims counted per benefit."""

from __future__ import annotations

import pytest

from tests.reports.conftest import Books
from tests.reports.test_documents import pdf_text
from tests.test_public import personal_strings

pytestmark = pytest.mark.django_db


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
