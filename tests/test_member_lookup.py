"""Member numbers found from what people type at a meeting (issue 13): without the dash,
without leading zeros, in Thai digits, or by part of a Thai name; always inside one fund."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kongtun.members.selectors import member_lookup, number_matches
from kongtun.members.services import member_create
from tests.conftest import TODAY, make_nid, member_input

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

villages = st.integers(min_value=0, max_value=99)
seqs = st.integers(min_value=1, max_value=9999)


@given(villages, seqs)
def test_every_way_people_type_a_number_finds_it(village, seq):
    number = f"{village:02d}-{seq:04d}"
    for typed in (
        number,
        f"{village:02d}{seq:04d}",
        f"{village}-{seq}",
        f"{village}{seq:04d}",
        f"{village} {seq}",
        number.translate(THAI),
        f"{village}-{seq}".translate(THAI),
    ):
        assert number_matches(typed, number), typed


@given(villages, seqs, villages, seqs)
def test_a_number_typed_with_its_dash_means_only_that_number(v1, s1, v2, s2):
    typed, other = f"{v1}-{s1}", f"{v2:02d}-{s2:04d}"
    assert number_matches(typed, other) == ((v1, s1) == (v2, s2))


@given(st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙-", min_size=1, max_size=12), villages, seqs)
def test_whatever_matches_has_the_same_digits_less_zeros(typed, village, seq):
    number = f"{village:02d}-{seq:04d}"
    if number_matches(typed, number):
        digits = "".join(c for c in typed.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")) if c.isdigit())
        assert digits.replace("0", "") == number.replace("-", "").replace("0", "")


def test_no_digits_match_nothing():
    assert not number_matches("", "01-0001")
    assert not number_matches("abc", "01-0001")
    assert not number_matches("-", "01-0001")


@pytest.fixture
def funds(world):
    fund = world.fund_a
    fund.member_number_pattern = "{village:02d}-{seq:04d}"
    fund.save()
    villages = list(fund.villages.order_by("number"))
    people = [("มาลี", "ทองคำ", 0), ("มาลัย", "ใจงาม", 1), ("สมปอง", "ทองคำ", 1)]
    made = [
        member_create(
            fund=fund,
            data=member_input(
                fund, nid=make_nid(f"3520011{i:04d}1"), first=f, last=last, village_id=villages[v].pk
            ),
            actor=None,
            today=TODAY,
        )
        for i, (f, last, v) in enumerate(people)
    ]
    return fund, made


@pytest.mark.django_db
def test_lookup_finds_the_member_however_the_number_is_typed(funds):
    fund, (malee, *_rest) = funds
    village, _, seq = malee.number.partition("-")
    for typed in (malee.number, village + seq, f"{int(village)}-{int(seq)}", malee.number.translate(THAI)):
        assert member_lookup(fund=fund, text=typed) == [malee], typed


@pytest.mark.django_db
def test_part_of_a_thai_name_offers_every_member_it_fits(funds):
    fund, (malee, malai, sompong) = funds
    assert member_lookup(fund=fund, text="มาล") == [malee, malai]
    assert member_lookup(fund=fund, text="ทองคำ") == [malee, sompong]
    assert member_lookup(fund=fund, text="มาลี ทอง") == [malee]
    assert member_lookup(fund=fund, text="ไม่มีใคร") == []


@pytest.mark.django_db
def test_lookup_never_answers_with_another_funds_member(world, funds):
    fund, _ = funds
    other = world.members_b[0]
    assert member_lookup(fund=fund, text=other.number) == [] or all(
        m.fund_id == fund.pk for m in member_lookup(fund=fund, text=other.number)
    )
    assert member_lookup(fund=fund, text=other.first_name) == []
    assert member_lookup(fund=world.fund_b, text="มาลี") == []
