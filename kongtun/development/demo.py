"""Demo: the development process of the two pilot areas, 2008–2009.

The study followed Banthi and Thaneun from November 2008 to October 2009; both founded their
funds in 2009 (the demo funds' founding dates). The stages are the SW-NT Model's; the activities
are synthetic but follow what the study describes (consensus, participation of every level,
study of prototypes, capital from members and agencies, the regulation drafted, the committee
appointed, benefits paid), with Banthi's ecology / holistic-health / economics basis and
Thaneun's economics / community basis. Head counts come from ``rng``: same seed, same demo.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError

from kongtun.development import handoff
from kongtun.development.models import ActivityStatus, StageStatus
from kongtun.development.services import (
    ActivityInput,
    ParticipationInput,
    StageInput,
    activity_create,
    process_found_fund,
    process_start,
    regulation_draft_save,
    stage_update,
)
from kongtun.funds.models import Fund, OccupationGroup

D = dt.date

# stage code -> [(kind, title, date, end date or None, place, profile, notes)]; a title ending
# in "(เลื่อน)" is an activity that was called off. profile: group -> (fewest, most) people.
_LEADERS = {"working_team": (4, 8), "community_leader": (10, 22), "external_agency": (1, 3)}
_FORUM = {
    "working_team": (5, 9),
    "community_leader": (12, 25),
    "informal_worker": (25, 70),
    "ohs_volunteer": (4, 10),
    "local_org": (2, 5),
    "external_agency": (1, 3),
}
_WORKERS = {"working_team": (3, 6), "informal_worker": (8, 14), "ohs_volunteer": (2, 5)}
_COMMITTEE = {"working_team": (6, 11), "community_leader": (3, 6)}
_AGENCIES = {
    "working_team": (4, 7),
    "community_leader": (2, 5),
    "local_org": (2, 4),
    "external_agency": (1, 3),
}
_VOLUNTEERS = {"working_team": (3, 5), "ohs_volunteer": (10, 22), "external_agency": (1, 2)}

ACADEMIC = "ศูนย์วิชาการเพื่อแรงงานนอกระบบภาคเหนือ"

BANTHI = {
    "started_on": D(2008, 8, 19),
    "working_team": f"{ACADEMIC} ร่วมกับคณะทำงานสวัสดิการชุมชนตำบลบ้านธิ",
    "notes": "ฐานคิด: นิเวศวิทยา สุขภาพเป็นองค์รวม และเศรษฐกิจ",
    "prototype": "banthi",
    "stages": {
        "paradigm_consensus": [
            (
                "meeting",
                "ประชุมแกนนำชุมชน ทำความเข้าใจแนวคิดสวัสดิการชุมชน",
                D(2008, 8, 19),
                None,
                "ศาลาอเนกประสงค์ อบต.บ้านธิ",
                _LEADERS,
                "ชี้สถานการณ์แรงงานนอกระบบที่ขาดหลักประกัน เชื่อมโยงสุขภาพองค์รวมกับความมั่นคงในชีวิต",
            ),
            (
                "hearing",
                "เวทีประชาคมตำบล: สวัสดิการตามช่วงวงจรชีวิต",
                D(2008, 10, 4),
                None,
                "วัดบ้านธิ",
                _FORUM,
                "ที่ประชุมเห็นพ้องให้จัดตั้งกองทุนสวัสดิการชุมชนระดับตำบล",
            ),
            (
                "focus_group",
                "สนทนากลุ่มแรงงานนอกระบบ: ความเสี่ยงด้านสุขภาพจากการทำงาน",
                D(2008, 11, 22),
                None,
                "โรงพยาบาลส่งเสริมสุขภาพตำบล",
                _WORKERS,
                "เกษตรกรและผู้รับงานไปทำที่บ้านเล่าถึงสารเคมีและท่าทางการทำงาน",
            ),
        ],
        "participation_strategy": [
            (
                "meeting",
                "ประชุมผู้ใหญ่บ้านและ อสอ. แบ่งบทบาทรายหมู่บ้าน",
                D(2008, 12, 6),
                None,
                "อบต.บ้านธิ",
                _LEADERS,
                "ทุกหมู่บ้านมีผู้ประสานงานและ อสอ. ช่วยรับสมัคร",
            ),
            (
                "training",
                "อบรม อสอ. สุขภาพองค์รวมกับงานสวัสดิการ",
                D(2009, 1, 17),
                D(2009, 1, 18),
                "โรงพยาบาลส่งเสริมสุขภาพตำบล",
                _VOLUNTEERS,
                "",
            ),
        ],
        "study_prototypes": [
            (
                "study_visit",
                "ศึกษาดูงานกองทุนสวัสดิการชุมชนต้นแบบ",
                D(2009, 2, 12),
                D(2009, 2, 13),
                "กองทุนต้นแบบในภาคเหนือ",
                _AGENCIES | {"community_leader": (8, 14)},
                "เรียนรู้การออมวันละบาท การจัดสวัสดิการ และการทำบัญชี",
            ),
            (
                "meeting",
                "ถอดบทเรียนหลังการศึกษาดูงาน",
                D(2009, 2, 21),
                None,
                "อบต.บ้านธิ",
                _COMMITTEE,
                "",
            ),
        ],
        "mobilize_capital": [
            (
                "meeting",
                "ประชุมร่วม อบต.บ้านธิ ขอเงินสมทบ",
                D(2009, 3, 10),
                None,
                "อบต.บ้านธิ",
                _AGENCIES,
                "อบต. รับจะสมทบงบประมาณทุกปี",
            ),
            ("hearing", "รณรงค์ออมวันละบาทในหมู่บ้าน", D(2009, 4, 5), None, "หมู่ 1–10", _FORUM, ""),
        ],
        "draft_regulation": [
            (
                "meeting",
                "ยกร่างระเบียบกองทุน",
                D(2009, 3, 28),
                None,
                "อบต.บ้านธิ",
                _COMMITTEE,
                "เริ่มจากระเบียบต้นแบบ ปรับอัตราสวัสดิการให้เหมาะกับพื้นที่",
            ),
            ("hearing", "เวทีรับฟังความคิดเห็นต่อร่างระเบียบ", D(2009, 5, 9), None, "วัดบ้านธิ", _FORUM, ""),
        ],
        "transparent_management": [
            (
                "meeting",
                "ประชุมคณะกรรมการประจำเดือน รายงานการเงินต่อสมาชิก",
                D(2009, 7, 5),
                None,
                "ที่ทำการกองทุน",
                _COMMITTEE,
                "ติดประกาศรายรับรายจ่ายที่ศาลาหมู่บ้าน",
            ),
            ("training", "อบรมการทำบัญชีกองทุน", D(2009, 7, 18), None, "ที่ทำการกองทุน", _COMMITTEE, ""),
        ],
        "committee_manager": [
            (
                "meeting",
                "ประชุมใหญ่จัดตั้งกองทุน เลือกคณะกรรมการและผู้จัดการ",
                D(2009, 6, 1),
                None,
                "วัดบ้านธิ",
                _FORUM,
                "รับรองระเบียบกองทุนและแต่งตั้งคณะกรรมการบริหาร",
            ),
        ],
        "concrete_benefits": [
            (
                "meeting",
                "มอบสวัสดิการครั้งแรก (คลอดบุตร เจ็บป่วย)",
                D(2009, 8, 15),
                None,
                "ที่ทำการกองทุน",
                _COMMITTEE | {"informal_worker": (5, 12)},
                "",
            ),
            (
                "focus_group",
                "ทบทวนหลังการปฏิบัติ (AAR) ร่วมกับศูนย์วิชาการฯ",
                D(2009, 10, 10),
                None,
                "อบต.บ้านธิ",
                _LEADERS | {"informal_worker": (6, 10), "ohs_volunteer": (2, 4)},
                "ผู้นำมีวิสัยทัศน์ ชุมชนทุกระดับมีส่วนร่วม ได้รับการสนับสนุนจากองค์กรท้องถิ่น",
            ),
        ],
    },
}

THANEUN = {
    "started_on": D(2008, 11, 8),
    "working_team": f"{ACADEMIC} ร่วมกับคณะทำงานสวัสดิการชุมชนตำบลทาเหนือ",
    "notes": "ฐานคิด: เศรษฐกิจและชุมชน",
    "prototype": "thaneun",
    "stages": {
        "paradigm_consensus": [
            (
                "meeting",
                "ประชุมแกนนำกลุ่มออมทรัพย์และผู้นำชุมชน",
                D(2008, 11, 8),
                None,
                "อบต.ทาเหนือ",
                _LEADERS,
                "ต่อยอดจากกลุ่มออมทรัพย์ที่มีอยู่ สู่สวัสดิการของคนทั้งตำบล",
            ),
            (
                "hearing",
                "เวทีประชาคม: แรงงานนอกระบบกับความเป็นธรรมในสังคม",
                D(2009, 1, 10),
                None,
                "วัดทาเหนือ",
                _FORUM,
                "",
            ),
        ],
        "participation_strategy": [
            (
                "meeting",
                "ประชุมตัวแทนกลุ่มอาชีพทุกหมู่บ้าน",
                D(2009, 1, 24),
                None,
                "อบต.ทาเหนือ",
                _WORKERS | {"community_leader": (8, 12)},
                "ให้กลุ่มอาชีพและวิสาหกิจชุมชนเป็นฐานรับสมัครสมาชิก",
            ),
            (
                "focus_group",
                "สนทนากลุ่มผู้รับงานไปทำที่บ้านและลูกจ้างภาคเกษตร",
                D(2009, 2, 14),
                None,
                "ศาลาหมู่บ้าน",
                _WORKERS,
                "",
            ),
        ],
        "study_prototypes": [
            (
                "study_visit",
                "ศึกษาดูงานกองทุนต้นแบบ (เลื่อน)",
                D(2009, 3, 7),
                None,
                "กองทุนต้นแบบในภาคเหนือ",
                _AGENCIES,
                "เลื่อนเพราะตรงกับช่วงเก็บเกี่ยว",
            ),
            (
                "study_visit",
                "ศึกษาดูงานกองทุนสวัสดิการชุมชนต้นแบบ",
                D(2009, 3, 21),
                D(2009, 3, 22),
                "กองทุนต้นแบบในภาคเหนือ",
                _AGENCIES | {"community_leader": (8, 12)},
                "เรียนรู้การเชื่อมกองทุนกับกลุ่มเศรษฐกิจชุมชน",
            ),
        ],
        "mobilize_capital": [
            (
                "meeting",
                "ประชุมร่วม อบต.ทาเหนือ และ พอช. เรื่องเงินสมทบสามฝ่าย",
                D(2009, 4, 18),
                None,
                "อบต.ทาเหนือ",
                _AGENCIES,
                "",
            ),
            ("hearing", "รณรงค์ออมวันละบาทผ่านกลุ่มออมทรัพย์", D(2009, 5, 16), None, "หมู่ 1–8", _FORUM, ""),
        ],
        "draft_regulation": [
            ("meeting", "ยกร่างระเบียบกองทุน", D(2009, 6, 6), None, "อบต.ทาเหนือ", _COMMITTEE, ""),
            (
                "hearing",
                "เวทีรับฟังความคิดเห็นต่อร่างระเบียบ",
                D(2009, 7, 25),
                None,
                "วัดทาเหนือ",
                _FORUM,
                "",
            ),
        ],
        "transparent_management": [
            (
                "training",
                "อบรมการทำบัญชีและรายงานการเงิน",
                D(2009, 9, 12),
                None,
                "ที่ทำการกองทุน",
                _COMMITTEE,
                "",
            ),
            (
                "meeting",
                "ประชุมคณะกรรมการประจำเดือน",
                D(2009, 10, 3),
                None,
                "ที่ทำการกองทุน",
                _COMMITTEE,
                "",
            ),
        ],
        "committee_manager": [
            (
                "meeting",
                "ประชุมใหญ่จัดตั้งกองทุน เลือกคณะกรรมการและผู้จัดการ",
                D(2009, 9, 1),
                None,
                "วัดทาเหนือ",
                _FORUM,
                "",
            ),
        ],
        "concrete_benefits": [
            (
                "meeting",
                "มอบสวัสดิการครั้งแรก",
                D(2009, 10, 17),
                None,
                "ที่ทำการกองทุน",
                _COMMITTEE | {"informal_worker": (4, 9)},
                "",
            ),
            (
                "focus_group",
                "ทบทวนหลังการปฏิบัติ (AAR) ร่วมกับศูนย์วิชาการฯ",
                D(2009, 10, 24),
                None,
                "อบต.ทาเหนือ",
                _LEADERS | {"informal_worker": (6, 10)},
                "",
            ),
        ],
    },
}

SPECS = {"BANTHI": BANTHI, "THANEUN": THANEUN}
WORKER_OCCUPATIONS = ["farmer", "agri_labourer", "home_based", "handicraft", "small_trader"]


def _participants(
    profile: dict[str, tuple[int, int]], occupations: list[OccupationGroup], rng: random.Random
) -> list[ParticipationInput]:
    rows = []
    for group, (lo, hi) in profile.items():
        count = rng.randint(lo, hi)
        if group == "informal_worker" and occupations:
            picked = rng.sample(occupations, k=min(len(occupations), 2 if count < 15 else 3))
            weights = [rng.random() + 0.3 for _ in picked]
            total = sum(weights)
            for occ, w in zip(picked, weights, strict=True):
                rows.append(
                    ParticipationInput(
                        group, max(1, round(count * w / total)), occupation_id=occ.pk
                    )
                )
        else:
            note = ""
            if group == "external_agency":
                note = ACADEMIC
            elif group == "local_org":
                note = "อบต., รพ.สต., กลุ่มออมทรัพย์"
            rows.append(ParticipationInput(group, count, note=note))
    return rows


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    spec = SPECS.get(fund.short_code)
    if spec is None:
        return
    process = process_start(
        fund=fund,
        started_on=spec["started_on"],
        working_team=spec["working_team"],
        notes=spec["notes"],
        actor=None,
        today=today,
    )
    occupations = list(
        OccupationGroup.objects.filter(fund=fund, code__in=WORKER_OCCUPATIONS).order_by(
            "sort_order"
        )
    )
    stages = {s.code: s for s in process.stages.all()}
    for code, activities in spec["stages"].items():
        stage = stages[code]
        dates = []
        for kind, title, held, ends, place, profile, notes in activities:
            postponed = "(เลื่อน)" in title
            activity_create(
                stage=stage,
                data=ActivityInput(
                    kind=kind,
                    title=title.replace(" (เลื่อน)", ""),
                    held_on=held,
                    ends_on=ends,
                    place=place,
                    notes=notes,
                    status=ActivityStatus.CANCELLED if postponed else ActivityStatus.DONE,
                    participants=[] if postponed else _participants(profile, occupations, rng),
                ),
                actor=None,
                today=today,
            )
            if not postponed:
                dates += [held, ends or held]
        stage_update(
            stage=stage,
            data=StageInput(
                name_th=stage.name_th,
                name_en=stage.name_en,
                quote_th=stage.quote_th,
                quote_en=stage.quote_en,
                status=StageStatus.DONE,
                started_on=min(dates),
                completed_on=max(dates),
            ),
            today=today,
        )
    text = handoff.prototype_text(spec["prototype"])
    if text:
        try:
            regulation_draft_save(process=process, text=text, prototype=spec["prototype"])
        except ValidationError:
            pass  # the prototype no longer loads in the engine: the demo goes on without it
    process_found_fund(
        process=process,
        founded_on=fund.founded_on,
        founding_note="ประชุมใหญ่สมาชิกครั้งแรก",
        actor=None,
        today=today,
    )
