"""Demo step: each pilot fund's governance record, written through the services.

- The founding general assembly (ten days before the founding, as the regulation's founding
  resolution says) resolves to found the fund, adopts the regulation and appoints the first
  committee: the demo logins (chair, treasurer, …), each linked to a member record, plus a
  vice-chair and committee members without a login.
- A yearly general assembly (on the day of the regulation's amendment meeting in that year,
  the same day of the year otherwise) approves the accounts; every fourth year it elects the
  committee again (the logins are re-elected, one or two other seats change).
- Monthly committee meetings over the last two years with attendance, minutes and
  resolutions (one of them without a quorum, so it has none), and the next one planned.

It runs before the claims demo (``demo.loader``), which approves the founding and amended
regulation versions citing the resolutions on the regulation recorded here, and cites the
monthly meetings' resolutions on claims in the approvals given that day.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model

from kongtun.core.thaidates import BE_OFFSET
from kongtun.demo.people import COMMITTEE
from kongtun.funds.models import Fund
from kongtun.governance.models import MeetingKind, Position, Resolution
from kongtun.governance.selectors import (
    active_members_on,
    committee_on,
    person_key,
    quorum_needed,
)
from kongtun.governance.services import (
    AttendanceInput,
    ResolutionInput,
    attendance_set,
    meeting_create,
    meeting_update,
    resolution_record,
    term_appoint,
    term_end,
)
from kongtun.members.models import Member, MemberStatus

TERM_YEARS = 4
COMMITTEE_DAY = 5  # the monthly meeting, when the treasurer also takes contributions
Topic = Resolution.Topic


def _assembly_day(fund: Fund, year: int) -> dt.date:
    """The yearly general assembly: the regulation's amendment meeting day (claims demo)."""
    try:
        from kongtun.claims.demo import VERSIONS

        spec = VERSIONS.get(fund.short_code)
    except ImportError:  # pragma: no cover
        spec = None
    if spec:
        day = spec["amendment_meeting"]
        if day.year == year:
            return day
        return dt.date(year, day.month, min(day.day, 28))
    return dt.date(year, 3, 15)


def _amendment(fund: Fund) -> tuple[dt.date | None, str]:
    try:
        from kongtun.claims.demo import VERSIONS

        spec = VERSIONS.get(fund.short_code) or {}
    except ImportError:  # pragma: no cover
        spec = {}
    return spec.get("amendment_meeting"), spec.get("amendment_resolution", "")


def _record(meeting, title: str, topic: str, *, item: int, text: str, today, votes=None):
    return resolution_record(
        meeting=meeting,
        data=ResolutionInput(
            title=title,
            text=text,
            topic=topic,
            agenda_item=item,
            votes_for=votes[0] if votes else None,
            votes_against=votes[1] if votes else None,
            abstentions=votes[2] if votes else None,
        ),
        actor=None,
        today=today,
    )


