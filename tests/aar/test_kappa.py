"""Cohen's kappa per code, worked by hand."""

from __future__ import annotations

import pytest

from kongtun.aar import analysis, services
from kongtun.aar.models import Segment
from tests.aar.samples import make_session, make_study, own_code

pytestmark = pytest.mark.django_db


def test_kappa_of_a_two_by_two_table():
    # 50 units: both yes 20, A only 5, B only 10, both no 15.
    # po = 35/50 = 0.7; A says yes 25/50, B 30/50; pe = .5*.6 + .5*.4 = 0.5; κ = .2/.5 = 0.4
    assert analysis.cohen_kappa(20, 5, 10, 15) == pytest.approx(0.4)
    # Perfect agreement with both categories used: κ = 1.
    assert analysis.cohen_kappa(3, 0, 0, 2) == pytest.approx(1.0)
    # Agreement no better than chance: po = .5, pe = .5 → 0.
    assert analysis.cohen_kappa(1, 1, 1, 1) == pytest.approx(0.0)
    # Undefined: no units, or every unit in one category for both coders.
    assert analysis.cohen_kappa(0, 0, 0, 0) is None
    assert analysis.cohen_kappa(4, 0, 0, 0) is None


def test_kappa_per_code_over_overlapping_passages(world, make_user):
    """Two coders, one transcript, four passages:

    passage   coder A        coder B
    P1 0–10   X              X, Y        (A 0–10, B 2–8: they overlap)
    P2 20–30  X              —  (B did not mark it)
    P3 40–50  Y              Y
    P4 60–70  —              X

    Code X: both 1 (P1), only A 1 (P2), only B 1 (P4), neither 1 (P3)
      po = 2/4 = .5; A yes .5, B yes .5; pe = .5 → κ = 0.
    Code Y: both 1 (P3), only A 0, only B 1 (P1), neither 2 (P2, P4)
      po = 3/4; A yes .25, B yes .5; pe = .125 + .375 = .5 → κ = (.75 − .5)/.5 = 0.5.
    """
    a, b = world.chair_a, make_user("coder_b")
    study = make_study(world.fund_a, a)
    session = make_session(study, world.fund_a)
    text = "ก" * 80
    transcript = services.transcript_create(session=session, text=text)
    x, y = own_code(study, "X"), own_code(study, "Y")

    def code(coder, start, end, *codes):
        services.segment_code(transcript=transcript, start=start, end=end, coder=coder, codes=codes)

    code(a, 0, 10, x)
    code(b, 2, 8, x, y)
    code(a, 20, 30, x)
    code(a, 40, 50, y)
    code(b, 40, 50, y)
    code(b, 60, 70, x)
    segments = analysis.segments_for(Segment.objects.all())
    rows, units = analysis.agreement(segments, a.pk, b.pk, [x, y])
    assert [(p.start, p.end) for p in units] == [(0, 10), (20, 30), (40, 50), (60, 70)]
    by_code = {r.code: r for r in rows}
    assert (by_code[x].both, by_code[x].only_a, by_code[x].only_b, by_code[x].neither) == (
        1,
        1,
        1,
        1,
    )
    assert by_code[x].kappa == pytest.approx(0.0)
    assert (by_code[y].both, by_code[y].only_a, by_code[y].only_b, by_code[y].neither) == (
        1,
        0,
        1,
        2,
    )
    assert by_code[y].kappa == pytest.approx(0.5)


def test_the_lead_settles_a_difference_side_by_side(world, make_user, client):
    a, b = world.chair_a, make_user("coder_b")
    study = make_study(world.fund_a, a)
    services.team_member_add(study=study, user=b, role="coder")
    session = make_session(study, world.fund_a)
    transcript = services.transcript_create(session=session, text="ก" * 40)
    x = own_code(study, "X")
    services.segment_code(transcript=transcript, start=0, end=10, coder=a, codes=[x])
    services.segment_code(transcript=transcript, start=20, end=30, coder=b, codes=[x])
    client.force_login(a)
    base = f"/f/{world.fund_a.pk}/aar/{study.pk}/agreement/"
    page = client.get(base, {"a": a.pk, "b": b.pk}).content.decode()
    assert '<td class="num">1</td><td class="num">1</td>' in page.replace("\n", "")
    url = f"{base}{transcript.pk}/?a={a.pk}&b={b.pk}"
    assert (
        "apply for both" in client.get(url).content.decode()
        or "ทั้งสองคน" in client.get(url).content.decode()
    )
    client.post(url, {"a": a.pk, "b": b.pk, "code": x.pk, "start": 0, "end": 10, "apply": "1"})
    segments = analysis.segments_for(Segment.objects.all())
    rows, _units = analysis.agreement(segments, a.pk, b.pk, [x])
    assert (rows[0].both, rows[0].only_a) == (1, 0)
    # A coder (not the lead) may look but not settle.
    client.force_login(b)
    assert client.post(url, {"code": x.pk, "start": 0, "end": 10, "apply": "0"}).status_code == 403
