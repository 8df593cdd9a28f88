"""Writes of regulation versions: start a draft, edit it, import it, approve it.

A draft's YAML is validated by the engine on every save, so a draft always loads; its errors
are reported with the path and the YAML line, in the user's language. Approval records the
meeting resolution (the fund's recorded ``governance.Resolution``, or text for a meeting not on
record) and the effective date; an approved version never changes (the service refuses, and a
database trigger backs it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kongtun.core.models import counter_next
from kongtun.funds.models import Fund
from kongtun.governance.models import Resolution
from kongtun.governance.selectors import citable_resolution, resolution_label
from kongtun.regulations.engine import (
    PROTOTYPES,
    YAML_LIMITS,
    FormatError,
    Regulation,
    RegulationFormatError,
    check_draft,
    dump_regulation,
    load_regulation,
    regulation_from_dict,
)
from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR
from kongtun.regulations.engine.render import render_error, render_warning
from kongtun.regulations.models import RegulationVersion, VersionStatus

#: Larger text is refused before parsing, by the loader (the demo regulations are ~13 kB).
MAX_YAML_BYTES = YAML_LIMITS.max_bytes


class RegulationInvalid(ValidationError):
    """A ValidationError on ``field`` that also carries the engine's errors (path, line)."""

    def __init__(self, errors: tuple[FormatError, ...], field: str = "content") -> None:
        lang = (get_language() or "th")[:2]
        super().__init__({field: [render_error(e, lang) for e in errors]})
        self.format_errors = errors


def overlapping_tiers(reg: Regulation) -> list[str]:
    """Why a version cannot be approved as it stands: tiers that overlap, so a member could be
    in two at once and the amount would hang on the order the bands are written. The page's
    "the meeting saw the warnings" box does not waive this: the service refuses it."""
    lang = (get_language() or "th")[:2]
    return [
        _("Tiers overlap; correct the draft before approving it: %(warning)s")
        % {"warning": render_warning(w, lang)}
        for w in check_draft(reg)
        if w.code == "tier_overlap"
    ]


