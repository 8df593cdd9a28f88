"""Money from agencies and matching requests: one entry naming the agency; a request's amounts
for a hand-computed case (cap, members who paid nothing, voided payments, resigned members);
the XLSX read back; received against requested; readers cannot post."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from kongtun.contributions.services import (
    PaymentInput,
    contributions_record,
    plan_assign,
    receipt_void,
)
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.ledger.models import Agency, JournalEntry, SourceType
from kongtun.ledger.selectors import trial_balance
from kongtun.ledger.services import entry_reverse
from kongtun.members.models import MemberStatus
from kongtun.members.services import member_create, member_set_status
from kongtun.mobilization.models import MatchingRequest, MembersRule, RequestStatus
from kongtun.mobilization.selectors import request_totals
from kongtun.mobilization.services import (
    RequestInput,
    _round_half_up,
    agency_create,
    agency_money_record,
    cap_for_period,
    matching_compute,
    matching_request_create,
    matching_request_recompute,
    matching_request_submit,
    months_in_period,
)
from tests.conftest import TODAY, make_nid, member_input

pytestmark = pytest.mark.django_db
D = Decimal
Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def pay(fund, member, amount, on):
    return contributions_record(
        fund=fund,
        items=[PaymentInput(member.number, D(amount))],
        paid_on=on,
        actor=None,
        today=TODAY,
    )[0]


@pytest.fixture
def scene(world):
    """Fund A in 2024, monthly plan 30 baht, yearly 360:
    m0 (monthly) paid 180 on 10 Jan and 180 on 5 Jul (and 30 in Dec 2023, outside);
    m1 (yearly)  paid 360 on 1 Feb and 360 more on 30 Nov (ahead): 720;
    m2           paid nothing in 2024;
    m3 (monthly) paid 90 on 1 Mar, resigned on 1 Oct;
    m4 (monthly) paid 30 on 1 May, but the receipt was voided.
    """
    fund = world.fund_a
    monthly = fund.contribution_plans.get(months=1)
    yearly = fund.contribution_plans.get(months=12)
    m0, m1, m2 = world.members_a
    m3 = member_create(
        fund=fund,
        data=member_input(fund, nid=make_nid("310170023099"), first="มานี"),
        actor=None,
        today=TODAY,
    )
    m4 = member_create(
        fund=fund,
        data=member_input(fund, nid=make_nid("310170023098"), first="ปิติ"),
        actor=None,
        today=TODAY,
    )
    for m, plan in ((m0, monthly), (m1, yearly), (m2, monthly), (m3, monthly), (m4, monthly)):
        plan_assign(member=m, plan=plan, effective_date=m.join_date)
    pay(fund, m0, "30", dt.date(2023, 12, 20))
    pay(fund, m0, "180", dt.date(2024, 1, 10))
    pay(fund, m0, "180", dt.date(2024, 7, 5))
    pay(fund, m1, "360", dt.date(2024, 2, 1))
    pay(fund, m1, "360", dt.date(2024, 11, 30))
    pay(fund, m3, "90", dt.date(2024, 3, 1))
    voided = pay(fund, m4, "30", dt.date(2024, 5, 1))
    receipt_void(receipt=voided, reason="ออกผิดคน", actor=None, today=TODAY)
    member_set_status(
        member=m3,
        status=MemberStatus.RESIGNED,
        effective_date=dt.date(2024, 10, 1),
        reason="ลาออก",
        actor=None,
        today=TODAY,
    )
    local = agency_create(fund=fund, name="องค์การบริหารส่วนตำบลเอ", kind=Agency.Kind.LOCAL_GOV)
    codi = agency_create(fund=fund, name="พอช.", kind=Agency.Kind.CENTRAL_GOV)
    return {"fund": fund, "m": [m0, m1, m2, m3, m4], "local": local, "codi": codi}


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(fund, path=""):
    return f"/f/{fund.pk}/mobilization/{path}"


# --- the rule ------------------------------------------------------------------------------


def test_months_in_period_and_the_cap_for_the_period():
    assert months_in_period(*Y2024) == 12
    assert months_in_period(dt.date(2023, 10, 1), dt.date(2024, 9, 30)) == 12
    assert months_in_period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == 1
    assert months_in_period(dt.date(2024, 1, 16), dt.date(2024, 2, 15)) == Fraction(
        16, 31
    ) + Fraction(15, 29)
    assert months_in_period(dt.date(2023, 1, 1), dt.date(2024, 12, 31)) == 24
    assert cap_for_period(D("365"), *Y2024) == D("365.00")
    assert cap_for_period(D("365"), dt.date(2024, 1, 1), dt.date(2024, 6, 30)) == D("182.50")
    assert cap_for_period(D("365"), dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == D(
        "30.42"
    )  # 30.4166…
    assert cap_for_period(D("365"), dt.date(2024, 1, 1), dt.date(2024, 1, 15)) == D(
        "14.72"
    )  # 14.7177…
    assert cap_for_period(None, *Y2024) is None
    assert _round_half_up(Fraction(5, 1000)) == D("0.01")  # a half satang goes up
    assert _round_half_up(Fraction(4999, 1000000)) == D("0.00")
    assert _round_half_up(D("7.125")) == D("7.13")


def test_hand_computed_request_cap_applied_and_non_payers_left_out(scene):
    fund, (m0, m1, m2, m3, m4) = scene["fund"], scene["m"]
    lines = matching_compute(
        fund=fund,
        period_start=Y2024[0],
        period_end=Y2024[1],
        ratio=D("1.00"),
        cap_per_member_year=D("365"),
        members_rule=MembersRule.ACTIVE_AT_END,
    )
    # m2 paid nothing, m3 resigned before the end, m4's only payment was voided.
    assert [(x.member, x.paid, x.requested, x.capped) for x in lines] == [
        (m0, D("360.00"), D("360.00"), False),
        (m1, D("720.00"), D("365.00"), True),
    ]
    assert {m2, m3, m4}.isdisjoint(x.member for x in lines)
    everyone = matching_compute(
        fund=fund,
        period_start=Y2024[0],
        period_end=dt.date(2024, 6, 30),
        ratio=D("1.00"),
        cap_per_member_year=D("365"),
        members_rule=MembersRule.ALL_WHO_PAID,
    )
    # Half a year: cap 182.50. m3 counts when every payer counts.
    assert [(x.member, x.paid, x.requested) for x in everyone] == [
        (m0, D("180.00"), D("180.00")),
        (m1, D("360.00"), D("182.50")),
        (m3, D("90.00"), D("90.00")),
    ]
    half = matching_compute(
        fund=fund,
        period_start=Y2024[0],
        period_end=Y2024[1],
        ratio=D("0.35"),
        cap_per_member_year=None,
        members_rule=MembersRule.ALL_WHO_PAID,
    )
    assert [x.requested for x in half] == [D("126.00"), D("252.00"), D("31.50")]
    # Active on the period's end: m3 was still active on 30 Sep.
    before_resigning = matching_compute(
        fund=fund,
        period_start=Y2024[0],
        period_end=dt.date(2024, 9, 30),
        ratio=D("1"),
        cap_per_member_year=None,
        members_rule=MembersRule.ACTIVE_AT_END,
    )
    assert m3 in [x.member for x in before_resigning]


def test_create_a_request_through_the_page(scene, world, client):
    fund = scene["fund"]
    client.force_login(world.treasurer_a)
    assert client.get(url(fund, "requests/new/")).status_code == 200
    response = client.post(
        url(fund, "requests/new/"),
        {
            "agency": scene["local"].pk,
            "period_start": "01/01/2567",
            "period_end": "31/12/2567",
            "ratio": "1",
            "cap_per_member_year": "365",
            "members_rule": MembersRule.ACTIVE_AT_END,
            "reference": "มติที่ประชุมครั้งที่ 3/2567",
        },
    )
    assert response.status_code == 302
    request = MatchingRequest.objects.get(fund=fund)
    assert (request.number, request.status, request.created_by) == (
        1,
        RequestStatus.DRAFT,
        world.treasurer_a,
    )
    page = client.get(response["Location"])
    totals = page.context["totals"]
    assert (totals.members, totals.paid, totals.requested, totals.capped) == (
        2,
        D("1080.00"),
        D("725.00"),
        1,
    )
    html = page.content.decode()
    assert (
        "725.00" in html and scene["m"][1].full_name in html and scene["m"][2].full_name not in html
    )
    # The same agency and an overlapping period: refused, naming the other request.
    again = client.post(
        url(fund, "requests/new/"),
        {
            "agency": scene["local"].pk,
            "period_start": "01/06/2567",
            "period_end": "31/05/2568",
            "ratio": "1",
            "members_rule": MembersRule.ALL_WHO_PAID,
        },
    )
    assert again.status_code == 400 and MatchingRequest.objects.count() == 1
    assert "1" in " ".join(again.context["form"].errors["period_start"])
    # A period nobody paid in is refused.
    empty = client.post(
        url(fund, "requests/new/"),
        {
            "agency": scene["codi"].pk,
            "period_start": "01/01/2560",
            "period_end": "31/12/2560",
            "ratio": "1",
            "members_rule": MembersRule.ALL_WHO_PAID,
        },
    )
    assert empty.status_code == 400 and MatchingRequest.objects.count() == 1


def _request(scene, **kw):
    data = dict(
        agency_id=scene["local"].pk,
        period_start=Y2024[0],
        period_end=Y2024[1],
        ratio=D("1.00"),
        cap_per_member_year=D("365"),
        members_rule=MembersRule.ACTIVE_AT_END,
        reference="3/2567",
    )
    data.update(kw)
    return matching_request_create(fund=scene["fund"], data=RequestInput(**data), actor=None)


def test_xlsx_read_back(scene, world, client):
    request = _request(scene)
    client.force_login(world.chair_a)
    response = client.get(url(scene["fund"], f"requests/{request.pk}/xlsx/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "attachment" in response["Content-Disposition"]
        and "2567" in response["Content-Disposition"]
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "กองทุนเอ"
    assert "1 มกราคม 2567" in ws["A2"].value and "31 ธันวาคม 2567" in ws["A2"].value
    assert "องค์การบริหารส่วนตำบลเอ" in ws["A2"].value
    header = [c.value for c in ws[5]]
    assert header == [
        "ลำดับ",
        "เลขที่สมาชิก",
        "ชื่อ-สกุล",
        "หมู่ที่",
        "เงินสัจจะที่ชำระ (บาท)",
        "เงินสมทบที่ขอ (บาท)",
    ]
    m0, m1 = scene["m"][:2]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6, max_row=7)]
    assert rows == [
        [1, m0.number, m0.full_name, 1, 360, 360],
        [2, m1.number, m1.full_name, 1, 720, 365],
    ]
    total = [c.value for c in ws[8]]
    assert total[4:] == [1080, 725] and "2" in total[2]
    assert ws["F6"].number_format == "#,##0.00" and ws["F8"].number_format == "#,##0.00"
    assert ws.column_dimensions["C"].width >= 30
    assert ws.max_row == 8


def test_printable_list_has_totals_in_words_and_signature_lines(scene, world, client):
    request = _request(scene)
    client.force_login(world.chair_a)
    html = client.get(url(scene["fund"], f"requests/{request.pk}/print/")).content.decode()
    assert "เจ็ดร้อยยี่สิบห้าบาทถ้วน" in html  # 725.00 in Thai words
    assert "ประธานกองทุน" in html and "เหรัญญิก" in html
    assert "1 มกราคม 2567" in html and "ร่าง" in html  # still a draft


def test_record_money_from_an_agency_posts_one_entry_naming_it(scene, world, client):
    fund = scene["fund"]
    client.force_login(world.treasurer_a)
    before = JournalEntry.objects.filter(fund=fund).count()
    response = client.post(
        url(fund, "money/new/"),
        {
            "agency": scene["codi"].pk,
            "date": "15/06/2567",
            "kind": "matching_central",
            "amount": "12,000.-",
            "into": "bank",
            "reference": "พอช. 123/2567",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert JournalEntry.objects.filter(fund=fund).count() == before + 1
    entry = JournalEntry.objects.filter(fund=fund).order_by("-seq").first()
    assert (entry.agency, entry.source_type, entry.source_ref, entry.date) == (
        scene["codi"],
        SourceType.GRANT,
        "พอช. 123/2567",
        dt.date(2024, 6, 15),
    )
    assert "พอช." in entry.description
    lines = sorted((line.account.role, line.amount_satang) for line in entry.lines.all())
    assert lines == [("bank", 1200000), ("matching_central", -1200000)]
    agencies = client.get(url(fund, "agencies/")).context["rows"]
    assert {r["agency"].name: r["received"] for r in agencies}["พอช."] == D("12000.00")
    # Donations and interest go to their own accounts.
    for kind, role in (
        ("donations", "donations"),
        ("interest", "interest"),
        ("other_income", "other_income"),
    ):
        entry = agency_money_record(
            fund=fund,
            agency_id=scene["codi"].pk,
            date=dt.date(2024, 6, 16),
            kind=kind,
            amount=D("10"),
            actor=None,
            today=TODAY,
        )
        assert {line.account.role for line in entry.lines.all()} == {"cash", role}
    assert trial_balance(fund=fund)["balanced"]


def test_bad_money_is_refused_and_nothing_is_written(scene, world, english):
    fund = scene["fund"]
    english.force_login(world.treasurer_a)
    before = JournalEntry.objects.count()
    response = english.post(
        url(fund, "money/new/"),
        {
            "agency": scene["codi"].pk,
            "date": "15/06/2580",
            "kind": "matching_central",
            "amount": "100",
            "into": "bank",
        },
    )
    assert response.status_code == 400 and "future" in " ".join(
        response.context["form"].errors["date"]
    )
    response = english.post(
        url(fund, "money/new/"),
        {
            "agency": scene["codi"].pk,
            "date": "15/06/2567",
            "kind": "matching_central",
            "amount": "0",
            "into": "bank",
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["amount"]
    with pytest.raises(ValidationError) as exc:
        agency_money_record(
            fund=world.fund_b,
            agency_id=scene["codi"].pk,
            date=dt.date(2024, 1, 1),
            kind="donations",
            amount=D("1"),
            actor=None,
            today=TODAY,
        )
    assert "agency" in exc.value.message_dict
    assert JournalEntry.objects.count() == before


def test_received_against_a_request_and_outstanding(scene, world, client):
    fund = scene["fund"]
    request = _request(scene)
    client.force_login(world.treasurer_a)
    # A draft takes no money.
    assert client.get(url(fund, f"requests/{request.pk}/receive/")).status_code == 302
    response = client.post(
        url(fund, f"requests/{request.pk}/submit/"), {"submitted_on": "10/01/2568"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.submitted_on) == (RequestStatus.SUBMITTED, dt.date(2025, 1, 10))
    with pytest.raises(ValidationError):
        matching_request_recompute(request=request)  # the submitted list is fixed
    page = client.get(url(fund, f"requests/{request.pk}/receive/"))
    assert page.status_code == 200 and page.context["form"].initial["amount"] == "725.00"
    response = client.post(
        url(fund, f"requests/{request.pk}/receive/"),
        {
            "agency": scene["local"].pk,
            "date": "01/03/2568",
            "kind": "matching_local",
            "amount": "500",
            "into": "bank",
            "reference": "อบต. 1",
        },
    )
    assert response.status_code == 302
    totals = request_totals(request)
    assert (totals.requested, totals.received, totals.outstanding) == (
        D("725.00"),
        D("500.00"),
        D("225.00"),
    )
    second = agency_money_record(
        fund=fund,
        agency_id=scene["local"].pk,
        date=dt.date(2025, 3, 20),
        kind="matching_local",
        amount=D("225"),
        request_id=request.pk,
        actor=None,
        today=TODAY,
    )
    assert request_totals(request).outstanding == D("0.00")
    # A reversed receipt no longer counts.
    entry_reverse(
        entry=second, date=dt.date(2025, 3, 21), reason="โอนผิดบัญชี", actor=None, today=TODAY
    )
    totals = request_totals(request)
    assert (totals.received, totals.outstanding) == (D("500.00"), D("225.00"))
    page = client.get(url(fund, f"requests/{request.pk}/"))
    assert page.context["totals"].outstanding == D("225.00")
    overview = client.get(url(fund)).context["requests"]
    assert [(r.requested_total, r.received_total, r.outstanding) for r in overview] == [
        (D("725.00"), D("500.00"), D("225.00"))
    ]
    # Money from another agency, or not matching money, cannot go against the request.
    for kw in (
        {"agency_id": scene["codi"].pk, "kind": "matching_central"},
        {"agency_id": scene["local"].pk, "kind": "donations"},
    ):
        with pytest.raises(ValidationError):
            agency_money_record(
                fund=fund,
                date=dt.date(2025, 3, 22),
                amount=D("1"),
                request_id=request.pk,
                actor=None,
                today=TODAY,
                **kw,
            )


def test_a_draft_follows_new_payments_when_computed_again(scene, world, client):
    fund = scene["fund"]
    request = _request(scene)
    pay(fund, scene["m"][2], "30", dt.date(2024, 12, 1))
    assert request_totals(request).members == 2
    client.force_login(world.treasurer_a)
    assert client.post(url(fund, f"requests/{request.pk}/recompute/")).status_code == 302
    totals = request_totals(request)
    assert (totals.members, totals.requested) == (3, D("755.00"))


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.COORDINATOR])
def test_auditor_and_coordinator_read_but_cannot_post(scene, world, client, make_user, role):
    fund = scene["fund"]
    request = _request(scene)
    user = make_user(f"reader_{role}")
    role_grant(fund=fund, user=user, role=role, actor=None)
    client.force_login(user)
    for path in (
        "",
        "agencies/",
        f"agencies/{scene['local'].pk}/",
        f"requests/{request.pk}/",
        f"requests/{request.pk}/print/",
    ):
        assert client.get(url(fund, path)).status_code == 200, path
    # The workbook is the list of members: the committee's, not the network coordinator's.
    expected = 403 if role == Role.COORDINATOR else 200
    assert client.get(url(fund, f"requests/{request.pk}/xlsx/")).status_code == expected
    before = (JournalEntry.objects.count(), MatchingRequest.objects.count(), Agency.objects.count())
    assert client.get(url(fund, "money/new/")).status_code == 403
    assert (
        client.post(
            url(fund, "money/new/"),
            {
                "agency": scene["codi"].pk,
                "date": "15/06/2567",
                "kind": "donations",
                "amount": "1",
                "into": "cash",
            },
        ).status_code
        == 403
    )
    assert client.post(url(fund, "agencies/"), {"name": "x", "kind": "donor"}).status_code == 403
    assert client.post(url(fund, "requests/new/"), {}).status_code == 403
    assert (
        client.post(
            url(fund, f"requests/{request.pk}/submit/"), {"submitted_on": "01/01/2568"}
        ).status_code
        == 403
    )
    assert client.post(url(fund, f"requests/{request.pk}/recompute/")).status_code == 403
    assert client.get(url(fund, f"requests/{request.pk}/receive/")).status_code == 403
    assert (
        JournalEntry.objects.count(),
        MatchingRequest.objects.count(),
        Agency.objects.count(),
    ) == before
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


def test_chair_adds_agencies_and_requests_but_records_no_money(scene, world, client):
    fund = scene["fund"]
    client.force_login(world.chair_a)
    assert (
        client.post(url(fund, "agencies/"), {"name": "มูลนิธิบี", "kind": "donor"}).status_code == 302
    )
    assert Agency.objects.filter(fund=fund, name="มูลนิธิบี").exists()
    dup = client.post(url(fund, "agencies/"), {"name": "มูลนิธิบี", "kind": "donor"})
    assert dup.status_code == 400
    assert client.get(url(fund, "money/new/")).status_code == 403


def test_submission_cannot_be_dated_in_the_future(scene):
    with pytest.raises(ValidationError):
        matching_request_submit(
            request=_request(scene), submitted_on=dt.date(2030, 1, 1), today=TODAY
        )
