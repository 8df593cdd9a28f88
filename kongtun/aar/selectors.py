"""Reads of the lessons-learned studies, always within what a ``StudyAccess`` may see."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kongtun.aar.access import StudyAccess
from kongtun.aar.models import Code, CodeKind, Lesson, Segment, Study, Transcript

User = get_user_model()

CASE_LABELS = [
    ("fund", _("funds")),
    ("target_group", _("target groups")),
    ("session", _("sessions")),
]
BRANCH_LABELS = [
    ("factor", _("INFORMAL SECTOR factors")),
    ("stage", _("SW-NT stages")),
    ("basis", _("conceptual bases")),
    ("own", _("team's own codes")),
    ("all", _("all codes")),
]


def visible_segments(sa: StudyAccess) -> QuerySet[Segment]:
    return Segment.objects.filter(transcript__session__in=sa.sessions())


def visible_codings_q(sa: StudyAccess) -> Q:
    """On ``Code``: its codings on segments the user may read."""
    q = Q(codings__segment__transcript__session__study=sa.study)
    if not sa.is_team:
        q &= Q(codings__segment__transcript__session__fund=sa.fund)
    return q


def visible_lessons(sa: StudyAccess) -> QuerySet[Lesson]:
    """The team sees every lesson; a committee reader those about its fund or all funds."""
    qs = Lesson.objects.filter(study=sa.study).select_related("fund", "stage")
    if not sa.is_team:
        qs = qs.filter(Q(fund=sa.fund) | Q(fund__isnull=True))
    return qs.prefetch_related("factors", "actions")


def study_counts(sa: StudyAccess) -> dict[str, int]:
    sessions = sa.sessions()
    segments = visible_segments(sa)
    return {
        "sessions": sessions.count(),
        "transcripts": Transcript.objects.filter(session__in=sessions).count(),
        "segments": segments.count(),
        "lessons": visible_lessons(sa).count(),
    }


def study_coders(study: Study) -> list:
    """Everyone who marked a segment in the study, and the team's coders."""
    return list(
        User.objects.filter(
            Q(aar_segments__transcript__session__study=study)
            | Q(aar_roles__study=study, aar_roles__role="coder", aar_roles__revoked_at__isnull=True)
        )
        .distinct()
        .order_by("username")
    )


def coders_of(transcript: Transcript) -> list:
    return list(
        User.objects.filter(aar_segments__transcript=transcript).distinct().order_by("username")
    )


def pick_coders(
    coders: Sequence, a: str | None, b: str | None
) -> tuple[object | None, object | None]:
    by_id = {str(c.pk): c for c in coders}
    first = by_id.get(a or "") or (coders[0] if len(coders) > 0 else None)
    second = by_id.get(b or "") or next((c for c in coders if c != first), None)
    if first == second:
        second = None
    return first, second


def shared_transcripts(sa: StudyAccess, a: int, b: int) -> list[Transcript]:
    """Transcripts both coders coded."""
    return list(
        Transcript.objects.filter(session__in=sa.sessions(), segments__coder_id=a)
        .filter(segments__coder_id=b)
        .distinct()
        .select_related("session")
    )


def leaf_codes(study: Study, branch: str) -> list[Code]:
    """The codes of one branch of the codebook (or all) that take segments: those without
    children, or that hold codings of their own."""
    codes = list(study.codes.prefetch_related("children"))
    if branch in CodeKind.values:
        codes = [c for c in codes if c.kind == branch]
    parents = {c.parent_id for c in codes if c.parent_id}
    return [c for c in codes if c.pk not in parents]


@dataclass
class CodeNode:
    code: Code
    depth: int


def code_tree(codes: Iterable[Code]) -> list[CodeNode]:
    """The codebook as an indented list, parents before their children."""
    codes = list(codes)
    children: dict[int | None, list[Code]] = {}
    for c in codes:
        children.setdefault(c.parent_id, []).append(c)
    out: list[CodeNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            out.append(CodeNode(c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    known = {n.code.pk for n in out}
    out += [CodeNode(c, 0) for c in codes if c.pk not in known]
    return out


@dataclass
class Chunk:
    start: int
    end: int
    text: str
    segment_ids: list[int]
    colour: str
    title: str


def highlight_chunks(text: str, segments: Sequence[Segment], codes: dict[int, Code]) -> list[Chunk]:
    """The text cut at every segment boundary; each piece knows the segments covering it and
    the colour of the first code (how the coding page paints it)."""
    cuts = {0, len(text)}
    for s in segments:
        cuts.update((s.start, s.end))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    chunks = []
    for start, end in itertools.pairwise(points):
        covering = [s for s in segments if s.start <= start and s.end >= end]
        code_ids = sorted({c for s in covering for c in s.code_ids})
        colour = codes[code_ids[0]].colour if code_ids and code_ids[0] in codes else ""
        title = ", ".join(codes[c].display_name for c in code_ids if c in codes)
        chunks.append(Chunk(start, end, text[start:end], [s.pk for s in covering], colour, title))
    return chunks


def lessons_by_factor(user: object, fund: object) -> dict[str, list[Lesson]]:
    """The lessons about a fund (or about every fund of their study) that the user may read,
    by factor code: shown beside the factor in the self-assessment results."""
    from kongtun.aar.access import studies_in_fund

    studies = studies_in_fund(user, fund)
    lessons = (
        Lesson.objects.filter(study__in=studies)
        .filter(Q(fund=fund) | Q(fund__isnull=True))
        .prefetch_related("factors")
        .order_by("study_id", "position")
    )
    out: dict[str, list[Lesson]] = {}
    for lesson in lessons:
        for factor in lesson.factors.all():
            out.setdefault(factor.code, []).append(lesson)
    return out


def lessons_on_meeting(meeting: object) -> list:
    """The lessons put on a meeting's agenda (governance's meeting page)."""
    return list(
        Lesson.objects.filter(agenda_items__meeting=meeting)
        .select_related("study")
        .order_by("position")
    )
