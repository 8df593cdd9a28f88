"""Segment offsets never split a Thai grapheme cluster: a tone mark, an upper or lower vowel or
SARA AM stays with its consonant."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kongtun.aar import services
from kongtun.aar.graphemes import check_span, is_boundary, snap
from kongtun.aar.models import Segment
from tests.aar.samples import make_session, make_study, own_code

pytestmark = pytest.mark.django_db

WATER = "น้ำ"  # NO NU, MAI THO (tone mark, Mn), SARA AM (Lo, a spacing mark in UAX #29)


def test_tone_mark_and_sara_am_stay_with_their_consonant():
    assert [is_boundary(WATER, i) for i in range(4)] == [True, False, False, True]
    assert [is_boundary("ที่", i) for i in range(4)] == [
        True,
        False,
        False,
        True,
    ]  # upper vowel + tone
    assert [is_boundary("กุ้ง", i) for i in range(5)] == [True, False, False, True, True]
    assert snap("ดื่มน้ำ", 5, forward=True) == 7 and snap("ดื่มน้ำ", 5, forward=False) == 4


def test_leading_vowel_and_plain_consonants_are_their_own_clusters():
    # SARA E is written before its consonant and is a cluster of its own (UAX #29).
    assert all(is_boundary("เงิน", i) for i in (0, 1, 3, 4))
    assert not is_boundary("เงิน", 2)  # SARA I (Mn) after NGO NGU


def test_crlf_is_one_cluster_and_ends_are_boundaries():
    assert not is_boundary("ก\r\nข", 2)
    assert is_boundary("ก", 0) and is_boundary("ก", 1) and not is_boundary("ก", 2)


def test_check_span_names_the_field_and_the_cluster():
    text = "ดื่มน้ำ"
    with pytest.raises(ValidationError) as exc:
        check_span(text, 5, 7)
    assert "start" in exc.value.message_dict
    assert "น้ำ" in exc.value.message_dict["start"][0]
    with pytest.raises(ValidationError) as exc:
        check_span(text, 0, 6)
    assert "end" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        check_span(text, 0, 99)
    assert "(99)" in exc.value.message_dict["end"][0]
    with pytest.raises(ValidationError):
        check_span(text, 4, 4)
    check_span(text, 4, 7)  # น้ำ whole


def test_coding_refuses_a_cut_through_sara_am_and_keeps_nothing(world):
    study = make_study(world.fund_a, world.chair_a)
    session = make_session(study, world.fund_a)
    transcript = services.transcript_create(session=session, text="ผู้นำ 1: น้ำท่วมนาทุกปี")
    code = own_code(study, "ภัยธรรมชาติ")
    start = transcript.text.index("น้ำ")
    for bad_end in (start + 1, start + 2):
        with pytest.raises(ValidationError):
            services.segment_code(
                transcript=transcript, start=start, end=bad_end, coder=world.chair_a, codes=[code]
            )
    assert not Segment.objects.exists()
    segment = services.segment_code(
        transcript=transcript, start=start, end=start + 3, coder=world.chair_a, codes=[code]
    )
    assert segment.text == "น้ำ"
    # Offsets are code points: the stored text and the offsets agree exactly.
    assert transcript.text[segment.start : segment.end] == "น้ำ"


def test_typed_text_is_kept_exactly_with_line_endings_as_lf(world):
    study = make_study(world.fund_a, world.chair_a)
    session = make_session(study, world.fund_a)
    typed = "ผู้นำชุมชน 1: ทำไมต้องออม?\r\nอสอ. 1: เพื่อลูกหลาน ๒๕๕๒ &<b>"
    transcript = services.transcript_create(session=session, text="\ufeff" + typed)
    assert transcript.text == typed.replace("\r\n", "\n")
    turns = list(transcript.turns.values_list("speaker", "target_group"))
    assert turns == [("ผู้นำชุมชน 1", "community_leader"), ("อสอ. 1", "ohs_volunteer")]
    with pytest.raises(ValidationError) as exc:
        services.transcript_create(session=session, text="  \n ")
    assert "text" in exc.value.message_dict


def test_the_coding_page_takes_offsets_and_refuses_a_split(world, client):
    study = make_study(world.fund_a, world.chair_a)
    session = make_session(study, world.fund_a)
    transcript = services.transcript_create(session=session, text="ผู้นำ 1: น้ำท่วมนาทุกปี")
    code = own_code(study, "ภัยธรรมชาติ")
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/aar/{study.pk}/transcripts/{transcript.pk}/"
    start = transcript.text.index("น้ำ")
    page = client.post(url, {"start": start, "end": start + 2, "codes": [code.pk]})
    assert page.status_code == 200 and "น้ำ" in page.content.decode()
    assert not Segment.objects.exists()
    response = client.post(url, {"start": start, "end": start + 3, "codes": [code.pk]})
    assert response.status_code == 302
    assert Segment.objects.get().text == "น้ำ"
    page = client.get(url).content.decode()
    assert 'class="seg"' in page and "coding.js" in page
