"""``manage.py network_dataset --scale S [--seed N]``: a synthetic network at scale S of the
national one (0.01: 57 funds, about 40,000 members, five years of payments and books), built
through the import paths (``network.dataset``). Refused before it starts when the disk is too
small. Resumes after the funds already built."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from kongtun.network.dataset import ScaleRefused, dataset_check, network_dataset_build


class Command(BaseCommand):
    help = "Build a synthetic network of funds at a scale of the national one."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, required=True)
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument("--check", action="store_true", help="only say what it would take")
        parser.add_argument(
            "--jobs", type=int, default=1, help="build with this many processes side by side"
        )
        parser.add_argument("--part", default="0/1", help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        try:
            plan = dataset_check(options["scale"])
        except ScaleRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{plan.funds:,} funds, {plan.members:,} members, about {plan.payments:,} payments, "
            f"about {plan.bytes_needed / 1e9:.2f} GB ({plan.bytes_free / 1e9:.0f} GB free)."
        )
        if options["check"]:
            return
        jobs = options["jobs"]
        if not 1 <= jobs <= 64:
            raise CommandError("--jobs is a number of processes from 1 to 64.")
        if jobs > 1:
            self._side_by_side(options, jobs)
            return
        try:
            k, j = (int(x) for x in options["part"].split("/"))
        except ValueError:
            raise CommandError("--part is k/j") from None
        result = network_dataset_build(
            scale=options["scale"], seed=options["seed"], progress=self.stdout.write, part=(k, j)
        )
        self.stdout.write(
            f"Built {result['funds']} funds, {result['members']:,} members, "
            f"{result['payments']:,} payments in {result['seconds']} s."
        )

    def _side_by_side(self, options, jobs: int) -> None:
        """Each process builds the funds numbered k modulo ``jobs`` in its own transactions
        (a fund is whole or absent), so the processes never write the same fund."""
        start = time.perf_counter()
        base = [sys.executable, sys.argv[0], "network_dataset", "--scale", str(options["scale"])]
        base += ["--seed", str(options["seed"])]
        procs = [subprocess.Popen([*base, "--part", f"{k}/{jobs}"]) for k in range(jobs)]
        codes = [p.wait() for p in procs]
        if any(codes):
            raise CommandError(f"A build process failed (exit codes {codes}); run again to resume.")
        from kongtun.contributions.models import ContributionPayment
        from kongtun.members.models import Member

        synthetic = {"fund__short_code__startswith": "SYN"}
        self.stdout.write(
            f"Built with {jobs} processes: "
            f"{Member.objects.filter(fund__short_code__startswith='SYN').count():,} members, "
            f"{ContributionPayment.objects.filter(**synthetic).count():,} payments "
            f"in {time.perf_counter() - start:.0f} s."
        )
