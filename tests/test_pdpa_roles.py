"""The roles page gives a role by login name without telling whether that login exists on the
server: a name not linked to the fund is offered the role, with the same words whether the login
exists (in another fund) or not, and the login takes the role up at its next sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from kongtun.funds.models import FundRole, RoleInvitation

pytestmark = pytest.mark.django_db


def _grant(client, fund, username, role="secretary", **extra):
    response = client.post(
        f"/f/{fund.pk}/roles/", {"username": username, "role": role, **extra}, follow=True
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_existing_and_unknown_login_names_get_the_same_answer(world, client):
    client.force_login(world.chair_a)
    existing = _grant(client, world.fund_a, "chair_b")  # a login of another fund
    unknown = _grant(client, world.fund_a, "no_such_login")
    assert [m.replace("chair_b", "X") for m in existing] == [
        m.replace("no_such_login", "X") for m in unknown
    ]
    assert not FundRole.objects.filter(fund=world.fund_a, user=world.chair_b).exists()
    assert set(
        RoleInvitation.objects.filter(fund=world.fund_a).values_list("username", flat=True)
    ) == {"chair_b", "no_such_login"}
    # the form's errors do not tell either: a wrong member number reads the same
    bad = [
        client.post(
            f"/f/{world.fund_a.pk}/roles/",
            {"username": name, "role": "member", "member_number": "nope"},
        )
        for name in ("member_b_x", "chair_b")
    ]
    assert bad[0].status_code == bad[1].status_code == 200
    assert bad[0].context["form"].errors == bad[1].context["form"].errors


def test_the_offered_role_is_taken_up_at_the_next_sign_in(world, client):
    client.force_login(world.chair_a)
    _grant(client, world.fund_a, "chair_b")
    _grant(client, world.fund_a, "later_login", role="committee")
    client.force_login(world.chair_b)
    assert FundRole.objects.filter(
        fund=world.fund_a, user=world.chair_b, role="secretary", revoked_at__isnull=True
    ).exists()
    assert client.get(f"/f/{world.fund_a.pk}/").status_code == 200
    # a login created afterwards with the offered name receives its role too
    later = get_user_model().objects.create_user("later_login", password="x")
    client.force_login(later)
    assert FundRole.objects.filter(fund=world.fund_a, user=later, role="committee").exists()
    assert not RoleInvitation.objects.filter(accepted_at__isnull=True).exists()


def test_a_login_already_in_the_fund_gets_the_role_at_once(world, client):
    client.force_login(world.chair_a)
    messages = _grant(client, world.fund_a, "treasurer_a", role="committee")
    assert FundRole.objects.filter(
        fund=world.fund_a, user=world.treasurer_a, role="committee"
    ).exists()
    assert not RoleInvitation.objects.exists() and len(messages) == 1


def test_an_offer_can_be_withdrawn_and_then_grants_nothing(world, client):
    client.force_login(world.chair_a)
    _grant(client, world.fund_a, "chair_b")
    inv = RoleInvitation.objects.get()
    page = client.get(f"/f/{world.fund_a.pk}/roles/").content.decode()
    assert "chair_b" in page
    client.post(f"/f/{world.fund_a.pk}/roles/invitations/{inv.pk}/cancel/")
    client.force_login(world.chair_b)
    assert not FundRole.objects.filter(fund=world.fund_a, user=world.chair_b).exists()
    client.force_login(world.treasurer_a)  # not a manager: cannot withdraw
    assert (
        client.post(f"/f/{world.fund_a.pk}/roles/invitations/{inv.pk}/cancel/").status_code == 403
    )
