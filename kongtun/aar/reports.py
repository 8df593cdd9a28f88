"""Documents of a study: the Thai interview guide (PDF), the lessons-learned report (HTML and
PDF through ``reports.pdf``, so SARA AM copies out as typed) and the coded segments (XLSX).

Participants' names never appear: a speaker is shown by the turn's label, which the team types
as a pseudonym or a role ("ผู้นำชุมชน 1"); named participants by ``public_name``."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from kongtun.aar import analysis, selectors
from kongtun.aar.access import StudyAccess
from kongtun.aar.models import PHASE_ORDER, TargetGroup
from kongtun.reports.pdf import render_pdf


def guide_pdf(sa: StudyAccess) -> bytes:
    guide = sa.study.guide
    questions = list(guide.questions.all())
    return render_pdf(
        "aar/guide_pdf.html",
        {
            "study": sa.study,
            "guide": guide,
            "aar_questions": [q for q in questions if q.kind == "aar"],
            "topics": [q for q in questions if q.kind == "topic"],
            "groups": TargetGroup.choices,
        },
    )


def report_context(sa: StudyAccess) -> dict:
    """What the report shows: phases, sessions (who took part, in numbers), the matrix of
    factors by fund, the lessons with their evidence and actions."""
    sessions = list(sa.sessions().select_related("fund", "stage").prefetch_related("participants"))
    segments = analysis.segments_for(selectors.visible_segments(sa))
    factors = selectors.leaf_codes(sa.study, "factor")
    m = analysis.matrix(segments, factors, "fund")
    lessons = []
    visible_ids = {s.pk for s in segments}
    for lesson in selectors.visible_lessons(sa):
        evidence = [
            (s, *analysis.context_of(s, 0))
            for s in lesson.evidence.select_related("transcript__session")
            if s.pk in visible_ids
        ]
        lessons.append(
            {"lesson": lesson, "evidence": evidence, "actions": list(lesson.actions.all())}
        )
    return {
        "phases": sorted(sa.study.phases.all(), key=lambda p: PHASE_ORDER.index(p.kind)),
        "sessions": [(s, sum(p.count for p in s.participants.all())) for s in sessions],
        "m": m,
        "lessons": lessons,
        "segments_count": len(segments),
        "generated": timezone.localdate(),
    }


def report_pdf(sa: StudyAccess) -> bytes:
    return render_pdf(
        "aar/report_pdf.html", {"study": sa.study, "fund": sa.fund, **report_context(sa)}
    )


def segments_xlsx(sa: StudyAccess) -> bytes:
    from openpyxl import Workbook

    from kongtun.core.spreadsheet import safe_workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("Coded segments")[:31]
    ws.append(
        [
            _("Fund"),
            _("Session"),
            _("Kind of session"),
            _("Date"),
            _("Target group"),
            _("Speaker"),
            _("Coder"),
            _("Start"),
            _("End"),
            _("Codes"),
            _("Text"),
        ]
    )
    segments = analysis.segments_for(
        selectors.visible_segments(sa).order_by("transcript_id", "start")
    )
    codes = {c.pk: c for c in sa.study.codes.all()}
    turns = analysis.turns_by_transcript({s.transcript_id for s in segments})
    for s in segments:
        session = s.transcript.session
        turn = analysis.turn_at(turns.get(s.transcript_id, []), s.start)
        group = (turn.target_group if turn and turn.target_group else "") or session.target_group
        ws.append(
            [
                session.fund.display_name,
                session.title,
                session.get_kind_display(),
                session.held_on,
                str(TargetGroup(group).label),
                turn.participant.public_name
                if turn and turn.participant
                else (turn.speaker if turn else ""),
                s.coder.get_full_name() or s.coder.get_username(),
                s.start,
                s.end,
                "; ".join(codes[c].display_name for c in sorted(s.code_ids) if c in codes),
                s.transcript.text[s.start : s.end],
            ]
        )
    for col, width in zip("ABCDEFGHIJK", (18, 30, 14, 12, 22, 16, 14, 7, 7, 40, 80), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    safe_workbook(wb).save(out)
    return out.getvalue()
