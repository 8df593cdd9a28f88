"""Writes for funds, their villages, occupation groups and roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kongtun.core.money import DEFAULT_MAX_PER_LINE, MAX_AMOUNT
from kongtun.funds.areas import level_of
from kongtun.funds.models import (
    Area,
    ConceptualBasis,
    Fund,
    FundRole,
    OccupationGroup,
    Role,
    RoleInvitation,
    Village,
)

# The default informal-sector occupation groups (editable per fund).
DEFAULT_OCCUPATIONS: list[tuple[str, str, str]] = [
    ("farmer", "เกษตรกร", "Farmer"),
    ("agri_labourer", "ลูกจ้างภาคเกษตร", "Agricultural labourer"),
    ("home_based", "ผู้รับงานไปทำที่บ้าน", "Home-based worker"),
    ("street_vendor", "หาบเร่แผงลอย", "Street vendor"),
    ("handicraft", "หัตถกรรม", "Handicraft"),
    ("construction", "แรงงานก่อสร้าง", "Construction worker"),
    ("motorcycle_taxi", "วินมอเตอร์ไซค์รับจ้าง", "Motorcycle-taxi rider"),
    ("domestic", "ลูกจ้างทำงานบ้าน", "Domestic worker"),
    ("general_labour", "รับจ้างทั่วไป", "General labourer"),
    ("small_trader", "ค้าขายรายย่อย", "Small trader"),
    ("fisher", "ประมงพื้นบ้าน", "Small-scale fisher"),
    ("other", "อื่น ๆ", "Other"),
]


@dataclass
class AreaInput:
    code: str
    name_th: str
    name_en: str = ""


@dataclass
class FundInput:
    name_th: str
    short_code: str
    province_code: str
    district: AreaInput
    subdistrict: AreaInput
    founded_on: dt.date
    name_en: str = ""
    conceptual_bases: list[str] = field(default_factory=list)
    fiscal_year_start_month: int = 1
    member_number_pattern: str = "{seq:05d}"
    village_count: int = 0
    max_amount_per_line: Decimal | None = None  # None: the default (new fund) or unchanged


def _area(code: str, name_th: str, name_en: str, parent: Area | None) -> Area:
    area, _created = Area.objects.get_or_create(
        code=code,
        defaults={
            "level": level_of(code),
            "name_th": name_th,
            "name_en": name_en,
            "parent": parent,
        },
    )
    return area


def _validate_fund(data: FundInput, *, today: dt.date, exclude_pk: int | None = None) -> dict:
    errors: dict[str, list] = {}

    def add(name: str, msg: object) -> None:
        errors.setdefault(name, []).append(msg)

    if not data.name_th.strip():
        add("name_th", _("Please enter the fund's Thai name."))
    if not Area.objects.filter(code=data.province_code, level=Area.Level.PROVINCE).exists():
        add("province", _("Choose a province."))
    d, s = data.district, data.subdistrict
    if not (len(d.code) == 4 and d.code.isdigit() and d.code.startswith(data.province_code)):
        add("district_code", _("A district code has 4 digits and starts with the province code."))
    if not (len(s.code) == 6 and s.code.isdigit() and s.code.startswith(d.code)):
        add(
            "subdistrict_code",
            _("A subdistrict code has 6 digits and starts with the district code."),
        )
    for key, area in (("district_name", d), ("subdistrict_name", s)):
        existing = Area.objects.filter(code=area.code).first()
        if existing is None and not area.name_th.strip():
            add(key, _("Please enter the Thai name of this new area."))
    if data.founded_on > today:
        add("founded_on", _("The founding date cannot be in the future."))
    unknown = set(data.conceptual_bases) - set(ConceptualBasis.values)
    if unknown:
        add("conceptual_bases", _("Unknown conceptual basis."))
    if not 1 <= data.fiscal_year_start_month <= 12:
        add("fiscal_year_start_month", _("Choose a month from 1 to 12."))
    limit = data.max_amount_per_line
    if limit is not None and not (0 < limit <= MAX_AMOUNT):
        add(
            "max_amount_per_line",
            _("Choose an amount above zero and at most %(max)s baht.")
            % {"max": f"{MAX_AMOUNT:,.2f}"},
        )
    try:
        data.member_number_pattern.format(seq=1, year=2567, village=1)
    except (KeyError, IndexError, ValueError):
        add(
            "member_number_pattern",
            _("Use only {seq}, {year} and {village} in the member number pattern."),
        )
    dup = Fund.objects.filter(short_code=data.short_code)
    if exclude_pk:
        dup = dup.exclude(pk=exclude_pk)
    if dup.exists():
        add("short_code", _("Another fund already uses this short code."))
    if not 0 <= data.village_count <= 99:
        add("village_count", _("A subdistrict has between 0 and 99 villages."))
    return errors


@transaction.atomic
def fund_create(
    *, data: FundInput, actor: AbstractBaseUser | None, today: dt.date | None = None
) -> Fund:
    """Create a fund with the default occupation groups; the creator becomes its manager."""
    today = today or timezone.localdate()
    errors = _validate_fund(data, today=today)
    if errors:
        raise ValidationError(errors)
    province = Area.objects.get(code=data.province_code)
    district = _area(data.district.code, data.district.name_th, data.district.name_en, province)
    subdistrict = _area(
        data.subdistrict.code, data.subdistrict.name_th, data.subdistrict.name_en, district
    )
    fund = Fund.objects.create(
        name_th=data.name_th.strip(),
        name_en=data.name_en.strip(),
        short_code=data.short_code,
        subdistrict=subdistrict,
        founded_on=data.founded_on,
        conceptual_bases=list(data.conceptual_bases),
        fiscal_year_start_month=data.fiscal_year_start_month,
        member_number_pattern=data.member_number_pattern,
        max_amount_per_line=data.max_amount_per_line or DEFAULT_MAX_PER_LINE,
    )
    OccupationGroup.objects.bulk_create(
        OccupationGroup(fund=fund, code=code, name_th=th, name_en=en, sort_order=i)
        for i, (code, th, en) in enumerate(DEFAULT_OCCUPATIONS)
    )
    Village.objects.bulk_create(
        Village(fund=fund, number=n, name_th="") for n in range(1, data.village_count + 1)
    )
    if actor is not None and actor.is_authenticated:
        FundRole.objects.create(user=actor, fund=fund, role=Role.MANAGER, granted_by=actor)
    return fund


@transaction.atomic
def fund_update(*, fund: Fund, data: FundInput, today: dt.date | None = None) -> Fund:
    today = today or timezone.localdate()
    errors = _validate_fund(data, today=today, exclude_pk=fund.pk)
    earliest = fund.members.order_by("join_date").values_list("join_date", flat=True).first()
    if earliest and data.founded_on > earliest:
        errors.setdefault("founded_on", []).append(
            _("Members joined before this date; the founding date cannot be later.")
        )
    if errors:
        raise ValidationError(errors)
    province = Area.objects.get(code=data.province_code)
    district = _area(data.district.code, data.district.name_th, data.district.name_en, province)
    fund.subdistrict = _area(
        data.subdistrict.code, data.subdistrict.name_th, data.subdistrict.name_en, district
    )
    fund.name_th = data.name_th.strip()
    fund.name_en = data.name_en.strip()
    fund.short_code = data.short_code
    fund.founded_on = data.founded_on
    fund.conceptual_bases = list(data.conceptual_bases)
    fund.fiscal_year_start_month = data.fiscal_year_start_month
    fund.member_number_pattern = data.member_number_pattern
    if data.max_amount_per_line is not None:
        fund.max_amount_per_line = data.max_amount_per_line
    fund.save()
    return fund


@transaction.atomic
def village_save(*, fund: Fund, number: int, name_th: str) -> Village:
    if number < 1:
        raise ValidationError({"number": _("A village number starts at 1.")})
    village, _created = Village.objects.update_or_create(
        fund=fund, number=number, defaults={"name_th": name_th.strip()}
    )
    return village


@transaction.atomic
def occupation_save(
    *, fund: Fund, code: str, name_th: str, name_en: str = "", active: bool = True
) -> OccupationGroup:
    if not name_th.strip():
        raise ValidationError({"name_th": _("Please enter the Thai name.")})
    group, _created = OccupationGroup.objects.update_or_create(
        fund=fund,
        code=code,
        defaults={"name_th": name_th.strip(), "name_en": name_en.strip(), "active": active},
    )
    return group


@transaction.atomic
def role_grant(
    *,
    fund: Fund,
    user: AbstractBaseUser,
    role: str,
    actor: AbstractBaseUser | None,
    member_id: int | None = None,
) -> FundRole:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.MEMBER:
        if member_id is None or not fund.members.filter(pk=member_id).exists():
            raise ValidationError({"member": _("Choose the member record of this login.")})
    else:
        member_id = None
    if FundRole.objects.filter(user=user, fund=fund, role=role, revoked_at__isnull=True).exists():
        raise ValidationError({"role": _("This user already holds this role in this fund.")})
    return FundRole.objects.create(
        user=user, fund=fund, role=role, member_id=member_id, granted_by=actor
    )


@transaction.atomic
def role_revoke(*, role: FundRole) -> None:
    """Revoking keeps the row, with its date, so the history of who could act stays."""
    FundRole.objects.filter(pk=role.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _linked_user(*, fund: Fund, username: str, actor: AbstractBaseUser | None) -> object | None:
    """The active login of that name if the actor may know it exists: it holds or held a role
    in this fund (it is on the fund's roles page), or the actor is a superuser (who sees every
    login in the admin). Otherwise None, whether or not the login exists."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username=username, is_active=True)
    if not (actor is not None and getattr(actor, "is_superuser", False)):
        users = users.filter(fund_roles__fund=fund)
    return users.distinct().first()


