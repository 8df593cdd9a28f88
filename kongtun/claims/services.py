"""Claims: file (the engine decides at once), add evidence, review by several committee
members, pay through the books with a payment voucher.

Bad input is refused with the field it concerns and nothing is written: an event in the
future, before joining or after the member's death, a detail the benefit needs (whole nights,
children …), a relative the benefit does not cover. A claim the regulation does not allow
(waiting period, arrears, caps …) can be filed — the member gets a written decision — but only
rejected. Approving and paying lock the claim row (SELECT … FOR UPDATE; SQLite's IMMEDIATE
transactions serialize writers), so double approvals and double payments are impossible, and
the unique constraints back it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kongtun.claims.models import (
    Claim,
    ClaimApproval,
    ClaimEvidence,
    ClaimPolicy,
    ClaimStatus,
    Payout,
    ReviewAction,
)
from kongtun.contributions.services import fiscal_year_be
from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.models import counter_next, counter_reserve
from kongtun.core.thaidates import current_lang, format_date
from kongtun.funds.access import CAPABILITIES, Cap
from kongtun.funds.models import Fund, FundRole
from kongtun.governance.models import Resolution
from kongtun.governance.selectors import citable_resolution
from kongtun.ledger.models import SourceType
from kongtun.ledger.services import (
    EntryDraft,
    LineDraft,
    account_for,
    closed_month_problem,
    entry_post,
    entry_reverse,
    month_name,
)
from kongtun.members.models import Beneficiary, Member
from kongtun.regulations.engine import Decision, Event, Evidence, Regulation, Step, decide
from kongtun.regulations.engine.render import render_step
from kongtun.regulations.history import member_history
from kongtun.regulations.models import RegulationVersion
from kongtun.regulations.selectors import regulation_of, version_in_force

CENT = Decimal("0.01")
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"}
#: Steps that mean the input itself is wrong: refused at filing, nothing saved.
REFUSING_STEPS = {
    "benefit_unknown": "benefit",
    "event_date": "event_date",
    "after_join": "event_date",
    "before_death": "event_date",
    "death_event": "event_date",
    "relative": "relative",
}
DETAIL_FIELDS = {
    "nights": "nights",
    "children": "children",
    "months": "months",
    "subject_birth_date": "subject_birth_date",
    "subject_sex": "subject_sex",
    "grade_average": "grade_average",
    "days": "days",
    "discharge_date": "discharge_date",
    "marital_status": "marital_status",
    "children_birth_dates": "children_birth_dates",
}
#: Details a claim form may ask for; ``detail_fields`` says which one benefit needs.
DETAIL_NAMES = frozenset(
    {
        "nights",
        "children",
        "months",
        "subject_name",
        "subject_birth_date",
        "subject_sex",
        "grade_average",
        "school_level",
        "disability_level",
        "cause",
        "days",
        "discharge_date",
        "marital_status",
        "children_birth_dates",
    }
)
#: The subject's marital status, as the engine reads it (``Conditions.marital_status``).
MARITAL_STATUSES = ("single", "married", "widowed", "divorced", "separated")
_CAUSE_KINDS = {"hospital", "outpatient", "death", "disability", "disaster", "other"}


def detail_fields(benefit: Any, regulation: Any = None) -> frozenset[str]:
    """What a claim for ``benefit`` asks for besides the member, the date and whose event it
    is: nights for a hospital stay, days for a benefit paid per day, the discharge date when
    the filing deadline counts from it, marital status and children's birth dates when a
    condition reads them, the grade and school level only for a scholarship, the relative's
    details only when the benefit covers relatives … The form shows only these, and drops
    anything else sent (``ClaimForm``). ``regulation`` gives the fund-wide filing deadline a
    benefit without its own follows (decision 0020)."""
    if benefit is None:
        return frozenset()
    need = set()
    unit = {"night": "nights", "child": "children", "month": "months", "day": "days"}.get(
        benefit.per
    )
    if unit and not (unit == "months" and getattr(benefit, "recurring", None)):
        need.add(unit)
    for part in getattr(benefit, "parts", ()):
        need |= {"night": {"nights"}, "day": {"days"}}.get(part.per, set())
    deadline = benefit.filing_deadline or (
        regulation.membership.filing_deadline if regulation is not None else None
    )
    if deadline is not None and deadline.counted_from == "discharge":
        need.add("discharge_date")
    if any(r.relative != "self" for r in benefit.relatives):
        need |= {"subject_name", "subject_birth_date", "subject_sex"}
    conditions = benefit.conditions
    if benefit.kind == "education":
        if benefit.levels or (conditions and conditions.school_levels):
            need.add("school_level")
        if conditions and conditions.min_grade_average is not None:
            need.add("grade_average")
        if not need & {"school_level", "grade_average"}:
            need |= {"school_level", "grade_average"}
    if benefit.kind == "disability":
        need.add("disability_level")
    if benefit.kind in _CAUSE_KINDS:
        need.add("cause")
    if conditions and conditions.marital_status:
        need.add("marital_status")
    if conditions and (
        conditions.has_children is not None or conditions.has_minor_child is not None
    ):
        need.add("children_birth_dates")
    return frozenset(need)


#: The books have one expense account per benefit kind; outpatient visits are sickness.
ACCOUNT_OF_KIND = {"outpatient": "hospital"}


def _user(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return actor if actor is not None and actor.is_authenticated else None


def policy_of(fund: Fund) -> ClaimPolicy:
    policy, _created = ClaimPolicy.objects.get_or_create(fund=fund)
    return policy


@transaction.atomic
def policy_update(*, fund: Fund, approvals_required: int) -> ClaimPolicy:
    if not 1 <= approvals_required <= 9:
        raise ValidationError({"approvals_required": [_("Between 1 and 9 approvals.")]})
    policy = policy_of(fund)
    policy.approvals_required = approvals_required
    policy.save(update_fields=["approvals_required"])
    return policy


# --- deciding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimInput:
    member_number: str
    benefit: str
    event_date: dt.date | None
    relative: str = "self"
    nights: int | None = None
    children: int | None = None
    months: int | None = None
    grade_average: Decimal | None = None
    school_level: str = ""
    disability_level: str = ""
    subject_name: str = ""
    subject_birth_date: dt.date | None = None
    subject_sex: str = ""
    cause: str = ""
    note: str = ""
    days: int | None = None
    discharge_date: dt.date | None = None
    marital_status: str = ""
    children_birth_dates: tuple[dt.date, ...] | None = None
    #: The committee accepted the claim after the filing deadline by this resolution (its
    #: label, named in the trace, and its id): set only by ``claim_deadline_exception``.
    deadline_resolution: str = ""
    deadline_resolution_id: int | None = None

    def details(self) -> dict[str, Any]:
        """The JSON stored with the claim (only what was given)."""
        out: dict[str, Any] = {}
        for key in ("nights", "children", "months", "days"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.grade_average is not None:
            out["grade_average"] = str(self.grade_average)
        for key in ("subject_birth_date", "discharge_date"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key).isoformat()
        if self.children_birth_dates is not None:
            out["children_birth_dates"] = [d.isoformat() for d in self.children_birth_dates]
        if self.deadline_resolution:
            out["deadline_resolution"] = self.deadline_resolution
            out["deadline_resolution_id"] = self.deadline_resolution_id
        for key in (
            "school_level",
            "disability_level",
            "subject_name",
            "subject_sex",
            "marital_status",
            "cause",
            "note",
        ):
            if getattr(self, key):
                out[key] = getattr(self, key).strip()
        return out

    @classmethod
    def from_claim(cls, claim: Claim, **changes: Any) -> ClaimInput:
        d = dict(claim.details)
        values: dict[str, Any] = {
            "member_number": claim.member.number,
            "benefit": claim.benefit,
            "event_date": claim.event_date,
            "relative": claim.relative,
        }
        for key in ("nights", "children", "months", "days"):
            values[key] = d.get(key)
        values["grade_average"] = Decimal(d["grade_average"]) if d.get("grade_average") else None
        for key in ("subject_birth_date", "discharge_date"):
            values[key] = dt.date.fromisoformat(d[key]) if d.get(key) else None
        if d.get("children_birth_dates") is not None:
            values["children_birth_dates"] = tuple(
                dt.date.fromisoformat(x) for x in d["children_birth_dates"]
            )
        for key in (
            "school_level",
            "disability_level",
            "subject_name",
            "subject_sex",
            "marital_status",
            "cause",
            "note",
        ):
            values[key] = d.get(key, "")
        values["deadline_resolution"] = d.get("deadline_resolution", "")
        values["deadline_resolution_id"] = d.get("deadline_resolution_id")
        values.update(changes)
        return cls(**values)


def event_of(data: ClaimInput, *, as_of: dt.date, filed_on: dt.date | None = None) -> Event:
    """The engine's event; ``filed_on`` (the claim's filing day, for a filing deadline) is
    ``as_of`` for a claim being filed now, the recorded day when it is decided again."""
    assert data.event_date is not None
    return Event(
        benefit=data.benefit,
        date=data.event_date,
        as_of=as_of,
        filed_on=filed_on,
        relative=data.relative or "self",  # type: ignore[arg-type]
        nights=data.nights,
        children=data.children,
        months=data.months,
        grade_average=data.grade_average,
        school_level=data.school_level or None,
        disability_level=data.disability_level or None,
        subject_birth_date=data.subject_birth_date,
        subject_sex=data.subject_sex or None,  # type: ignore[arg-type]
        days=data.days,
        discharge_date=data.discharge_date,
        marital_status=data.marital_status or None,
        children_birth_dates=data.children_birth_dates,
        deadline_exception=bool(data.deadline_resolution),
        deadline_resolution=data.deadline_resolution,
    )


@dataclass
class Preview:
    """What the engine says about a claim before it is filed."""

    member: Member
    version: RegulationVersion
    regulation: Regulation
    decision: Decision
    data: ClaimInput
    as_of: dt.date
    benefit_name: str = ""
    benefit_name_en: str = ""
    benefit_kind: str = ""
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    #: "month" / "year": once granted, paid every period (a pension).
    recurring_every: str = ""

    @property
    def benefit_label(self) -> str:
        english = current_lang() == "en" and self.benefit_name_en
        return self.benefit_name_en if english else self.benefit_name

    def lines(self, lang: str | None = None) -> list[tuple[str, bool]]:
        lang = lang or current_lang()
        return [(render_step(s, lang), s.ok) for s in self.decision.steps]


def claim_preview(
    *,
    fund: Fund,
    data: ClaimInput,
    today: dt.date | None = None,
    exclude_claims: tuple[int, ...] = (),
    filed_on: dt.date | None = None,
) -> Preview:
    """Run the engine on a claim without saving it. Raises ValidationError (keyed by field)
    for input that cannot be a claim; returns the decision otherwise, eligible or not."""
    today = today or timezone.localdate()
    member = Member.objects.filter(fund=fund, number=(data.member_number or "").strip()).first()
    errors: dict[str, list[str]] = {}
    if member is None:
        errors["member_number"] = [
            _("No member %(number)s in this fund.") % {"number": data.member_number}
        ]
    if data.event_date is None:
        errors["event_date"] = [_("Please enter a date.")]
    elif data.event_date > today:
        errors["event_date"] = [_("The event date is in the future.")]
    if data.marital_status and data.marital_status not in MARITAL_STATUSES:
        errors["marital_status"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(MARITAL_STATUSES)}
        ]
    if data.discharge_date and data.event_date and data.discharge_date < data.event_date:
        errors["discharge_date"] = [_("The discharge date is before the event date.")]
    for key in ("nights", "children", "months", "days"):
        value = getattr(data, key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            errors[key] = [_("Give a whole number.")]
        elif value is not None and value < 1:
            errors[key] = [_("Give a whole number, at least 1.")]
    if errors:
        raise ValidationError(errors)
    assert member is not None and data.event_date is not None
    version = version_in_force(fund=fund, on=data.event_date)
    if version is None:
        raise ValidationError(
            {
                "event_date": [
                    _("No approved regulation was in force on %(date)s.")
                    % {"date": format_date(data.event_date, current_lang())}
                ]
            }
        )
    regulation = regulation_of(version)
    benefit = regulation.benefit(data.benefit)
    if benefit is None:
        raise ValidationError(
            {
                "benefit": [
                    _("Version %(number)s of the regulation has no such benefit.")
                    % {"number": version.number}
                ]
            }
        )
    if benefit.recurring is not None and data.months is not None:
        data = replace(data, months=None)  # a pension's claim decides one period's amount
    history = member_history(member, on=data.event_date, exclude_claims=exclude_claims)
    decision = decide(regulation, history, event_of(data, as_of=today, filed_on=filed_on))
    _refuse_bad_input(decision)
    return Preview(
        member=member,
        version=version,
        regulation=regulation,
        decision=decision,
        data=data,
        as_of=today,
        benefit_name=benefit.name_th,
        benefit_name_en=benefit.name_en,
        benefit_kind=benefit.kind,
        evidence=benefit.evidence,
        recurring_every=_recurring_of(benefit),
    )


def _refuse_bad_input(decision: Decision) -> None:
    errors: dict[str, list[str]] = {}
    lang = current_lang()
    for step in decision.failed_steps:
        target = REFUSING_STEPS.get(step.code)
        if step.code == "detail_missing":
            target = DETAIL_FIELDS.get(str(step.params.get("detail")), "__all__")
        if target is not None:
            errors.setdefault(target, []).append(render_step(step, lang))
    if errors:
        raise ValidationError(errors)


def _snapshot(claim: Claim, preview: Preview) -> None:
    d = preview.decision
    claim.regulation_version = preview.version
    claim.decided_on = preview.as_of
    claim.eligible = d.eligible
    claim.amount_computed = d.amount
    claim.units = d.units
    claim.trace = [s.to_dict() for s in d.steps]
    claim.clauses = list(d.clauses)
    claim.amount_proposed = d.amount
    claim.reduction_reason = ""
    claim.benefit_kind = preview.benefit_kind
    claim.benefit_name = preview.benefit_name
    claim.benefit_name_en = preview.benefit_name_en
    claim.recurring_every = preview.recurring_every


@retry_transient
@transaction.atomic
def claim_file(
    *,
    fund: Fund,
    data: ClaimInput,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> Claim:
    """File a claim; the engine's decision is stored with it (the version and clauses used)."""
    fund_lock(fund.pk)
    today = today or timezone.localdate()
    preview = claim_preview(fund=fund, data=data, today=today)
    fy = fiscal_year_be(today, fund.fiscal_year_start_month)
    claim = Claim(
        fund=fund,
        fiscal_year=fy,
        number=counter_next(fund_id=fund.pk, key=f"claim:{fy}"),
        member=preview.member,
        benefit=data.benefit,
        event_date=data.event_date,
        relative=data.relative or "self",
        details=data.details(),
        filed_by=_user(actor),
        filed_on=today,
    )
    _snapshot(claim, preview)
    claim.save()
    return claim


