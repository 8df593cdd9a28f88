"""Writes of the development process: the only path that changes its rows.

Every function is one transaction, refuses bad input with a ``ValidationError`` keyed by the
field, and never deletes (stages are skipped, activities cancelled).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kongtun.development.handoff import HandoffResult, regulation_handoff, regulation_validate
from kongtun.development.models import (
    Activity,
    ActivityStatus,
    DefaultStage,
    DevelopmentProcess,
    EvidenceFile,
    ParticipantGroup,
    Participation,
    ProcessStatus,
    Stage,
    StageStatus,
)
from kongtun.funds.models import Fund, OccupationGroup

MAX_EVIDENCE_BYTES = 15 * 1024 * 1024
EVIDENCE_EXTENSIONS = frozenset(
    {
        ".pdf",
        ".jpg",
        ".jpeg",
        ".png",
        ".webp",
        ".heic",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".odt",
        ".ods",
        ".txt",
        ".m4a",
        ".mp3",
    }
)


def _raise(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list], name: str, message: object) -> None:
    errors.setdefault(name, []).append(message)


# --- the process ---------------------------------------------------------------------------


@transaction.atomic
def process_start(
    *,
    fund: Fund,
    started_on: dt.date,
    working_team: str = "",
    notes: str = "",
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> DevelopmentProcess:
    """Open the development process of a fund record, with the SW-NT Model's stages."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if DevelopmentProcess.objects.filter(fund=fund).exists():
        _add(errors, "__all__", _("This fund already has a development process."))
    if started_on > today:
        _add(errors, "started_on", _("The start date cannot be in the future."))
    _raise(errors)
    process = DevelopmentProcess.objects.create(
        fund=fund,
        started_on=started_on,
        working_team=working_team.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    Stage.objects.bulk_create(
        Stage(
            process=process,
            code=d.code,
            position=i,
            name_th=d.name_th,
            name_en=d.name_en,
            quote_th=d.quote_th,
            quote_en=d.quote_en,
        )
        for i, d in enumerate(DefaultStage.objects.order_by("position"), 1)
    )
    return process


@transaction.atomic
def process_update(
    *,
    process: DevelopmentProcess,
    started_on: dt.date,
    working_team: str,
    notes: str,
    today: dt.date | None = None,
) -> DevelopmentProcess:
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if started_on > today:
        _add(errors, "started_on", _("The start date cannot be in the future."))
    if process.founded_on and started_on > process.founded_on:
        _add(errors, "started_on", _("The process cannot start after the fund was founded."))
    _raise(errors)
    process.started_on = started_on
    process.working_team = working_team.strip()
    process.notes = notes.strip()
    process.save(update_fields=["started_on", "working_team", "notes"])
    return process


@transaction.atomic
def process_found_fund(
    *,
    process: DevelopmentProcess,
    founded_on: dt.date,
    founding_note: str = "",
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> HandoffResult:
    """The community founds its fund: the process is linked to the fund as founded, the fund's
    founding date is set through the funds service, and the regulation drafted during the
    process is handed to the regulations app as the fund's first version (when it can take it).
    """
    from kongtun.funds.services import AreaInput, FundInput, fund_update

    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if process.status == ProcessStatus.FOUNDED:
        _add(errors, "__all__", _("The fund was already founded on this process."))
    if founded_on > today:
        _add(errors, "founded_on", _("The founding date cannot be in the future."))
    if founded_on < process.started_on:
        _add(
            errors,
            "founded_on",
            _("The fund cannot be founded before its development process started."),
        )
    _raise(errors)
    fund = Fund.objects.select_related("subdistrict__parent__parent").get(pk=process.fund_id)
    if fund.founded_on != founded_on:
        sub, dist = fund.subdistrict, fund.subdistrict.parent
        try:
            fund_update(
                fund=fund,
                data=FundInput(
                    name_th=fund.name_th,
                    name_en=fund.name_en,
                    short_code=fund.short_code,
                    province_code=dist.parent.code,
                    district=AreaInput(dist.code, dist.name_th, dist.name_en),
                    subdistrict=AreaInput(sub.code, sub.name_th, sub.name_en),
                    founded_on=founded_on,
                    conceptual_bases=list(fund.conceptual_bases),
                    fiscal_year_start_month=fund.fiscal_year_start_month,
                    member_number_pattern=fund.member_number_pattern,
                ),
                today=today,
            )
        except ValidationError as exc:
            raise ValidationError(
                {"founded_on": exc.message_dict.get("founded_on", exc.messages)}
            ) from None
    process.status = ProcessStatus.FOUNDED
    process.founded_on = founded_on
    process.founding_note = founding_note.strip()
    process.save(update_fields=["status", "founded_on", "founding_note"])
    result = regulation_handoff(process=process, effective_from=founded_on, actor=actor)
    if result.accepted:
        process.regulation_handed_over_at = timezone.now()
        process.save(update_fields=["regulation_handed_over_at"])
    return result


@transaction.atomic
def process_regulation_handoff(
    *, process: DevelopmentProcess, actor: AbstractBaseUser | None
) -> HandoffResult:
    """Hand the draft over again, for a fund founded while the regulations app could not yet
    take it."""
    if process.status != ProcessStatus.FOUNDED:
        raise ValidationError(
            {"__all__": [_("The draft becomes the fund's regulation when the fund is founded.")]}
        )
    result = regulation_handoff(process=process, effective_from=process.founded_on, actor=actor)
    if result.accepted and not process.regulation_handed_over_at:
        process.regulation_handed_over_at = timezone.now()
        process.save(update_fields=["regulation_handed_over_at"])
    return result


@transaction.atomic
def regulation_draft_start(
    *, process: DevelopmentProcess, prototype: str, actor: AbstractBaseUser | None
) -> Any:
    """Start the community's draft as a draft version of the fund's regulation, edited with
    the regulation forms (issue 13): from a prototype, or (``prototype`` empty) from the text
    drafted here before. The process keeps a copy of the text as its record."""
    from kongtun.regulations.services import version_import, version_start_from_prototype

    title = str(_("Drafted during the development process"))
    if prototype:
        version = version_start_from_prototype(
            fund=process.fund, prototype=prototype, actor=actor, title=title
        )
    else:
        version = version_import(
            fund=process.fund, content=process.regulation_draft, actor=actor, title=title
        )
    regulation_draft_save(
        process=process,
        text=version.content,
        prototype=prototype or process.regulation_prototype,
    )
    return version


@transaction.atomic
def regulation_draft_save(
    *,
    process: DevelopmentProcess,
    text: str,
    prototype: str = "",
) -> DevelopmentProcess:
    """Keep the regulation being drafted. It must load in the regulation engine (when the
    engine is installed); once it became the fund's first version it is frozen here and
    amended in the regulations app."""
    errors: dict[str, list] = {}
    if process.regulation_handed_over_at:
        _add(
            errors,
            "text",
            _(
                "This draft already became the fund's first regulation; amend the regulation "
                "itself instead."
            ),
        )
    elif text.strip():
        for problem in regulation_validate(text):
            _add(errors, "text", problem)
    _raise(errors)
    process.regulation_draft = text
    process.regulation_prototype = prototype
    process.regulation_draft_updated_at = timezone.now()
    process.save(
        update_fields=["regulation_draft", "regulation_prototype", "regulation_draft_updated_at"]
    )
    return process


# --- stages --------------------------------------------------------------------------------


@dataclass
class StageInput:
    name_th: str
    name_en: str = ""
    quote_th: str = ""
    quote_en: str = ""
    status: str = StageStatus.NOT_STARTED
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    notes: str = ""
    position: int | None = None


def _validate_stage(data: StageInput, *, today: dt.date) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not data.name_th.strip():
        _add(errors, "name_th", _("Please enter the stage's Thai name."))
    if data.status not in StageStatus.values:
        _add(errors, "status", _("Unknown status."))
    for name in ("started_on", "completed_on"):
        value = getattr(data, name)
        if value and value > today:
            _add(errors, name, _("This date cannot be in the future."))
    if data.started_on and data.completed_on and data.completed_on < data.started_on:
        _add(errors, "completed_on", _("A stage cannot be completed before it started."))
    if data.status == StageStatus.DONE and not data.completed_on:
        _add(errors, "completed_on", _("Enter the date the stage was completed."))
    if data.status == StageStatus.IN_PROGRESS and not data.started_on:
        _add(errors, "started_on", _("Enter the date the stage started."))
    if data.position is not None and not 1 <= data.position <= 99:
        _add(errors, "position", _("The position is a number from 1 to 99."))
    return errors


@transaction.atomic
def stage_add(
    *, process: DevelopmentProcess, data: StageInput, today: dt.date | None = None
) -> Stage:
    """A stage of the community's own, after the others unless a position is given."""
    errors = _validate_stage(data, today=today or timezone.localdate())
    _raise(errors)
    position = data.position
    if position is None:
        position = (process.stages.aggregate(m=Max("position"))["m"] or 0) + 1
    return Stage.objects.create(
        process=process,
        position=position,
        name_th=data.name_th.strip(),
        name_en=data.name_en.strip(),
        quote_th=data.quote_th.strip(),
        quote_en=data.quote_en.strip(),
        status=data.status,
        started_on=data.started_on,
        completed_on=data.completed_on,
        notes=data.notes.strip(),
    )


@transaction.atomic
def stage_update(*, stage: Stage, data: StageInput, today: dt.date | None = None) -> Stage:
    errors = _validate_stage(data, today=today or timezone.localdate())
    _raise(errors)
    stage.name_th = data.name_th.strip()
    stage.name_en = data.name_en.strip()
    stage.quote_th = data.quote_th.strip()
    stage.quote_en = data.quote_en.strip()
    stage.status = data.status
    stage.started_on = data.started_on
    stage.completed_on = data.completed_on
    stage.notes = data.notes.strip()
    if data.position is not None:
        stage.position = data.position
    stage.save()
    return stage


# --- activities ----------------------------------------------------------------------------


@dataclass
class ParticipationInput:
    group: str
    count: int
    occupation_id: int | None = None
    note: str = ""


@dataclass
class ActivityInput:
    kind: str
    title: str
    held_on: dt.date
    status: str = ActivityStatus.DONE
    ends_on: dt.date | None = None
    place: str = ""
    notes: str = ""
    participants: list[ParticipationInput] = field(default_factory=list)


def _validate_activity(data: ActivityInput, *, fund: Fund, today: dt.date) -> dict[str, list]:
    from kongtun.development.models import ActivityKind

    errors: dict[str, list] = {}
    if data.kind not in ActivityKind.values:
        _add(errors, "kind", _("Choose the kind of activity."))
    if not data.title.strip():
        _add(errors, "title", _("Please enter a title."))
    if data.status not in ActivityStatus.values:
        _add(errors, "status", _("Unknown status."))
    if data.ends_on and data.ends_on < data.held_on:
        _add(errors, "ends_on", _("An activity cannot end before it starts."))
    if data.status == ActivityStatus.DONE and data.held_on > today:
        _add(errors, "held_on", _("An activity that was held cannot be dated in the future."))
    seen: set[tuple[str, int | None]] = set()
    occupations = set(OccupationGroup.objects.filter(fund=fund).values_list("pk", flat=True))
    for i, p in enumerate(data.participants, 1):
        row = _("participants, row %(row)s") % {"row": i}
        if p.group not in ParticipantGroup.values:
            _add(errors, "participants", f"{row}: {_('unknown group.')}")
            continue
        if p.count < 1:
            _add(errors, "participants", f"{row}: {_('the number of people must be at least 1.')}")
        if p.occupation_id is not None:
            if p.group != ParticipantGroup.INFORMAL_WORKER:
                _add(
                    errors,
                    "participants",
                    f"{row}: {_('an occupation is given only for informal workers.')}",
                )
            elif p.occupation_id not in occupations:
                _add(errors, "participants", f"{row}: {_('unknown occupation group.')}")
        key = (p.group, p.occupation_id)
        if key in seen:
            _add(errors, "participants", f"{row}: {_('this group is already listed.')}")
        seen.add(key)
    return errors


def _write_participants(activity: Activity, rows: list[ParticipationInput]) -> None:
    Participation.objects.bulk_create(
        Participation(
            activity=activity,
            group=p.group,
            occupation_id=p.occupation_id,
            count=p.count,
            note=p.note.strip(),
        )
        for p in rows
    )


@transaction.atomic
def activity_create(
    *,
    stage: Stage,
    data: ActivityInput,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> Activity:
    fund = stage.process.fund
    errors = _validate_activity(data, fund=fund, today=today or timezone.localdate())
    _raise(errors)
    activity = Activity.objects.create(
        stage=stage,
        kind=data.kind,
        title=data.title.strip(),
        held_on=data.held_on,
        ends_on=data.ends_on,
        place=data.place.strip(),
        status=data.status,
        notes=data.notes.strip(),
        created_by=actor,
    )
    _write_participants(activity, data.participants)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    data: ActivityInput,
    stage: Stage | None = None,
    today: dt.date | None = None,
) -> Activity:
    """Correct an activity; its participant list is replaced by the one given."""
    fund = activity.stage.process.fund
    errors = _validate_activity(data, fund=fund, today=today or timezone.localdate())
    if stage is not None and stage.process_id != activity.stage.process_id:
        _add(errors, "stage", _("Choose a stage of this process."))
    _raise(errors)
    if stage is not None:
        activity.stage = stage
    activity.kind = data.kind
    activity.title = data.title.strip()
    activity.held_on = data.held_on
    activity.ends_on = data.ends_on
    activity.place = data.place.strip()
    activity.status = data.status
    activity.notes = data.notes.strip()
    activity.save()
    # Participant counts are figures of the activity, not history: corrected in place.
    activity.participations.all().delete()
    _write_participants(activity, data.participants)
    return activity


@transaction.atomic
def evidence_add(
    *,
    activity: Activity,
    upload: UploadedFile,
    description: str = "",
    actor: AbstractBaseUser | None,
) -> EvidenceFile:
    errors: dict[str, list] = {}
    name = PurePath(upload.name or "").name
    ext = PurePath(name).suffix.lower()
    if not name:
        _add(errors, "file", _("Choose a file."))
    elif ext not in EVIDENCE_EXTENSIONS:
        _add(
            errors,
            "file",
            _("This kind of file is not accepted. Accepted: %(exts)s")
            % {"exts": ", ".join(sorted(e.lstrip(".") for e in EVIDENCE_EXTENSIONS))},
        )
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        _add(
            errors,
            "file",
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)},
        )
    elif upload.size == 0:
        _add(errors, "file", _("The file is empty."))
    _raise(errors)
    evidence = EvidenceFile(
        activity=activity,
        original_name=name[:200],
        description=description.strip(),
        content_type=(mimetypes.guess_type(name)[0] or "application/octet-stream")[:100],
        size=upload.size or 0,
        uploaded_by=actor,
    )
    evidence.file.save(name, upload, save=False)
    try:  # if the row cannot be written, the stored file must not stay behind
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence
