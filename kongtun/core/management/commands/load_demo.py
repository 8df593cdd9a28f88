from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from kongtun.demo.loader import load_demo
from kongtun.demo.people import DEMO_PASSWORD, demo_funds_exist, demo_logins

#: What each part of the load writes, as the progress lines name it.
PARTS = {
    "members": "members, villages and committee",
    "contributions": "contributions and receipts, every meeting since founding",
    "governance": "meetings and resolutions",
    "claims": "regulation versions and claims",
    "ledger": "bank deposits and withdrawals",
    "reports": "closing every ended month",
    "development": "development process",
    "assessment": "self-assessment rounds",
    "network": "network figures",
    "aar": "a lessons-learned study over both funds",
}


class Command(BaseCommand):
    help = "Load the demo: the two pilot funds (Banthi, Thaneun) with synthetic members."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2552)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the demo is already loaded"
        )
        parser.add_argument("--logins", action="store_true", help="only print the demo logins")
        parser.add_argument(
            "--url",
            default=None,
            help="the address the server will answer on (default: from HOST and PORT, as make run)",
        )

    def handle(self, *args, seed: int, if_empty: bool, logins: bool, url: str | None, **options):
        if not url:
            host = os.environ.get("HOST") or "127.0.0.1"
            host = "localhost" if host in ("0.0.0.0", "::") else host
            url = f"http://{host}:{os.environ.get('PORT') or 8000}/"
        if not logins:
            if demo_funds_exist():
                if not if_empty:
                    self.stderr.write("The demo is already loaded.")
            else:
                started = time.monotonic()
                self.stdout.write("Loading the demo funds (a few minutes on a laptop) …")

                def progress(fund: str, part: str) -> None:
                    where = f"{fund}: " if fund else ""
                    self.stdout.write(
                        f"  {time.monotonic() - started:5.0f} s  {where}{PARTS.get(part, part)}"
                    )
                    self.stdout.flush()

                funds = load_demo(seed=seed, today=timezone.localdate(), progress=progress)
                self.stdout.write(
                    f"Loaded {len(funds)} demo funds in {time.monotonic() - started:.1f} s."
                )
        self.stdout.write("")
        self.stdout.write(f"Kongtun demo — open {url} and log in as:")
        for username, what in demo_logins():
            self.stdout.write(f"  {username:<20} {what}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
