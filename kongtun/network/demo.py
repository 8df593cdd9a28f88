"""Demo step (after every other): the network over the two demo funds. Their roll-ups are
written here for every closed month at once (the loader defers them during its closes), with
the fund status reading the development process and self-assessment. Ban Thi reports its last
twelve months to the network: its signing key, registered by the coordinator, the packages
signed and received by push (both sides live in the one demo database) — the coordinator's
page of Ban Thi shows them."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model

from kongtun.funds.models import Fund
from kongtun.ledger.models import MonthClose
from kongtun.network.models import RegisteredKey
from kongtun.network.packages import (
    package_file,
    package_make,
    package_receive,
    signing_key_ensure,
)
from kongtun.network.services import fund_rollup_rebuild

REPORTING_FUND = "BANTHI"
MONTHS_REPORTED = 12


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    fund_rollup_rebuild(fund=fund)  # every closed month at once (the closes deferred them)
    if fund.short_code != REPORTING_FUND:
        return
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    key = signing_key_ensure(fund=fund)
    RegisteredKey.objects.get_or_create(
        fund=fund, defaults={"public_key": key.public_key, "registered_by": coordinator}
    )
    closes = list(MonthClose.objects.filter(fund=fund).order_by("-month")[:MONTHS_REPORTED])
    for close in reversed(closes):
        package = package_make(close=close)
        package_receive(raw=package_file(package), via="push", actor=coordinator)
        package.pushed_at = package.created_at
        package.save(update_fields=["pushed_at"])
