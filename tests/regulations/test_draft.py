"""check_draft: each kind of warning a committee should see before a vote, and its absence."""

from __future__ import annotations

from typing import Any

import pytest

from kongtun.regulations.engine import DraftWarning, check_draft, regulation_from_dict


def draft(*benefits: dict[str, Any], **extra: Any) -> list[DraftWarning]:
    d: dict[str, Any] = {
        "format": 1,
        "code": "draft",
        "title_th": "ร่าง",
        "clauses": [{"number": "1", "text_th": "ข้อ 1"}],
        "benefits": [
            {"code": f"b{i}", "name_th": "x", "kind": "other", "clause": "1"} | b
            for i, b in enumerate(benefits)
        ],
    }
    d.update(extra)
    return check_draft(regulation_from_dict(d))


def codes(warnings: list[DraftWarning]) -> list[tuple[str, str]]:
    return [(w.code, w.path) for w in warnings]


def funeral(*bands: dict[str, Any], basis: str = "membership") -> dict[str, Any]:
    return {"kind": "death", "tiers": {"basis": basis, "bands": list(bands)}}


def test_contiguous_tiers_are_clean() -> None:
    """ "ไม่เกิน 2 ปี" then "2 ปี 1 วัน": no gap and no overlap for any join date."""
    w = draft(
        funeral(
            {"lower": {"days": 180}, "upper": {"years": 2}, "amount": "3000"},
            {
                "lower": {"years": 2, "days": 1},
                "upper": {"years": 5, "inclusive": False},
                "amount": "5000",
            },
            {"lower": {"years": 5}, "amount": "9000"},
        )
    )
    assert w == []


def test_overlap_at_exactly_two_years() -> None:
    """ "ไม่เกิน 2 ปี" then "ครบ 2 ปี": a member on the anniversary is in both tiers."""
    w = draft(
        funeral(
            {"upper": {"years": 2}, "amount": "3000"},
            {"lower": {"years": 2}, "amount": "5000"},
        )
    )
    assert codes(w) == [("tier_overlap", "benefits[0].tiers.bands[1]")]
    assert {k: w[0].params[k] for k in ("benefit", "first", "second")} == {
        "benefit": "b0",
        "first": 1,
        "second": 2,
    }
    # The warning names the benefit as people do, so the Thai text shows no code.
    assert w[0].params["benefit_name_th"] == "x"
    assert w[0].clause == "1"


def test_gap_of_one_day() -> None:
    """ "ไม่ถึง 2 ปี" then "2 ปี 1 วัน": the anniversary itself pays nothing."""
    w = draft(
        funeral(
            {"upper": {"years": 2, "inclusive": False}, "amount": "3000"},
            {"lower": {"years": 2, "days": 1}, "amount": "5000"},
        )
    )
    assert [x.code for x in w] == ["tier_gap"]


def test_month_and_day_boundaries_depend_on_the_join_date() -> None:
    """ "ไม่เกิน 30 วัน" then "ครบ 1 เดือน 1 วัน": after joining on 1 Jan, 1 Feb is in neither
    tier (gap); after joining on 1 Feb 2023, 3 Mar is in both (overlap). Checking every join
    date over two years catches both."""
    w = draft(
        funeral(
            {"upper": {"days": 30}, "amount": "3000"},
            {"lower": {"months": 1, "days": 1}, "amount": "5000"},
        )
    )
    assert [x.code for x in w] == ["tier_gap", "tier_overlap"]


def test_contribution_tiers_and_empty_tier() -> None:
    w = draft(
        funeral(
            {"lower": {"years": 1}, "upper": {"months": 6}, "amount": "3000"},
            {"lower": {"years": 1}, "upper": {"years": 2, "inclusive": False}, "amount": "4000"},
            {"lower": {"years": 2, "months": 1}, "amount": "5000"},
            basis="contributions",
        )
    )
    assert codes(w) == [
        ("tier_empty", "benefits[0].tiers.bands[0]"),
        ("tier_gap", "benefits[0].tiers.bands[2]"),
    ]


