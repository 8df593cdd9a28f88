"""The SW-NT development process as a working team and a committee use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from kongtun.development.models import (
    Activity,
    DefaultStage,
    EvidenceFile,
    Participation,
    ProcessStatus,
)
from kongtun.development.services import (
    ActivityInput,
    ParticipationInput,
    activity_create,
    evidence_add,
    process_found_fund,
    regulation_draft_save,
)
from kongtun.funds.models import Fund
from tests.conftest import TODAY
from tests.development.samples import make_process

pytestmark = pytest.mark.django_db


def _activity(stage, **kw) -> Activity:
    data = dict(
        kind="hearing",
        title="เวทีประชาคม",
        held_on=dt.date(2008, 12, 10),
        participants=[
            ParticipationInput("community_leader", 15),
            ParticipationInput("informal_worker", 20, occupation_id=_farmer(stage).pk),
        ],
    )
    data.update(kw)
    return activity_create(stage=stage, data=ActivityInput(**data), actor=None, today=TODAY)


def _farmer(stage):
    return stage.process.fund.occupation_groups.get(code="farmer")


def test_the_eight_stages_of_the_study_are_loaded_in_its_words(db):
    stages = list(DefaultStage.objects.order_by("position"))
    assert [s.code for s in stages][:2] == ["paradigm_consensus", "participation_strategy"]
    assert len(stages) == 8
    assert "ฉันทามติ" in stages[0].quote_th and "consensus" in stages[0].quote_en
    assert "ร่างระเบียบกองทุน" in stages[4].quote_th


def test_a_new_process_copies_the_stages_which_the_area_can_then_adjust(world):
    process = make_process(world.fund_a)
    assert process.stages.count() == 8
    assert process.status == ProcessStatus.IN_PROGRESS
    first = process.stages.get(position=1)
    first.name_th = "สร้างความเข้าใจร่วม"  # adjusted for this area only
    first.save()
    assert DefaultStage.objects.get(position=1).name_th != "สร้างความเข้าใจร่วม"


def test_a_fund_has_one_process(world):
    make_process(world.fund_a)
    with pytest.raises(ValidationError):
        make_process(world.fund_a)


def test_activity_with_participants_by_group_and_occupation(world):
    stage = make_process(world.fund_a).stages.get(position=1)
    activity = _activity(stage)
    assert activity.participant_total == 35
    worker = Participation.objects.get(activity=activity, group="informal_worker")
    assert worker.occupation.code == "farmer"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": dt.date(2008, 12, 1)}, "ends_on"),
        ({"held_on": TODAY + dt.timedelta(days=3)}, "held_on"),
        ({"title": " "}, "title"),
        ({"participants": [ParticipationInput("community_leader", 0)]}, "participants"),
        (
            {"participants": [ParticipationInput("working_team", 3, occupation_id=-1)]},
            "participants",
        ),
        (
            {
                "participants": [
                    ParticipationInput("community_leader", 3),
                    ParticipationInput("community_leader", 4),
                ]
            },
            "participants",
        ),
    ],
)
def test_bad_activity_is_refused_naming_the_field_and_nothing_is_written(world, change, field):
    stage = make_process(world.fund_a).stages.get(position=1)
    with pytest.raises(ValidationError) as exc:
        _activity(stage, **change)
    assert field in exc.value.message_dict
    assert Activity.objects.count() == 0 and Participation.objects.count() == 0


def test_a_planned_activity_may_be_in_the_future(world):
    stage = make_process(world.fund_a).stages.get(position=2)
    activity = _activity(stage, held_on=TODAY + dt.timedelta(days=20), status="planned")
    assert activity.status == "planned"


def test_the_database_refuses_an_occupation_for_another_group(world):
    stage = make_process(world.fund_a).stages.get(position=1)
    activity = _activity(stage)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            activity=activity, group="working_team", count=2, occupation=_farmer(stage)
        )


def test_founding_links_the_process_and_sets_the_funds_founding_date(world):
    process = make_process(world.fund_a)
    result = process_found_fund(
        process=process, founded_on=dt.date(2009, 5, 2), actor=None, today=TODAY
    )
    process.refresh_from_db()
    assert process.status == ProcessStatus.FOUNDED
    assert process.founded_on == dt.date(2009, 5, 2)
    assert Fund.objects.get(pk=world.fund_a.pk).founded_on == dt.date(2009, 5, 2)
    # No regulation was drafted: nothing to hand over, and the page says why.
    assert not result.accepted
    with pytest.raises(ValidationError) as exc:
        process_found_fund(process=process, founded_on=dt.date(2009, 5, 2), actor=None, today=TODAY)
    assert "__all__" in exc.value.message_dict


def test_founding_before_the_process_started_is_refused(world):
    process = make_process(world.fund_a, started_on=dt.date(2008, 11, 1))
    with pytest.raises(ValidationError) as exc:
        process_found_fund(process=process, founded_on=dt.date(2008, 1, 1), actor=None, today=TODAY)
    assert "founded_on" in exc.value.message_dict
    process.refresh_from_db()
    assert process.status == ProcessStatus.IN_PROGRESS


def test_founding_later_than_members_joined_is_refused_by_the_funds_rule(world):
    """The fund's own rule (members cannot join before it was founded) names founded_on."""
    process = make_process(world.fund_a)
    with pytest.raises(ValidationError) as exc:
        process_found_fund(process=process, founded_on=dt.date(2020, 1, 1), actor=None, today=TODAY)
    assert list(exc.value.message_dict) == ["founded_on"]
    process.refresh_from_db()
    assert process.status == ProcessStatus.IN_PROGRESS


