"""Writes of the lessons-learned studies: one transaction each, errors keyed by field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kongtun.aar import content
from kongtun.aar.graphemes import check_span
from kongtun.aar.models import (
    PHASE_ORDER,
    Action,
    ActionStatus,
    Code,
    CodeKind,
    Coding,
    Lesson,
    LessonOnAgenda,
    Memo,
    Participant,
    Phase,
    Question,
    QuestionGuide,
    QuestionKind,
    Segment,
    Session,
    SpeakerTurn,
    Study,
    StudyFund,
    TargetGroup,
    TeamMember,
    TeamRole,
    Transcript,
)
from kongtun.assessment.models import Factor
from kongtun.development.models import DefaultStage, Stage
from kongtun.funds.models import Fund
from kongtun.governance.models import Meeting

#: A transcript longer than this is refused (about 400 pages of Thai text).
MAX_TRANSCRIPT_CHARS = 1_000_000


# ----------------------------------------------------------------------------- study


@transaction.atomic
def study_create(
    *,
    title: str,
    funds: Sequence[Fund],
    lead: AbstractBaseUser,
    purpose: str = "",
    synthetic: bool = False,
) -> Study:
    """A study with its lead, its three phases, the AAR question guide and the seeded codebook."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the study a title.")})
    if not funds:
        raise ValidationError({"funds": _("A study covers at least one fund.")})
    study = Study.objects.create(
        title=title[:300], purpose=purpose.strip(), synthetic=synthetic, created_by=lead
    )
    for fund in funds:
        StudyFund.objects.get_or_create(study=study, fund=fund)
    TeamMember.objects.create(study=study, user=lead, role=TeamRole.LEAD)
    for kind in PHASE_ORDER:
        Phase.objects.create(study=study, kind=kind)
    guide = QuestionGuide.objects.create(study=study, introduction=content.GUIDE_INTRODUCTION)
    for kind, rows in (
        (QuestionKind.AAR, content.AAR_QUESTIONS),
        (QuestionKind.TOPIC, content.STUDY_TOPICS),
    ):
        for position, (th, en, probes) in enumerate(rows, 1):
            Question.objects.create(
                guide=guide, kind=kind, position=position, text_th=th, text_en=en, probes=probes
            )
    codebook_seed(study=study)
    return study


@transaction.atomic
def codebook_seed(*, study: Study) -> list[Code]:
    """The 15 INFORMAL SECTOR factors, the SW-NT stages and the four conceptual bases as
    three branches of the codebook. Codes already there are kept (run twice, nothing doubles)."""
    made: list[Code] = []

    def branch(kind: str, name_th: str, name_en: str, definition: str, position: int) -> Code:
        code, _created = Code.objects.get_or_create(
            study=study,
            parent=None,
            name_th=name_th,
            defaults={
                "kind": kind,
                "name_en": name_en,
                "definition": definition,
                "colour": content.BRANCH_COLOURS[kind],
                "position": position,
            },
        )
        return code

    factors = branch(
        CodeKind.FACTOR,
        "ปัจจัยเอื้อ INFORMAL SECTOR",
        "INFORMAL SECTOR enabling factors",
        "ปัจจัยเอื้อ 15 ประการที่การศึกษาพบ (เช่นเดียวกับแบบประเมินตนเอง)",
        1,
    )
    stages = branch(
        CodeKind.STAGE,
        "ขั้นตอนการพัฒนา SW-NT",
        "SW-NT development stages",
        "ขั้นตอนของ SW-NT Model ที่ชุมชนใช้พัฒนากองทุน",
        2,
    )
    bases = branch(
        CodeKind.BASIS,
        "ฐานคิดของผู้นำ",
        "Leaders' conceptual bases",
        "ฐานคิดที่ผู้นำใช้ในการพัฒนาสวัสดิการชุมชน",
        3,
    )
    for i, factor in enumerate(Factor.objects.order_by("position")):
        code, _c = Code.objects.get_or_create(
            study=study,
            parent=factors,
            name_th=f"{factor.letter} {factor.name_th}",
            defaults={
                "kind": CodeKind.FACTOR,
                "name_en": f"{factor.letter} {factor.name_en}",
                "definition": factor.quote_th,
                "colour": content.PALETTE[i % len(content.PALETTE)],
                "position": factor.position,
                "factor": factor,
            },
        )
        made.append(code)
    for i, stage in enumerate(DefaultStage.objects.order_by("position")):
        code, _c = Code.objects.get_or_create(
            study=study,
            parent=stages,
            name_th=f"{stage.position}. {stage.name_th}",
            defaults={
                "kind": CodeKind.STAGE,
                "name_en": f"{stage.position}. {stage.name_en}",
                "definition": stage.quote_th,
                "colour": content.PALETTE[(i + 3) % len(content.PALETTE)],
                "position": stage.position,
                "stage": stage,
            },
        )
        made.append(code)
    for i, (_key, th, en, definition) in enumerate(content.CONCEPTUAL_BASES, 1):
        code, _c = Code.objects.get_or_create(
            study=study,
            parent=bases,
            name_th=th,
            defaults={
                "kind": CodeKind.BASIS,
                "name_en": en,
                "definition": definition,
                "colour": content.PALETTE[(i + 6) % len(content.PALETTE)],
                "position": i,
            },
        )
        made.append(code)
    return made


