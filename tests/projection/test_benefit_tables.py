"""The projection pays what the regulation engine decides: its keyed tables equal ``decide`` for
every cell tried, and the per-year payout distribution of capped benefits equals the
distribution obtained by deciding every possible sequence of a year's events one by one."""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal

import pytest

from kongtun.projection.engine.benefits import (
    EventType,
    benefit_tables,
    nights_distribution,
    synthetic_event,
    synthetic_history,
    year_payout_distribution,
)
from kongtun.regulations.engine import PROTOTYPES, decide, load_prototype, load_regulation

AGES = (0, 15, 30, 59, 60, 65, 66, 100)
DURS = (0, 1, 2, 5, 6, 10, 14, 15, 20, 21, 45, 46)
CELLS = [(a, s, d, pm) for a in AGES for s in (0, 1) for d in DURS for pm in (1, 12) if d <= a]


def direct(reg, ev: EventType, cell, claims=(), *, death=False):
    """``decide`` itself, for a fresh synthetic member (no cache, no key)."""
    a, s, d, pm = cell
    h = synthetic_history(a, s, d, pm, claims, death=death)
    dec = decide(reg, h, synthetic_event(ev, a, s))
    return dec.amount if dec.eligible else Decimal("0.00")


@pytest.mark.parametrize("code", PROTOTYPES)
def test_keyed_tables_equal_decide_for_every_cell(code):
    reg = load_prototype(code)
    t = benefit_tables(reg, mean_nights=4.25)
    events = list(t.uncapped) + [e for _, evs in t.components for e in evs]
    events += [
        EventType(c, "pension", 1.0, months=12 if reg.index.benefits[c].per == "month" else None)
        for c in t.pensions
    ]
    events += [EventType(c, "lump", 1.0) for c in t.lumps]
    checked = 0
    for cell in CELLS:
        for ev in events:
            assert t.decider.amount(ev, *cell)[0] == direct(reg, ev, cell), (code, ev, cell)
            checked += 1
        for b in t.deaths:
            assert t.decider.death_amount(b, *cell) == direct(
                reg, EventType(b, "death", 1.0), cell, death=True
            ), (code, b, cell)
    assert checked > 0 or not events


def test_the_tables_find_what_each_kind_of_benefit_pays_for():
    t = benefit_tables(load_prototype("banthi"), mean_nights=4.25)
    assert t.deaths == ["funeral"]
    assert t.pensions == ["old_age"]
    assert {e.source for e in t.uncapped} == {
        "birth",
        "spouse_death",
        "mother_death",
        "father_death",
    }
    comps = {codes: {e.source for e in evs} for codes, evs in t.components}
    assert comps[("hospital", "outpatient")] == {"hospital", "outpatient"}
    assert comps[("education",)] == {"education"}
    assert t.lifetime_caps == []  # every lifetime cap is remembered across years
    assert t.lifetime_limits == {"birth": 3}  # 3 units, one child a claim: 3 claims
    t2 = benefit_tables(load_prototype("thaneun"), mean_nights=4.25)
    assert ("hospital", "relatives_partly") in t2.not_modelled  # children's stays


@pytest.mark.parametrize("code", ["banthi", "thaneun", "chamung", "trat_mettatham"])
def test_longer_stays_than_the_last_grouped_night_are_decided_alike(code):
    """Stays of L* nights or more are one event type: check every longer stay, on every cell,
    with and without earlier claims in the year."""
    reg = load_prototype(code)
    t = benefit_tables(reg, mean_nights=4.25)
    hosp = [
        e
        for e in [*t.uncapped, *[e for _, evs in t.components for e in evs]]
        if e.source == "hospital"
    ]
    assert hosp
    by_benefit = defaultdict(list)
    for e in hosp:
        by_benefit[e.benefit].append(e)
    for benefit, evs in by_benefit.items():
        last = max(e.nights for e in evs)
        total = sum(e.factor for e in evs)
        assert total == pytest.approx(1.0)
        states = [
            (),
            ((benefit, 1, 3, Decimal("300.00")),),
            ((benefit, 2, 12, Decimal("1200.00")),),
        ]
        for cell in CELLS[::7]:
            for claims in states:
                ref = direct(reg, EventType(benefit, "hospital", 1.0, nights=last), cell, claims)
                for nights in (last + 1, last + 5, 60):
                    got = direct(
                        reg, EventType(benefit, "hospital", 1.0, nights=nights), cell, claims
                    )
                    assert got == ref, (code, nights, cell, claims)


def test_keyed_decisions_with_claims_of_the_year_equal_decide():
    reg = load_prototype("banthi")
    t = benefit_tables(reg, mean_nights=4.25)
    evs = next(evs for codes, evs in t.components if "hospital" in codes)
    states = [
        (),
        (("hospital", 0, 0, Decimal("1400.00")),),
        (("hospital", 0, 0, Decimal("1500.00")),),
        (("hospital", 0, 0, Decimal("900.00")), ("outpatient", 5, 0, Decimal("250.00"))),
        (("outpatient", 6, 0, Decimal("300.00")),),
    ]
    for cell in CELLS[::5]:
        for claims in states:
            for ev in evs:
                assert t.decider.amount(ev, *cell, claims)[0] == direct(reg, ev, cell, claims)


