"""The claim form asks only for what the chosen benefit needs: no grade or school level on a
hospital, funeral or birth claim — shown that way by the server (without the page's script)
and never stored when sent anyway."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from kongtun.claims.models import Claim
from kongtun.claims.services import detail_fields
from kongtun.regulations.engine import load_prototype
from tests.claims.helpers import approved, paid_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(world):
    approved(world.fund_a)
    for m in world.members_a:
        paid_up(m)
    return world.fund_a


def shown(page: str) -> set[str]:
    """The detail blocks the page shows (not ``hidden``)."""
    return {
        name
        for name, attrs in re.findall(r'<div data-field="(\w+)"([^>]*)>', page)
        if "hidden" not in attrs
    }


def test_each_benefit_asks_for_its_own_details():
    reg = load_prototype("banthi")
    need = {b.code: detail_fields(b) for b in reg.benefits}
    for code in ("hospital", "funeral", "birth"):
        assert not need[code] & {"grade_average", "school_level"}, code
    assert "nights" in need["hospital"] and "children" in need["birth"]
    assert {"grade_average", "school_level", "subject_name"} <= need["education"]
    assert "nights" not in need["education"]


@pytest.mark.parametrize("benefit", ["hospital", "funeral", "birth"])
def test_the_page_shows_no_grade_on_a_claim_that_is_not_a_scholarship(fund, world, client, benefit):
    client.force_login(world.chair_a)
    page = client.get(f"/f/{fund.pk}/claims/new/?benefit={benefit}").content.decode()
    assert not shown(page) & {"grade_average", "school_level"}
    if benefit == "hospital":
        assert "nights" in shown(page)


def test_without_script_choosing_the_benefit_shows_what_it_needs(fund, world, client):
    client.force_login(world.chair_a)
    response = client.post(
        f"/f/{fund.pk}/claims/new/",
        {
            "member_number": world.members_a[0].number,
            "benefit": "education",
            "choose": "1",
            "relative": "child",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert {"grade_average", "school_level", "subject_name"} <= shown(page)
    assert "nights" not in shown(page)
    assert "is-invalid" not in page and 'role="alert"' not in page  # nothing refused yet
    assert not Claim.objects.exists()


def test_details_a_benefit_does_not_ask_for_are_not_stored(fund, world, client):
    client.force_login(world.chair_a)
    day = timezone.localdate()
    response = client.post(
        f"/f/{fund.pk}/claims/new/",
        {
            "member_number": world.members_a[0].number,
            "benefit": "hospital",
            "event_date": day.isoformat(),
            "relative": "self",
            "nights": "2",
            "grade_average": "3.90",
            "school_level": "m6",
            "file": "1",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.details == {"nights": 2}


def test_every_mistake_is_named_at_once_not_in_two_rounds(fund, world, client):
    client.force_login(world.chair_a)
    day = timezone.localdate()
    response = client.post(
        f"/f/{fund.pk}/claims/new/",
        {
            "member_number": "99-9999",  # no such member: the service's check
            "benefit": "hospital",
            "event_date": day.isoformat(),
            "relative": "self",
            "nights": "สอง",  # not a number: the form's check
            "file": "1",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"member_number", "nights"}
    assert "99-9999" in errors["member_number"][0]
    assert not Claim.objects.exists()