@transaction.atomic
def study_update(*, study: Study, title: str, purpose: str) -> Study:
    if not title.strip():
        raise ValidationError({"title": _("Give the study a title.")})
    study.title, study.purpose = title.strip()[:300], purpose.strip()
    study.save(update_fields=["title", "purpose"])
    return study


@transaction.atomic
def study_fund_add(*, study: Study, fund: Fund) -> StudyFund:
    link, _created = StudyFund.objects.get_or_create(study=study, fund=fund)
    return link


@transaction.atomic
def committee_permission_set(*, study: Study, fund: Fund, allowed: bool) -> StudyFund:
    """The lead lets a fund's committee read that fund's sessions (or stops it)."""
    link = StudyFund.objects.select_for_update().get(study=study, fund=fund)
    link.committee_may_read = allowed
    link.save(update_fields=["committee_may_read"])
    return link


@transaction.atomic
def team_member_add(*, study: Study, user: AbstractBaseUser, role: str) -> TeamMember:
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    member, _created = TeamMember.objects.get_or_create(
        study=study, user=user, role=role, revoked_at=None
    )
    return member


@transaction.atomic
def team_member_revoke(*, member: TeamMember) -> TeamMember:
    """Ends a role (the row stays). The last lead cannot leave the study without a lead."""
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.role == TeamRole.LEAD:
        leads = TeamMember.objects.filter(
            study=member.study, role=TeamRole.LEAD, revoked_at__isnull=True
        )
        if leads.count() <= 1:
            raise ValidationError({"role": _("The study needs a lead: add another lead first.")})
    member.revoked_at = timezone.now()
    member.save(update_fields=["revoked_at"])
    return member


@transaction.atomic
def phase_update(
    *, phase: Phase, starts_on: dt.date | None, ends_on: dt.date | None, notes: str
) -> Phase:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The phase cannot end before it starts.")})
    phase.starts_on, phase.ends_on, phase.notes = starts_on, ends_on, notes.strip()
    phase.save()
    return phase


@transaction.atomic
def question_save(
    *,
    guide: QuestionGuide,
    question: Question | None,
    kind: str,
    position: int,
    text_th: str,
    text_en: str = "",
    probes: str = "",
) -> Question:
    if not text_th.strip():
        raise ValidationError({"text_th": _("Write the question in Thai.")})
    if question is None:
        question = Question(guide=guide)
    question.kind, question.position = kind, position
    question.text_th, question.text_en, question.probes = text_th.strip(), text_en.strip(), probes
    question.full_clean(exclude=["guide"])
    question.save()
    return question


# ----------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SessionInput:
    fund: Fund
    kind: str
    title: str
    target_group: str
    held_on: dt.date
    place: str = ""
    facilitator: AbstractBaseUser | None = None
    note_taker: AbstractBaseUser | None = None
    stage: Stage | None = None
    notes: str = ""


def _check_session(study: Study, data: SessionInput) -> None:
    if not StudyFund.objects.filter(study=study, fund=data.fund).exists():
        raise ValidationError({"fund": _("The fund is not part of this study.")})
    if data.stage is not None and data.stage.process.fund_id != data.fund.pk:
        raise ValidationError(
            {"stage": _("The stage belongs to another fund's development process.")}
        )
    if not data.title.strip():
        raise ValidationError({"title": _("Give the session a title.")})


@transaction.atomic
def session_save(
    *,
    study: Study,
    data: SessionInput,
    session: Session | None = None,
    actor: AbstractBaseUser | None = None,
) -> Session:
    """Create a session, or edit one (its fund stays once it has a transcript)."""
    _check_session(study, data)
    if session is None:
        session = Session(study=study, created_by=actor)
    elif session.fund_id != data.fund.pk and session.transcripts.exists():
        raise ValidationError({"fund": _("The session has a transcript: its fund stays.")})
    for field in (
        "fund",
        "kind",
        "target_group",
        "held_on",
        "facilitator",
        "note_taker",
        "stage",
    ):
        setattr(session, field, getattr(data, field))
    session.title = data.title.strip()[:300]
    session.place = data.place.strip()[:300]
    session.notes = data.notes.strip()
    session.full_clean(exclude=["study", "created_by"])
    session.save()
    return session


