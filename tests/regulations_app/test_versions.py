"""Regulation versions in the database: drafts from prototypes, approval by a meeting,
immutability (service and database trigger), version in force by date, YAML export and
import with errors naming their line, and the member history built in few queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from kongtun.regulations.engine import load_prototype
from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR
from kongtun.regulations.history import histories
from kongtun.regulations.models import RegulationVersion, VersionStatus
from kongtun.regulations.selectors import VersionTimeline, regulation_of, version_in_force
from kongtun.regulations.services import (
    RegulationInvalid,
    version_approve,
    version_import,
    version_save_content,
    version_start_from_prototype,
    version_start_from_version,
)
from tests.claims.helpers import approved, file_claim, hospital, paid_up, set_amount
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (pages are tested in Thai)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_draft_starts_from_a_prototype_with_its_clauses(world):
    v = version_start_from_prototype(fund=world.fund_a, prototype="chamung", actor=world.chair_a)
    assert (v.number, v.status, v.created_from) == (1, VersionStatus.DRAFT, "chamung")
    assert v.content == (PROTOTYPE_DIR / "chamung.yaml").read_text(encoding="utf-8")
    assert regulation_of(v) == load_prototype("chamung")
    assert [c["number"] for c in v.clauses][:2] == ["1", "2"]
    with pytest.raises(ValidationError):
        version_start_from_prototype(fund=world.fund_a, prototype="nope", actor=None)


def test_approval_needs_a_resolution_and_dates(world):
    v = version_start_from_prototype(fund=world.fund_a, prototype="banthi", actor=None)
    with pytest.raises(ValidationError) as exc:
        version_approve(
            version=v,
            resolution=" ",
            resolution_date=TODAY + dt.timedelta(days=1),
            effective_date=None,
            actor=None,
            today=TODAY,
        )
    assert set(exc.value.message_dict) == {"resolution", "resolution_date", "effective_date"}
    v.refresh_from_db()
    assert v.status == VersionStatus.DRAFT


def test_an_approved_version_is_never_changed(world):
    v = approved(world.fund_a)
    assert v.status == VersionStatus.APPROVED and v.approved_at is not None
    with pytest.raises(ValidationError, match="amendment"):
        version_save_content(version=v, content=v.content.replace("500", "600"), actor=None)
    # nor through any other path: the database trigger refuses
    with pytest.raises(DatabaseError), transaction.atomic():
        RegulationVersion.objects.filter(pk=v.pk).update(content="format: 1")
    with pytest.raises(DatabaseError), transaction.atomic():
        RegulationVersion.objects.filter(pk=v.pk).update(status="draft")
    v.refresh_from_db()
    assert v.content == (PROTOTYPE_DIR / "banthi.yaml").read_text(encoding="utf-8")


def test_an_amendment_is_a_new_version_in_force_from_its_date(world):
    first = approved(world.fund_a, change=set_amount("hospital", "80"))
    draft = version_start_from_version(version=first, actor=None)
    assert (draft.previous, draft.content) == (first, first.content)
    with pytest.raises(ValidationError) as exc:  # an amendment takes effect after what it amends
        version_approve(
            version=draft,
            resolution="มติ 2/2561",
            resolution_date=dt.date(2018, 3, 1),
            effective_date=dt.date(2009, 6, 1),
            actor=None,
            today=TODAY,
        )
    assert "effective_date" in exc.value.message_dict
    second = version_approve(
        version=draft,
        resolution="มติ 2/2561",
        resolution_date=dt.date(2018, 3, 1),
        effective_date=dt.date(2018, 4, 1),
        actor=None,
        today=TODAY,
    )
    fund = world.fund_a
    assert version_in_force(fund=fund, on=dt.date(2009, 5, 31)) is None
    assert version_in_force(fund=fund, on=dt.date(2018, 3, 31)) == first
    assert version_in_force(fund=fund, on=dt.date(2018, 4, 1)) == second
    timeline = VersionTimeline.of(fund)
    assert [
        timeline.on(d) for d in (dt.date(2000, 1, 1), dt.date(2018, 3, 31), dt.date(2030, 1, 1))
    ] == [
        None,
        first,
        second,
    ]


def test_a_version_cannot_take_effect_before_claims_already_decided(world):
    approved(world.fund_a)
    paid_up(world.members_a[0])
    file_claim(world.fund_a, hospital(world.members_a[0], on=dt.date(2024, 5, 1)))
    draft = version_start_from_prototype(fund=world.fund_a, prototype="banthi", actor=None)
    with pytest.raises(ValidationError) as exc:
        version_approve(
            version=draft,
            resolution="มติ",
            resolution_date=TODAY,
            effective_date=dt.date(2024, 1, 1),
            actor=None,
            today=TODAY,
        )
    assert "effective_date" in exc.value.message_dict


BAD = """format: 1
code: test
title_th: ทดสอบ
clauses:
  - number: "1"
    text_th: ข้อ 1
