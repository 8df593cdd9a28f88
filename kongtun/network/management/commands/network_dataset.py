"""``manage.py network_dataset --scale S [--seed N]``: a synthetic network at scale S of the
national one (0.01: 57 funds, about 40,000 members, five years of payments and books), built
through the import paths (``network.dataset``). Refused before it starts when the disk is too
small. Resumes after the funds already built."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kongtun.network.dataset import ScaleRefused, dataset_check, network_dataset_build


class Command(BaseCommand):
    help = "Build a synthetic network of funds at a scale of the national one."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, required=True)
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument("--check", action="store_true", help="only say what it would take")

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
        result = network_dataset_build(
            scale=options["scale"], seed=options["seed"], progress=self.stdout.write
        )
        self.stdout.write(
            f"Built {result['funds']} funds, {result['members']:,} members, "
            f"{result['payments']:,} payments in {result['seconds']} s."
        )
