"""Member registration and status history: the only write path for members.

Validation lives here (not in forms) so pages, the API, imports and the demo all refuse the same
bad input with the same message, naming the field.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pythainlp.util import normalize as thai_normalize
from stdnum import exceptions as stdnum_exc
from stdnum.th import pin

from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.models import counter_next
from kongtun.core.thaidates import BE_OFFSET
from kongtun.funds.access import FundAccess
from kongtun.funds.models import Fund, OccupationGroup, Village
from kongtun.ledger.services import closed_month_problem
from kongtun.members.models import (
    AccessKind,
    Beneficiary,
    Member,
    MemberStatus,
    MemberStatusChange,
    PersonalDataAccess,
    PersonalDataAccessItem,
)

HUNDRED = Decimal("100")


def normalize_name(text: str) -> str:
    """One spelling per name: Unicode NFC, PyThaiNLP's normalize (duplicate or misordered
    tone marks and vowels, เเ typed as two เ), single spaces, no zero-width characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\u200b", "").replace("\u200c", "").replace("\ufeff", "")
    text = thai_normalize(text)
    return " ".join(text.split())


def name_search_key(first_name: str, last_name: str) -> str:
    return normalize_name(f"{first_name} {last_name}").casefold()


def national_id_clean(raw: str) -> str:
    """Digits only, or a ValidationError saying what is wrong with the national ID."""
    raw = (raw or "").translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    try:
        return pin.validate(raw)
    except stdnum_exc.InvalidChecksum:
        raise ValidationError(
            {
                "national_id": _(
                    "The national ID's check digit is wrong; please check the 13 digits."
                )
            }
        ) from None
    except stdnum_exc.InvalidLength:
        raise ValidationError({"national_id": _("A national ID has exactly 13 digits.")}) from None
    except stdnum_exc.ValidationError:
        raise ValidationError({"national_id": _("This is not a valid Thai national ID.")}) from None


@dataclass
class BeneficiaryInput:
    name: str
    relationship: str = ""
    share_percent: Decimal = HUNDRED


@dataclass
class MemberInput:
    title: str
    first_name: str
    last_name: str
    national_id: str
    birth_date: dt.date
    sex: str
    village_id: int
    occupation_id: int
    join_date: dt.date
    address: str = ""
    phone: str = ""
    number: str = ""  # empty: drawn from the fund's pattern
    beneficiaries: list[BeneficiaryInput] = field(default_factory=list)


def _validate(
    *, fund: Fund, data: MemberInput, today: dt.date, exclude_member_id: int | None = None
) -> dict[str, list]:
    errors: dict[str, list] = {}

    def add(field_name: str, message: object) -> None:
        errors.setdefault(field_name, []).append(message)

    try:
        data.national_id = national_id_clean(data.national_id)
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            for m in msgs:
                add(k, m)
    else:
        dup = Member.objects.filter(fund=fund, national_id=data.national_id)
        if exclude_member_id:
            dup = dup.exclude(pk=exclude_member_id)
        if dup.exists():
            add(
                "national_id",
                _("A member with this national ID is already registered in this fund."),
            )
    if not normalize_name(data.first_name):
        add("first_name", _("Please enter the first name."))
    if not normalize_name(data.last_name):
        add("last_name", _("Please enter the last name."))
    if data.birth_date > today:
        add("birth_date", _("The birth date cannot be in the future."))
    if data.join_date > today:
        add("join_date", _("The join date cannot be in the future."))
    if data.join_date < fund.founded_on:
        add("join_date", _("The join date is before the fund was founded."))
    if data.join_date < data.birth_date:
        add("join_date", _("The join date is before the birth date."))
    if data.sex not in {"F", "M"}:
        add("sex", _("Please choose the sex."))
    if not Village.objects.filter(pk=data.village_id, fund=fund).exists():
        add("village", _("Choose a village of this fund."))
    if not OccupationGroup.objects.filter(pk=data.occupation_id, fund=fund, active=True).exists():
        add("occupation", _("Choose an occupation group of this fund."))
    if data.number:
        dup = Member.objects.filter(fund=fund, number=data.number)
        if exclude_member_id:
            dup = dup.exclude(pk=exclude_member_id)
        if dup.exists():
            add("number", _("This member number is already used in this fund."))
    if data.beneficiaries:
        total = sum((b.share_percent for b in data.beneficiaries), Decimal(0))
        if total != HUNDRED:
            add(
                "beneficiaries",
                _("Beneficiary shares must total 100%% (now %(total)s%%).") % {"total": total},
            )
        for b in data.beneficiaries:
            if not normalize_name(b.name):
                add("beneficiaries", _("Every beneficiary needs a name."))
            if b.share_percent <= 0:
                add("beneficiaries", _("Every beneficiary's share must be above 0%."))
    return errors