def _user(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return actor if actor is not None and actor.is_authenticated else None


def parse_content(content: str, field: str = "content") -> Regulation:
    """Validate YAML text; raise RegulationInvalid naming every error with its line."""
    try:
        return load_regulation(content)
    except RegulationFormatError as exc:
        raise RegulationInvalid(exc.errors, field) from None


def clauses_for_display(reg: Regulation) -> list[dict[str, Any]]:
    return [
        {
            "number": c.number,
            "text_th": c.text_th,
            "text_en": c.text_en,
            "interpretations": [
                {
                    "code": i.code,
                    "text_th": i.text_th,
                    "text_en": i.text_en,
                    "assumption": i.assumption,
                    "resolution": i.resolution,
                }
                for i in c.interpretations
            ],
        }
        for c in reg.clauses
    ]


def _create(
    *,
    fund: Fund,
    content: str,
    title: str,
    created_from: str,
    previous: RegulationVersion | None,
    actor: AbstractBaseUser | None,
) -> RegulationVersion:
    reg = parse_content(content)
    return RegulationVersion.objects.create(
        fund=fund,
        number=counter_next(fund_id=fund.pk, key="regulation_version"),
        title=(title.strip() or reg.title_th)[:300],
        content=content,
        clauses=clauses_for_display(reg),
        created_from=created_from,
        previous=previous,
        created_by=_user(actor),
    )


def prototype_text(code: str) -> str:
    if code not in PROTOTYPES:
        raise ValidationError({"prototype": [_("Choose one of the prototypes.")]})
    return (PROTOTYPE_DIR / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def version_start_from_prototype(
    *, fund: Fund, prototype: str, actor: AbstractBaseUser | None, title: str = ""
) -> RegulationVersion:
    """A new draft holding one of the shipped prototypes (the "study of prototypes" step)."""
    return _create(
        fund=fund,
        content=prototype_text(prototype),
        title=title,
        created_from=prototype,
        previous=None,
        actor=actor,
    )


@transaction.atomic
def version_start_from_version(
    *, version: RegulationVersion, actor: AbstractBaseUser | None, title: str = ""
) -> RegulationVersion:
    """A new draft copying a version: the way to amend an approved regulation."""
    return _create(
        fund=version.fund,
        content=version.content,
        title=title or version.title,
        created_from=f"version:{version.number}",
        previous=version if version.status == VersionStatus.APPROVED else version.previous,
        actor=actor,
    )


@transaction.atomic
def version_import(
    *, fund: Fund, content: str, actor: AbstractBaseUser | None, title: str = ""
) -> RegulationVersion:
    """A new draft from an uploaded YAML file (refused whole, with every error and its line)."""
    from kongtun.regulations.selectors import approved_versions

    approved = approved_versions(fund=fund)
    return _create(
        fund=fund,
        content=content,
        title=title,
        created_from="import",
        previous=approved[-1] if approved else None,
        actor=actor,
    )


def _locked_draft(version: RegulationVersion) -> RegulationVersion:
    locked = RegulationVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError(
            {
                "__all__": [
                    _("An approved version cannot be changed; start an amendment from it instead.")
                ]
            }
        )
    return locked


@transaction.atomic
def version_save_content(
    *,
    version: RegulationVersion,
    content: str,
    actor: AbstractBaseUser | None,
    title: str | None = None,
) -> RegulationVersion:
    """Replace a draft's YAML (the advanced editor). Refused for an approved version."""
    version = _locked_draft(version)
    reg = parse_content(content)
    version.content = content
    version.clauses = clauses_for_display(reg)
    if title is not None and title.strip():
        version.title = title.strip()[:300]
    version.save(update_fields=["content", "clauses", "title", "updated_at"])
    return version


@transaction.atomic
def version_save_data(
    *, version: RegulationVersion, data: dict[str, Any], actor: AbstractBaseUser | None
) -> RegulationVersion:
    """Save a draft edited through the forms: plain data, validated by the engine, written
    back as YAML (comments of the earlier text are not kept)."""
    version = _locked_draft(version)
    try:
        reg = regulation_from_dict(data)
    except RegulationFormatError as exc:
        raise RegulationInvalid(exc.errors, "__all__") from None
    version.content = dump_regulation(reg)
    version.clauses = clauses_for_display(reg)
    version.save(update_fields=["content", "clauses", "updated_at"])
    return version


@transaction.atomic
def version_approve(
    *,
    version: RegulationVersion,
    resolution: str = "",
    resolution_date: dt.date | None = None,
    effective_date: dt.date | None,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
    resolution_record: Resolution | None = None,
) -> RegulationVersion:
    """Record the meeting's approval. From the effective date on, claims are decided under
    this version; it must take effect after every version approved before it, and no claim
    may already have been decided for an event on or after that date under another version.

    ``resolution_record`` cites the fund's recorded resolution (its meeting on or before
    today): the text and the date are then its label and its meeting's date, whatever
    ``resolution`` and ``resolution_date`` say. Without it they are required (a meeting the
    fund does not keep in Kongtun, such as a founding meeting before the fund used it).

    Dates are checked against the fund's life: a version cannot be in force before the fund
    was founded (``fund.founded_on``) nor before the meeting that approved it. The meeting
    itself may be held before the founding date — the founding meeting adopts the regulation
    before the fund starts — but not more than a year before it
    (``MEETING_BEFORE_FOUNDING_YEARS``); an earlier date is taken for a typing mistake."""
    from kongtun.claims.models import Claim

    today = today or timezone.localdate()
    version = _locked_draft(version)
    fund = version.fund
    errors: dict[str, list[str]] = {}
    meeting_day: dt.date | None = None  # the approving meeting's date, once known to be valid
    if resolution_record is not None:
        record, problem = citable_resolution(
            fund_id=version.fund_id, resolution=resolution_record, on=today
        )
        if record is None:
            errors["resolution_record"] = [problem]
        else:
            resolution = resolution_label(record)
            resolution_date = meeting_day = record.meeting.date
            if meeting_day < earliest_meeting(fund):
                errors["resolution_record"] = [_meeting_too_early(fund)]
        resolution_record = record
    else:
        if not (resolution or "").strip():
            errors["resolution"] = [_("Name the meeting resolution that approved this version.")]
        if resolution_date is None:
            errors["resolution_date"] = [_("Please enter a date.")]
        elif resolution_date > today:
            errors["resolution_date"] = [_("The meeting cannot be in the future.")]
        else:
            meeting_day = resolution_date
            if resolution_date < earliest_meeting(fund):
                errors["resolution_date"] = [_meeting_too_early(fund)]
    if effective_date is None:
        errors["effective_date"] = [_("Please enter a date.")]
    elif effective_date < fund.founded_on:
        errors["effective_date"] = [
            _("The fund was founded on %(date)s; a version cannot be in force before that.")
            % {"date": effective_date_text(fund.founded_on)}
        ]
    elif meeting_day is not None and effective_date < meeting_day:
        errors["effective_date"] = [
            _("The meeting approved the version on %(date)s; it cannot be in force before that.")
            % {"date": effective_date_text(meeting_day)}
        ]
    else:
        latest = (
            RegulationVersion.objects.filter(fund=version.fund, status=VersionStatus.APPROVED)
            .order_by("-effective_date")
            .first()
        )
        if latest is not None and effective_date <= latest.effective_date:
            errors["effective_date"] = [
                _(
                    "Version %(number)s is in force from %(date)s; an amendment takes effect "
                    "after it."
                )
                % {"number": latest.number, "date": effective_date_text(latest.effective_date)}
            ]
        elif Claim.objects.filter(fund=version.fund, event_date__gte=effective_date).exists():
            errors["effective_date"] = [
                _(
                    "Claims for events on or after this date were already decided under an "
                    "earlier version; choose a later date."
                )
            ]
    try:
        reg = parse_content(version.content)
    except ValidationError as exc:
        errors.setdefault("__all__", []).extend(exc.messages)
    else:
        errors.setdefault("__all__", []).extend(overlapping_tiers(reg))
        if not errors["__all__"]:
            del errors["__all__"]
    if errors:
        raise ValidationError(errors)
    version.status = VersionStatus.APPROVED
    version.resolution = resolution.strip()[:300]
    version.resolution_date = resolution_date
    version.resolution_record = resolution_record
    version.effective_date = effective_date
    version.approved_at = timezone.now()
    version.approved_by = _user(actor)
    version.save()
    return version


#: How long before the founding date the meeting approving a version may be held: founding
#: meetings adopt the regulation before the fund starts, weeks or months ahead.
MEETING_BEFORE_FOUNDING_YEARS = 1


def earliest_meeting(fund: Fund) -> dt.date:
    """The earliest date a meeting approving one of the fund's versions can have: one year
    before the founding date (29 February falls back to the 28th)."""
    day = fund.founded_on
    year = day.year - MEETING_BEFORE_FOUNDING_YEARS
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _meeting_too_early(fund: Fund) -> str:
    return _(
        "The fund was founded on %(founded)s; the meeting that approved a version cannot be "
        "more than a year before that (on or after %(earliest)s)."
    ) % {
        "founded": effective_date_text(fund.founded_on),
        "earliest": effective_date_text(earliest_meeting(fund)),
    }


def effective_date_text(day: dt.date) -> str:
    from kongtun.core.thaidates import format_date

    return format_date(day, (get_language() or "th")[:2])


@transaction.atomic
def regulation_adopt_first_version(
    *,
    fund: Fund,
    text: str,
    effective_from: dt.date,
    actor: AbstractBaseUser | None,
    source: str,
    resolution: str,
    today: dt.date | None = None,
) -> RegulationVersion:
    """The development process's drafted regulation becomes the fund's first version, approved
    by the founding meeting and in force from the founding date (development/handoff.py)."""
    today = today or timezone.localdate()
    version = _create(
        fund=fund,
        content=text,
        title="",
        created_from=(source or "import")[:40],
        previous=None,
        actor=actor,
    )
    return version_approve(
        version=version,
        resolution=resolution or _("the meeting that founded the fund"),
        resolution_date=min(effective_from, today),
        effective_date=effective_from,
        actor=actor,
        today=today,
    )
