"""The pages a committee uses: Thai by default, forms naming the bad field, nothing half-saved."""

from __future__ import annotations

import pytest

from kongtun.funds.models import Fund, FundRole
from kongtun.members.models import Member, MemberStatusChange
from tests.conftest import make_nid

pytestmark = pytest.mark.django_db


def _form(fund, **kw) -> dict:
    village = fund.villages.first()
    occupation = fund.occupation_groups.get(code="farmer")
    data = {
        "title": "นาง",
        "first_name": "มาลัย",
        "last_name": "คำดี",
        "national_id": make_nid("310170023300"),
        "birth_date": "01/02/2513",
        "sex": "F",
        "village": village.pk,
        "occupation": occupation.pk,
        "join_date": "15/03/2567",
        "ben-TOTAL_FORMS": "3",
        "ben-INITIAL_FORMS": "0",
        "ben-MIN_NUM_FORMS": "0",
        "ben-MAX_NUM_FORMS": "10",
        "ben-0-name": "สมปอง คำดี",
        "ben-0-relationship": "บุตร",
        "ben-0-share_percent": "100",
    }
    data.update(kw)
    return data


def test_pages_are_thai_by_default_even_for_an_english_browser(world, client):
    client.force_login(world.chair_a)
    page = client.get(
        f"/f/{world.fund_a.pk}/members/", HTTP_ACCEPT_LANGUAGE="en-US,en"
    ).content.decode()
    assert 'lang="th"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/f/{world.fund_a.pk}/members/").content.decode()
    assert 'lang="en"' in page and "Members" in page


def test_register_a_member_with_buddhist_era_dates(world, client):
    client.force_login(world.chair_a)
    response = client.post(f"/f/{world.fund_a.pk}/members/new/", _form(world.fund_a))
    assert response.status_code == 302
    member = Member.objects.get(first_name="มาลัย")
    assert (member.birth_date.isoformat(), member.join_date.isoformat()) == (
        "1970-02-01",
        "2024-03-15",
    )
    detail = client.get(response["Location"]).content.decode()
    assert "15 มีนาคม 2567" in detail  # shown in the Buddhist Era
    assert member.national_id not in detail  # masked by default
    assert member.national_id[-4:-2] in detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"national_id": "3101700233001"}, "national_id"),
        ({"birth_date": "31/02/2513"}, "birth_date"),
        ({"join_date": "01/01/2500"}, "join_date"),
        ({"ben-0-share_percent": "90"}, "ben"),
    ],
)
def test_bad_input_shows_the_field_and_saves_nothing(world, client, change, field):
    client.force_login(world.chair_a)
    before = Member.objects.count()
    response = client.post(f"/f/{world.fund_a.pk}/members/new/", _form(world.fund_a, **change))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    if field != "ben":
        form = response.context["form"]
        assert field in form.errors
    else:
        assert "100" in str(response.context["formset"].non_form_errors())
    assert Member.objects.count() == before


def test_status_change_form_and_history(world, client):
    client.force_login(world.chair_a)
    member = world.members_a[1]
    url = f"/f/{world.fund_a.pk}/members/{member.pk}/status/"
    bad = client.post(url, {"status": "resigned", "effective_date": "01/01/2500", "reason": "ย้าย"})
    assert bad.status_code == 400 and not MemberStatusChange.objects.filter(member=member).exists()
    ok = client.post(url, {"status": "resigned", "effective_date": "01/01/2567", "reason": "ย้าย"})
    assert ok.status_code == 302
    page = client.get(ok["Location"]).content.decode()
    assert "ย้าย" in page and "1 ม.ค. 2567" in page


def test_revealing_a_national_id_is_logged_and_limited_to_some_roles(world, client):
    member = world.members_a[1]
    url = f"/f/{world.fund_a.pk}/members/{member.pk}/reveal/"
    client.force_login(world.treasurer_a)
    assert client.post(url).status_code == 403
    client.force_login(world.chair_a)
    page = client.post(url, {"reason": "checking the claim form"}).content.decode()
    assert member.national_id_formatted in page


def test_member_list_pages_and_searches(world, client):
    client.force_login(world.chair_a)
    page = client.get(f"/f/{world.fund_a.pk}/members/", {"q": "สมศรี1"}).content.decode()
    assert world.members_a[1].number in page and world.members_a[2].number not in page


def test_create_a_fund_and_grant_roles(world, client, make_user):
    admin = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        "/funds/new/",
        {
            "name_th": "กองทุนสวัสดิการชุมชนตำบลออนเหนือ",
            "name_en": "On Nuea fund",
            "short_code": "onnuea",
            "province": "50",
            "district_code": "5023",
            "district_name": "",
            "subdistrict_code": "502301",
            "subdistrict_name": "",
            "founded_on": "01/10/2553",
            "conceptual_bases": ["community", "economics"],
            "fiscal_year_start_month": "10",
            "member_number_pattern": "{seq:05d}",
            "village_count": "5",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    fund = Fund.objects.get(short_code="ONNUEA")
    assert fund.villages.count() == 5 and fund.occupation_groups.count() >= 10
    assert fund.subdistrict.parent.parent.code == "50"
    roles_url = f"/f/{fund.pk}/roles/"
    client.post(roles_url, {"username": world.chair_b.username, "role": "secretary"})
    assert FundRole.objects.filter(fund=fund, user=world.chair_b, role="secretary").exists()


def test_fund_area_codes_must_nest(world, client, make_user):
    client.force_login(make_user("root", is_superuser=True))
    response = client.post(
        "/funds/new/",
        {
            "name_th": "x",
            "short_code": "bad",
            "province": "50",
            "district_code": "5107",
            "subdistrict_code": "999999",
            "founded_on": "01/10/2553",
            "fiscal_year_start_month": "1",
            "member_number_pattern": "{seq}",
        },
    )
    form = response.context["form"]
    assert {"district_code", "subdistrict_code"} <= set(form.errors)


def test_error_pages_are_in_thai_with_the_layout(world, client):
    client.force_login(world.member_login_a)
    denied = client.get(f"/f/{world.fund_a.pk}/members/")
    assert denied.status_code == 403
    assert "ไม่มีสิทธิ์" in denied.content.decode() and "topbar" in denied.content.decode()
    missing = client.get("/p/NOSUCHFUND/")
    assert missing.status_code == 404 and "ไม่พบหน้านี้" in missing.content.decode()