@transaction.atomic
def role_offer(
    *,
    fund: Fund,
    username: str,
    role: str,
    actor: AbstractBaseUser | None,
    member_id: int | None = None,
) -> FundRole | RoleInvitation:
    """Give a role by login name without telling whether the name exists on the server.

    A login already linked to the fund (or any login, for a superuser) gets the role at once.
    Any other name gets a ``RoleInvitation``, which the login of that name takes up at its next
    sign-in (``role_invitations_accept``): the chair sees the same answer whether the login
    exists, exists in another fund only, or does not exist yet."""
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Enter the login name.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.MEMBER:
        if member_id is None or not fund.members.filter(pk=member_id).exists():
            raise ValidationError({"member": _("Choose the member record of this login.")})
    else:
        member_id = None
    user = _linked_user(fund=fund, username=username, actor=actor)
    if user is not None:
        return role_grant(fund=fund, user=user, role=role, actor=actor, member_id=member_id)
    pending = RoleInvitation.objects.filter(
        fund=fund, username=username, role=role, accepted_at__isnull=True, cancelled_at__isnull=True
    )
    if pending.exists():
        raise ValidationError({"role": _("This role is already offered to this login name.")})
    return RoleInvitation.objects.create(
        fund=fund, username=username, role=role, member_id=member_id, invited_by=actor
    )


@transaction.atomic
def role_invitations_accept(*, user: AbstractBaseUser) -> list[FundRole]:
    """At sign-in: the roles offered to this login name become its roles (a role it already
    holds is simply marked taken up)."""
    if not user.is_active:
        return []
    granted = []
    invitations = RoleInvitation.objects.select_for_update().filter(
        username=user.get_username(), accepted_at__isnull=True, cancelled_at__isnull=True
    )
    for inv in invitations:
        held = FundRole.objects.filter(
            user=user, fund_id=inv.fund_id, role=inv.role, revoked_at__isnull=True
        ).first()
        if held is None:
            held = FundRole.objects.create(
                user=user,
                fund_id=inv.fund_id,
                role=inv.role,
                member_id=inv.member_id,
                granted_by=inv.invited_by,
            )
            granted.append(held)
        inv.accepted_at = timezone.now()
        inv.accepted_role = held if not hasattr(held, "invitation") else None
        inv.save(update_fields=["accepted_at", "accepted_role"])
    return granted


@transaction.atomic
def role_invitation_cancel(*, invitation: RoleInvitation) -> None:
    RoleInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now())