def member_number_next(*, fund: Fund, join_date: dt.date, village: Village) -> str:
    """Draw the next number from the fund's pattern; gap-free because the counter row is locked
    within the registering transaction."""
    seq = counter_next(fund_id=fund.pk, key="member_number")
    try:
        return fund.member_number_pattern.format(
            seq=seq, year=join_date.year + BE_OFFSET, village=village.number
        )
    except (KeyError, IndexError, ValueError):
        return f"{seq:05d}"


def _save_beneficiaries(member: Member, items: list[BeneficiaryInput]) -> None:
    now = timezone.now()
    member.beneficiaries.filter(replaced_at__isnull=True).update(replaced_at=now)
    Beneficiary.objects.bulk_create(
        Beneficiary(
            member=member,
            name=normalize_name(b.name),
            relationship=b.relationship.strip(),
            share_percent=b.share_percent,
            position=i,
        )
        for i, b in enumerate(items)
    )


@retry_transient
@transaction.atomic
def member_create(
    *, fund: Fund, data: MemberInput, actor: AbstractBaseUser | None, today: dt.date | None = None
) -> Member:
    """Register a member, active from the join date; all or nothing."""
    fund_lock(fund.pk)
    today = today or timezone.localdate()
    errors = _validate(fund=fund, data=data, today=today)
    # A published month counts who joined in it: no join is dated into a closed month.
    closed = closed_month_problem(fund, data.join_date)
    if closed:
        errors.setdefault("join_date", []).append(closed)
    if errors:
        raise ValidationError(errors)
    village = Village.objects.get(pk=data.village_id)
    number = data.number or member_number_next(fund=fund, join_date=data.join_date, village=village)
    member = Member.objects.create(
        fund=fund,
        number=number,
        title=data.title.strip(),
        first_name=normalize_name(data.first_name),
        last_name=normalize_name(data.last_name),
        name_search=name_search_key(data.first_name, data.last_name),
        national_id=data.national_id,
        birth_date=data.birth_date,
        sex=data.sex,
        village=village,
        address=data.address.strip(),
        phone=data.phone.strip(),
        occupation_id=data.occupation_id,
        join_date=data.join_date,
        status=MemberStatus.ACTIVE,
        created_by=actor if actor and actor.is_authenticated else None,
    )
    _save_beneficiaries(member, data.beneficiaries)
    return member


@retry_transient
@transaction.atomic
def member_update(
    *,
    member: Member,
    data: MemberInput,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> Member:
    """Correct a member's record (status is changed only through member_set_status)."""
    fund_lock(member.fund_id)
    today = today or timezone.localdate()
    data.number = data.number or member.number
    errors = _validate(fund=member.fund, data=data, today=today, exclude_member_id=member.pk)
    first_change = member.status_changes.order_by("effective_date", "id").first()
    if first_change and data.join_date > first_change.effective_date:
        errors.setdefault("join_date", []).append(
            _("The join date cannot be after the member's first status change.")
        )
    if data.join_date != member.join_date:  # moving a join out of or into a published month
        for day in (member.join_date, data.join_date):
            closed = closed_month_problem(member.fund, day)
            if closed:
                errors.setdefault("join_date", []).append(closed)
                break
    if errors:
        raise ValidationError(errors)
    member.number = data.number
    member.title = data.title.strip()
    member.first_name = normalize_name(data.first_name)
    member.last_name = normalize_name(data.last_name)
    member.name_search = name_search_key(data.first_name, data.last_name)
    member.national_id = data.national_id
    member.birth_date = data.birth_date
    member.sex = data.sex
    member.village_id = data.village_id
    member.address = data.address.strip()
    member.phone = data.phone.strip()
    member.occupation_id = data.occupation_id
    member.join_date = data.join_date
    member.save()
    _save_beneficiaries(member, data.beneficiaries)
    return member


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    MemberStatus.ACTIVE: {MemberStatus.SUSPENDED, MemberStatus.RESIGNED, MemberStatus.DECEASED},
    MemberStatus.SUSPENDED: {MemberStatus.ACTIVE, MemberStatus.RESIGNED, MemberStatus.DECEASED},
    MemberStatus.RESIGNED: {MemberStatus.ACTIVE, MemberStatus.DECEASED},
    MemberStatus.DECEASED: set(),
}


