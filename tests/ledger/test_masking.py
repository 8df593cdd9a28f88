"""``ledger.masking``: whatever was typed into an entry, a viewer without ``view_persons`` reads
only what the entry is."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pythainlp.corpus import thai_family_names, thai_female_names

from kongtun.ledger.masking import drawn_ref, mask_entries
from kongtun.ledger.models import JournalEntry, SourceType

pytestmark = pytest.mark.django_db

NAMES = sorted(n for n in thai_female_names() | thai_family_names() if len(n) >= 5)


@pytest.mark.parametrize(
    ("ref", "shown"),
    [
        ("2569/00012", "2569/00012"),
        ("import:7", "import:7"),
        ("บิล ประภัสสร", ""),
        ("1101700230705", ""),
        ("2569/00012 นางสมศรี", ""),
        ("", ""),
    ],
)
def test_only_the_document_numbers_kongtun_draws_are_shown(ref, shown):
    assert drawn_ref(ref) == shown


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(SourceType.values),
    name=st.sampled_from(NAMES),
    number=st.from_regex(r"[0-9]{2}-[0-9]{4}", fullmatch=True),
    nid=st.from_regex(r"[1-8][0-9]{12}", fullmatch=True),
    before=st.text(max_size=20),
)
def test_nothing_typed_into_an_entry_reaches_a_masked_reader(
    world, kind, name, number, nid, before
):
    typed = f"{before} นาง{name} สมาชิก {number} {nid}"
    entry = JournalEntry(
        fund=world.fund_a,
        seq=7,
        date=dt.date(2026, 1, 5),
        description=typed[:300],
        source_type=kind,
        source_ref=f"{name} {number}"[:60],
    )
    [masked] = mask_entries([entry])
    for secret in (name, number, nid):
        assert secret not in masked.description
        assert secret not in masked.source_ref
    assert masked.description  # says what the entry is