CAPPED = """
format: 1
code: capped
title_th: ทดสอบเพดาน
clauses: [{number: "1", text_th: x}]
benefits:
  - code: hospital
    kind: hospital
    name_th: นอนโรงพยาบาล
    clause: "1"
    per: night
    amount: 100
    caps:
      - {period: event, units: 3}
      - {period: year, amount: 400}
  - code: outpatient
    kind: outpatient
    name_th: ผู้ป่วยนอก
    clause: "1"
    amount: 50
    caps:
      - {period: year, times: 2}
group_caps:
  - {name: medical, benefits: [hospital, outpatient], period: year, amount: 450, clause: "1"}
"""


def test_year_distribution_equals_deciding_every_sequence_of_events():
    """Enumerate every sequence of up to 9 events (Poisson count, each a hospital stay of
    1, 2 or 3+ nights or a visit), decide it claim by claim with ``decide`` itself, and compare
    the whole payout distribution with the table's."""
    reg = load_regulation(CAPPED)
    t = benefit_tables(reg, mean_nights=2.0)
    codes, evs = t.components[0]
    rates = tuple(0.4 * e.factor if e.source == "hospital" else 0.5 for e in evs)
    cell = (40, 0, 3, 1)
    dist = year_payout_distribution(t.decider, evs, rates, cell, codes)
    total = sum(rates)
    weights = [r / total for r in rates]
    exact: dict[float, float] = defaultdict(float)
    means = defaultdict(float)
    n_max = 9
    memo: dict = {}

    def claim(claims: tuple, i: int):
        key = (claims, i)
        if key not in memo:
            a, s, d, pm = cell
            h = synthetic_history(a, s, d, pm, claims)
            memo[key] = decide(reg, h, synthetic_event(evs[i], a, s))
        return memo[key]

    def walk(seq_left: int, claims: tuple, paid: dict, p: float, p_rest: float) -> None:
        """Every sequence: ``p`` = probability of the events so far given their number."""
        if seq_left == 0:
            exact[sum(paid.values())] += p * p_rest
            for b, v in paid.items():
                means[b] += p * p_rest * v
            return
        for i, w in enumerate(weights):
            dec = claim(claims, i)
            new_claims, new_paid = claims, paid
            if dec.eligible and dec.amount > 0:
                used = {b: [t, u, m] for b, t, u, m in claims}
                x = used.setdefault(evs[i].benefit, [0, 0, Decimal("0.00")])
                x[0] += 1
                x[1] += dec.units
                x[2] += dec.amount
                new_claims = tuple((b, *x) for b, x in sorted(used.items()))
                new_paid = dict(paid)
                new_paid[evs[i].benefit] = new_paid.get(evs[i].benefit, 0.0) + float(dec.amount)
            walk(seq_left - 1, new_claims, new_paid, p * w, p_rest)

    for n in range(n_max + 1):
        walk(n, (), {}, 1.0, math.exp(-total) * total**n / math.factorial(n))
    tail = 1 - sum(exact.values())
    assert tail < 1e-6
    got = dict(zip(dist.values, dist.probs, strict=True))
    assert dist.p_zero == pytest.approx(exact[0.0], abs=2e-6)
    for value, p in exact.items():
        if value > 0:
            assert got.get(value, 0.0) == pytest.approx(p, abs=2e-6), value
    assert max(dist.values) <= 450  # the group cap
    for b in codes:
        assert dist.means[b] == pytest.approx(means[b], abs=1e-3)
    assert dist.mean == pytest.approx(sum(dist.means.values()))


def test_nights_distribution_is_geometric_with_the_given_mean():
    p = nights_distribution(4.25)
    assert sum(p) == pytest.approx(1.0)
    assert sum((k + 1) * v for k, v in enumerate(p)) == pytest.approx(4.25, rel=1e-3)
    assert nights_distribution(1.0)[0] == 1.0


def test_a_funds_own_nights_replace_the_geometric_law():
    """Thaneun pays 150 baht a night, at most 1,000 a stay. The geometric law of 4.25 nights
    puts a fifth of the stays at one night; a fund whose stays all last four nights gets 600
    baht a stay, all of them four-night stays (decision 0024)."""
    shares = {4: 1.0}
    probs = nights_distribution(4.25, shares)
    assert probs[3] == 1.0 and sum(probs) == pytest.approx(1.0)
    assert nights_distribution(4.25)[0] == pytest.approx(1 / 4.25)
    t = benefit_tables(load_prototype("thaneun"), mean_nights=4.0, nights_shares=shares)
    stays = [e for _codes, evs in t.components for e in evs if e.source == "hospital"]
    weights = {e.nights: e.factor for e in stays if e.relative == "self"}
    assert weights.get(4) == 1.0 and sum(weights.values()) == pytest.approx(1.0)