@transaction.atomic
def participant_add(
    *,
    session: Session,
    target_group: str,
    count: int = 1,
    name: str = "",
    pseudonym: str = "",
    occupation_id: int | None = None,
    consent_given: bool = False,
    consent_named: bool = False,
    consent_on: dt.date | None = None,
) -> Participant:
    """A head count of one target group, or one named person (who then needs a pseudonym:
    what leaves the app unless they consented to be named)."""
    name, pseudonym = name.strip(), pseudonym.strip()
    if name and not pseudonym:
        raise ValidationError({"pseudonym": _("A named participant needs a pseudonym.")})
    if pseudonym and count != 1:
        raise ValidationError({"count": _("A named participant is one person.")})
    if consent_named and not consent_given:
        raise ValidationError({"consent_named": _("Being named needs consent to take part first.")})
    if occupation_id and target_group != TargetGroup.INFORMAL_WORKER:
        raise ValidationError({"occupation": _("Only informal workers have an occupation group.")})
    if occupation_id and not session.fund.occupation_groups.filter(pk=occupation_id).exists():
        raise ValidationError({"occupation": _("Choose one of the fund's occupation groups.")})
    if count < 1:
        raise ValidationError({"count": _("At least one person.")})
    participant = Participant(
        session=session,
        target_group=target_group,
        count=count,
        name=name[:200],
        pseudonym=pseudonym[:100],
        occupation_id=occupation_id,
        consent_given=consent_given,
        consent_named=consent_named,
        consent_on=consent_on,
    )
    participant.full_clean(exclude=["session", "occupation"])
    participant.save()
    return participant


# ----------------------------------------------------------------------------- transcripts

_SPEAKER = re.compile(r"^[ \t]*([^:\n：]{1,60})[:：][ \t]*", re.MULTILINE)


@dataclass(frozen=True)
class Turn:
    start: int
    end: int
    speaker: str


def turns_parse(text: str) -> list[Turn]:
    """Speaker turns from the common typed form: a line beginning ``ผู้พูด: …`` starts a turn
    that runs until the next one. Text before the first speaker belongs to nobody."""
    marks = [(m.start(), m.group(1).strip()) for m in _SPEAKER.finditer(text)]
    turns = []
    for i, (start, speaker) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        while end > start and text[end - 1] in "\r\n ":
            end -= 1
        if end > start and speaker:
            turns.append(Turn(start, end, speaker))
    return turns


def _speaker_group(
    participants: Iterable[Participant], speaker: str
) -> tuple[Participant | None, str]:
    """Match a turn's speaker label to a named participant (by pseudonym or name), else to a
    target group named in the label."""
    for p in participants:
        if p.pseudonym and (speaker == p.pseudonym or (p.name and speaker == p.name)):
            return p, p.target_group
    lowered = speaker.lower()
    for value, label in TargetGroup.choices:
        if str(label).lower() in lowered or value in lowered:
            return None, value
    hints = {
        "ผู้นำ": TargetGroup.COMMUNITY_LEADER,
        "อสอ": TargetGroup.OHS_VOLUNTEER,
        "อาสาสมัคร": TargetGroup.OHS_VOLUNTEER,
        "คณะทำงาน": TargetGroup.WORKING_TEAM,
        "ผู้ประสาน": TargetGroup.WORKING_TEAM,
        "แรงงาน": TargetGroup.INFORMAL_WORKER,
        "นักวิจัย": TargetGroup.ACADEMIC,
        "ผู้ดำเนิน": TargetGroup.ACADEMIC,
        "ศูนย์วิชาการ": TargetGroup.ACADEMIC,
    }
    for word, group in hints.items():
        if word in speaker:
            return None, group
    return None, ""