@retry_transient
@transaction.atomic
def claim_file_with_evidence(
    *,
    fund: Fund,
    data: ClaimInput,
    evidence: list[tuple[str, str]],
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> Claim:
    """File a claim with the documents the committee saw on paper (the API's one call): all
    or nothing, a bad document named by its position (``evidence[1].requirement``)."""
    fund_lock(fund.pk)
    claim = claim_file(fund=fund, data=data, actor=actor, today=today)
    for i, (requirement, description) in enumerate(evidence):
        try:
            evidence_seen_on_paper(
                claim=claim, requirement=requirement, description=description, actor=actor
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"evidence[{i}].{k}": v for k, v in exc.message_dict.items()}
            ) from None
    return claim


def _recurring_of(benefit: Any) -> str:
    return benefit.recurring.every if getattr(benefit, "recurring", None) else ""


def steps_of(claim: Claim) -> list[Step]:
    return [Step(s["code"], s.get("clause"), s.get("params", {}), s["ok"]) for s in claim.trace]


def trace_lines(claim: Claim, lang: str | None = None) -> list[tuple[str, bool]]:
    lang = lang or current_lang()
    return [(render_step(s, lang), s.ok) for s in steps_of(claim)]


# --- evidence ------------------------------------------------------------------------------


def required_evidence(claim: Claim) -> tuple[Evidence, ...]:
    benefit = regulation_of(claim.regulation_version).benefit(claim.benefit)
    return benefit.evidence if benefit is not None else ()


