"""Demo funds, committee logins and members."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

from kongtun.funds.models import Fund, FundRole, OccupationGroup, Role, Village
from kongtun.funds.services import AreaInput, FundInput, fund_create, role_grant
from kongtun.members.models import Member, MemberStatus
from kongtun.members.services import (
    BeneficiaryInput,
    MemberInput,
    member_create,
    member_set_status,
)

DEMO_PASSWORD = "kongtun-demo"


@dataclass(frozen=True)
class DemoFund:
    key: str
    name_th: str
    name_en: str
    province: str
    district: AreaInput
    subdistrict: AreaInput
    founded_on: dt.date
    bases: tuple[str, ...]
    villages: int
    members: int
    fiscal_month: int
    #: the oldest age on the day of joining that the fund's regulation admits (clause 5)
    max_entry_age: int


BANTHI = DemoFund(
    key="banthi",
    name_th="กองทุนสวัสดิการชุมชนตำบลบ้านธิ",
    name_en="Banthi Subdistrict Community Welfare Fund",
    province="51",
    district=AreaInput("5107", "บ้านธิ", "Ban Thi"),
    subdistrict=AreaInput("510701", "บ้านธิ", "Ban Thi"),
    founded_on=dt.date(2009, 6, 1),
    bases=("ecology", "holistic_health", "economics"),
    villages=10,
    members=420,
    fiscal_month=1,
    max_entry_age=65,
)
THANEUN = DemoFund(
    key="thaneun",
    name_th="กองทุนสวัสดิการชุมชนตำบลทาเหนือ",
    name_en="Thaneun Subdistrict Community Welfare Fund",
    province="50",
    district=AreaInput("5023", "แม่ออน", "Mae On"),
    subdistrict=AreaInput("502306", "ทาเหนือ", "Tha Nuea"),
    founded_on=dt.date(2009, 9, 1),
    bases=("economics", "community"),
    villages=8,
    members=310,
    fiscal_month=1,
    max_entry_age=60,
)
DEMO_FUNDS = (BANTHI, THANEUN)

# Informal-sector occupations and how common they are in a northern rural subdistrict.
OCCUPATION_WEIGHTS = {
    "farmer": 38,
    "agri_labourer": 14,
    "general_labour": 12,
    "home_based": 8,
    "handicraft": 7,
    "small_trader": 7,
    "street_vendor": 5,
    "construction": 5,
    "motorcycle_taxi": 2,
    "domestic": 2,
}

# (username, role) per fund; the coordinator holds a role in both funds.
COMMITTEE = {
    "banthi": [
        ("banthi.chair", Role.CHAIR),
        ("banthi.treasurer", Role.TREASURER),
        ("banthi.secretary", Role.SECRETARY),
        ("banthi.auditor", Role.AUDITOR),
        ("banthi.committee", Role.COMMITTEE),
    ],
    "thaneun": [
        ("thaneun.chair", Role.CHAIR),
        ("thaneun.treasurer", Role.TREASURER),
        ("thaneun.manager", Role.MANAGER),
        ("thaneun.committee", Role.COMMITTEE),
    ],
}


def demo_logins() -> list[tuple[str, str]]:
    """(username, what it shows) for the README and `make run`."""
    rows = [("admin", "superuser: every fund and the Django admin")]
    for key, people in COMMITTEE.items():
        rows += [(u, f"{r.label} · {key}") for u, r in people]
    rows += [
        ("coordinator", "network coordinator · both funds (read only)"),
        ("banthi.member", "member · sees only their own record"),
    ]
    return rows


def random_national_id(rng: random.Random, born: dt.date) -> str:
    """13 digits with a valid check digit; the first digit follows the real convention
    (3 for people registered before 1984, 1 for births after), the rest is random."""
    first = "3" if born.year < 1984 else "1"
    body = first + "".join(str(rng.randrange(10)) for _ in range(11))
    check = (11 - sum(int(d) * (13 - i) for i, d in enumerate(body)) % 11) % 10
    return body + str(check)


def _user(username: str, *, superuser: bool = False) -> object:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = superuser
        user.save()
    return user


def _join_date(rng: random.Random, founded: dt.date, today: dt.date) -> dt.date:
    """Many join in the founding year, then a steady trickle."""
    if rng.random() < 0.35:
        return founded + dt.timedelta(days=rng.randrange(0, 240))
    span = (today - founded).days
    return founded + dt.timedelta(days=int(span * rng.random() ** 1.3))


def create_demo_fund(spec: DemoFund, *, rng: random.Random, today: dt.date) -> Fund:
    admin = _user("admin", superuser=True)
    fund = fund_create(
        data=FundInput(
            name_th=spec.name_th,
            name_en=spec.name_en,
            short_code=spec.key.upper(),
            province_code=spec.province,
            district=spec.district,
            subdistrict=spec.subdistrict,
            founded_on=spec.founded_on,
            conceptual_bases=list(spec.bases),
            fiscal_year_start_month=spec.fiscal_month,
            member_number_pattern="{village:02d}-{seq:04d}",
            village_count=spec.villages,
        ),
        actor=None,
        today=today,
    )
    Fund.objects.filter(pk=fund.pk).update(is_demo=True)
    fund.is_demo = True
    for username, role in COMMITTEE[spec.key]:
        role_grant(fund=fund, user=_user(username), role=role, actor=admin)
    role_grant(fund=fund, user=_user("coordinator"), role=Role.COORDINATOR, actor=admin)

    villages = list(Village.objects.filter(fund=fund))
    occupations = {o.code: o for o in OccupationGroup.objects.filter(fund=fund)}
    occ_codes = list(OCCUPATION_WEIGHTS)
    occ_weights = list(OCCUPATION_WEIGHTS.values())
    female, male, family = (
        sorted(thai_female_names()),
        sorted(thai_male_names()),
        sorted(thai_family_names()),
    )
    people = []
    for _ in range(spec.members):
        joined = _join_date(rng, spec.founded_on, today)
        # an age on joining that the regulation admits (the birthday below may make it a year less)
        age = min(spec.max_entry_age, int(rng.triangular(18, spec.max_entry_age + 1, 45)))
        born = dt.date(joined.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
        sex = "F" if rng.random() < 0.54 else "M"
        first = rng.choice(female if sex == "F" else male)
        last = rng.choice(family)
        title = ("นาง" if rng.random() < 0.7 else "นางสาว") if sex == "F" else "นาย"
        kin = rng.choice(family)
        if rng.random() < 0.6:
            bens = [BeneficiaryInput(f"{rng.choice(female + male)} {last}", "บุตร", Decimal("100"))]
        else:
            split = rng.choice([(50, 50), (60, 40), (70, 30)])
            bens = [
                BeneficiaryInput(f"{rng.choice(female + male)} {last}", "คู่สมรส", Decimal(split[0])),
                BeneficiaryInput(f"{rng.choice(female + male)} {kin}", "บุตร", Decimal(split[1])),
            ]
        people.append((joined, born, sex, title, first, last, bens))
    people.sort(key=lambda p: p[0])
    members = []
    for joined, born, sex, title, first, last, bens in people:
        village = rng.choice(villages)
        member = member_create(
            fund=fund,
            data=MemberInput(
                title=title,
                first_name=first,
                last_name=last,
                national_id=random_national_id(rng, born),
                birth_date=born,
                sex=sex,
                village_id=village.pk,
                occupation_id=occupations[rng.choices(occ_codes, occ_weights)[0]].pk,
                join_date=joined,
                address=f"{rng.randrange(1, 250)} หมู่ {village.number} ต.{spec.subdistrict.name_th}",
                phone=f"08{rng.randrange(10_000_000, 99_999_999)}",
                beneficiaries=bens,
            ),
            actor=admin,
            today=today,
        )
        members.append(member)
    _demo_status_history(members, rng=rng, today=today, actor=admin)
    if spec.key == "banthi":
        first_active = next(m for m in members if m.status == MemberStatus.ACTIVE)
        login = _user("banthi.member")
        login.first_name, login.last_name = first_active.first_name, first_active.last_name
        login.save(update_fields=["first_name", "last_name"])
        role_grant(
            fund=fund,
            user=login,
            role=Role.MEMBER,
            actor=admin,
            member_id=first_active.pk,
        )
    return fund


def _demo_status_history(
    members: list[Member], *, rng: random.Random, today: dt.date, actor: object
) -> None:
    """A few members resign, die or are suspended (and some reinstated), each dated."""
    from kongtun.projection.demo_rates import yearly_rate

    for m in members:
        roll = rng.random()
        years = max(0, (today - m.join_date).days)
        if years < 60:
            continue
        when = m.join_date + dt.timedelta(days=rng.randrange(30, years))
        # deaths year by year by Thailand's mortality (UN WPP 2024, as the projection)
        died = None
        day = m.join_date + dt.timedelta(days=30)
        while day < today:
            age = (day - m.birth_date).days // 365
            if rng.random() < yearly_rate("death", year=day.year, sex=m.sex, age=age):
                died = day + dt.timedelta(days=rng.randrange(0, 365))
                break
            day += dt.timedelta(days=365)
        if died is not None and died < today:
            when = died
            member_set_status(
                member=m,
                status=MemberStatus.DECEASED,
                effective_date=when,
                reason="ถึงแก่กรรม",
                actor=actor,
                today=today,
            )
            m.status = MemberStatus.DECEASED
        elif roll < 0.09:
            member_set_status(
                member=m,
                status=MemberStatus.RESIGNED,
                effective_date=when,
                reason="ย้ายภูมิลำเนา",
                actor=actor,
                today=today,
            )
            m.status = MemberStatus.RESIGNED
        elif roll < 0.13:
            member_set_status(
                member=m,
                status=MemberStatus.SUSPENDED,
                effective_date=when,
                reason="ค้างส่งเงินสัจจะ",
                actor=actor,
                today=today,
            )
            m.status = MemberStatus.SUSPENDED
            back = when + dt.timedelta(days=rng.randrange(20, 200))
            if back < today and rng.random() < 0.5:
                member_set_status(
                    member=m,
                    status=MemberStatus.ACTIVE,
                    effective_date=back,
                    reason="ชำระเงินสัจจะที่ค้างครบแล้ว",
                    actor=actor,
                    today=today,
                )
                m.status = MemberStatus.ACTIVE


def demo_funds_exist() -> bool:
    return (
        Fund.objects.filter(is_demo=True).exists()
        or FundRole.objects.filter(user__username="banthi.chair").exists()
    )