def _votes(rng: random.Random, present: int) -> tuple[int, int, int]:
    against = rng.randrange(0, max(1, present // 15))
    abstain = rng.randrange(0, max(1, present // 10))
    return present - against - abstain, against, abstain


def _seats(fund: Fund, members: list[Member], rng: random.Random) -> list[dict]:
    """The first committee: the demo logins, then a vice-chair, a manager when no login holds
    it, and committee members, each linked to a member record (founding members first)."""
    early = [m for m in members if m.join_date <= fund.founded_on + dt.timedelta(days=180)]
    later = [m for m in members if m not in early]
    rng.shuffle(early)
    rng.shuffle(later)
    pool = later + early  # pop() takes from the end: founding members first
    seats = []
    for username, role in COMMITTEE[fund.short_code.lower()]:
        user = get_user_model().objects.get(username=username)
        member = pool.pop()
        # the login carries its person's name, as a real committee member's would
        user.first_name, user.last_name = member.first_name, member.last_name
        user.save(update_fields=["first_name", "last_name"])
        seats.append({"position": role.value, "user": user, "member": member})
    taken = {s["position"] for s in seats}
    for position in (Position.VICE_CHAIR, Position.MANAGER):
        if position not in taken:
            seats.append({"position": position.value, "user": None, "member": pool.pop()})
    for _ in range(3):
        seats.append({"position": Position.COMMITTEE.value, "user": None, "member": pool.pop()})
    return seats


def _appoint_all(fund: Fund, seats: list[dict], start: dt.date, resolution: Resolution) -> None:
    for seat in seats:
        term_appoint(
            fund=fund,
            position=seat["position"],
            start_date=start,
            resolution=resolution,
            member=seat["member"],
            user=seat["user"],
            actor=None,
        )


def _attend_all_committee(meeting, rng: random.Random, today: dt.date, *, short: bool = False):
    in_office = committee_on(meeting.fund, meeting.date)
    by_person: dict[str, list] = {}
    for term in in_office:
        by_person.setdefault(person_key(term), []).append(term)
    people = list(by_person)
    needed = quorum_needed(len(people), 50, True)
    k = rng.randint(1, max(1, needed - 1)) if short else rng.randint(needed, len(people))
    chosen = rng.sample(people, k)
    attendance_set(
        meeting=meeting,
        data=AttendanceInput(term_ids=[t.pk for p in chosen for t in by_person[p]]),
        today=today,
    )
    return len(chosen)


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    members = list(
        Member.objects.filter(fund=fund, status=MemberStatus.ACTIVE).order_by("join_date", "pk")
    )
    if len(members) < 20:
        return
    founded = fund.founded_on
    founding_day = founded - dt.timedelta(days=10)

    # The founding general assembly.
    ga = meeting_create(
        fund=fund,
        kind=MeetingKind.ASSEMBLY,
        date=founding_day,
        title="ประชุมใหญ่ผู้ก่อตั้งกองทุน",
        place="ศาลาอเนกประสงค์ประจำตำบล",
        agenda="เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\nการจัดตั้งกองทุนสวัสดิการชุมชน\n"
        "พิจารณาร่างระเบียบกองทุน\nเลือกตั้งคณะกรรมการกองทุนชุดแรก\nเรื่องอื่น ๆ",
        actor=None,
    )
    present = rng.randrange(60, 120)
    attendance_set(
        meeting=ga,
        data=AttendanceInput(
            members_present=present, guests=["ผู้แทนองค์การบริหารส่วนตำบล", "ผู้ประสานงาน พอช."]
        ),
        today=today,
    )
    _record(
        ga,
        "จัดตั้งกองทุนสวัสดิการชุมชนตำบล",
        Topic.GENERAL,
        item=2,
        today=today,
        text="ที่ประชุมมีมติให้จัดตั้งกองทุน เริ่มดำเนินการตั้งแต่วันก่อตั้ง สมาชิกออมเงินสัจจะวันละหนึ่งบาท",
        votes=_votes(rng, present),
    )
    _record(
        ga,
        "รับรองระเบียบกองทุน ฉบับก่อตั้ง",
        Topic.REGULATION,
        item=3,
        today=today,
        text="ที่ประชุมพิจารณาร่างระเบียบทีละข้อและมีมติรับรอง มีผลใช้บังคับตั้งแต่วันก่อตั้งกองทุน",
        votes=_votes(rng, present),
    )
    appointment = _record(
        ga,
        "เลือกตั้งคณะกรรมการกองทุนชุดแรก",
        Topic.APPOINTMENT,
        item=4,
        today=today,
        text=f"ที่ประชุมเลือกตั้งคณะกรรมการ วาระ {TERM_YEARS} ปี ตามรายชื่อที่เสนอ",
        votes=_votes(rng, present),
    )
    seats = _seats(fund, members, rng)
    _appoint_all(fund, seats, founded, appointment)
    meeting_update(
        meeting=ga,
        title=ga.title,
        place=ga.place,
        agenda=ga.agenda,
        minutes="เปิดประชุมเวลา 09.30 น. ประธานชั่วคราวกล่าวถึงความเป็นมาของกองทุน "
        "ที่ประชุมพิจารณาตามระเบียบวาระและมีมติตามที่บันทึกไว้ ปิดประชุมเวลา 12.00 น.",
    )

    # Yearly general assemblies, with elections every TERM_YEARS years.
    amendment_day, amendment_text = _amendment(fund)
    for year in range(founded.year + 1, today.year + 1):
        day = _assembly_day(fund, year)
        if day >= today or day <= founded:
            continue
        base = active_members_on(fund, day)
        present = base // 2 + 1 + rng.randrange(0, max(1, base // 5))
        agenda = [
            "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            "รับรองรายงานการประชุมใหญ่ครั้งที่แล้ว",
            f"พิจารณางบการเงินประจำปี {year - 1 + BE_OFFSET}",
        ]
        election = (year - founded.year) % TERM_YEARS == 0
        amending = amendment_day is not None and amendment_day == day
        if amending:
            agenda.append("พิจารณาแก้ไขระเบียบกองทุน")
        if election:
            agenda.append("เลือกตั้งคณะกรรมการกองทุนชุดใหม่")
        agenda.append("เรื่องอื่น ๆ")
        ga = meeting_create(
            fund=fund,
            kind=MeetingKind.ASSEMBLY,
            date=day,
            title=f"ประชุมใหญ่สามัญประจำปี {year + BE_OFFSET}",
            place="ศาลาอเนกประสงค์ประจำตำบล",
            agenda="\n".join(agenda),
            actor=None,
        )
        attendance_set(meeting=ga, data=AttendanceInput(members_present=present), today=today)
        _record(
            ga,
            f"รับรองงบการเงินประจำปี {year - 1 + BE_OFFSET}",
            Topic.FINANCE,
            item=3,
            today=today,
            text="ผู้ตรวจสอบรายงานผลการตรวจสอบบัญชี ที่ประชุมมีมติรับรองงบการเงิน",
            votes=_votes(rng, present),
        )
        if amending:
            _record(
                ga,
                "แก้ไขระเบียบกองทุน",
                Topic.REGULATION,
                item=4,
                today=today,
                text=amendment_text,
                votes=_votes(rng, present),
            )
        if election:
            resolution = _record(
                ga,
                "เลือกตั้งคณะกรรมการกองทุนชุดใหม่",
                Topic.APPOINTMENT,
                item=len(agenda) - 1,
                today=today,
                text=f"กรรมการชุดเดิมครบวาระ ที่ประชุมเลือกตั้งคณะกรรมการ วาระ {TERM_YEARS} ปี",
                votes=_votes(rng, present),
            )
            _election(fund, day, resolution, rng=rng, today=today)

    # Monthly committee meetings over the last two years, and the next one planned.
    first = (today.replace(day=1) - dt.timedelta(days=700)).replace(day=1)
    months = []
    m = max(first, founded.replace(day=1))
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    while m <= next_month:
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    short_month = months[len(months) // 3] if len(months) > 6 else None
    for month in months:
        day = month.replace(day=COMMITTEE_DAY)
        planned = day > today
        meeting = meeting_create(
            fund=fund,
            kind=MeetingKind.COMMITTEE,
            date=day,
            title="ประชุมคณะกรรมการประจำเดือน",
            place="ที่ทำการกองทุน",
            agenda="เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\nรับรองรายงานการประชุมครั้งที่แล้ว\n"
            "รายงานการเงินประจำเดือน\nพิจารณาการขอรับสวัสดิการ\nเรื่องอื่น ๆ",
            actor=None,
        )
        if planned:
            continue
        short = month == short_month
        present = _attend_all_committee(meeting, rng, today, short=short)
        if short:
            meeting_update(
                meeting=meeting,
                title=meeting.title,
                place=meeting.place,
                agenda=meeting.agenda,
                minutes=f"กรรมการมาประชุม {present} คน ไม่ครบองค์ประชุม "
                "จึงเลื่อนการพิจารณาทุกวาระไปประชุมครั้งถัดไป",
            )
            continue
        previous = (month - dt.timedelta(days=1)).replace(day=1)
        _record(
            meeting,
            f"รับรองรายงานการเงินประจำเดือน {previous.month}/{previous.year + BE_OFFSET}",
            Topic.FINANCE,
            item=3,
            today=today,
            text="เหรัญญิกรายงานรายรับ รายจ่าย และยอดเงินคงเหลือ ที่ประชุมรับรอง",
        )
        if rng.random() < 0.6:
            _record(
                meeting,
                "อนุมัติจ่ายสวัสดิการตามรายการที่เสนอ",
                Topic.CLAIMS,
                item=4,
                today=today,
                text="ที่ประชุมพิจารณาคำขอรับสวัสดิการตามหลักฐานที่แนบ และอนุมัติตามระเบียบกองทุน",
            )
        meeting_update(
            meeting=meeting,
            title=meeting.title,
            place=meeting.place,
            agenda=meeting.agenda,
            minutes=f"กรรมการมาประชุม {present} คน ครบองค์ประชุม ประธานเปิดประชุม "
            "และดำเนินการตามระเบียบวาระ ปิดประชุมเวลา 16.00 น.",
        )


def _election(
    fund: Fund, day: dt.date, resolution: Resolution, *, rng: random.Random, today: dt.date
) -> None:
    """End the sitting committee's terms the day before and appoint the elected one: the
    logins and the vice-chair and manager stay, one or two committee members change."""
    sitting = committee_on(fund, day - dt.timedelta(days=1))
    members = list(
        Member.objects.filter(fund=fund, status=MemberStatus.ACTIVE, join_date__lt=day)
        .exclude(pk__in=[t.member_id for t in sitting if t.member_id])
        .order_by("pk")
    )
    leaving = [t for t in sitting if t.position == Position.COMMITTEE and t.user_id is None]
    leaving = rng.sample(leaving, min(len(leaving), rng.choice([1, 2])))
    for term in sitting:
        term_end(
            term=term,
            end_date=day - dt.timedelta(days=1),
            resolution=resolution,
            reason="ครบวาระ",
            today=today,
        )
    for term in sitting:
        member = term.member
        if term in leaving and members:
            member = members.pop(rng.randrange(len(members)))
        term_appoint(
            fund=fund,
            position=term.position,
            start_date=day,
            resolution=resolution,
            member=member,
            user=term.user,
            actor=None,
        )