def evidence_missing(claim: Claim) -> list[Evidence]:
    """Documents the regulation asks for that the claim has neither as a file nor on paper."""
    have = set(claim.evidence.values_list("requirement", flat=True))
    return [e for e in required_evidence(claim) if e.code not in have]


def sniff_content_type(upload: UploadedFile) -> str | None:
    """The real type from the bytes (never the browser's word): PDF or an image Pillow reads."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        from PIL import Image

        with Image.open(upload) as img:
            fmt = img.format
            img.verify()
    except Exception:
        return None
    finally:
        upload.seek(0)
    if fmt in EVIDENCE_IMAGE_FORMATS:
        return Image.MIME.get(fmt)
    return None


def _check_open(claim: Claim) -> None:
    if not claim.is_open:
        raise ValidationError(
            {"__all__": [_("This claim is %(status)s.") % {"status": claim.get_status_display()}]}
        )


def _check_requirement(claim: Claim, requirement: str) -> None:
    if requirement and requirement not in {e.code for e in required_evidence(claim)}:
        raise ValidationError({"requirement": [_("Choose one of the documents listed.")]})


@retry_transient
@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    upload: UploadedFile,
    actor: AbstractBaseUser | None,
    requirement: str = "",
    description: str = "",
) -> ClaimEvidence:
    """Store a file with the claim (image or PDF, at most 5 MB), under claims/<fund>/<claim>/."""
    fund_lock(claim.fund_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _check_open(claim)
    _check_requirement(claim, requirement)
    if upload.size is None or upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES >> 20}]}
        )
    if upload.size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError({"file": [_("Send a photo (JPEG, PNG …) or a PDF file.")]})
    name = (upload.name or "evidence").rsplit("/", 1)[-1][:200]
    evidence = ClaimEvidence(
        claim=claim,
        requirement=requirement,
        description=description.strip()[:200],
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=_user(actor),
    )
    evidence.file.save(name, upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@retry_transient
@transaction.atomic
def evidence_seen_on_paper(
    *, claim: Claim, actor: AbstractBaseUser | None, requirement: str = "", description: str = ""
) -> ClaimEvidence:
    """Record that the committee saw a paper document kept in the fund's files."""
    fund_lock(claim.fund_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _check_open(claim)
    _check_requirement(claim, requirement)
    if not requirement and not description.strip():
        raise ValidationError({"description": [_("Say which document was seen.")]})
    return ClaimEvidence.objects.create(
        claim=claim,
        requirement=requirement,
        description=description.strip()[:200],
        on_paper=True,
        uploaded_by=_user(actor),
    )


# --- review --------------------------------------------------------------------------------


def can_decide(user: AbstractBaseUser, fund: Fund, on: dt.date | None = None) -> bool:
    """Who may approve a claim. A fund that keeps its committee record in Kongtun decides by
    it: the login must hold a seat (not the auditor's) on that day. A fund without terms on
    record falls back to the logins' roles."""
    if getattr(user, "is_superuser", False):
        return True
    from kongtun.governance.models import CommitteeTerm, Position
    from kongtun.governance.selectors import terms_in_office

    if CommitteeTerm.objects.filter(fund=fund).exists():
        on = on or timezone.localdate()
        return (
            terms_in_office(fund, on).filter(user=user).exclude(position=Position.AUDITOR).exists()
        )
    roles = set(
        FundRole.objects.filter(user=user, fund=fund, revoked_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    return bool(roles & CAPABILITIES[Cap.DECIDE_CLAIMS])


def is_claimant(user: AbstractBaseUser, claim: Claim) -> bool:
    """The person who filed the claim, or a login of the member it is for."""
    if claim.filed_by_id is not None and claim.filed_by_id == user.pk:
        return True
    return FundRole.objects.filter(
        user=user, fund_id=claim.fund_id, member_id=claim.member_id
    ).exists()


def approvals_in_round(claim: Claim) -> list[ClaimApproval]:
    return list(
        claim.reviews.filter(round=claim.round, action=ReviewAction.APPROVE).select_related("user")
    )


@retry_transient
@transaction.atomic
def claim_review(
    *,
    claim: Claim,
    actor: AbstractBaseUser,
    action: str,
    reason: str = "",
    amount: Decimal | None = None,
    today: dt.date | None = None,
    resolution: Resolution | None = None,
) -> Claim:
    """One committee member's decision on a claim.

    approve — the claim is paid once ``approvals_required`` distinct members approved the same
    amount in the current round. ``amount`` below the regulation's needs a written reason (it
    starts a new round: earlier approvals were for another amount); above it is refused.
    reject / more_evidence — with a reason.
    ``resolution`` — the fund's resolution of the meeting that decided the claim (on or before
    today), cited by the review.
    """
    fund_lock(claim.fund_id)
    today = today or timezone.localdate()
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("member", "fund")
        .get(pk=claim.pk)
    )
    reason = (reason or "").strip()
    if action not in ReviewAction.values:
        raise ValidationError({"action": [_("Choose approve, reject or ask for more evidence.")]})
    if not can_decide(actor, claim.fund):
        raise ValidationError({"__all__": [_("Only committee members decide claims.")]})
    if is_claimant(actor, claim):
        raise ValidationError(
            {"__all__": [_("You filed this claim or it is your own: others must decide it.")]}
        )
    allowed = (
        (ClaimStatus.SUBMITTED, ClaimStatus.MORE_EVIDENCE)
        if action == ReviewAction.REJECT
        else (ClaimStatus.SUBMITTED,)
    )
    if claim.status not in allowed:
        raise ValidationError(
            {"__all__": [_("This claim is %(status)s.") % {"status": claim.get_status_display()}]}
        )
    if resolution is not None:
        resolution = _cited_resolution(claim, resolution, today)
    if action != ReviewAction.APPROVE:
        if not reason:
            raise ValidationError({"reason": [_("Please give the reason.")]})
        ClaimApproval.objects.create(
            claim=claim,
            round=claim.round,
            user=actor,
            action=action,
            reason=reason[:500],
            resolution=resolution,
        )
        claim.status = (
            ClaimStatus.REJECTED if action == ReviewAction.REJECT else ClaimStatus.MORE_EVIDENCE
        )
        claim.save(update_fields=["status"])
        return claim

    if not claim.eligible:
        raise ValidationError(
            {"__all__": [_("The regulation does not allow this claim; it can only be rejected.")]}
        )
    missing = evidence_missing(claim)
    if missing:
        raise ValidationError(
            {
                "__all__": [
                    _("Evidence missing: %(docs)s.")
                    % {"docs": ", ".join(evidence_label(e) for e in missing)}
                ]
            }
        )
    if amount is not None and amount != claim.amount_proposed:
        if amount > claim.amount_computed:
            raise ValidationError(
                {
                    "amount": [
                        _("The regulation allows at most %(max)s baht.")
                        % {"max": f"{claim.amount_computed:,.2f}"}
                    ]
                }
            )
        if amount <= 0 or amount != amount.quantize(CENT):
            raise ValidationError({"amount": [_("Give an amount more than zero, in baht.")]})
        if amount < claim.amount_computed and not reason:
            raise ValidationError(
                {"reason": [_("Write why less than the regulation's amount is paid.")]}
            )
        claim.amount_proposed = amount
        claim.reduction_reason = reason[:500] if amount < claim.amount_computed else ""
        claim.round += 1
        claim.save(update_fields=["amount_proposed", "reduction_reason", "round"])
    if claim.reviews.filter(round=claim.round, action=ReviewAction.APPROVE, user=actor).exists():
        raise ValidationError({"__all__": [_("You have already approved this claim.")]})
    try:
        with transaction.atomic():
            ClaimApproval.objects.create(
                claim=claim,
                round=claim.round,
                user=actor,
                action=ReviewAction.APPROVE,
                amount=claim.amount_proposed,
                reason=reason[:500],
                resolution=resolution,
            )
    except IntegrityError:
        raise ValidationError({"__all__": [_("You have already approved this claim.")]}) from None
    count = claim.reviews.filter(round=claim.round, action=ReviewAction.APPROVE).count()
    if count >= policy_of(claim.fund).approvals_required:
        _recheck_caps(claim)
        claim.status = ClaimStatus.APPROVED
        claim.amount_approved = claim.amount_proposed
        claim.approved_at = timezone.now()
        claim.save(update_fields=["status", "amount_approved", "approved_at"])
    return claim


def _cited_resolution(claim: Claim, resolution: Resolution, today: dt.date) -> Resolution:
    """The resolution a review cites: the claim's fund's, of a meeting on or before today and
    not before the event claimed for (a claim typed in after its meeting may cite it)."""
    found, problem = citable_resolution(
        fund_id=claim.fund_id, resolution=resolution, on=today, not_before=claim.event_date
    )
    if found is None:
        raise ValidationError({"resolution": [problem]})
    return found


def _recheck_caps(claim: Claim) -> None:
    """Before money is committed: claims granted since this one was decided may have used
    the same yearly or lifetime cap. Serialized per member (row lock)."""
    Member.objects.select_for_update().filter(pk=claim.member_id).first()
    regulation = regulation_of(claim.regulation_version)
    history = member_history(claim.member, on=claim.event_date, exclude_claims=[claim.pk])
    data = ClaimInput.from_claim(claim)
    decision = decide(
        regulation, history, event_of(data, as_of=claim.decided_on, filed_on=claim.filed_on)
    )
    if not decision.eligible or decision.amount < claim.amount_proposed:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "Since this claim was decided, other claims were granted under the same "
                        "caps: the regulation now allows %(amount)s baht. Decide the claim again."
                    )
                    % {"amount": f"{decision.amount:,.2f}"}
                ]
            }
        )


