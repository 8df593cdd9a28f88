from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction

from kongtun.assessment import demo as assessment_demo
from kongtun.demo.people import DEMO_FUNDS, create_demo_fund
from kongtun.development import demo as development_demo
from kongtun.funds.models import Fund
from kongtun.network import demo as network_demo
from kongtun.network.services import rollups_deferred


# Each later domain (books, claims, …) appends a step: step(fund, rng=…, today=…).
def _steps() -> list[Callable[..., None]]:
    from kongtun.claims import demo as claims_demo
    from kongtun.contributions import demo as contributions_demo
    from kongtun.governance import demo as governance_demo
    from kongtun.ledger import demo as ledger_demo
    from kongtun.reports import demo as reports_demo

    # governance_demo records the meetings before claims_demo approves the regulation versions
    # and the claims they decided (both cite the meetings' resolutions); reports_demo closes
    # every ended month: keep it last of the steps that post entries; ledger_demo banks and
    # draws the treasurer's cash once all the money has moved.
    return [
        contributions_demo.step,
        governance_demo.step,
        claims_demo.step,
        ledger_demo.step,
        reports_demo.step,
    ]


# network_demo last: the fund status reads the development process and the self-assessment.
STEPS: list[Callable[..., None]] = [development_demo.step, assessment_demo.step, network_demo.step]


@transaction.atomic
def load_demo(
    *,
    seed: int = 2552,
    today: dt.date,
    progress: Callable[[str, str], None] | None = None,
) -> list[Fund]:
    """Create the two pilot funds with members and history; same seed and date, same data.
    ``progress(fund, part)`` hears of each part as it starts (the command prints it: the load
    takes a few minutes on a laptop, and a silent terminal looks stuck)."""
    say = progress or (lambda fund, part: None)
    funds = []
    for i, spec in enumerate(DEMO_FUNDS):
        rng = random.Random(seed * 100 + i)
        say(spec.name_en, "members")
        fund = create_demo_fund(spec, rng=rng, today=today)
        with rollups_deferred():  # network_demo rebuilds them once per fund
            for step in _steps() + STEPS:
                say(spec.name_en, step.__module__.split(".")[1])
                step(fund, rng=rng, today=today)
        funds.append(fund)
    for final in _after_all():
        say("", final.__module__.split(".")[1])
        final(funds, today=today)
    return funds


def _after_all() -> list[Callable[..., object]]:
    """Steps over all the demo funds at once, after each fund's own steps: a lessons-learned
    study covers both pilot funds (kongtun/aar/demo.py)."""
    from kongtun.aar import demo as aar_demo

    return [aar_demo.build]
