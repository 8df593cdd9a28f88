"""Keyword in context: Thai words found inside unspaced text, through the index built when a
transcript is saved."""

from __future__ import annotations

import pytest

from kongtun.aar.models import Transcript
from kongtun.aar.models_search import TranscriptWord
from kongtun.aar.search import compound_parts, kwic_search, segment_scan

from ..conftest import _fund
from .qda_helpers import FG_TEXT, small_study


@pytest.fixture
def study(db, make_user):
    fund = _fund("KWIC", "กองทุนค้นคำ", "510709")
    lead = make_user("lead")
    return small_study(fund, lead)


def test_word_inside_unspaced_text_is_found_with_context(study):
    study, fg, interview, _t1, _t2 = study
    result = kwic_search(study, "โปร่งใส")
    assert result.total == 2 and result.transcripts == 2
    first, second = result.hits  # sessions in date order
    assert first.session_id == fg.pk and second.session_id == interview.pk
    assert first.match == "โปร่งใส"
    assert FG_TEXT[first.start : first.end] == "โปร่งใส"
    assert first.before.endswith("เน้นความ") and first.after.startswith("ของกรรมการ")
    assert first.speaker == "ผู้ประสานงาน"
    assert second.speaker == "แรงงานนอกระบบ"


def test_the_index_agrees_with_segmenting_at_query_time(study):
    study, *_rest, t1, t2 = study
    for word in ("โปร่งใส", "กรรมการ", "สมาชิก", "ส่วนร่วม", "เวลา"):
        indexed = sorted((h.transcript_id, h.start, h.end) for h in kwic_search(study, word).hits)
        scanned = sorted(segment_scan([(t1.pk, t1.text), (t2.pk, t2.text)], word))
        assert indexed == scanned, word
        assert indexed, word


def test_part_of_a_compound_is_found_but_not_a_short_accidental_part(study):
    study, *_ = study
    assert compound_parts("มีส่วนร่วม") == ((0, "มี"), (2, "ส่วนร่วม"))
    assert kwic_search(study, "ส่วนร่วม").total == 1  # inside มีส่วนร่วม
    assert kwic_search(study, "เวลา").total == 1  # inside ตารางเวลา
    assert kwic_search(study, "ตา").total == 0  # ตา is not said: ตาราง is another word
    assert kwic_search(study, "ใจ").total == 0  # น้ำใจ, เชื่อใจ: compounds, ใจ too short to split out


def test_a_substring_that_is_not_a_word_is_not_found(study):
    study, *_ = study
    # "รมการ" occurs in the characters of กรรมการ but is not a word
    assert kwic_search(study, "รมการ").total == 0


def test_phrase_across_words(study):
    study, _fg, *_ = study
    result = kwic_search(study, "ความโปร่งใสของกรรมการ")
    assert result.total == 1
    assert result.hits[0].match == "ความโปร่งใสของกรรมการ"
    assert kwic_search(study, "กรรมการ โปร่งใส").total == 0
    assert kwic_search(study, "กรรมการโปร่งใส").total == 1


def test_context_never_cuts_a_grapheme_cluster(study):
    study, *_ = study
    for context in range(1, 15):
        for hit in kwic_search(study, "กรรมการ", context=context).hits:
            for piece in (hit.before, hit.after):
                assert (
                    piece[:1]
                    not in "\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
                )


def test_limit_and_total(study):
    study, *_ = study
    result = kwic_search(study, "ผู้ประสานงาน", limit=1)
    assert result.total == 2 and len(result.hits) == 1 and result.truncated


def test_sessions_narrow_the_search(study):
    study, _fg, interview, *_ = study
    result = kwic_search(study, "โปร่งใส", sessions=study.sessions.filter(pk=interview.pk))
    assert [h.session_id for h in result.hits] == [interview.pk]


def test_other_studies_are_not_searched(study, make_user):
    study, *_ = study
    other_fund = _fund("KWIC2", "กองทุนอื่น", "510708")
    other, *_ = small_study(other_fund, make_user("lead2"), title="อีกการศึกษา")
    assert {h.session_id for h in kwic_search(study, "โปร่งใส").hits} <= set(
        study.sessions.values_list("pk", flat=True)
    )
    assert kwic_search(other, "โปร่งใส").total == 2


def test_index_follows_the_text(study):
    study, _fg, _interview, _t1, t2 = study
    t2.text = "แรงงานนอกระบบ: ไม่มีคำนั้นแล้ว"
    t2.save()
    assert kwic_search(study, "โปร่งใส").total == 1
    assert TranscriptWord.objects.filter(transcript=t2, word="โปร่งใส").count() == 0
    assert Transcript.objects.count() == 2


def test_empty_or_punctuation_query(study):
    study, *_ = study
    assert kwic_search(study, "  ").hits == []
    assert kwic_search(study, "...").total == 0