@retry_transient
@transaction.atomic
def claim_redecide(
    *,
    claim: Claim,
    actor: AbstractBaseUser | None,
    data: ClaimInput | None = None,
    today: dt.date | None = None,
) -> Claim:
    """Decide an open claim again (after more evidence, corrected details, or other claims
    granted in between): a new decision as of today and a new approval round."""
    fund_lock(claim.fund_id)
    today = today or timezone.localdate()
    claim = Claim.objects.select_for_update(of=("self",)).select_related("member").get(pk=claim.pk)
    _check_open(claim)
    kept = ClaimInput.from_claim(claim)
    data = data or kept
    data = ClaimInput(
        **{
            **data.__dict__,
            "member_number": claim.member.number,
            "benefit": claim.benefit,
            # corrected details do not drop an exception the committee recorded
            "deadline_resolution": kept.deadline_resolution,
            "deadline_resolution_id": kept.deadline_resolution_id,
        }
    )
    preview = claim_preview(
        fund=claim.fund,
        data=data,
        today=today,
        exclude_claims=(claim.pk,),
        filed_on=claim.filed_on,
    )
    _snapshot(claim, preview)
    claim.event_date = data.event_date
    claim.relative = data.relative or "self"
    claim.details = data.details()
    claim.round += 1
    claim.status = ClaimStatus.SUBMITTED
    claim.save()
    return claim


