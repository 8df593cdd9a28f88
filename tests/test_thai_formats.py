"""Dates in the Buddhist Era and amounts as Thai treasurers write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kongtun.core.money import AmountError, amount_in_thai_words, parse_amount
from kongtun.core.thaidates import DateParseError, format_date, format_date_input, parse_date


@pytest.mark.parametrize(
    "text",
    [
        "15/3/2567",
        "15/03/67",
        "15 มี.ค. 2567",
        "15 มีนาคม 2567",
        "๑๕/๐๓/๒๕๖๗",
        "2024-03-15",
        "15/03/2024",
        "15-03-2567",
        "15 มี.ค. พ.ศ. 2567",
        "15 Mar 2024",
    ],
)
def test_common_spellings_of_one_date(text):
    assert parse_date(text) == dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31/02/2567", "not_a_date"),
        ("", "empty"),
        ("15/13/2567", "not_a_date"),
        ("15 มกร 2567", "month"),
        ("yesterday", "format"),
        ("1/1/1200", "year"),
    ],
)
def test_dates_that_do_not_exist_are_refused_with_a_reason(text, code):
    with pytest.raises(DateParseError) as exc:
        parse_date(text)
    assert exc.value.code == code


def test_29_february_exists_only_in_leap_years():
    assert parse_date("29/02/2567") == dt.date(2024, 2, 29)
    with pytest.raises(DateParseError):
        parse_date("29/02/2566")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_what_a_form_shows_reads_back_as_the_same_date(day):
    assert parse_date(format_date_input(day, "th")) == day
    assert parse_date(format_date_input(day, "en")) == day


def test_display_is_buddhist_era_in_thai_and_gregorian_in_english():
    day = dt.date(2024, 3, 15)
    assert format_date(day, "th") == "15 มี.ค. 2567"
    assert format_date(day, "th", "long") == "15 มีนาคม 2567"
    assert format_date(day, "en") == "15 Mar 2024"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("30", "30.00"),
        ("30.-", "30.00"),
        ("1,234.50", "1234.50"),
        ("๓๐", "30.00"),
        ("360 บาท", "360.00"),
        (Decimal("12.5"), "12.50"),
        (1234.5, "1234.50"),
    ],
)
def test_amounts_as_written(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "code"), [("abc", "not_a_number"), ("30.555", "too_many_decimals"), ("", "empty")]
)
def test_bad_amounts_are_refused(text, code):
    with pytest.raises(AmountError) as exc:
        parse_amount(text)
    assert exc.value.code == code


def test_amount_in_thai_words():
    assert amount_in_thai_words(Decimal("101.00")) == "หนึ่งร้อยเอ็ดบาทถ้วน"
    assert amount_in_thai_words(Decimal("1234.55")) == "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบห้าสตางค์"


def test_amounts_in_words_follow_the_reader_language():
    from decimal import Decimal

    from django.utils import translation

    from kongtun.core.templatetags.kongtun import bahtwords

    with translation.override("th"):
        assert bahtwords(Decimal("2502.50")) == "สองพันห้าร้อยสองบาทห้าสิบสตางค์"
    with translation.override("en"):
        assert (
            bahtwords(Decimal("2502.50"))
            == "two thousand, five hundred and two baht and fifty satang"
        )
        assert bahtwords(Decimal("100")) == "one hundred baht only"
        assert bahtwords(Decimal("-0.25")) == "minus zero baht and twenty-five satang"


def test_people_are_shown_by_name_not_login(make_user):
    from kongtun.core.templatetags.kongtun import person

    named = make_user("somsri.t")
    named.first_name, named.last_name = "สมศรี", "ใจดี"
    assert person(named) == "สมศรี ใจดี"
    assert person(make_user("nameless")) == "nameless"
    assert person(None) == ""


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (0.9109999999999999, "2g", "0.91"),
        (0.45899999999999996, 2, "0.46"),
        (-1234567.8, 0, "−1,234,568"),
        (-0.2, 0, "0"),  # never "−0"
        (3.0, "2g", "3"),
        (4.998, 1, "5.0"),
    ],
)
def test_figures_are_shown_as_people_write_them(value, places, shown):
    from kongtun.core.templatetags.kongtun import number, percent

    assert number(value, places) == shown
    assert percent(0.9109999999999999) == "91.1%"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_no_figure_is_shown_with_a_floats_tail(value):
    from kongtun.core.templatetags.kongtun import number

    text = number(value, "2g")
    assert len(text.rsplit(".", 1)[-1]) <= 2 or "." not in text
    assert float(text.replace(",", "").replace("−", "-")) == pytest.approx(value, abs=0.006)


def test_a_moment_is_shown_on_the_day_it_was_in_thailand():
    """00:08 on 3 Dec in Bangkok is 17:08 on 2 Dec in UTC: a claim filed then, approved a
    minute later, shows both on 3 Dec (not the approval a day before the filing)."""
    moment = dt.datetime(2026, 12, 2, 17, 8, tzinfo=dt.UTC)
    assert format_date(moment, "th") == "3 ธ.ค. 2569"
    assert format_date(moment, "en") == "3 Dec 2026"
    assert format_date(dt.datetime(2026, 12, 2, 17, 8), "en") == "2 Dec 2026"  # naive: as given


def test_a_name_is_shown_in_the_pages_language_with_thai_when_no_english_is_given():
    from types import SimpleNamespace

    from django.utils import translation

    from kongtun.core.templatetags.kongtun import local_name

    benefit = {"name_th": "ค่าจัดการศพ", "name_en": "Funeral"}
    account = SimpleNamespace(name_th="เงินสด", name_en="")
    assert local_name(benefit) == "ค่าจัดการศพ" and local_name(account) == "เงินสด"
    with translation.override("en"):
        assert local_name(benefit) == "Funeral"
        assert local_name(account) == "เงินสด"  # no English name: the Thai one, not nothing
