"""A NUL character in any text the API receives is refused (400, nothing written), never a 500:
PostgreSQL cannot store one, and the fuzzer found it through a member's occupation."""

from __future__ import annotations

import json

import pytest

from kongtun.api.models import api_token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["occupation", "first_name", "address"])
def test_a_nul_in_a_member_update_is_refused_and_nothing_changes(world, client, field):
    fund, member = world.fund_a, world.members_a[0]
    before = member.first_name
    token = api_token_create(user=world.chair_a, name="test")
    response = client.put(
        f"/api/v1/funds/{fund.pk}/members/{member.pk}",
        data=json.dumps({field: "สม\x00ชาย"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400, response.content.decode()
    assert response.json()["errors"]
    member.refresh_from_db()
    assert member.first_name == before