benefits:
  - code: birth
    kind: birth
    name_th: คลอด
    clause: "1"
    amont: 500
"""


def test_yaml_import_errors_name_the_path_and_the_line(world):
    with pytest.raises(RegulationInvalid) as exc:
        version_import(fund=world.fund_a, content=BAD, actor=None)
    lines = {e.line for e in exc.value.format_errors}
    assert 12 in lines  # the misspelt "amont:"
    text = " ".join(exc.value.messages)
    assert "benefits[0].amont" in text and "12" in text
    assert not RegulationVersion.objects.exists()


def test_yaml_syntax_error_names_its_line(world):
    with pytest.raises(RegulationInvalid) as exc:
        version_import(fund=world.fund_a, content="format: 1\ncode: [x\n", actor=None)
    assert exc.value.format_errors[0].code == "yaml_syntax"
    assert exc.value.format_errors[0].line is not None


def test_import_of_an_export_gives_the_same_rules(world):
    v = approved(world.fund_a)
    again = version_import(fund=world.fund_b, content=v.content, actor=None)
    assert regulation_of(again) == regulation_of(v)
    assert again.created_from == "import"


def test_histories_are_built_in_a_few_queries(world, django_assert_max_num_queries):
    for m in world.members_a:
        paid_up(m, months=24)
    with django_assert_max_num_queries(4):
        out = histories(world.members_a)
    h = out[world.members_a[0].pk]
    assert (h.join_date, h.sex, len(h.payments), h.payments[0].months_covered) == (
        dt.date(2015, 3, 1),
        "F",
        1,
        24,
    )


def test_the_development_process_draft_becomes_the_first_version(world):
    from kongtun.regulations.services import regulation_adopt_first_version

    text = (PROTOTYPE_DIR / "samyaek.yaml").read_text(encoding="utf-8")
    v = regulation_adopt_first_version(
        fund=world.fund_a,
        text=text,
        effective_from=dt.date(2012, 1, 5),
        actor=None,
        source="development-process:7",
        resolution="ที่ประชุมก่อตั้งกองทุน",
        today=TODAY,
    )
    assert (v.status, v.effective_date, v.created_from) == (
        VersionStatus.APPROVED,
        dt.date(2012, 1, 5),
        "development-process:7",
    )


OVERLAP = """
format: 1
code: overlap
title_th: ระเบียบที่ขั้นทับซ้อน
clauses:
  - {number: "16", text_th: "เป็นสมาชิกไม่เกิน 2 ปี ได้รับ 3,000 บาท เป็นสมาชิกครบ 2 ปี ได้รับ 5,000 บาท"}
benefits:
  - code: funeral
    kind: death
    name_th: ค่าจัดการศพ
    clause: "16"
    tiers:
      basis: membership
      bands:
        - {upper: {years: 2}, amount: 3000}
        - {lower: {years: 2}, amount: 5000}
"""


def test_overlapping_tiers_are_refused_by_the_approval_service_itself(world):
    """ "ไม่เกิน 2 ปี" and "ครบ 2 ปี" both hold on the second anniversary: the service refuses
    the approval whatever the page's "the meeting saw the warnings" box said, in Thai naming
    the benefit (not its code) and the clause."""
    from django.utils import translation

    v = version_import(fund=world.fund_a, content=OVERLAP, actor=None)
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        version_approve(
            version=v,
            resolution="มติที่ประชุมใหญ่ 1/2567",
            resolution_date=TODAY,
            effective_date=TODAY,
            actor=None,
            today=TODAY,
        )
    (message,) = exc.value.message_dict["__all__"]
    assert message.startswith("ขั้นทับซ้อนกัน ต้องแก้ร่างก่อนอนุมัติ:")
    assert "ข้อ 16: ค่าจัดการศพ ขั้นที่ 1 และขั้นที่ 2 ทับซ้อนกัน" in message
    assert "funeral" not in message
    v.refresh_from_db()
    assert v.status == VersionStatus.DRAFT
