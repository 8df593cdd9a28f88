"""A small hand-made study for the search and exchange tests (qda helper's tests)."""

from __future__ import annotations

import datetime as dt

from kongtun.aar.models import SessionKind, TargetGroup
from kongtun.aar.services import SessionInput, session_save, study_create, transcript_create

FG_TEXT = (
    "ผู้ประสานงาน: กองทุนของเราเน้นความโปร่งใสของกรรมการ ทุกเดือนเราปิดประกาศบัญชี\n"
    "ผู้นำชุมชน: สมาชิกมีส่วนร่วมในการประชุมใหญ่ น้ำใจของคนในตำบลสำคัญที่สุด\n"
    "ผู้ประสานงาน: ตารางเวลาการเก็บเงินสัจจะชัดเจน คนจึงเชื่อใจ"
)
INTERVIEW_TEXT = (
    "นักวิจัย: ทำไมสมาชิกจึงไว้วางใจกองทุน\nแรงงานนอกระบบ: เพราะกรรมการโปร่งใส ตรวจสอบได้ และตอบคำถามทุกครั้ง"
)


def small_study(fund, lead, *, title: str = "ถอดบทเรียนกองทุนทดสอบ"):
    study = study_create(title=title, funds=[fund], lead=lead)
    fg = session_save(
        study=study,
        data=SessionInput(
            fund=fund,
            kind=SessionKind.FOCUS_GROUP,
            title="สนทนากลุ่มคณะทำงาน",
            target_group=TargetGroup.WORKING_TEAM,
            held_on=dt.date(2026, 10, 5),
        ),
    )
    interview = session_save(
        study=study,
        data=SessionInput(
            fund=fund,
            kind=SessionKind.INTERVIEW,
            title="สัมภาษณ์เชิงลึกแรงงานนอกระบบ",
            target_group=TargetGroup.INFORMAL_WORKER,
            held_on=dt.date(2026, 10, 12),
        ),
    )
    t1 = transcript_create(session=fg, text=FG_TEXT, title="ถอดเทป ๑", actor=lead)
    t2 = transcript_create(session=interview, text=INTERVIEW_TEXT, title="ถอดเทป ๒", actor=lead)
    return study, fg, interview, t1, t2
