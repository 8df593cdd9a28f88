"""Transcripts are personal data: the team reads the study, a fund's committee its own fund's
sessions only while the lead allows, anyone else — other funds, plain members, the public —
nothing (404, the study's existence not revealed)."""

from __future__ import annotations

import pytest

from kongtun.aar import services
from kongtun.api.models import api_token_create
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from tests.aar.samples import TEXT, make_session, make_study, own_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_fund_study(world, make_user):
    """A study over funds A and B led by a researcher who holds a coordinator role in A."""
    researcher = make_user("researcher")
    role_grant(fund=world.fund_a, user=researcher, role=Role.COORDINATOR, actor=None)
    study = make_study(world.fund_a, researcher, funds=[world.fund_a, world.fund_b])
    s_a = make_session(study, world.fund_a, title="สนทนากลุ่มเอ")
    s_b = make_session(study, world.fund_b, title="สนทนากลุ่มบี")
    services.participant_add(
        session=s_b, target_group="community_leader", name="นายจริง ชื่อจริง", pseudonym="ผู้นำ ข"
    )
    t_a = services.transcript_create(session=s_a, text=TEXT)
    t_b = services.transcript_create(session=s_b, text=TEXT.replace("กรรมการ", "คณะกรรมการบี"))
    return study, researcher, (s_a, s_b), (t_a, t_b)


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_team_reads_every_session_from_either_fund(world, client, two_fund_study):
    study, researcher, (_s_a, s_b), _t = two_fund_study
    for fund in (world.fund_a, world.fund_b):  # the researcher holds no role in B
        page = _get(client, researcher, f"/f/{fund.pk}/aar/{study.pk}/sessions/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "สนทนากลุ่มเอ" in body and "สนทนากลุ่มบี" in body
    detail = _get(client, researcher, f"/f/{world.fund_a.pk}/aar/{study.pk}/sessions/{s_b.pk}/")
    assert "นายจริง ชื่อจริง" in detail.content.decode()  # the team sees the real name
    mine = _get(client, researcher, "/aar/").content.decode()
    assert study.title in mine


def test_committee_reads_its_own_fund_only_when_the_lead_allows(world, client, two_fund_study):
    study, researcher, (_s_a, s_b), (t_a, t_b) = two_fund_study
    base = f"/f/{world.fund_b.pk}/aar/{study.pk}/"
    assert _get(client, world.chair_b, base).status_code == 404
    assert world.fund_b.pk  # chair B is B's committee
    client.force_login(researcher)
    client.post(
        f"/f/{world.fund_a.pk}/aar/{study.pk}/settings/",
        {"action": "committee", "fund": world.fund_b.pk, "allowed": "1"},
    )
    page = _get(client, world.chair_b, base + "sessions/").content.decode()
    assert "สนทนากลุ่มบี" in page and "สนทนากลุ่มเอ" not in page
    detail = client.get(base + f"sessions/{s_b.pk}/").content.decode()
    assert "ผู้นำ ข" in detail and "นายจริง ชื่อจริง" not in detail  # pseudonym only
    assert client.get(base + f"transcripts/{t_b.pk}/").status_code == 200
    assert client.get(base + f"transcripts/{t_a.pk}/").status_code == 404  # A's session
    assert "คณะกรรมการ" in client.get(base + "analysis/words/").content.decode()
    # Through fund A's address chair B is nobody.
    assert client.get(f"/f/{world.fund_a.pk}/aar/{study.pk}/").status_code == 404
    # A reader never writes.
    code = study.codes.first()
    start = t_b.text.index("คณะ")
    response = client.post(
        base + f"transcripts/{t_b.pk}/", {"start": start, "end": start + 3, "codes": [code.pk]}
    )
    assert response.status_code == 403
    assert client.get(base + "settings/").status_code == 403
    # The lead stops it: gone again.
    client.force_login(researcher)
    client.post(
        f"/f/{world.fund_a.pk}/aar/{study.pk}/settings/",
        {"action": "committee", "fund": world.fund_b.pk, "allowed": "0"},
    )
    assert _get(client, world.chair_b, base).status_code == 404


def test_others_see_nothing(world, client, two_fund_study):
    study, _researcher, (_s_a, _s_b), (t_a, _t_b) = two_fund_study
    base = f"/f/{world.fund_a.pk}/aar/{study.pk}/"
    # Fund A's chair, treasurer, member login: no team role, no leave → 404.
    for user in (world.chair_a, world.treasurer_a, world.member_login_a):
        assert _get(client, user, base).status_code == 404
        assert _get(client, user, base + f"transcripts/{t_a.pk}/").status_code == 404
        assert study.title not in _get(client, user, f"/f/{world.fund_a.pk}/aar/").content.decode()
    client.logout()
    response = client.get(base + f"transcripts/{t_a.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "/accounts/login/" in client.get("/aar/")["Location"]


def test_roles_inside_the_team(world, client, two_fund_study, make_user):
    study, _researcher, (_s_a, _s_b), (t_a, _t_b) = two_fund_study
    note_taker = make_user("notes")
    services.team_member_add(study=study, user=note_taker, role="note_taker")
    base = f"/f/{world.fund_a.pk}/aar/{study.pk}/"
    client.force_login(note_taker)
    assert client.get(base + f"transcripts/{t_a.pk}/").status_code == 200
    code = own_code(study, "ทดลอง")
    start = t_a.text.index("กรรมการ")
    # A note-taker types sessions and transcripts but does not code.
    assert (
        client.post(
            base + f"transcripts/{t_a.pk}/", {"start": start, "end": start + 7, "codes": [code.pk]}
        ).status_code
        == 403
    )
    assert client.get(base + "sessions/new/").status_code == 200
    assert client.get(base + "settings/").status_code == 403
    # A study can be started only by a fund's chair, manager or coordinator.
    assert client.get(f"/f/{world.fund_a.pk}/aar/new/").status_code == 404
    client.force_login(world.treasurer_a)
    assert client.get(f"/f/{world.fund_a.pk}/aar/new/").status_code == 403
    client.force_login(world.chair_a)
    assert client.get(f"/f/{world.fund_a.pk}/aar/new/").status_code == 200


def test_the_api_follows_the_same_rules(world, client, two_fund_study):
    study, researcher, (_s_a, _s_b), (t_a, _t_b) = two_fund_study
    code = own_code(study, "ความโปร่งใส")
    start = t_a.text.index("กรรมการ")
    services.segment_code(
        transcript=t_a, start=start, end=start + 7, coder=researcher, codes=[code]
    )
    token = api_token_create(user=researcher, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    base = f"/api/v1/funds/{world.fund_a.pk}/aar/studies"
    studies = client.get(base, **auth).json()
    assert [s["id"] for s in studies] == [study.pk]
    sessions = client.get(f"{base}/{study.pk}/sessions", **auth).json()
    assert {s["title"] for s in sessions} == {"สนทนากลุ่มเอ", "สนทนากลุ่มบี"}
    segments = client.get(f"{base}/{study.pk}/segments", **auth).json()["results"]
    assert [s["text"] for s in segments] == ["กรรมการ"]
    assert "ความโปร่งใส" in segments[0]["codes"]
    codes = client.get(f"{base}/{study.pk}/codes", **auth).json()
    assert len(codes) >= 15 + 8 + 4
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=world.chair_a, name='t')}"}
    assert client.get(base, **other).json() == []
    assert client.get(f"{base}/{study.pk}/segments", **other).status_code == 404
