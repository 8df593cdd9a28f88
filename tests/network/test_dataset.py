"""The synthetic network: refused before it starts when it would not fit the disk; built
through the import paths, its roll-ups agree with its books."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import namedtuple
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from kongtun.contributions.models import ContributionPayment
from kongtun.funds.models import Fund
from kongtun.network.dataset import network_dataset_build
from kongtun.network.models import FundMonth, FundStatus

pytestmark = pytest.mark.django_db
Usage = namedtuple("Usage", "total used free")


def test_a_scale_that_does_not_fit_the_disk_is_refused_before_anything_is_written(
    monkeypatch, capsys
):
    before = Fund.objects.count()
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**9, 10**9 - 10**8, 10**8))
    with pytest.raises(CommandError, match=r"only 0\.1 GB are free"):
        call_command("network_dataset", scale=0.01)
    with pytest.raises(CommandError, match="above 0 and at most 1"):
        call_command("network_dataset", scale=2)
    assert Fund.objects.count() == before


def test_a_small_network_is_built_through_the_imports_and_rolled_up(world):
    result = network_dataset_build(scale=0.0002, members_per_fund=25, today=dt.date(2026, 11, 25))
    assert result["funds"] == 1
    fund = Fund.objects.get(short_code="SYN0001")
    assert fund.is_demo and fund.members.count() >= 20
    months = FundMonth.objects.filter(fund=fund)
    assert months.filter(month__gte=dt.date(2021, 11, 1)).count() == 60
    # every baht paid in the five years is in the roll-ups' contributions
    paid = ContributionPayment.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"]
    assert months.aggregate(s=Sum("contributions"))["s"] == paid
    assert months.aggregate(s=Sum("benefits"))["s"] > Decimal("0")
    assert FundStatus.objects.get(fund=fund).last_closed == dt.date(2026, 10, 1)


def test_side_by_side_parts_build_each_fund_once_and_resume(world):
    """``network_dataset --jobs j`` runs j processes, each building the funds numbered k
    modulo j; a part run again skips what is built (an interrupted build resumes)."""
    day = dt.date(2026, 11, 25)
    network_dataset_build(scale=0.00035, members_per_fund=25, today=day, part=(1, 2))
    assert list(
        Fund.objects.filter(short_code__startswith="SYN").values_list("short_code", flat=True)
    ) == ["SYN0002"]
    second = Fund.objects.get(short_code="SYN0002")
    members = second.members.count()
    network_dataset_build(scale=0.00035, members_per_fund=25, today=day, part=(0, 2))
    network_dataset_build(scale=0.00035, members_per_fund=25, today=day, part=(1, 2))  # resumes
    codes = Fund.objects.filter(short_code__startswith="SYN").order_by("short_code")
    assert [f.short_code for f in codes] == ["SYN0001", "SYN0002"]
    assert Fund.objects.get(short_code="SYN0002").members.count() == members  # not built twice
    assert FundStatus.objects.filter(fund__in=codes).count() == 2
