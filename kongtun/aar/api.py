"""Lessons-learned studies over the JSON API, read-only, under the pages' rules
(``access.study_access``): the team reads the study, a fund's committee its own fund's sessions
when the lead allows, anyone else gets 404. Participants appear by pseudonym unless they
consented to be named; transcripts' texts are not listed, only coded segments' texts."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from kongtun.aar import analysis, selectors
from kongtun.aar.access import StudyAccess, studies_in_fund, study_access
from kongtun.funds.access import active_roles
from kongtun.funds.models import Fund

router = Router(tags=["lessons learned"])


class StudyOut(Schema):
    id: int
    title: str
    purpose: str
    synthetic: bool
    fund_ids: list[int]


class ParticipantOut(Schema):
    target_group: str
    count: int
    pseudonym: str


class SessionOut(Schema):
    id: int
    fund_id: int
    kind: str
    title: str
    target_group: str
    held_on: dt.date
    place: str
    stage: str | None
    participants: list[ParticipantOut]
    transcript_ids: list[int]


class CodeOut(Schema):
    id: int
    parent_id: int | None
    kind: str
    name_th: str
    name_en: str
    definition: str
    colour: str
    factor_code: str | None
    stage_code: str | None


class SegmentOut(Schema):
    id: int
    transcript_id: int
    session_id: int
    fund_id: int
    start: int
    end: int
    text: str
    coder: str
    codes: list[str]
    code_ids: list[int]


class SegmentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SegmentOut]


def _sa(request: HttpRequest, fund_id: int, study_id: int) -> StudyAccess:
    return study_access(request.auth, fund_id, study_id)


@router.get("/funds/{fund_id}/aar/studies", response=list[StudyOut])
def list_studies(request: HttpRequest, fund_id: int) -> list[dict]:
    """The fund's studies the caller may read."""
    fund = Fund.objects.filter(pk=fund_id).first()
    if fund is None:
        raise Http404
    studies = studies_in_fund(request.auth, fund).prefetch_related("study_funds")
    if not studies and not (
        request.auth.is_superuser or active_roles(request.auth).filter(fund=fund).exists()
    ):
        raise Http404
    return [
        {
            "id": s.pk,
            "title": s.title,
            "purpose": s.purpose,
            "synthetic": s.synthetic,
            "fund_ids": [link.fund_id for link in s.study_funds.all()],
        }
        for s in studies
    ]


@router.get("/funds/{fund_id}/aar/studies/{study_id}/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest, fund_id: int, study_id: int) -> list[dict]:
    sa = _sa(request, fund_id, study_id)
    out = []
    for s in sa.sessions().select_related("stage").prefetch_related("participants", "transcripts"):
        out.append(
            {
                "id": s.pk,
                "fund_id": s.fund_id,
                "kind": s.kind,
                "title": s.title,
                "target_group": s.target_group,
                "held_on": s.held_on,
                "place": s.place,
                "stage": s.stage.code or s.stage.name_th if s.stage else None,
                "participants": [
                    {"target_group": p.target_group, "count": p.count, "pseudonym": p.public_name}
                    for p in s.participants.all()
                ],
                "transcript_ids": [t.pk for t in s.transcripts.all()],
            }
        )
    return out


@router.get("/funds/{fund_id}/aar/studies/{study_id}/codes", response=list[CodeOut])
def list_codes(request: HttpRequest, fund_id: int, study_id: int) -> list[dict]:
    sa = _sa(request, fund_id, study_id)
    return [
        {
            "id": c.pk,
            "parent_id": c.parent_id,
            "kind": c.kind,
            "name_th": c.name_th,
            "name_en": c.name_en,
            "definition": c.definition,
            "colour": c.colour,
            "factor_code": c.factor.code if c.factor else None,
            "stage_code": c.stage.code if c.stage else None,
        }
        for c in sa.study.codes.select_related("factor", "stage")
    ]


@router.get("/funds/{fund_id}/aar/studies/{study_id}/segments", response=SegmentPage)
def list_segments(
    request: HttpRequest, fund_id: int, study_id: int, code_id: int | None = None, page: int = 1
) -> dict:
    """Coded segments (200 a page), optionally of one code."""
    sa = _sa(request, fund_id, study_id)
    qs = selectors.visible_segments(sa).order_by("transcript_id", "start", "id")
    if code_id is not None:
        qs = qs.filter(codings__code_id=code_id).distinct()
    paginator = Paginator(qs, 200)
    current = paginator.get_page(page)
    codes = {c.pk: c.name_th for c in sa.study.codes.all()}
    results = []
    for s in analysis.segments_for(current.object_list):
        session = s.transcript.session
        results.append(
            {
                "id": s.pk,
                "transcript_id": s.transcript_id,
                "session_id": session.pk,
                "fund_id": session.fund_id,
                "start": s.start,
                "end": s.end,
                "text": s.transcript.text[s.start : s.end],
                "coder": s.coder.get_username(),
                "codes": [codes[c] for c in sorted(s.code_ids) if c in codes],
                "code_ids": sorted(s.code_ids),
            }
        )
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": results,
    }
