"""The YAML format: exact numbers, errors that say where, unknown keys, round trips."""

from __future__ import annotations

import copy
import textwrap
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kongtun.regulations.engine import (
    PROTOTYPES,
    FormatError,
    RegulationFormatError,
    dump_regulation,
    load_prototype,
    load_regulation,
    regulation_from_dict,
    regulation_to_dict,
)

D = Decimal

GOOD = textwrap.dedent(
    """\
    format: 1
    code: good
    title_th: ระเบียบทดสอบ
    clauses:
      - number: "8"
        text_th: รอคอย
      - number: 12(2)
        text_th: นอนโรงพยาบาล
    membership:
      waiting_periods:
        - {basis: membership, days: 180, clause: "8"}
    benefits:
      - code: birth
        kind: birth
        name_th: คลอด
        clause: "8"
        amount: 500
      - code: hospital
        kind: hospital
        name_th: นอน
        clause: 12(2)
        per: night
        amount: 200.5
      - code: funeral
        kind: death
        name_th: ศพ
        clause: "8"
        tiers:
          basis: membership
          bands:
            - {lower: {days: 180}, upper: {years: 2}, amount: 3000}
            - {lower: {years: 2, days: 1}, amount: 5000}
        relatives:
          - relative: self
          - {relative: spouse, fraction: 0.5}
    """
)


def errors_of(text: str) -> list[FormatError]:
    with pytest.raises(RegulationFormatError) as exc:
        load_regulation(text)
    return list(exc.value.errors)


def variant(mutate: Any) -> str:
    d = copy.deepcopy(yaml.load(GOOD, Loader=yaml.BaseLoader))  # every scalar as text
    mutate(d)
    return yaml.safe_dump(d, allow_unicode=True, sort_keys=False)


def test_numbers_are_exact_decimals_with_two_places() -> None:
    reg = load_regulation(GOOD)
    hospital = reg.benefit("hospital")
    assert hospital is not None and hospital.amount == D("200.50")
    assert str(hospital.amount) == "200.50"
    funeral = reg.benefit("funeral")
    assert funeral is not None and funeral.relatives[1].fraction == D("0.5")
    assert reg.clauses[0].number == "8"  # a quote-free 8 would be text too


def test_float_is_refused_in_plain_data() -> None:
    d = regulation_to_dict(load_regulation(GOOD))
    d["benefits"][1]["amount"] = 200.1
    with pytest.raises(RegulationFormatError) as exc:
        regulation_from_dict(d)
    assert [(e.path, e.code) for e in exc.value.errors] == [
        ("benefits[1].amount", "float_not_allowed")
    ]
    d["benefits"][1]["amount"] = 200  # an int is exact
    assert regulation_from_dict(d).benefits[1].amount == D("200.00")


def test_error_paths_name_the_exact_location() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["benefits"][2]["tiers"]["bands"][1]["amount"] = "five thousand"
        d["benefits"][1]["per"] = "nite"
        d["membership"]["waiting_periods"][0]["days"] = "1.5"

    errs = errors_of(variant(bad))
    assert {(e.path, e.code) for e in errs} == {
        ("benefits[2].tiers.bands[1].amount", "not_number"),
        ("benefits[1].per", "not_one_of"),
        ("membership.waiting_periods[0].days", "not_integer"),
    }
    lines = {e.path: e.line for e in errs}
    assert lines["benefits[1].per"] is not None and lines["benefits[1].per"] > 1


def test_unknown_key_is_an_error_with_its_line() -> None:
    text = GOOD.replace("    per: night\n", "    per: night\n    amont: 3\n")
    assert text != GOOD
    (err,) = errors_of(text)
    assert (err.path, err.code, err.params) == (
        "benefits[1].amont",
        "unknown_key",
        {"key": "amont"},
    )
    assert err.line == text.splitlines().index("    amont: 3") + 1
    assert "unknown key amont" in str(err)


def test_duplicate_key_is_an_error() -> None:
    text = GOOD.replace("    amount: 500\n", "    amount: 500\n    amount: 5000\n")
    assert text != GOOD
    (err,) = errors_of(text)
    assert (err.path, err.code) == ("benefits[0].amount", "duplicate_key")


def test_missing_required_and_wrong_shapes() -> None:
    errs = errors_of("format: 1\ncode: x\nbenefits: {}\n")
    assert {(e.path, e.code) for e in errs} == {("title_th", "required"), ("benefits", "not_list")}
    assert [e.code for e in errors_of("- just\n- a list\n")] == ["not_mapping"]
    (syntax,) = errors_of("format: 1\ncode: [unclosed\n")
    assert syntax.code == "yaml_syntax" and syntax.line is not None


