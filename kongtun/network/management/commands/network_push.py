"""``manage.py network_push URL [--fund CODE] [--token TOKEN]``: send the fund's signed report
packages not yet sent to the network at URL (its address, e.g. https://network.example.org/),
oldest first, with a network coordinator's API token (``--token`` or ``KONGTUN_NETWORK_TOKEN``).
Stops at the first refusal and says why; a package the network already holds counts as sent."""

from __future__ import annotations

import os

import requests
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kongtun.funds.models import Fund
from kongtun.network.models import ReportPackage
from kongtun.network.packages import package_file

ENDPOINT = "api/v1/network/packages"


def endpoint(url: str) -> str:
    url = url.strip()
    if url.rstrip("/").endswith(ENDPOINT):
        return url.rstrip("/")
    return url.rstrip("/") + "/" + ENDPOINT


class Command(BaseCommand):
    help = "Send the fund's signed monthly report packages to its network."

    def add_arguments(self, parser) -> None:
        parser.add_argument("url", help="the network's address")
        parser.add_argument("--fund", help="short code of the fund (default: every fund here)")
        parser.add_argument("--token", help="API token (default: $KONGTUN_NETWORK_TOKEN)")
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, **options) -> None:
        token = options["token"] or os.environ.get("KONGTUN_NETWORK_TOKEN", "")
        if not token:
            raise CommandError("Give the network's API token: --token or KONGTUN_NETWORK_TOKEN.")
        packages = ReportPackage.objects.filter(pushed_at__isnull=True).select_related("fund")
        if options["fund"]:
            fund = Fund.objects.filter(short_code=options["fund"].upper()).first()
            if fund is None:
                raise CommandError(f"No fund with the short code {options['fund']}.")
            packages = packages.filter(fund=fund)
        url = endpoint(options["url"])
        sent = 0
        for package in packages.order_by("fund_id", "month"):
            label = f"{package.fund.short_code} {package.month:%Y-%m}"
            try:
                response = requests.post(
                    url,
                    data=package_file(package),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                    timeout=options["timeout"],
                )
            except requests.RequestException as exc:
                raise CommandError(f"{label}: the network cannot be reached ({exc}).") from None
            if response.status_code in (200, 201):
                package.pushed_at = timezone.now()
                package.save(update_fields=["pushed_at"])
                sent += 1
                self.stdout.write(f"{label}: kept by the network")
                continue
            try:
                body = response.json()
                why = f"{body.get('reason') or ''} {body.get('detail') or ''}".strip()
            except ValueError:
                why = response.text[:200]
            raise CommandError(f"{label}: refused ({response.status_code}): {why}")
        self.stdout.write(f"{sent} package(s) sent.")
