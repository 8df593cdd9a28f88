"""A small hand-coded study, and fund B's study rows for the route walk in tests/test_scoping.py."""

from __future__ import annotations

import datetime as dt

from kongtun.aar import services
from kongtun.aar.models import Code, Lesson, TeamRole

TEXT = (
    "ผู้นำชุมชน 1: กรรมการต้องโปร่งใส ชาวบ้านจึงเชื่อมั่นและออมเงินกับกองทุน\n"
    "แรงงานนอกระบบ 1: น้ำท่วมนาปีนั้น กองทุนช่วยค่ารักษาพยาบาลได้ทันที\n"
    "อสอ. 1: เราไปเยี่ยมบ้านสมาชิกที่ป่วยทุกเดือน ทำให้คนอยากเป็นสมาชิก"
)


def make_study(fund, lead, *, title: str = "ถอดบทเรียนกองทุน", funds=None):
    return services.study_create(title=title, funds=funds or [fund], lead=lead)


def make_session(study, fund, *, title: str = "สนทนากลุ่มผู้นำ", group: str = "community_leader"):
    return services.session_save(
        study=study,
        data=services.SessionInput(
            fund=fund,
            kind="focus_group",
            title=title,
            target_group=group,
            held_on=dt.date(2009, 3, 1),
            place="ศาลาวัด",
        ),
    )


def own_code(study, name: str) -> Code:
    return services.code_save(study=study, code=None, name_th=name, colour="#123456")


def aar_samples(world) -> dict[str, int]:
    return aar_objects(world.fund_b, world.chair_b)


def aar_objects(b, lead) -> dict[str, int]:
    """A study of fund ``b`` led by ``lead``, with one of each row a route takes."""
    study = make_study(b, lead)
    session = make_session(study, b)
    transcript = services.transcript_create(session=session, text=TEXT)
    code = own_code(study, "ความโปร่งใส")
    segment = services.segment_code(
        transcript=transcript, start=14, end=30, coder=lead, codes=[code]
    )
    lesson = services.lesson_save(
        study=study, lesson=None, statement="ความโปร่งใสสร้างความเชื่อมั่น", evidence=[segment]
    )
    services.team_member_add(study=study, user=lead, role=TeamRole.CODER)
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    return {
        "study_id": study.pk,
        "session_id": session.pk,
        "transcript_id": transcript.pk,
        "segment_id": segment.pk,
        "code_id": code.pk,
        "lesson_id": lesson.pk,
    }