@pytest.mark.parametrize(
    ("mutate", "path", "code"),
    [
        (lambda d: d.update(format="2"), "format", "unsupported_format"),
        (lambda d: d.update(code="Bad Code"), "code", "bad_code"),
        (lambda d: d["benefits"][0].update(clause="99"), "benefits[0].clause", "unknown_clause"),
        (
            lambda d: d["benefits"][0].update(amount="500.001"),
            "benefits[0].amount",
            "too_many_decimals",
        ),
        (lambda d: d["benefits"][0].update(amount="-1"), "benefits[0].amount", "negative"),
        (lambda d: d["benefits"][1].update(code="birth"), "benefits[1].code", "duplicate"),
        (lambda d: d["clauses"][1].update(number="8"), "clauses[1].number", "duplicate"),
        (lambda d: d["benefits"][0].pop("amount"), "benefits[0].amount", "amount_missing"),
        (
            lambda d: d["benefits"][2].update(amount="1"),
            "benefits[2].tiers",
            "amount_conflict",
        ),
        (
            lambda d: d["benefits"][2]["tiers"].update(basis="contributions"),
            "benefits[2].tiers.bands[0].lower.days",
            "days_not_allowed",
        ),
        (
            lambda d: d["benefits"][2]["relatives"][1].update(fraction="1.5"),
            "benefits[2].relatives[1].fraction",
            "out_of_range",
        ),
        (
            lambda d: d["benefits"][0].update(
                caps=[{"period": "year", "amount": "1", "times": "2"}]
            ),
            "benefits[0].caps[0]",
            "cap_measure",
        ),
        (
            lambda d: d["benefits"][0].update(caps=[{"period": "event", "times": "2"}]),
            "benefits[0].caps[0].times",
            "times_per_event",
        ),
        (
            lambda d: d["membership"]["waiting_periods"][0].update(days="0"),
            "membership.waiting_periods[0]",
            "empty_period",
        ),
        (
            lambda d: d["benefits"][0].update(levels=[{"level": "p6", "amount": "1"}]),
            "benefits[0].levels",
            "levels_not_allowed",
        ),
        (
            lambda d: d.update(year={"kind": "fiscal", "start_month": "2", "start_day": "29"}),
            "year.start_day",
            "invalid_day",
        ),
        (
            lambda d: d.update(
                group_caps=[{"name": "g", "benefits": ["nope"], "period": "year", "amount": "1"}]
            ),
            "group_caps[0].benefits[0]",
            "unknown_benefit",
        ),
        (
            lambda d: d["benefits"][0].update(conditions={"min_age": "70", "max_age": "60"}),
            "benefits[0].conditions",
            "min_above_max",
        ),
    ],
)
def test_rule_errors(mutate: Any, path: str, code: str) -> None:
    errs = errors_of(variant(mutate))
    assert (path, code) in {(e.path, e.code) for e in errs}, [str(e) for e in errs]
    assert all(e.message and e.message != e.code for e in errs)


@pytest.mark.parametrize("code", PROTOTYPES)
def test_prototypes_round_trip(code: str) -> None:
    reg = load_prototype(code)
    text = dump_regulation(reg)
    again = load_regulation(text)
    assert again == reg
    assert dump_regulation(again) == text
    # Clause numbers that look like numbers are quoted, so any YAML reader sees text.
    assert all(isinstance(c["number"], str) for c in yaml.safe_load(text)["clauses"])


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=60)
@given(
    amounts=st.lists(money, min_size=1, max_size=5),
    fraction=st.decimals(min_value=D("0.01"), max_value=1, places=3),
    days=st.integers(1, 5000),
    text=st.text(min_size=1, max_size=40).filter(lambda s: s.strip() == s and s),
)
def test_round_trip_generated(
    amounts: list[Decimal], fraction: Decimal, days: int, text: str
) -> None:
    d = {
        "format": 1,
        "code": "gen",
        "title_th": text,
        "clauses": [{"number": "1", "text_th": text}],
        "membership": {"waiting_periods": [{"days": days, "clause": "1"}]},
        "benefits": [
            {
                "code": f"b{i}",
                "kind": "other",
                "name_th": text,
                "clause": "1",
                "amount": str(a),
                "relatives": [
                    {"relative": "self"},
                    {"relative": "child", "fraction": str(fraction)},
                ],
                "caps": [{"period": "year", "amount": str(a)}],
            }
            for i, a in enumerate(amounts)
        ],
    }
    reg = regulation_from_dict(d)
    assert load_regulation(dump_regulation(reg)) == reg
    assert [b.amount for b in reg.benefits] == amounts
