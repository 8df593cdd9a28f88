"""Registering members, their status history and finding them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kongtun.members.models import Member, MemberStatus, MemberStatusChange
from kongtun.members.selectors import member_search
from kongtun.members.services import (
    BeneficiaryInput,
    member_create,
    member_set_status,
    normalize_name,
)
from tests.conftest import TODAY, make_nid, member_input

pytestmark = pytest.mark.django_db


def _refused(fund, data) -> dict[str, list[str]]:
    before = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        member_create(fund=fund, data=data, actor=None, today=TODAY)
    assert Member.objects.count() == before, "a refused member must leave nothing behind"
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def test_member_number_follows_the_fund_pattern_without_gaps(world):
    fund = world.fund_a
    fund.member_number_pattern = "{village:02d}-{seq:04d}"
    fund.save()
    m1 = member_create(
        fund=fund, data=member_input(fund, nid=make_nid("310170023100")), actor=None, today=TODAY
    )
    with pytest.raises(ValidationError):
        member_create(
            fund=fund, data=member_input(fund, nid="1234567890123"), actor=None, today=TODAY
        )
    m2 = member_create(
        fund=fund, data=member_input(fund, nid=make_nid("310170023101")), actor=None, today=TODAY
    )
    assert m1.number == "01-0004"  # three members exist in the fixture
    assert m2.number == "01-0005"  # the refused registration did not consume a number


def test_wrong_checksum_is_refused_naming_the_field(world):
    nid = make_nid("310170023109")
    wrong = nid[:-1] + str((int(nid[-1]) + 1) % 10)
    with translation.override("en"):
        errors = _refused(world.fund_a, member_input(world.fund_a, nid=wrong))
    assert list(errors) == ["national_id"]
    assert "check digit" in errors["national_id"][0]


def test_errors_come_in_thai_by_default(world):
    with translation.override("th"):
        errors = _refused(world.fund_a, member_input(world.fund_a, nid="1234"))
    assert "13" in errors["national_id"][0]
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in errors["national_id"][0])


def test_same_id_twice_in_one_fund_is_refused_but_allowed_in_another(world):
    nid = world.members_a[0].national_id
    errors = _refused(world.fund_a, member_input(world.fund_a, nid=nid))
    assert "national_id" in errors
    other = member_create(
        fund=world.fund_b, data=member_input(world.fund_b, nid=nid), actor=None, today=TODAY
    )
    assert other.fund == world.fund_b


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_date": TODAY + dt.timedelta(days=1)}, "birth_date"),
        ({"join_date": dt.date(2009, 5, 31)}, "join_date"),
        ({"join_date": TODAY + dt.timedelta(days=1)}, "join_date"),
        ({"first_name": "  "}, "first_name"),
        ({"sex": "X"}, "sex"),
        (
            {
                "beneficiaries": [
                    BeneficiaryInput("ก ข", "บุตร", Decimal("60")),
                    BeneficiaryInput("ค ง", "บุตร", Decimal("30")),
                ]
            },
            "beneficiaries",
        ),
    ],
)
def test_bad_input_is_refused_with_the_field_named(world, changes, field):
    data = member_input(world.fund_a, nid=make_nid("310170023120"), **changes)
    errors = _refused(world.fund_a, data)
    assert field in errors


def test_village_of_another_fund_is_refused(world):
    foreign_village = world.fund_b.villages.first()
    data = member_input(world.fund_a, nid=make_nid("310170023130"), village_id=foreign_village.pk)
    assert "village" in _refused(world.fund_a, data)


def test_beneficiary_shares_of_exactly_100_are_kept(world):
    data = member_input(
        world.fund_a,
        nid=make_nid("310170023140"),
        beneficiaries=[
            BeneficiaryInput("ก ข", "บุตร", Decimal("33.34")),
            BeneficiaryInput("ค ง", "บุตร", Decimal("33.33")),
            BeneficiaryInput("จ ฉ", "บุตร", Decimal("33.33")),
        ],
    )
    member = member_create(fund=world.fund_a, data=data, actor=None, today=TODAY)
    assert sum(b.share_percent for b in member.beneficiaries.all()) == Decimal("100")


def test_thai_typing_variants_are_stored_as_one_spelling():
    # Two SARA E typed for SARA AE, and a doubled tone mark, are common on phones.
    assert normalize_name("เเสงดาว") == normalize_name("แสงดาว")
    assert normalize_name("น้้ำ  ใจ") == "น้ำ ใจ"


def test_search_by_number_name_variant_id_digits_and_village(world):
    fund = world.fund_a
    target = member_create(
        fund=fund,
        data=member_input(fund, nid=make_nid("310170023150"), first="แสงดาว", last="ศรีสุข"),
        actor=None,
        today=TODAY,
    )
    assert list(member_search(fund=fund, q="เเสงดาว")) == [target]  # typed with เ+เ
    assert list(member_search(fund=fund, q="ดาว ศรี")) == [target]  # parts of both names
    assert target in member_search(fund=fund, q=target.national_id[-4:])
    assert list(member_search(fund=fund, q=target.number)) == [target]
    assert target in member_search(fund=fund, village_id=target.village_id)
    other_village = fund.villages.exclude(pk=target.village_id).first()
    assert target not in member_search(fund=fund, village_id=other_village.pk)
    # never another fund's member
    assert not member_search(fund=world.fund_b, q="แสงดาว").exists()


def test_status_history_is_dated_and_current_status_follows_it(world, make_user):
    actor = make_user("sec")
    member = world.members_a[1]
    member_set_status(
        member=member,
        status=MemberStatus.SUSPENDED,
        effective_date=dt.date(2020, 1, 10),
        reason="ค้างส่ง 3 เดือน",
        actor=actor,
        today=TODAY,
    )
    member_set_status(
        member=member,
        status=MemberStatus.ACTIVE,
        effective_date=dt.date(2020, 3, 1),
        reason="ชำระครบ",
        actor=actor,
        today=TODAY,
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    history = list(
        MemberStatusChange.objects.filter(member=member).values_list("status", "changed_by")
    )
    assert history == [("suspended", actor.pk), ("active", actor.pk)]


@pytest.mark.parametrize(
    ("status", "when", "field"),
    [
        (MemberStatus.ACTIVE, dt.date(2020, 1, 1), "status"),  # already active
        (MemberStatus.RESIGNED, dt.date(2014, 1, 1), "effective_date"),  # before joining
        (MemberStatus.RESIGNED, TODAY + dt.timedelta(days=3), "effective_date"),
    ],
)
def test_impossible_status_changes_are_refused(world, status, when, field):
    member = world.members_a[2]
    with pytest.raises(ValidationError) as exc:
        member_set_status(
            member=member, status=status, effective_date=when, reason="x", actor=None, today=TODAY
        )
    assert field in exc.value.message_dict
    assert not MemberStatusChange.objects.filter(member=member).exists()


def test_deceased_is_final_and_changes_cannot_go_back_in_time(world):
    member = world.members_a[2]
    member_set_status(
        member=member,
        status=MemberStatus.DECEASED,
        effective_date=dt.date(2022, 5, 1),
        reason="ถึงแก่กรรม",
        actor=None,
        today=TODAY,
    )
    with pytest.raises(ValidationError) as exc:
        member_set_status(
            member=member,
            status=MemberStatus.ACTIVE,
            effective_date=dt.date(2023, 1, 1),
            reason="x",
            actor=None,
            today=TODAY,
        )
    assert "status" in exc.value.message_dict
    other = world.members_a[1]
    member_set_status(
        member=other,
        status=MemberStatus.SUSPENDED,
        effective_date=dt.date(2022, 5, 1),
        reason="ค้าง",
        actor=None,
        today=TODAY,
    )
    with pytest.raises(ValidationError) as exc:
        member_set_status(
            member=other,
            status=MemberStatus.ACTIVE,
            effective_date=dt.date(2021, 1, 1),
            reason="x",
            actor=None,
            today=TODAY,
        )
    assert "effective_date" in exc.value.message_dict