@retry_transient
@transaction.atomic
def member_set_status(
    *,
    member: Member,
    status: str,
    effective_date: dt.date,
    reason: str,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> MemberStatusChange:
    """Append a dated status change; the member's current status follows the latest change.
    The date may be earlier than today (with the reason, always required) but only in a
    month that is still open."""
    fund_lock(member.fund_id)
    today = today or timezone.localdate()
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors: dict[str, list] = {}
    if status not in ALLOWED_TRANSITIONS.get(member.status, set()):
        errors["status"] = [
            _("A member who is %(current)s cannot become %(new)s.")
            % {
                "current": MemberStatus(member.status).label,
                "new": MemberStatus(status).label if status in MemberStatus.values else status,
            }
        ]
    last = member.status_changes.order_by("-effective_date", "-id").first()
    if effective_date > today:
        errors.setdefault("effective_date", []).append(_("The date cannot be in the future."))
    if effective_date < member.join_date:
        errors.setdefault("effective_date", []).append(_("The date is before the member joined."))
    elif last and effective_date < last.effective_date:
        errors.setdefault("effective_date", []).append(
            _("The date is before the member's last status change.")
        )
    else:
        # Back-dating only into an open month: a closed month's published report counts
        # members as they were (decision 0012).
        closed = closed_month_problem(member.fund, effective_date)
        if closed:
            errors.setdefault("effective_date", []).append(closed)
    if not (reason or "").strip():
        errors["reason"] = [_("Please give the reason.")]
    if errors:
        raise ValidationError(errors)
    change = MemberStatusChange.objects.create(
        member=member,
        status=status,
        effective_date=effective_date,
        reason=reason.strip(),
        changed_by=actor if actor and actor.is_authenticated else None,
    )
    Member.objects.filter(pk=member.pk).update(status=status)
    return change


def _member_ids(members: Iterable[Member | int]) -> list[int]:
    seen: dict[int, None] = {}
    for m in members:
        seen[m if isinstance(m, int) else m.pk] = None
    return list(seen)


@transaction.atomic
def personal_data_access_log(
    *,
    access: FundAccess,
    members: Iterable[Member | int],
    kinds: Iterable[str],
    reason: str = "",
    path: str = "",
) -> PersonalDataAccess | None:
    """Record one look at members' personal data (Thailand's PDPA): who (``access.user`` and
    their roles in the fund), which members, which kinds (``AccessKind``), from which page or
    API call, why when the page asked. The one write path of the log: every page, document,
    export and API call that shows personal data calls it. A look at fifty members is one row
    and one multi-row insert of its items, whatever the number of members.

    Members must belong to ``access.fund``; nothing is written when there are none."""
    member_ids = _member_ids(members)
    kind_set = set(kinds)
    unknown = kind_set - set(AccessKind.values)
    if unknown:
        raise ValueError(f"unknown personal-data kinds: {sorted(unknown)}")
    if not member_ids or not kind_set:
        return None
    ordered = [k for k in AccessKind.values if k in kind_set]
    roles = sorted(access.roles) or (["admin"] if access.is_superuser else [])
    look = PersonalDataAccess.objects.create(
        fund=access.fund,
        user=access.user,
        roles=",".join(roles)[:200],
        kinds=",".join(ordered),
        reason=(reason or "").strip()[:300],
        path=(path or "")[:300],
        member_count=len(member_ids),
    )
    PersonalDataAccessItem.objects.bulk_create(
        PersonalDataAccessItem(access=look, member_id=mid, kind=k)
        for mid in member_ids
        for k in ordered
    )
    return look