@transaction.atomic
def transcript_create(
    *,
    session: Session,
    text: str,
    title: str = "",
    source_name: str = "",
    synthetic: bool = False,
    actor: AbstractBaseUser | None = None,
) -> Transcript:
    """Keep the text exactly as given — only a byte-order mark is dropped and line endings
    become LF (browsers send CR LF and parse it back as LF: offsets must count the same on
    both sides) — and find its speaker turns. An empty or oversized text is refused."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError({"text": _("The transcript is empty.")})
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise ValidationError(
            {
                "text": _("The transcript is longer than %(n)s characters: split it.")
                % {"n": f"{MAX_TRANSCRIPT_CHARS:,}"}
            }
        )
    if "\ufffd" in text:
        raise ValidationError(
            {
                "text": _(
                    "The text holds replacement characters (�): it was read in the wrong "
                    "encoding. Save it as UTF-8 and try again."
                )
            }
        )
    transcript = Transcript.objects.create(
        session=session,
        text=text,
        title=title.strip()[:300],
        source_name=source_name[:255],
        synthetic=synthetic,
        created_by=actor,
    )
    turns_rebuild(transcript=transcript)
    return transcript


@transaction.atomic
def turns_rebuild(*, transcript: Transcript) -> list[SpeakerTurn]:
    transcript.turns.all().delete()
    rows = []
    participants = list(transcript.session.participants.all())  # once, not once per turn
    for turn in turns_parse(transcript.text):
        participant, group = _speaker_group(participants, turn.speaker)
        rows.append(
            SpeakerTurn(
                transcript=transcript,
                start=turn.start,
                end=turn.end,
                speaker=turn.speaker[:100],
                target_group=group,
                participant=participant,
            )
        )
    return SpeakerTurn.objects.bulk_create(rows)


@transaction.atomic
def turn_group_set(*, turn: SpeakerTurn, target_group: str) -> SpeakerTurn:
    """Correct the target group of every turn of the same speaker in the transcript."""
    if target_group and target_group not in TargetGroup.values:
        raise ValidationError({"target_group": _("Choose a target group.")})
    SpeakerTurn.objects.filter(transcript=turn.transcript, speaker=turn.speaker).update(
        target_group=target_group
    )
    turn.refresh_from_db()
    return turn


# ----------------------------------------------------------------------------- coding


@transaction.atomic
def segment_code(
    *,
    transcript: Transcript,
    start: int,
    end: int,
    coder: AbstractBaseUser,
    codes: Iterable[Code],
) -> Segment:
    """Apply codes to ``text[start:end]`` as ``coder``: the coder's segment of that span is
    found or made. Offsets outside the text or inside a grapheme cluster are refused."""
    codes = list(codes)
    check_span(transcript.text, start, end)
    if not codes:
        raise ValidationError({"codes": _("Choose at least one code.")})
    study_id = transcript.session.study_id
    foreign = [c for c in codes if c.study_id != study_id]
    if foreign:
        raise ValidationError({"codes": _("A code of another study was chosen.")})
    segment, _created = Segment.objects.get_or_create(
        transcript=transcript, coder=coder, start=start, end=end
    )
    for code in codes:
        Coding.objects.get_or_create(segment=segment, code=code)
    return segment


@transaction.atomic
def coding_remove(*, segment: Segment, code: Code) -> None:
    """Take a code off a segment; a segment left without codes (and without lessons or
    memos) goes too."""
    Coding.objects.filter(segment=segment, code=code).delete()
    if not segment.codings.exists() and not segment.lessons.exists() and not segment.memos.exists():
        segment.delete()


@transaction.atomic
def code_save(
    *,
    study: Study,
    code: Code | None,
    name_th: str,
    name_en: str = "",
    definition: str = "",
    colour: str = "#888888",
    parent: Code | None = None,
) -> Code:
    if not name_th.strip():
        raise ValidationError({"name_th": _("Name the code in Thai.")})
    if parent is not None and parent.study_id != study.pk:
        raise ValidationError({"parent": _("The parent code belongs to another study.")})
    if code is not None and parent is not None:
        node: Code | None = parent
        while node is not None:
            if node.pk == code.pk:
                raise ValidationError({"parent": _("A code cannot sit under itself.")})
            node = node.parent
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        raise ValidationError({"colour": _("A colour is written like #1f78b4.")})
    if code is None:
        code = Code(study=study, kind=CodeKind.OWN)
    code.name_th, code.name_en = name_th.strip()[:200], name_en.strip()[:200]
    code.definition, code.colour, code.parent = definition.strip(), colour, parent
    duplicate = Code.objects.filter(study=study, parent=parent, name_th=code.name_th)
    if code.pk:
        duplicate = duplicate.exclude(pk=code.pk)
    if duplicate.exists():
        raise ValidationError({"name_th": _("The codebook already has a code of that name here.")})
    code.save()
    return code


@transaction.atomic
def memo_add(
    *,
    study: Study,
    author: AbstractBaseUser,
    text: str,
    code: Code | None = None,
    segment: Segment | None = None,
    session: Session | None = None,
) -> Memo:
    if not text.strip():
        raise ValidationError({"text": _("The memo is empty.")})
    if sum(x is not None for x in (code, segment, session)) != 1:
        raise ValidationError({"text": _("A memo is about one code, one segment or one session.")})
    return Memo.objects.create(
        study=study, author=author, text=text.strip(), code=code, segment=segment, session=session
    )


@transaction.atomic
def settle(
    *,
    transcript: Transcript,
    code: Code,
    start: int,
    end: int,
    apply: bool,
    coders: Sequence[AbstractBaseUser],
) -> None:
    """Settle a difference between coders on one passage: ``apply`` gives every coder the
    code on the passage (on a segment of theirs that overlaps it, or a new one with the
    passage's span); otherwise the code comes off every coder's overlapping segments."""
    check_span(transcript.text, start, end)
    for coder in coders:
        overlapping = list(
            Segment.objects.filter(transcript=transcript, coder=coder, start__lt=end, end__gt=start)
        )
        if apply:
            if any(s.codings.filter(code=code).exists() for s in overlapping):
                continue
            target = overlapping[0] if overlapping else None
            if target is None:
                target = Segment.objects.create(
                    transcript=transcript, coder=coder, start=start, end=end
                )
            Coding.objects.get_or_create(segment=target, code=code)
        else:
            for segment in overlapping:
                coding_remove(segment=segment, code=code)


# ----------------------------------------------------------------------------- lessons


@transaction.atomic
def lesson_save(
    *,
    study: Study,
    lesson: Lesson | None,
    statement: str,
    recommendation: str = "",
    fund: Fund | None = None,
    stage: DefaultStage | None = None,
    factors: Iterable[Factor] = (),
    evidence: Iterable[Segment] = (),
    actor: AbstractBaseUser | None = None,
) -> Lesson:
    if not statement.strip():
        raise ValidationError({"statement": _("Write the lesson.")})
    if fund is not None and not StudyFund.objects.filter(study=study, fund=fund).exists():
        raise ValidationError({"fund": _("The fund is not part of this study.")})
    evidence = list(evidence)
    if any(s.transcript.session.study_id != study.pk for s in evidence):
        raise ValidationError({"evidence": _("A segment of another study was chosen.")})
    if lesson is None:
        position = (
            study.lessons.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
        lesson = Lesson(study=study, created_by=actor, position=position)
    lesson.statement = statement.strip()
    lesson.recommendation = recommendation.strip()
    lesson.fund, lesson.stage = fund, stage
    lesson.save()
    lesson.factors.set(list(factors))
    lesson.evidence.set(evidence)
    return lesson


@transaction.atomic
def action_save(
    *,
    lesson: Lesson,
    action: Action | None,
    description: str,
    owner: str,
    due_on: dt.date | None,
    status: str = ActionStatus.PLANNED,
    done_on: dt.date | None = None,
) -> Action:
    if not description.strip():
        raise ValidationError({"description": _("Say what will be done.")})
    if not owner.strip():
        raise ValidationError({"owner": _("Say who will do it.")})
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == ActionStatus.DONE and done_on is None:
        done_on = timezone.localdate()
    if action is None:
        action = Action(lesson=lesson)
    action.description, action.owner = description.strip(), owner.strip()[:200]
    action.due_on, action.status = due_on, status
    action.done_on = done_on if status == ActionStatus.DONE else None
    action.save()
    return action


@transaction.atomic
def lesson_put_on_agenda(
    *,
    lesson: Lesson,
    meeting: Meeting,
    actor: AbstractBaseUser | None = None,
    today: dt.date | None = None,
) -> LessonOnAgenda:
    """Add the lesson as an item of a committee meeting of one of the study's funds (a line of
    the meeting's agenda, and a link back to the lesson). Not twice, not after the meeting."""
    if not StudyFund.objects.filter(study=lesson.study, fund=meeting.fund_id).exists():
        raise ValidationError({"meeting": _("The meeting belongs to a fund outside the study.")})
    if lesson.fund_id and lesson.fund_id != meeting.fund_id:
        raise ValidationError({"meeting": _("The lesson concerns another fund.")})
    if meeting.date < (today or timezone.localdate()):
        raise ValidationError({"meeting": _("The meeting has already taken place.")})
    if LessonOnAgenda.objects.filter(lesson=lesson, meeting=meeting).exists():
        raise ValidationError({"meeting": _("The lesson is already on that agenda.")})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    item = _("Lesson learned %(n)s: %(statement)s") % {
        "n": lesson.position,
        "statement": " ".join(lesson.statement.split())[:300],
    }
    meeting.agenda = (meeting.agenda.rstrip() + "\n" + item).strip()
    meeting.save(update_fields=["agenda"])
    return LessonOnAgenda.objects.create(lesson=lesson, meeting=meeting, added_by=actor)
