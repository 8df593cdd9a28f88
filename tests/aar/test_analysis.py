"""The code × case matrix and code co-occurrence, counted on a small study coded by hand."""

from __future__ import annotations

import pytest

from kongtun.aar import analysis, services
from kongtun.aar.models import Segment, Transcript
from tests.aar.samples import make_session, make_study, own_code

pytestmark = pytest.mark.django_db

LEADERS = "ผู้นำชุมชน 1: กรรมการโปร่งใส\nอสอ. 1: เยี่ยมบ้านผู้ป่วยทุกเดือน\n"
WORKERS = "แรงงานนอกระบบ 1: กองทุนช่วยค่ารักษา กรรมการโปร่งใส\n"


@pytest.fixture
def study(world):
    """Fund A: a leaders' focus group (a leader and a volunteer speak) and a workers' one;
    fund B: a workers' interview. Codes T (transparency), H (health), S (savings).

    leaders  "กรรมการโปร่งใส" (leader's turn)      T
             "เยี่ยมบ้านผู้ป่วย" (volunteer's turn) H, S
    workers  "กองทุนช่วยค่ารักษา"                  H
             "กรรมการโปร่งใส"                       T, H   (+ an overlapping segment: S)
    B        "กองทุนช่วยค่ารักษา"                  H, S
    """
    a, b = world.fund_a, world.fund_b
    st = make_study(a, world.chair_a, funds=[a, b])
    t, h, s = own_code(st, "T"), own_code(st, "H"), own_code(st, "S")
    leaders = services.transcript_create(session=make_session(st, a, title="ผู้นำ"), text=LEADERS)
    workers = services.transcript_create(
        session=make_session(st, a, title="แรงงาน", group="informal_worker"), text=WORKERS
    )
    b_workers = services.transcript_create(
        session=make_session(st, b, title="แรงงานบี", group="informal_worker"), text=WORKERS
    )

    def mark(transcript: Transcript, words: str, *codes, occurrence: int = 0, extend: int = 0):
        start = transcript.text.index(words) if not occurrence else transcript.text.rindex(words)
        services.segment_code(
            transcript=transcript,
            start=start,
            end=start + len(words) + extend,
            coder=world.chair_a,
            codes=codes,
        )

    mark(leaders, "กรรมการโปร่งใส", t)
    mark(leaders, "เยี่ยมบ้านผู้ป่วย", h, s)
    mark(workers, "กองทุนช่วยค่ารักษา", h)
    mark(workers, "กรรมการโปร่งใส", t, h)
    start = workers.text.index("กรรมการ")
    services.segment_code(
        transcript=workers, start=start, end=start + 7, coder=world.chair_a, codes=[s]
    )  # "กรรมการ" inside the T/H segment but a segment of its own
    mark(b_workers, "กองทุนช่วยค่ารักษา", h, s)
    return st, {"T": t, "H": h, "S": s}, (a, b)


def test_matrix_by_fund_target_group_and_session(study):
    st, codes, (a, b) = study
    segments = analysis.segments_for(Segment.objects.filter(transcript__session__study=st))
    ordered = [codes["T"], codes["H"], codes["S"]]

    by_fund = analysis.matrix(segments, ordered, "fund")
    counts = {code.name_th: dict(cells) for code, cells, _total in by_fund.rows()}
    assert counts["T"] == {str(a.pk): 2, str(b.pk): 0}
    assert counts["H"] == {str(a.pk): 3, str(b.pk): 1}
    assert counts["S"] == {str(a.pk): 2, str(b.pk): 1}

    by_group = analysis.matrix(segments, ordered, "target_group")
    counts = {code.name_th: dict(cells) for code, cells, _total in by_group.rows()}
    # The volunteer's turn counts for volunteers although the session is the leaders'.
    assert counts["T"] == {"community_leader": 1, "informal_worker": 1, "ohs_volunteer": 0}
    assert counts["H"] == {"community_leader": 0, "informal_worker": 3, "ohs_volunteer": 1}
    assert counts["S"] == {"community_leader": 0, "informal_worker": 2, "ohs_volunteer": 1}
    cell = by_group.cells[(codes["H"].pk, "ohs_volunteer")]
    assert [s.text for s in cell] == ["เยี่ยมบ้านผู้ป่วย"]

    by_session = analysis.matrix(segments, ordered, "session")
    assert sum(total for _c, _cells, total in by_session.rows()) == 2 + 4 + 3


def test_cooccurrence_counts_passages_where_both_codes_were_applied(study):
    st, codes, _funds = study
    segments = analysis.segments_for(Segment.objects.filter(transcript__session__study=st))
    pairs = analysis.cooccurrence(segments, list(codes.values()))
    t, h, s = (codes[k].pk for k in "THS")

    def n(x, y):
        return pairs.get((min(x, y), max(x, y)), 0)

    # H+S: the volunteer's segment, fund B's segment → 2; T+H: the workers' segment → 1;
    # T+S: the workers' "กรรมการ" segment overlaps the T/H one, so one passage holds T, H, S → 1,
    # and that passage adds one more H+S.
    assert n(h, s) == 3
    assert n(t, h) == 1
    assert n(t, s) == 1
    svg = analysis.network_svg(list(codes.values()), pairs)
    assert svg.startswith("<svg") and svg.count("<line") == 3


def test_the_analysis_pages_show_the_counts(study, client, world):
    st, codes, (a, _b) = study
    client.force_login(world.chair_a)
    base = f"/f/{a.pk}/aar/{st.pk}/analysis/"
    page = client.get(base + "matrix/", {"case": "target_group", "kind": "own"}).content.decode()
    assert "เยี่ยมบ้านผู้ป่วย" not in page
    cell = client.get(
        base + "matrix/",
        {"case": "target_group", "kind": "own", "code": codes["H"].pk, "cell": "ohs_volunteer"},
    ).content.decode()
    assert "เยี่ยมบ้านผู้ป่วย" in cell
    page = client.get(base + "cooccurrence/", {"kind": "own"}).content.decode()
    assert "<svg" in page
    words = client.get(base + "words/").content.decode()
    assert "โปร่งใส" in words and "กรรมการ" in words