def test_tier_unreachable_before_the_age_limit() -> None:
    """Entry from age 40, benefit only up to age 60: a 25-year tier can never be reached."""
    w = draft(
        {
            "kind": "disability",
            "conditions": {"max_age": 60},
            "tiers": {
                "basis": "membership",
                "bands": [
                    {"lower": {"years": 1}, "upper": {"years": 20}, "amount": "1000"},
                    {"lower": {"years": 20, "days": 1}, "upper": {"years": 25}, "amount": "2000"},
                    {"lower": {"years": 25, "days": 1}, "amount": "3000"},
                ],
            },
        },
        membership={"entry_age": {"min": 40}},
    )
    assert codes(w) == [("tier_unreachable", "benefits[0].tiers.bands[2].lower")]
    assert w[0].params["reachable"] == {"years": 20, "months": 11, "days": 30}


def test_benefit_unreachable_and_no_clause() -> None:
    w = draft(
        {"amount": "100", "conditions": {"max_age": 15}, "clause": None},
        membership={"entry_age": {"min": 18}},
    )
    assert [x.code for x in w] == ["no_clause", "benefit_unreachable"]


def test_no_benefits() -> None:
    assert [x.code for x in draft()] == ["no_benefits"]


def test_caps_that_contradict() -> None:
    w = draft(
        {
            "per": "night",
            "amount": "200",
            "caps": [
                {"period": "event", "amount": "5000"},
                {"period": "year", "amount": "3000"},
                {"period": "event", "units": "10"},
                {"period": "year", "units": "7"},
            ],
        }
    )
    found = {
        (x.code, x.params.get("inner"), x.params.get("outer"), x.params.get("measure")) for x in w
    }
    assert ("cap_inner_above_outer", "event", "year", "baht") in found
    assert ("cap_inner_above_outer", "event", "year", "units") in found
    # 10 nights × 200 = 2,000 per stay: the 5,000 per-stay cap can never bind.
    assert ("cap_never_reached", None, None, None) in found


def test_per_stay_nights_times_rate_above_baht_cap_is_fine() -> None:
    """Chamung-like: 200 a night, no night limit, 600 a stay, 1,000 a year: the baht caps bind."""
    w = draft(
        {
            "kind": "hospital",
            "per": "night",
            "amount": "200",
            "caps": [{"period": "event", "amount": "600"}, {"period": "year", "amount": "1000"}],
        }
    )
    assert w == []


def test_yearly_cap_never_reached_through_times() -> None:
    w = draft(
        {
            "amount": "50",
            "per": "visit",
            "caps": [{"period": "year", "times": "6"}, {"period": "year", "amount": "500"}],
        }
    )
    assert codes(w) == [("cap_never_reached", "benefits[0].caps[1]")]
    assert w[0].params["reachable"] == "300.00"


def test_duplicate_cap_and_recurring_without_year_cap() -> None:
    w = draft(
        {
            "kind": "old_age",
            "per": "month",
            "amount": "300",
            "caps": [
                {"period": "lifetime", "amount": "9000"},
                {"period": "lifetime", "amount": "8000"},
            ],
        }
    )
    assert [x.code for x in w] == ["duplicate_cap", "recurring_without_year_cap"]


def test_group_caps() -> None:
    opd = {"code": "opd", "amount": "50", "caps": [{"period": "year", "times": "4"}]}
    stay = {
        "code": "stay",
        "per": "night",
        "amount": "100",
        "caps": [{"period": "year", "amount": "1000"}],
    }
    too_high = draft(
        opd,
        stay,
        group_caps=[
            {"name": "medical", "benefits": ["opd", "stay"], "period": "year", "amount": "1500"}
        ],
    )
    assert codes(too_high) == [("group_cap_never_reached", "group_caps[0].amount")]
    assert too_high[0].params["reachable"] == "1200.00"
    below_event = draft(
        stay | {"caps": [{"period": "event", "amount": "900"}]},
        group_caps=[{"name": "medical", "benefits": ["stay"], "period": "year", "amount": "800"}],
    )
    assert [x.code for x in below_event] == ["cap_inner_above_outer"]


@pytest.mark.parametrize("message_code", ["tier_gap", "cap_never_reached"])
def test_warnings_have_english_messages(message_code: str) -> None:
    w = DraftWarning(
        message_code,
        "benefits[0]",
        {
            "benefit": "b",
            "first": 1,
            "second": 2,
            "cap": "1",
            "period": "year",
            "units": 2,
            "rate": "1",
            "reachable": "2",
        },
    )
    assert "b" in w.message and "%(" not in w.message