#: Claims that can no longer be accepted late: the money is decided or gone.
_SETTLED = (ClaimStatus.APPROVED, ClaimStatus.PAID)


def failed_deadline(claim: Claim) -> bool:
    """The claim's decision failed at the filing-deadline step (an exception could help)."""
    return any(s.get("code") == "filing_deadline" and not s.get("ok") for s in claim.trace or [])


@retry_transient
@transaction.atomic
def claim_deadline_exception(
    *,
    claim: Claim,
    resolution: Resolution,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> Claim:
    """Record the committee's resolution accepting a claim filed after the regulation's
    deadline (issue 14) and decide it again: from then on the engine passes the deadline step
    and the trace names the resolution. Only for a claim refused at that step and not yet
    approved or paid; a rejected one goes back to the committee in a new round."""
    fund_lock(claim.fund_id)
    today = today or timezone.localdate()
    claim = Claim.objects.select_for_update(of=("self",)).select_related("member").get(pk=claim.pk)
    if claim.status in _SETTLED or not failed_deadline(claim):
        raise ValidationError(
            {
                "resolution": [
                    _(
                        "Only a claim refused for being filed late, and not yet approved, "
                        "can be accepted late."
                    )
                ]
            }
        )
    found = _cited_resolution(claim, resolution, today)
    with translation.override("th"):
        label = f"{_('Resolution')} {found.display_number} {found.title}".strip()
    data = ClaimInput.from_claim(claim, deadline_resolution=label, deadline_resolution_id=found.pk)
    preview = claim_preview(
        fund=claim.fund, data=data, today=today, exclude_claims=(claim.pk,), filed_on=claim.filed_on
    )
    _snapshot(claim, preview)
    claim.details = data.details()
    claim.round += 1
    claim.status = ClaimStatus.SUBMITTED
    claim.save()
    return claim


def evidence_label(e: Evidence) -> str:
    return e.name_en if current_lang() == "en" and e.name_en else e.name_th


# --- payout --------------------------------------------------------------------------------


def split_by_shares(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split ``total`` baht by ``shares`` to the satang, the parts summing exactly to the total:
    each gets the floor of its exact part, and the satang left over go one each to the largest
    remainders (the earlier listed first on a tie)."""
    if not shares:
        return []
    satang = int((total / CENT).to_integral_value())
    weight = sum(shares)
    if weight <= 0:
        raise ValueError("shares must be positive")
    exact = [Decimal(satang) * s / weight for s in shares]
    floors = [int(x.to_integral_value(ROUND_FLOOR)) for x in exact]
    left = satang - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [(Decimal(n) * CENT).quantize(CENT) for n in floors]


def payees(claim: Claim, amount: Decimal) -> list[dict[str, str]]:
    """Who receives the money: the named beneficiaries by their shares for the member's own
    death, otherwise the member."""
    member = claim.member
    if claim.benefit_kind == "death" and claim.relative == "self":
        bens = list(
            Beneficiary.objects.filter(member=member, replaced_at__isnull=True).order_by(
                "position", "id"
            )
        )
        if bens:
            parts = split_by_shares(amount, [b.share_percent for b in bens])
            return [
                {
                    "name": b.name,
                    "relationship": b.relationship,
                    "share_percent": f"{b.share_percent:.2f}",
                    "amount": f"{part:.2f}",
                }
                for b, part in zip(bens, parts, strict=True)
            ]
    return [
        {
            "name": member.full_name,
            "relationship": _("member"),
            "share_percent": "100.00",
            "amount": f"{amount:.2f}",
        }
    ]


def benefit_account_role(kind: str) -> str:
    return f"benefit:{ACCOUNT_OF_KIND.get(kind, kind)}"


def _benefit_account(fund: Fund, kind: str) -> Any:
    try:
        return account_for(fund, benefit_account_role(kind))
    except ValidationError:
        return account_for(fund, "benefit:other")


def next_numbers(fund: Fund, key: str, n: int) -> int:
    """Reserve n consecutive numbers of a gap-free counter; returns the first."""
    return counter_reserve(fund_id=fund.pk, key=key, n=n)


def voucher_description(claim: Claim, ref: str, period: dt.date | None = None) -> str:
    text = _("Payment voucher %(ref)s: %(benefit)s for %(number)s %(name)s (claim %(claim)s)") % {
        "ref": ref,
        "benefit": claim.benefit_name,
        "number": claim.member.number,
        "name": claim.member.full_name,
        "claim": claim.display_number,
    }
    if period is not None:
        text += ", " + _("period %(month)s") % {"month": month_name(period)}
    return text


def _post_voucher(
    claim: Claim,
    ref: str,
    *,
    paid_on: dt.date,
    source: str,
    amount: Decimal,
    actor: AbstractBaseUser | None,
    today: dt.date,
    period: dt.date | None = None,
) -> Any:
    """The voucher's entry: debit the benefit's expense account, credit cash or bank."""
    return entry_post(
        fund=claim.fund,
        draft=EntryDraft(
            date=paid_on,
            description=voucher_description(claim, ref, period),
            lines=[
                LineDraft(
                    account=_benefit_account(claim.fund, claim.benefit_kind),
                    debit=amount,
                    member_id=claim.member_id,
                ),
                LineDraft(
                    account=account_for(claim.fund, source),
                    credit=amount,
                    member_id=claim.member_id,
                ),
            ],
            source_type=SourceType.CLAIM,
            source_ref=ref,
        ),
        actor=actor,
        today=today,
    )


@retry_transient
@transaction.atomic
def claim_pay(
    *,
    claim: Claim,
    actor: AbstractBaseUser | None,
    paid_on: dt.date,
    source: str = "cash",
    amount: Decimal | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Payout:
    """Pay an approved claim once: a voucher numbered per fiscal year without gaps, one
    balanced entry (debit the benefit's expense account, credit cash or bank)."""
    fund_lock(claim.fund_id)
    today = today or timezone.localdate()
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("member", "fund")
        .get(pk=claim.pk)
    )
    if (
        claim.status == ClaimStatus.PAID
        or Payout.objects.filter(claim=claim, voided_at__isnull=True).exists()
    ):
        raise ValidationError({"__all__": [_("This claim has already been paid.")]})
    if claim.status != ClaimStatus.APPROVED:
        raise ValidationError({"__all__": [_("Only an approved claim can be paid.")]})
    if claim.recurring_every:
        raise ValidationError(
            {"__all__": [_("A pension is paid every period from the list of pensions due.")]}
        )
    errors: dict[str, list[str]] = {}
    approved = claim.amount_approved or Decimal(0)
    amount = approved if amount is None else amount
    note = (note or "").strip()
    if amount <= 0 or amount != amount.quantize(CENT):
        errors["amount"] = [_("Give an amount more than zero, in baht.")]
    elif amount > approved:
        errors["amount"] = [
            _("At most the approved %(amount)s baht.") % {"amount": f"{approved:,.2f}"}
        ]
    elif amount < approved and not note:
        errors["note"] = [_("Write why less than the approved amount is paid.")]
    if source not in Payout.Source.values:
        errors["source"] = [_("Pay from cash or from the bank.")]
    approved_day = timezone.localtime(claim.approved_at).date() if claim.approved_at else None
    if paid_on is None:
        errors["paid_on"] = [_("Please enter a date.")]
    elif paid_on > today:
        errors["paid_on"] = [_("The date is in the future.")]
    elif approved_day is not None and paid_on < approved_day:
        errors["paid_on"] = [_("The claim was approved later than this date.")]
    elif closed := closed_month_problem(claim.fund, paid_on):
        errors["paid_on"] = [closed]
    if errors:
        raise ValidationError(errors)
    fy = fiscal_year_be(paid_on, claim.fund.fiscal_year_start_month)
    number = counter_next(fund_id=claim.fund_id, key=f"claim_voucher:{fy}")
    ref = f"{fy}/{number:05d}"
    try:
        entry = _post_voucher(
            claim, ref, paid_on=paid_on, source=source, amount=amount, actor=actor, today=today
        )
    except ValidationError as exc:
        # Not enough cash on hand (or in the bank) that day: the message says how much there
        # is and what to do; it belongs to the choice of cash or bank.
        raise ValidationError({"source": exc.message_dict.get("lines", exc.messages)}) from None
    payout = Payout.objects.create(
        claim=claim,
        fund=claim.fund,
        fiscal_year=fy,
        number=number,
        paid_on=paid_on,
        source=source,
        amount=amount,
        paid_to=payees(claim, amount),
        note=note[:500] if amount < approved else "",
        entry=entry,
        created_by=_user(actor),
    )
    claim.status = ClaimStatus.PAID
    claim.save(update_fields=["status"])
    return payout


@retry_transient
@transaction.atomic
def payout_void(
    *,
    payout: Payout,
    reason: str,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> Payout:
    """Cancel a payment made in error (wrong person or amount, money returned): the voucher
    keeps its number and shows it is cancelled, a reversing entry is posted in an open month,
    and the claim is approved-unpaid again, to be paid correctly."""
    fund_lock(payout.fund_id)
    today = today or timezone.localdate()
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=payout.claim_id)
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.voided_at is not None:
        raise ValidationError({"__all__": [_("This payment is already cancelled.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Please give the reason.")]})
    with translation.override(settings.LANGUAGE_CODE):  # the books are kept in Thai
        why = str(_("payment voucher %(number)s cancelled: %(reason)s")) % {
            "number": payout.display_number,
            "reason": reason,
        }
    reversal = entry_reverse(
        entry=payout.entry, date=max(today, payout.paid_on), reason=why, actor=actor, today=today
    )
    payout.void_entry = reversal
    payout.voided_at = timezone.now()
    payout.void_reason = reason[:300]
    payout.voided_by = _user(actor)
    payout.save(update_fields=["void_entry", "voided_at", "void_reason", "voided_by"])
    claim.status = ClaimStatus.APPROVED
    claim.save(update_fields=["status"])
    return payout