def _prototype_draft(process):
    from kongtun.development import handoff

    text = handoff.prototype_text("banthi")
    if text is None:
        pytest.skip("the regulation engine's prototypes are not installed")
    regulation_draft_save(process=process, text=text, prototype="banthi")
    return text


def test_the_drafted_regulation_becomes_the_funds_approved_first_version(world):
    """With the regulations app in place, founding adopts the draft as version 1, approved by
    the founding meeting and in force from the founding date."""
    from django.apps import apps

    from kongtun.development import handoff

    if not apps.is_installed("kongtun.regulations") or handoff._adopter() is None:
        pytest.skip("the regulations app cannot take a first version here")
    process = make_process(world.fund_a)
    text = _prototype_draft(process)
    result = process_found_fund(
        process=process,
        founded_on=dt.date(2009, 6, 1),
        founding_note="ประชุมใหญ่ 1/2552",
        actor=None,
        today=TODAY,
    )
    assert result.accepted, str(result.message)
    version_model = apps.get_model("regulations", "RegulationVersion")
    version = version_model.objects.get(fund=world.fund_a)
    assert (version.content, version.effective_date) == (text, dt.date(2009, 6, 1))
    assert version.resolution == "ประชุมใหญ่ 1/2552"
    process.refresh_from_db()
    assert process.regulation_handed_over_at is not None


def test_a_fund_that_already_has_a_regulation_keeps_it(world, monkeypatch):
    from kongtun.development import handoff

    monkeypatch.setattr(handoff, "fund_has_regulation", lambda fund: True)
    process = make_process(world.fund_a)
    _prototype_draft(process)
    result = process_found_fund(
        process=process, founded_on=dt.date(2009, 6, 1), actor=None, today=TODAY
    )
    assert not result.accepted
    process.refresh_from_db()
    assert process.status == ProcessStatus.FOUNDED and process.regulation_handed_over_at is None


def test_a_draft_the_engine_cannot_read_is_refused_on_the_text_field(world):
    from kongtun.development import handoff

    if not handoff.engine_available():
        pytest.skip("the regulation engine is not installed")
    process = make_process(world.fund_a)
    with pytest.raises(ValidationError) as exc:
        regulation_draft_save(process=process, text="format: 1\nbenefits: nonsense\n")
    assert "text" in exc.value.message_dict
    process.refresh_from_db()
    assert process.regulation_draft == ""


def test_evidence_file_is_stored_and_bad_files_are_refused(world):
    stage = make_process(world.fund_a).stages.get(position=1)
    activity = _activity(stage)
    ev = evidence_add(
        activity=activity,
        upload=SimpleUploadedFile("รายงานการประชุม.pdf", b"%PDF-1.4 minutes", "application/pdf"),
        description="รายงานการประชุม",
        actor=None,
    )
    assert ev.original_name == "รายงานการประชุม.pdf" and ev.size == 16
    assert ev.file.storage.exists(ev.file.name)
    assert ev.file.name.startswith(f"development/{world.fund_a.pk}/")
    for name, content in (("virus.exe", b"MZ"), ("empty.pdf", b"")):
        with pytest.raises(ValidationError) as exc:
            evidence_add(activity=activity, upload=SimpleUploadedFile(name, content), actor=None)
        assert "file" in exc.value.message_dict
    assert EvidenceFile.objects.count() == 1


def _draft(process):
    process.regulation_draft = "format: 1\n"  # any text: the fake regulations side takes it
    process.save()


def test_the_draft_becomes_the_first_version_when_the_regulations_side_takes_it(world, monkeypatch):
    from kongtun.development import handoff

    taken = {}

    def adopt(**kw):
        taken.update(kw)
        return "version 1"

    monkeypatch.setattr(handoff, "_adopter", lambda: adopt)
    process = make_process(world.fund_a)
    _draft(process)
    result = process_found_fund(
        process=process,
        founded_on=dt.date(2009, 6, 1),
        founding_note="ประชุมใหญ่ 1/2552",
        actor=None,
        today=TODAY,
    )
    assert result.accepted and result.version == "version 1"
    assert taken["effective_from"] == dt.date(2009, 6, 1)
    assert taken["resolution"] == "ประชุมใหญ่ 1/2552"
    assert taken["fund"] == world.fund_a and taken["text"] == "format: 1\n"
    process.refresh_from_db()
    assert process.regulation_handed_over_at is not None
    with pytest.raises(ValidationError) as exc:
        regulation_draft_save(process=process, text="format: 1\n# changed\n")
    assert "text" in exc.value.message_dict


def test_a_failing_regulations_side_does_not_undo_the_founding(world, monkeypatch):
    from kongtun.development import handoff

    def adopt(**kw):
        Fund.objects.filter(pk=world.fund_a.pk).update(name_th="ไม่ควรถูกบันทึก")
        raise RuntimeError("no such table")

    monkeypatch.setattr(handoff, "_adopter", lambda: adopt)
    process = make_process(world.fund_a)
    _draft(process)
    result = process_found_fund(
        process=process, founded_on=dt.date(2009, 6, 1), actor=None, today=TODAY
    )
    assert not result.accepted
    process.refresh_from_db()
    assert process.status == ProcessStatus.FOUNDED and process.regulation_handed_over_at is None
    assert Fund.objects.get(pk=world.fund_a.pk).name_th == world.fund_a.name_th  # savepoint undone
